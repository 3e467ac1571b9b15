"""The event and category routes of ``/users/{id}``: what a request does to a mailbox's store.

Each handler takes a :class:`Call` (the request, its mailbox, the time) and returns the
status and JSON body Graph documents for it:

* ``POST /events`` 201, ``PATCH /events/{id}`` 200, ``DELETE /events/{id}`` 204
  (https://learn.microsoft.com/en-us/graph/api/user-post-events,
  https://learn.microsoft.com/en-us/graph/api/event-update,
  https://learn.microsoft.com/en-us/graph/api/event-delete); an occurrence's id addresses
  it: updating it makes it an exception, deleting it cancels it;
* ``GET /events/{id}`` with ``$expand=singleValueExtendedProperties($filter=id eq '...')``
  and, for a series master, ``cancelledOccurrences`` when ``$select`` names it
  (https://learn.microsoft.com/en-us/graph/api/singlevaluelegacyextendedproperty-get);
* ``GET /events?$filter=singleValueExtendedProperties/Any(ep: ep/id eq '...' and ep/value eq '...')``
  (value compared case-insensitively, as documented there);
* ``GET /events/{id}/instances?startDateTime=...&endDateTime=...`` (both required;
  https://learn.microsoft.com/en-us/graph/api/event-list-instances);
* ``/outlook/masterCategories`` (https://learn.microsoft.com/en-us/graph/api/outlookuser-post-mastercategories).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from calsync.emulation import HttpRequest
from calsync.timezones import to_zoneinfo
from calsync_graph.emulator import recurrence
from calsync_graph.emulator.errors import NO_WINDOW, GraphError
from calsync_graph.emulator.render import (
    apply_body,
    occurrence,
    parse_occurrence_id,
    render,
)
from calsync_graph.emulator.store import (
    QUIET_FIELDS,
    Event,
    GraphStore,
    Mailbox,
    new_id,
    property_key,
)

__all__ = ["Call", "instances_between", "instant"]

_EXPAND_FILTER: Final = re.compile(r"id eq '([^']*)'")
_ANY_FILTER: Final = re.compile(
    r"^singleValueExtendedProperties/any\(\s*(\w+)\s*:\s*\1/id eq '([^']*)'"
    r"\s+and\s+\1/value\s+(eq|ne)\s+'((?:[^']|'')*)'\s*\)$",
    re.IGNORECASE,
)
COLOURS: Final = frozenset({"none", *(f"preset{n}" for n in range(25))})
PAGE: Final = 10


@dataclass(slots=True)
class Call:
    """One request against one mailbox."""

    request: HttpRequest
    store: GraphStore
    mailbox: Mailbox
    now: datetime
    #: ``https://graph.microsoft.com/v1.0`` as the client addressed it.
    base: str
    #: ``Prefer: outlook.timezone`` when sent.
    zone: str | None = None
    #: ``Prefer: outlook.body-content-type="text"`` was sent.
    text: bool = False
    #: Whether the change comes through the API (and mails attendees as Exchange would);
    #: the harness's changes stand for a person's own in Outlook and send nothing recorded.
    mail: bool = True

    @classmethod
    def direct(cls, store: GraphStore, mailbox: Mailbox, now: datetime) -> Call:
        """A call for the harness: no request, no mail."""
        request = HttpRequest.build("GET", "https://graph.microsoft.com/v1.0/", None, None)
        return cls(
            request, store, mailbox, now, "https://graph.microsoft.com/v1.0", text=True, mail=False
        )

    def _send(self, kind: str, event: Event) -> None:
        if self.mail:
            self.store.send(kind, event)

    def param(self, name: str) -> str | None:
        """A query parameter, its name in any case (the docs' own samples vary)."""
        wanted = name.lower()
        for key, values in self.request.query.items():
            if key.lower() == wanted and values:
                return values[0]
        return None

    # -- reading ----------------------------------------------------------------------------

    def event(self, event_id: str) -> Event:
        """The stored event, or the occurrence the id names; 404 when there is none."""
        found = self.mailbox.events.get(event_id)
        if found is not None:
            return found
        parsed = parse_occurrence_id(event_id)
        if parsed is not None:
            master = self.mailbox.events.get(parsed[0])
            if (
                master is not None
                and parsed[1] not in master.cancelled
                and parsed[1] in set(recurrence.occurrence_starts(master, parsed[1]))
            ):
                return occurrence(master, parsed[1])
        raise GraphError(
            404, "ErrorItemNotFound", "The specified object was not found in the store."
        )

    def view(self, event: Event) -> dict[str, Any]:
        """The event as ``GET`` answers it, with what ``$select`` / ``$expand`` ask for."""
        data = render(event, zone=self.zone, owner=self.mailbox.address, text=self.text)
        select = {s.strip() for s in (self.param("$select") or "").split(",") if s.strip()}
        expand = self.param("$expand") or ""
        if "cancelledOccurrences" in select and event.type == "seriesMaster":
            tz = to_zoneinfo(recurrence.series_zone(event)) or UTC
            data["cancelledOccurrences"] = [
                f"OID.{event.id}.{moment.astimezone(tz):%Y-%m-%d}"
                for moment in sorted(event.cancelled)
            ]
        if "exceptionOccurrences" in expand and event.type == "seriesMaster":
            data["exceptionOccurrences"] = [
                render(e, zone=self.zone, owner=self.mailbox.address, text=self.text)
                for e in self.mailbox.events.values()
                if e.series_master_id == event.id
            ]
        if "singleValueExtendedProperties" in expand:
            wanted = _EXPAND_FILTER.findall(expand)
            data["singleValueExtendedProperties"] = [
                {"id": name, "value": event.extended[key]}
                for name in wanted
                if (key := property_key(name)) is not None and key in event.extended
            ]
        return data

    def get(self, event_id: str) -> tuple[int, Any]:
        """``GET /events/{id}``."""
        return 200, self.view(self.event(event_id))

    def list(self) -> tuple[int, Any]:
        """``GET /events`` (optionally filtered on an extended property), paged by ``$top``/``$skip``."""
        events = [e for e in self.mailbox.events.values() if e.type != "occurrence"]
        text = (self.param("$filter") or "").strip()
        if text:
            match = _ANY_FILTER.match(text)
            key = property_key(match.group(2)) if match else None
            if match is None or key is None:
                raise GraphError(
                    400,
                    "ErrorInvalidUrlQueryFilter",
                    "The query filter contains one or more invalid nodes.",
                )
            value, negate = (
                match.group(4).replace("''", "'").lower(),
                match.group(3).lower() == "ne",
            )
            events = [
                e
                for e in events
                if key in e.extended and (e.extended[key].lower() == value) != negate
            ]
        events.sort(key=lambda e: (e.start, e.id))
        top = int(self.param("$top") or PAGE)
        skip = int(self.param("$skip") or 0)
        body: dict[str, Any] = {"value": [self.view(e) for e in events[skip : skip + top]]}
        if skip + top < len(events):
            query = "&".join(
                f"{k}={v[0]}" for k, v in self.request.query.items() if k not in ("$skip",)
            )
            user = self.mailbox.address
            body["@odata.nextLink"] = f"{self.base}/users/{user}/events?{query}&$skip={skip + top}"
        return 200, body

    def instances(self, event_id: str) -> tuple[int, Any]:
        """``GET /events/{id}/instances``: occurrences and exceptions in the window."""
        start, end = self.param("startDateTime"), self.param("endDateTime")
        if not start or not end:
            raise GraphError(
                400,
                "ErrorInvalidParameter",
                NO_WINDOW,
            )
        master = self.event(event_id)
        window = (instant(start), instant(end))
        return 200, {
            "value": [self.view(e) for e in instances_between(self.mailbox, master, *window)]
        }

    # -- writing ----------------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> tuple[int, Any]:
        """``POST /events``: a new event; invitations go to its attendees."""
        event = Event(id=new_id(), start=self.now, end=self.now, ical_uid=_uid())
        event.organizer = {"name": "", "address": self.mailbox.address}
        apply_body(event, body)
        if not {"start", "end"} <= body.keys():
            raise GraphError(400, "ErrorInvalidRequest", "An event needs a start and an end.")
        if event.recurrence is not None:
            event.type = "seriesMaster"
        self.store.touch(self.mailbox, event, self.now)
        self._send("invitation", event)
        return 201, render(event, zone=self.zone, owner=self.mailbox.address, text=self.text)

    def update(self, event_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        """``PATCH /events/{id}``; an occurrence becomes an exception."""
        event = self.event(event_id)
        if event.type == "occurrence":
            if "recurrence" in body:
                raise GraphError(400, "ErrorInvalidRequest", "An occurrence has no recurrence.")
            event.type = "exception"
        if event.type == "exception" and "recurrence" in body:
            raise GraphError(400, "ErrorInvalidRequest", "An exception has no recurrence.")
        changed = apply_body(event, body)
        if event.type == "singleInstance" and event.recurrence is not None:
            event.type = "seriesMaster"
        elif event.type == "seriesMaster" and event.recurrence is None:
            event.type = "singleInstance"
        if "recurrence" in changed or (event.type == "seriesMaster" and changed & {"start", "end"}):
            # A new pattern (or times) resets the series: its exceptions and cancellations go.
            for other in [
                e for e in self.mailbox.events.values() if e.series_master_id == event.id
            ]:
                self.store.drop(self.mailbox, other.id)
            event.cancelled.clear()
        self.store.touch(self.mailbox, event, self.now)
        if event.is_organizer and changed - QUIET_FIELDS:
            self._send("update", event)
        return 200, render(event, zone=self.zone, owner=self.mailbox.address, text=self.text)

    def delete(self, event_id: str) -> tuple[int, Any]:
        """``DELETE /events/{id}``; an organizer's meeting sends a cancellation."""
        event = self.event(event_id)
        if event.series_master_id is not None and event.original_start is not None:
            master = self.mailbox.events.get(event.series_master_id)
            if event.id in self.mailbox.events:
                self.store.drop(self.mailbox, event.id)
            if master is not None:
                master.cancelled.add(event.original_start)
                self.store.touch(self.mailbox, master, self.now)
        else:
            self.store.drop(self.mailbox, event.id)
        if event.is_organizer:
            self._send("cancellation", event)
        return 204, None

    def cancel(self, event_id: str) -> tuple[int, Any]:
        """``POST /events/{id}/cancel`` (organizer only): a cancellation, then a delete."""
        event = self.event(event_id)
        if not event.is_organizer:
            raise GraphError(
                400,
                "ErrorInvalidRequest",
                "Your request can't be completed. You need to be an organizer to cancel a meeting.",
            )
        self.delete(event_id)
        return 202, None

    def calendar(self) -> tuple[int, Any]:
        """``GET /calendar``: the mailbox's primary calendar.

        https://learn.microsoft.com/en-us/graph/api/calendar-get
        """
        owner = {"name": "", "address": self.mailbox.address}
        return 200, {"id": f"calendar-{self.mailbox.object_id}", "name": "Calendar", "owner": owner}

    # -- categories -------------------------------------------------------------------------

    def categories(self) -> tuple[int, Any]:
        """``GET /outlook/masterCategories``."""
        return 200, {"value": list(self.mailbox.categories.values())}

    def add_category(self, body: dict[str, Any]) -> tuple[int, Any]:
        """``POST /outlook/masterCategories``: a new name (unique, not renameable)."""
        name, colour = str(body.get("displayName") or ""), str(body.get("color") or "none")
        if not name or colour not in COLOURS:
            raise GraphError(
                400, "ErrorInvalidRequest", "A category needs a displayName and a valid color."
            )
        if name in self.mailbox.categories:
            raise GraphError(
                409, "ErrorDuplicateCategory", "A category with this name already exists."
            )
        entry = {"id": str(uuid.uuid4()), "displayName": name, "color": colour}
        self.mailbox.categories[name] = entry
        return 201, entry

    def recolour(self, category_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        """``PATCH /outlook/masterCategories/{id}``: only ``color`` can change."""
        entry = next((c for c in self.mailbox.categories.values() if c["id"] == category_id), None)
        if entry is None:
            raise GraphError(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        if "displayName" in body and body["displayName"] != entry["displayName"]:
            raise GraphError(400, "ErrorInvalidRequest", "A category cannot be renamed.")
        colour = str(body.get("color") or entry["color"])
        if colour not in COLOURS:
            raise GraphError(400, "ErrorInvalidRequest", "color has no such value.")
        entry["color"] = colour
        return 200, entry


def instances_between(
    mailbox: Mailbox, master: Event, start: datetime, end: datetime
) -> list[Event]:
    """The occurrences and exceptions of ``master`` overlapping [start, end), by start."""
    if master.type != "seriesMaster":
        return []
    exceptions = {
        e.original_start: e for e in mailbox.events.values() if e.series_master_id == master.id
    }
    found: list[Event] = []
    for moment in recurrence.occurrence_starts(master, end):
        if moment in master.cancelled:
            continue
        instance = exceptions.get(moment) or occurrence(master, moment)
        if instance.start < end and instance.end > start:
            found.append(instance)
    for exception in exceptions.values():
        if exception not in found and exception.start < end and exception.end > start:
            found.append(exception)
    return sorted(found, key=lambda e: e.start)


def instant(text: str) -> datetime:
    """A window bound: ISO 8601; an offset sets the zone, none means UTC (as the delta docs say)."""
    head, _, rest = text.replace("Z", "+00:00").partition(".")
    value = datetime.fromisoformat(head + rest.lstrip("0123456789"))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _uid() -> str:
    return "040000008200E00074C5B7101A82E008" + uuid.uuid4().hex.upper()
