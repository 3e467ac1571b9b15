"""Writing events: insert, patch, update and delete with Calendar v3's rules.

Used by the wire handlers and by the seeding API alike (the latter ``trusted``: it may set
the organizer, the creator, timestamps and Google-only event types). Every write stamps the
event with ``updated``, an ``etag`` and a fresh global change number, which is what sync
tokens compare against.
"""

from __future__ import annotations

import base64
import copy
from typing import Any
from zoneinfo import ZoneInfo

from calsync.emulation import Clock
from calsync_gmail.emulator import _series
from calsync_gmail.emulator._errors import ApiError, invalid, not_found
from calsync_gmail.emulator._store import Calendar, NotificationRequest, Store, new_event_id
from calsync_gmail.emulator._times import format_stamp
from calsync_gmail.emulator._validate import (
    INSERT_ONLY,
    SEED_ONLY,
    WRITABLE,
    check_event_id,
    merge_patch,
    strip,
    validate,
)

#: Fields whose change moves the event in time (and bumps ``sequence``).
_TIMING = ("start", "end", "recurrence")


class EventWriter:
    """Apply event writes to a :class:`Store`, reading the time from ``clock``."""

    def __init__(self, store: Store, clock: Clock) -> None:
        """Write into ``store``; ``clock`` dates ``created``/``updated``."""
        self.store = store
        self.clock = clock

    # -- helpers --------------------------------------------------------------------

    def _stamp(
        self, calendar: Calendar, event: dict[str, Any], *, keep_updated: bool = False
    ) -> None:
        seq = self.store.bump()
        if not keep_updated or "updated" not in event:
            event["updated"] = format_stamp(self.clock.now())
        millis = int(self.clock.now().timestamp() * 1000)
        event["etag"] = f'"{millis * 1000 + seq % 1000}"'
        calendar.events[event["id"]] = event
        calendar.changes[event["id"]] = seq

    @staticmethod
    def _zone(calendar: Calendar) -> ZoneInfo:
        return ZoneInfo(calendar.time_zone)

    def _allowed(self, trusted: bool) -> frozenset[str]:
        return WRITABLE | SEED_ONLY if trusted else WRITABLE

    def _cancel_orphans(self, calendar: Calendar, master: dict[str, Any]) -> None:
        """Cancel exceptions whose original start the changed master no longer produces."""
        for exception in _series.exceptions_of(calendar, master["id"]):
            if _series.is_cancelled(exception):
                continue
            split = _series.split_instance_id(exception["id"])
            alive = (
                split is not None
                and _series.is_master(master)
                and _series.has_occurrence(master, split[1], self._zone(calendar))
            )
            if not alive:
                exception["status"] = "cancelled"
                self._stamp(calendar, exception)

    # -- writes ---------------------------------------------------------------------

    def insert(
        self, calendar: Calendar, body: dict[str, Any], *, trusted: bool = False
    ) -> dict[str, Any]:
        """Insert a new event; 409 if a client-supplied id exists (tombstones included)."""
        fields = strip(body, self._allowed(trusted) | INSERT_ONLY)
        event_id = fields.pop("id", None) or new_event_id()
        check_event_id(str(event_id))
        if event_id in calendar.events:
            raise ApiError(409, "duplicate", "The requested identifier already exists.")
        validate(fields, previous=None, trusted=trusted)
        now = format_stamp(self.clock.now())
        owner = {"email": calendar.owner}
        organizer = (
            owner if calendar.primary else {"email": calendar.id, "displayName": calendar.summary}
        )
        eid = base64.urlsafe_b64encode(f"{event_id} {calendar.id}".encode()).decode().rstrip("=")
        event: dict[str, Any] = {
            "kind": "calendar#event",
            "id": event_id,
            "status": "confirmed",
            "htmlLink": f"https://www.google.com/calendar/event?eid={eid}",
            "created": now,
            "creator": owner,
            "organizer": organizer,
            "iCalUID": f"{event_id}@google.com",
            "sequence": 0,
            "reminders": {"useDefault": True},
            "eventType": "default",
        }
        event.update(fields)
        self._stamp(calendar, event, keep_updated=trusted)
        return event

    def modify(
        self,
        calendar: Calendar,
        event_id: str,
        body: dict[str, Any],
        *,
        replace: bool,
        trusted: bool = False,
    ) -> dict[str, Any]:
        """Patch (``replace=False``) or update (``replace=True``) an event or an instance.

        Writing to an instance id that has no exception yet creates one.
        """
        base = _series.instance(calendar, event_id, self._zone(calendar))
        if base is None:
            raise not_found()
        allowed = self._allowed(trusted)
        if replace:
            new = {k: copy.deepcopy(v) for k, v in base.items() if k not in WRITABLE}
            new["status"] = "confirmed"
            new["reminders"] = {"useDefault": True}
            new["eventType"] = base.get("eventType", "default")
            new.update(strip(body, allowed))
        else:
            new = copy.deepcopy(base)
            merge_patch(new, strip(body, allowed))
        if _series.is_exception(new) and new.get("recurrence"):
            raise invalid("Recurrence cannot be set on an instance of a recurring event.")
        validate(new, previous=base, trusted=trusted)
        moved = any(new.get(k) != base.get(k) for k in _TIMING)
        sequence = max(int(new.get("sequence", 0)), int(base.get("sequence", 0)))
        new["sequence"] = sequence + 1 if moved else sequence
        self._stamp(calendar, new, keep_updated=trusted and "updated" in body)
        if moved and _series.is_master(base):
            self._cancel_orphans(calendar, new)
        return new

    def delete(self, calendar: Calendar, event_id: str) -> dict[str, Any]:
        """Delete an event (it becomes a tombstone) or an instance (a cancelled exception).

        A second delete answers 410 ``deleted``.
        """
        event = _series.instance(calendar, event_id, self._zone(calendar))
        if event is None:
            raise not_found()
        if _series.is_cancelled(event):
            raise ApiError(410, "deleted", "Resource has been deleted")
        event = copy.deepcopy(event)
        event["status"] = "cancelled"
        self._stamp(calendar, event)
        return event

    # -- notifications ----------------------------------------------------------------

    def note_notifications(
        self, method: str, calendar: Calendar, event: dict[str, Any], query: dict[str, list[str]]
    ) -> None:
        """Record that a write asked Google to e-mail guests (nothing is ever sent)."""
        mode = (query.get("sendUpdates") or [""])[0]
        if not mode and (query.get("sendNotifications") or [""])[0] == "true":
            mode = "all"  # the deprecated flag means "all"
        if mode not in ("all", "externalOnly"):
            return
        organizer = str(event.get("organizer", {}).get("email", calendar.owner)).lower()
        guests = [
            str(a["email"])
            for a in event.get("attendees", [])
            if str(a["email"]).lower() not in (organizer, calendar.owner) and not a.get("resource")
        ]
        if mode == "externalOnly":
            # "External" = not a Google Calendar user, i.e. not a user of this emulator.
            guests = [g for g in guests if g.lower() not in self.store.users]
        if guests:
            record = NotificationRequest(method, calendar.owner, event["id"], mode, tuple(guests))
            self.store.notifications.append(record)
