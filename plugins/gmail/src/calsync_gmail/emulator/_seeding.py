"""The typed seed-and-read API: arrange a scenario and check the result, bypassing the wire.

Event writes go through the same :class:`EventWriter` rules as the wire (so a seeded event is
one Google would hold), but *trusted*: the organizer, creator, timestamps and Google-only
event types such as ``fromGmail`` may be set. Reads return events rendered for their owner,
in the calendar's zone, exactly as ``events.get`` would.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from calsync.emulation import Clock
from calsync_gmail.emulator import _series
from calsync_gmail.emulator._calendar_api import CalendarApi
from calsync_gmail.emulator._gmail import GmailApi
from calsync_gmail.emulator._oauth import OAuthServer
from calsync_gmail.emulator._recurrence import DEFAULT_HORIZON
from calsync_gmail.emulator._render import render_event
from calsync_gmail.emulator._store import (
    Attachment,
    Calendar,
    Message,
    NotificationRequest,
    Store,
    User,
    new_event_id,
)
from calsync_gmail.emulator._times import zone


class SeedApi:
    """Seeding and read-back methods of :class:`~calsync_gmail.emulator.GoogleEmulator`."""

    store: Store
    oauth: OAuthServer
    clock: Clock
    _calendar: CalendarApi
    _lock: threading.RLock

    # -- users and calendars ------------------------------------------------------------

    def add_user(
        self, email: str, *, time_zone: str = "UTC", display_name: str | None = None
    ) -> None:
        """Create a user with a primary calendar in ``time_zone`` and a fresh mailbox."""
        zone(time_zone)  # KeyError for an unknown zone
        key = email.lower()
        with self._lock:
            if key in self.store.users:
                raise ValueError(f"user {email} exists")
            user = User(key, display_name or key.split("@")[0])
            user.calendars[key] = Calendar(key, key, key, time_zone, primary=True)
            self.store.users[key] = user

    def add_calendar(self, email: str, summary: str, *, time_zone: str | None = None) -> str:
        """Add a secondary calendar to ``email``; return its id."""
        with self._lock:
            user = self.store.user(email)
            calendar_id = f"{new_event_id()}@group.calendar.google.com"
            tz = time_zone or user.primary.time_zone
            zone(tz)
            user.calendars[calendar_id] = Calendar(calendar_id, user.email, summary, tz)
            return calendar_id

    def _cal(self, email: str, calendar: str) -> Calendar:
        return self.store.calendar(email, calendar)

    # -- events ---------------------------------------------------------------------

    def seed_event(self, email: str, body: dict[str, Any], calendar: str = "primary") -> str:
        """Store an event as if the user had created it; return its id."""
        with self._lock:
            return str(
                self._calendar.writer.insert(self._cal(email, calendar), body, trusted=True)["id"]
            )

    def patch_event(
        self, email: str, event_id: str, changes: dict[str, Any], calendar: str = "primary"
    ) -> dict[str, Any]:
        """Patch an event or an instance (creating an exception) as the user would."""
        with self._lock:
            cal = self._cal(email, calendar)
            event = self._calendar.writer.modify(
                cal, event_id, changes, replace=False, trusted=True
            )
            return render_event(event, caller=cal.owner, tz=ZoneInfo(cal.time_zone))

    def delete_event(self, email: str, event_id: str, calendar: str = "primary") -> None:
        """Delete an event or an instance as the user would."""
        with self._lock:
            self._calendar.writer.delete(self._cal(email, calendar), event_id)

    def event(self, email: str, event_id: str, calendar: str = "primary") -> dict[str, Any] | None:
        """Return the event (or instance) ``event_id`` as its owner sees it, or ``None``."""
        with self._lock:
            cal = self._cal(email, calendar)
            tz = ZoneInfo(cal.time_zone)
            found = _series.instance(cal, event_id, tz)
            return None if found is None else render_event(found, caller=cal.owner, tz=tz)

    def events(
        self, email: str, calendar: str = "primary", *, include_cancelled: bool = False
    ) -> list[dict[str, Any]]:
        """Every stored event: singles, masters and exceptions (tombstones if asked)."""
        with self._lock:
            cal = self._cal(email, calendar)
            tz = ZoneInfo(cal.time_zone)
            return [
                render_event(e, caller=cal.owner, tz=tz)
                for e in cal.events.values()
                if include_cancelled or not _series.is_cancelled(e)
            ]

    def instances(
        self,
        email: str,
        master_id: str,
        calendar: str = "primary",
        *,
        until: datetime | None = None,
        include_cancelled: bool = False,
    ) -> list[dict[str, Any]]:
        """Return the instances of ``master_id`` before ``until`` (default: two years on)."""
        with self._lock:
            cal = self._cal(email, calendar)
            tz = ZoneInfo(cal.time_zone)
            master = cal.event(master_id)
            limit = until or self.clock.now() + DEFAULT_HORIZON
            return [
                render_event(i, caller=cal.owner, tz=tz)
                for i in _series.expand(cal, master, until=limit, window_zone=tz)
                if include_cancelled or not _series.is_cancelled(i)
            ]

    # -- gmail ----------------------------------------------------------------------

    def seed_label(self, email: str, name: str, **fields: str) -> str:
        """Create a user label (same rules as ``labels.create``); return its id."""
        with self._lock:
            box = self.store.user(email).mailbox
            return GmailApi().create_label(box, {"name": name, **fields}).id

    def labels(self, email: str) -> list[dict[str, Any]]:
        """Every label of ``email``'s mailbox, system labels first."""
        with self._lock:
            return [label.resource() for label in self.store.user(email).mailbox.labels.values()]

    def seed_message(
        self,
        email: str,
        *,
        labels: Iterable[str] = ("INBOX", "UNREAD"),
        subject: str = "",
        sender: str = "",
        to: Sequence[str] = (),
        body: str = "",
        thread_id: str | None = None,
        internal_date: datetime | None = None,
        attachments: Sequence[tuple[str, str, bytes]] = (),
    ) -> str:
        """Deliver a message into ``email``'s mailbox; return its id.

        :param attachments: ``(filename, MIME type, data)`` of each attached file.
        """
        with self._lock:
            box = self.store.user(email).mailbox
            label_ids = list(dict.fromkeys(labels))
            unknown = [label for label in label_ids if label not in box.labels]
            if unknown:
                raise KeyError(f"unknown label ids {unknown}")
            message_id = secrets.token_hex(8)
            headers = [
                ("From", sender or email),
                ("To", ", ".join(to) or email),
                ("Subject", subject),
            ]
            box.messages[message_id] = Message(
                id=message_id,
                thread_id=thread_id or message_id,
                label_ids=label_ids,
                internal_date=internal_date or self.clock.now(),
                headers=headers,
                body=body,
                history_id=box.bump(),
                attachments=tuple(
                    Attachment(secrets.token_hex(12), name, mime, data)
                    for name, mime, data in attachments
                ),
            )
            return message_id

    def message(self, email: str, message_id: str) -> dict[str, Any] | None:
        """Return a message as ``messages.get(format="full")`` renders it; ``None`` if unknown."""
        with self._lock:
            found = self.store.user(email).mailbox.messages.get(message_id)
            return None if found is None else GmailApi.message_resource(found)

    def searches(self, email: str) -> list[str]:
        """Every ``q`` that ``messages.list`` received for ``email``'s mailbox, in order."""
        with self._lock:
            return list(self.store.user(email).mailbox.searches)

    def messages(self, email: str) -> list[dict[str, Any]]:
        """Every message of ``email``'s mailbox, in delivery order."""
        with self._lock:
            return [
                GmailApi.message_resource(m)
                for m in self.store.user(email).mailbox.messages.values()
            ]

    # -- notifications and cursors ---------------------------------------------------

    @property
    def notifications(self) -> list[NotificationRequest]:
        """Every write that asked Google to notify guests (nothing is ever sent)."""
        with self._lock:
            return list(self.store.notifications)

    @property
    def notifications_requested(self) -> int:
        """How many writes asked for guest notifications (``sendUpdates`` all/externalOnly)."""
        with self._lock:
            return len(self.store.notifications)

    @property
    def sync_token_max_age(self) -> timedelta | None:
        """Return how old (emulator clock) a sync token may get before it answers 410."""
        return self.store.sync_token_max_age

    @sync_token_max_age.setter
    def sync_token_max_age(self, value: timedelta | None) -> None:
        with self._lock:
            self.store.sync_token_max_age = value

    def expire_sync_tokens(self, email: str | None = None) -> int:
        """Invalidate sync tokens (the next incremental list gets 410); return how many."""
        with self._lock:
            return self.store.expire_sync_tokens(email)
