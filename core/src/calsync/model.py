"""Calendar items: the frozen values every provider converts to and from.

Terminology:

ITEM
    One calendar entry as a provider holds it: a single item, a series master, one
    occurrence of a series, or an exception (an occurrence changed on its own).
REF
    Where an item lives: the provider's name, its native id and its change token (EWS
    ChangeKey, Google etag, Salesforce SystemModstamp). A token names one version of one
    item: it changes on every change (a marker too). In a mailbox no two items share one —
    not even a series master and its exceptions, or a moved occurrence never syncs; a CRM
    record's token is compared only with its own earlier token, so records saved together
    may share one.
COUNTERPART
    The item on the other side that mirrors this one. The counterpart's native id may be
    stored on the item itself (``counterpart_id``: an EWS extended property, a Google
    private extended property, a Salesforce external-id field), so a lost state database
    can be rebuilt and a replayed write adopts what it already created.

Timed items carry aware datetimes plus the provider's own zone id. All-day items carry
floating dates with an **exclusive** end (one convention in core; plugins convert at their
edge). The identity of an occurrence is (series id, original start): the master's native
id and the start the pattern gave it, exactly as the rule produces it. A changed
occurrence (an exception) has its own ref and token; a deleted one is an exclusion on the
master's :class:`Recurrence`. ``docs/writing-a-provider.md`` has the whole contract.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, final

from calsync.errors import InvalidItemError
from calsync.recurrence import Recurrence, RecurrenceModel

__all__ = [
    "AttendeeRole",
    "CalendarItem",
    "CrmLinks",
    "EventType",
    "ItemKind",
    "ItemRef",
    "Moment",
    "Participant",
    "Privacy",
    "Recurrence",
    "RecurrenceModel",
    "ResponseStatus",
    "ShowAs",
]

#: A start or end: an aware datetime for timed items, a date for all-day items.
Moment = datetime | date


class ItemKind(enum.StrEnum):
    """What an item is within its series (if any)."""

    SINGLE = "single"
    #: The master of a recurring series; carries the :class:`Recurrence`.
    SERIES = "series"
    #: An occurrence of a series that follows the pattern.
    OCCURRENCE = "occurrence"
    #: An occurrence that was changed on its own (moved, retitled, ...).
    EXCEPTION = "exception"


class Privacy(enum.StrEnum):
    """Sensitivity of an item (Exchange Sensitivity, Google visibility, Salesforce IsPrivate)."""

    NORMAL = "normal"
    PERSONAL = "personal"
    PRIVATE = "private"
    CONFIDENTIAL = "confidential"

    @property
    def is_private(self) -> bool:
        """Whether the item must be treated as private (EX-01)."""
        return self is not Privacy.NORMAL


class ShowAs(enum.StrEnum):
    """How the item shows in free/busy."""

    FREE = "free"
    TENTATIVE = "tentative"
    BUSY = "busy"
    OUT_OF_OFFICE = "out-of-office"
    WORKING_ELSEWHERE = "working-elsewhere"


class AttendeeRole(enum.StrEnum):
    """An attendee's role in a meeting."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    RESOURCE = "resource"


class ResponseStatus(enum.StrEnum):
    """An attendee's answer to an invitation."""

    NONE = "none"
    ORGANIZER = "organizer"
    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"


class EventType(enum.StrEnum):
    """Special kinds of item some providers have; only ``DEFAULT`` is mirrored (EX-05)."""

    DEFAULT = "default"
    OUT_OF_OFFICE = "out-of-office"
    FOCUS_TIME = "focus-time"
    WORKING_LOCATION = "working-location"
    FROM_GMAIL = "from-gmail"
    BIRTHDAY = "birthday"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class ItemRef:
    """Where an item lives."""

    #: The provider name, e.g. ``"exchange"``.
    provider: str
    #: The provider's native id.
    id: str
    #: The provider's version token: changes on every change of the item (markers included),
    #: in a mailbox is never shared with another item (a series master and its exceptions
    #: included; a CRM record's is compared only with its own), and is what the next pull
    #: reports after a write returned it. Equal tokens mean
    #: "unchanged" to the engine; ``""`` means unknown (the engine then compares content).
    change_token: str = ""
    #: Who made the item's last change, as the service names its accounts (Salesforce:
    #: ``LastModifiedById``); empty when the provider does not say. Compared with
    #: :meth:`~calsync.providers.Provider.own_account` to recognise calsync's own writes.
    modified_by: str = ""

    def __post_init__(self) -> None:
        """Refuse an empty id."""
        if not self.id:
            raise InvalidItemError("ref.id", "is empty")


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    """An organizer or attendee, identified by e-mail address (kept lower-case)."""

    address: str
    name: str = ""
    role: AttendeeRole = AttendeeRole.REQUIRED
    response: ResponseStatus = ResponseStatus.NONE

    def __post_init__(self) -> None:
        """Normalise the address and refuse one that is not an e-mail address."""
        address = self.address.strip().lower()
        if "@" not in address or address.startswith("@") or address.endswith("@"):
            raise InvalidItemError("address", f"{self.address!r} is not an e-mail address")
        object.__setattr__(self, "address", address)

    @property
    def domain(self) -> str:
        """The part after the ``@``."""
        return self.address.rsplit("@", 1)[1]


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class CrmLinks:
    """The CRM associations of an item: people (who) and one related record (what)."""

    #: Contact or lead ids, the primary first.
    who_ids: tuple[str, ...] = ()
    #: The related-to record (account, opportunity, ...).
    what_id: str | None = None

    @property
    def empty(self) -> bool:
        """Whether the item is linked to nothing."""
        return not self.who_ids and self.what_id is None


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarItem:
    """One calendar item, as a provider holds it; invalid values raise :class:`InvalidItemError`."""

    start: Moment
    end: Moment
    #: Where the item lives; ``None`` for an item not written anywhere yet.
    ref: ItemRef | None = None
    kind: ItemKind = ItemKind.SINGLE
    subject: str = ""
    body: str = ""
    location: str = ""
    #: The provider's own zone id for a timed item (Windows id for Exchange, IANA elsewhere).
    zone: str | None = None
    organizer: Participant | None = None
    attendees: tuple[Participant, ...] = ()
    privacy: Privacy = Privacy.NORMAL
    show_as: ShowAs = ShowAs.BUSY
    #: The person's own categories (Exchange) or labels; markers are not included (a
    #: provider hides them on read-back, see :func:`calsync.markers.own_categories`).
    categories: tuple[str, ...] = ()
    event_type: EventType = EventType.DEFAULT
    #: The pattern of a series master; ``None`` for every other kind.
    recurrence: Recurrence | None = None
    #: For an occurrence or exception: the native id of its series master.
    series_id: str | None = None
    #: For an occurrence or exception: its start as the pattern placed it.
    original_start: Moment | None = None
    links: CrmLinks = field(default_factory=CrmLinks)
    #: The counterpart's native id as stored on this item (see the module docstring); an
    #: exception reports only what is stored on itself, never its master's.
    counterpart_id: str | None = None
    #: Who holds the item: the CRM user id for CRM items, the mailbox address for mailbox items.
    owner: str | None = None
    #: This copy belongs to an attendee, not to the organizer (EWS MyResponseType other than
    #: Organizer, Google ``organizer.self`` false, Salesforce ``IsChild``).
    attendee_copy: bool = False
    #: The iCalendar UID every copy of a meeting shares (EWS UID, Google iCalUID); lets an
    #: attendee's copy find the organizer's synced event (EX-09).
    uid: str | None = None

    def __post_init__(self) -> None:
        """Check the values together; the first problem found names its field."""
        _check_span(self.start, self.end)
        if self.original_start is not None:
            _check_moment("original_start", self.original_start)
            if isinstance(self.original_start, datetime) != isinstance(self.start, datetime):
                raise InvalidItemError(
                    "original_start", "must be a date for all-day items and a datetime otherwise"
                )
        if self.kind is ItemKind.SERIES and self.recurrence is None:
            raise InvalidItemError("recurrence", "a series master needs a recurrence")
        if self.kind is not ItemKind.SERIES and self.recurrence is not None:
            raise InvalidItemError("recurrence", f"only a series master has one, not a {self.kind}")
        if self.kind in (ItemKind.OCCURRENCE, ItemKind.EXCEPTION):
            if not self.series_id:
                raise InvalidItemError("series_id", f"an {self.kind} needs its series id")
            if self.original_start is None:
                raise InvalidItemError("original_start", f"an {self.kind} needs its original start")
        object.__setattr__(self, "attendees", tuple(self.attendees))
        object.__setattr__(self, "categories", tuple(self.categories))

    # -- derived facts ---------------------------------------------------------------------

    @property
    def is_all_day(self) -> bool:
        """Whether the item spans floating dates rather than instants."""
        return not isinstance(self.start, datetime)

    @property
    def is_recurring(self) -> bool:
        """Whether the item is a series master."""
        return self.kind is ItemKind.SERIES

    @property
    def duration(self) -> timedelta:
        """How long the item lasts (whole days for all-day items)."""
        return self.end - self.start  # type: ignore[operator]

    @property
    def is_private(self) -> bool:
        """Whether the item is private (EX-01)."""
        return self.privacy.is_private

    @property
    def is_appointment(self) -> bool:
        """An item with no invitees (EX-14)."""
        return not self.attendees

    @property
    def people(self) -> tuple[str, ...]:
        """Every participant's address, organizer first, without repeats."""
        seen: dict[str, None] = {}
        if self.organizer is not None:
            seen[self.organizer.address] = None
        for attendee in self.attendees:
            seen.setdefault(attendee.address, None)
        return tuple(seen)

    @property
    def occurrence_key(self) -> tuple[str, Moment] | None:
        """(series id, original start) for an occurrence or exception, else ``None``."""
        if self.series_id is None or self.original_start is None:
            return None
        return (self.series_id, self.original_start)

    def evolve(self, **changes: Any) -> CalendarItem:
        """Return a copy with ``changes`` applied (and checked)."""
        return replace(self, **changes)


def _check_moment(name: str, value: object) -> None:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidItemError(name, f"{value.isoformat()} is a naive datetime; give it a zone")
    elif not isinstance(value, date):
        raise InvalidItemError(name, f"expected a datetime or a date, got {type(value).__name__}")


def _check_span(start: object, end: object) -> None:
    _check_moment("start", start)
    _check_moment("end", end)
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise InvalidItemError("end", "start and end must both be datetimes or both be dates")
    if isinstance(start, datetime):
        assert isinstance(end, datetime)
        if end < start:
            raise InvalidItemError("end", f"{end.isoformat()} is before start {start.isoformat()}")
    else:
        assert isinstance(start, date) and isinstance(end, date)
        if end <= start:
            raise InvalidItemError(
                "end",
                f"{end.isoformat()} must be after start {start.isoformat()} "
                "(all-day ends are exclusive: a one-day item ends the next day)",
            )
