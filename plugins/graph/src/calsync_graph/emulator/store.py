"""The Graph emulator's store: mailboxes, their events, categories, and the mail they would send.

An :class:`Event` is what Exchange Online holds for a single instance, a series master or
an exception; occurrences that follow their pattern have no record of their own and are
expanded on demand (:func:`calsync_graph.emulator.recurrence.occurrence_starts`), as in
Exchange. Every change bumps the mailbox's sequence number and the event's ``changeKey``,
and a deletion leaves a tombstone: calendarView delta reads both.

The outbox records every message a real mailbox would send on a change made through the
API (invitations, updates, cancellations), following the Graph documentation:

* "When an event is sent, the server sends invitations to all the attendees"
  (https://learn.microsoft.com/en-us/graph/api/user-post-events?view=graph-rest-1.0);
* an update of a meeting the mailbox organizes sends updates, but for its categories and
  extended properties (https://learn.microsoft.com/en-us/graph/api/event-update?view=graph-rest-1.0);
* "deleting the event on the organizer's calendar sends a cancellation message to the
  meeting attendees" (https://learn.microsoft.com/en-us/graph/api/event-delete?view=graph-rest-1.0).
"""

from __future__ import annotations

import base64
import itertools
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

__all__ = [
    "PUBLIC_STRINGS",
    "QUIET_FIELDS",
    "Event",
    "GraphStore",
    "Mailbox",
    "Message",
    "new_id",
    "property_key",
]

#: MAPI's PS_PUBLIC_STRINGS property set: EWS ``DistinguishedPropertySetId="PublicStrings"``.
PUBLIC_STRINGS: Final = "00020329-0000-0000-c000-000000000046"
#: Changes to a meeting the mailbox organizes that send no update: the mailbox's own
#: categories and MAPI properties. Graph documents updates for attendee changes and for
#: series masters, and no way to suppress them; any other change is taken to send one.
QUIET_FIELDS: Final = frozenset({"categories", "extended"})


def new_id() -> str:
    """An opaque, case-sensitive, URL-safe id like Exchange's (``-`` and ``_`` included)."""
    return "AAMkAG" + base64.urlsafe_b64encode(secrets.token_bytes(33)).decode("ascii")


def property_key(property_id: str) -> tuple[str, str, str] | None:
    """``"String {guid} Name X"`` as (type, guid, name); ``None`` when it is not that form.

    "You should access that extended property by only that format"; the name is
    case-sensitive, the GUID is not
    (https://learn.microsoft.com/en-us/graph/api/resources/extended-properties-overview).
    """
    parts = property_id.split(" ", 3)
    if len(parts) != 4 or parts[2].lower() != "name":
        return None
    kind, guid, _, name = parts
    return kind.lower(), guid.strip("{}").lower(), name


@dataclass(slots=True)
class Event:
    """One stored event (a single instance, a series master or an exception)."""

    id: str
    start: datetime
    end: datetime
    change_key: str = ""
    created: datetime | None = None
    modified: datetime | None = None
    subject: str = ""
    body: str = ""
    body_type: str = "text"
    location: str = ""
    start_zone: str = "UTC"
    end_zone: str = "UTC"
    is_all_day: bool = False
    sensitivity: str = "normal"
    show_as: str = "busy"
    categories: list[str] = field(default_factory=list)
    organizer: dict[str, str] | None = None
    attendees: list[dict[str, Any]] = field(default_factory=list)
    is_organizer: bool = True
    ical_uid: str = ""
    type: str = "singleInstance"
    series_master_id: str | None = None
    original_start: datetime | None = None
    recurrence: dict[str, Any] | None = None
    #: Original starts (UTC) of the cancelled occurrences of a master.
    cancelled: set[datetime] = field(default_factory=set)
    #: (type, guid, name) -> value of the single-value extended properties.
    extended: dict[tuple[str, str, str], str] = field(default_factory=dict)
    transaction_id: str | None = None
    seq: int = 0

    @property
    def is_meeting(self) -> bool:
        """Whether anyone is invited."""
        return bool(self.attendees)


@dataclass(frozen=True, slots=True)
class Message:
    """A message the mailbox would have sent: an invitation, an update or a cancellation."""

    kind: str
    event_id: str
    recipients: tuple[str, ...]


@dataclass(slots=True)
class Tombstone:
    """A deleted event, as delta reports it."""

    seq: int
    id: str
    start: datetime
    end: datetime


@dataclass(slots=True)
class Mailbox:
    """One Exchange Online mailbox with its primary calendar."""

    address: str
    object_id: str
    time_zone: str = "UTC"
    events: dict[str, Event] = field(default_factory=dict)
    tombstones: list[Tombstone] = field(default_factory=list)
    #: displayName -> {"id", "displayName", "color"} of the master category list.
    categories: dict[str, dict[str, str]] = field(default_factory=dict)
    seq: int = 0
    #: Delta tokens older than this sequence number are gone ("syncStateNotFound").
    horizon: int = 0
    #: The app may not open this mailbox (an application access policy or RBAC scope).
    blocked: bool = False
    #: The entries of the delta round being paged through, keyed by its window, its
    #: sequence numbers and the mailbox's (any change computes them again).
    delta_pages: tuple[tuple[Any, ...], list[dict[str, Any]]] | None = None


class GraphStore:
    """Every mailbox of one emulated tenant, and the messages their changes would send."""

    def __init__(self) -> None:
        """Start empty."""
        self.mailboxes: dict[str, Mailbox] = {}
        self.outbox: list[Message] = []
        self._keys = itertools.count(1)

    def add_mailbox(self, address: str, *, time_zone: str = "UTC") -> Mailbox:
        """Create (or return) the mailbox ``address``."""
        key = address.lower()
        if key not in self.mailboxes:
            self.mailboxes[key] = Mailbox(
                address=key, object_id=str(uuid.uuid4()), time_zone=time_zone
            )
        return self.mailboxes[key]

    def find(self, user: str) -> Mailbox | None:
        """The mailbox of ``/users/{user}``: its address (any case) or its object id."""
        found = self.mailboxes.get(user.lower())
        if found is not None:
            return found
        return next((m for m in self.mailboxes.values() if m.object_id == user.lower()), None)

    def touch(self, mailbox: Mailbox, event: Event, now: datetime) -> Event:
        """Record a change of ``event``: a new sequence number and change key."""
        mailbox.seq += 1
        event.seq = mailbox.seq
        event.change_key = f"DwAAABYAAA{next(self._keys):08d}"
        event.modified = now
        if event.created is None:
            event.created = now
        mailbox.events[event.id] = event
        return event

    def drop(self, mailbox: Mailbox, event_id: str) -> Event | None:
        """Delete an event (a master with its exceptions), leaving tombstones."""
        event = mailbox.events.pop(event_id, None)
        if event is None:
            return None
        mailbox.seq += 1
        mailbox.tombstones.append(Tombstone(mailbox.seq, event.id, event.start, event.end))
        if event.type == "seriesMaster":
            for other in [e for e in mailbox.events.values() if e.series_master_id == event_id]:
                self.drop(mailbox, other.id)
        return event

    def send(self, kind: str, event: Event, recipients: list[str] | None = None) -> None:
        """Record a message the mailbox would have sent about ``event``."""
        to = recipients if recipients is not None else [_address(a) for a in event.attendees]
        if to:
            self.outbox.append(Message(kind=kind, event_id=event.id, recipients=tuple(to)))


def _address(attendee: dict[str, Any]) -> str:
    return str((attendee.get("emailAddress") or {}).get("address") or "").lower()
