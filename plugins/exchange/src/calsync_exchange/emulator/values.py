"""Immutable values the EWS emulator stores on calendar items and records about its mailboxes.

These are the typed building blocks of the seed API: a test or the conformance harness
builds :class:`Attendee`, :class:`Recurrence`, :class:`CustomTimeZone`... and hands them to
:meth:`~calsync_exchange.emulator.EwsEmulator.seed_item`; the emulator stores them as they
are and renders them back on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal, final

#: ``t:CalendarItemType`` values.
ItemKind = Literal["Single", "Occurrence", "Exception", "RecurringMaster"]
#: ``t:ResponseType`` values (attendee responses and ``MyResponseType``).
RESPONSE_TYPES = ("Unknown", "Organizer", "Tentative", "Accept", "Decline", "NoResponseReceived")
SENSITIVITIES = ("Normal", "Personal", "Private", "Confidential")
IMPORTANCES = ("Low", "Normal", "High")
FREE_BUSY = ("Free", "Tentative", "Busy", "OOF", "WorkingElsewhere", "NoData")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: ``DaysOfWeek`` of relative patterns may also name a class of days.
DAY_CLASSES = ("Day", "Weekday", "WeekendDay")
WEEK_INDEXES = ("First", "Second", "Third", "Fourth", "Last")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Body:
    """An item body: ``Text`` or ``HTML``."""

    content: str
    body_type: Literal["Text", "HTML"] = "Text"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A mailbox as EWS names it (``t:Mailbox``)."""

    email: str
    name: str | None = None
    routing_type: str = "SMTP"
    mailbox_type: str = "Mailbox"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Attendee:
    """An attendee of a meeting with its response."""

    person: Person
    response: str = "Unknown"
    last_response_time: datetime | None = None


@final
@dataclass(frozen=True, slots=True)
class ExtendedKey:
    """The identity of an extended (MAPI named or tagged) property.

    ``property_set`` is a GUID in upper case (distinguished sets are mapped to their
    GUIDs), or ``None`` for a tagged property; ``name`` is the property name, the numeric
    id as a string (``id:0x8501``) or the tag (``tag:0x1000``). ``property_type`` is the
    EWS type name (``String``, ``Integer``, ``SystemTime``, ``StringArray``...).
    """

    property_set: str | None
    name: str
    property_type: str


# -- time zones --------------------------------------------------------------------------


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class TransitionRule:
    """A yearly transition: the ``occurrence``-th ``weekday`` of ``month`` at local ``at``.

    ``occurrence`` is 1-4, or -1 for the last such weekday of the month.
    """

    month: int
    weekday: str
    occurrence: int
    at: time


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class CustomTimeZone:
    """A time zone that has no Windows id: a base offset and an optional daylight rule.

    Outlook and Graph write such zones as ``Name="Customized Time Zone"`` with
    ``Periods``/``TransitionsGroups``. ``raw_xml`` keeps the definition exactly as it came in
    on the wire (when it came from a request), so it is returned unchanged.
    """

    name: str = "Customized Time Zone"
    standard_offset: timedelta
    daylight_offset: timedelta | None = None
    daylight_start: TransitionRule | None = None
    standard_start: TransitionRule | None = None
    zone_id: str | None = None
    raw_xml: bytes | None = field(default=None, compare=False)


@final
@dataclass(frozen=True, slots=True)
class WindowsTimeZone:
    """A zone named by its Windows id (``W. Europe Standard Time``) or an IANA id."""

    zone_id: str


TimeZoneSpec = WindowsTimeZone | CustomTimeZone


# -- recurrence ----------------------------------------------------------------------------


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class DailyPattern:
    """Every ``interval`` days."""

    interval: int = 1


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyPattern:
    """Every ``interval`` weeks on ``weekdays`` (names from :data:`WEEKDAYS`)."""

    weekdays: tuple[str, ...]
    interval: int = 1
    first_day_of_week: str = "Monday"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class AbsoluteMonthlyPattern:
    """Day ``day_of_month`` every ``interval`` months (short months use their last day)."""

    day_of_month: int
    interval: int = 1


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class RelativeMonthlyPattern:
    """The ``week_index`` ``weekday`` every ``interval`` months, e.g. the Last Friday."""

    weekday: str
    week_index: str
    interval: int = 1


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class AbsoluteYearlyPattern:
    """Day ``day_of_month`` of ``month`` (a name from :data:`MONTHS`) every year."""

    day_of_month: int
    month: str


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class RelativeYearlyPattern:
    """The ``week_index`` ``weekday`` of ``month`` every year."""

    weekday: str
    week_index: str
    month: str


Pattern = (
    DailyPattern
    | WeeklyPattern
    | AbsoluteMonthlyPattern
    | RelativeMonthlyPattern
    | AbsoluteYearlyPattern
    | RelativeYearlyPattern
)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Recurrence:
    """A recurrence pattern and its range.

    The range is ``NumberedRecurrence`` when ``count`` is set, ``EndDateRecurrence`` when
    ``end_date`` is set (inclusive) and ``NoEndRecurrence`` otherwise. ``start_date`` is the
    first day the pattern may produce an occurrence, in the series' time zone.
    """

    pattern: Pattern
    start_date: date
    count: int | None = None
    end_date: date | None = None

    def __post_init__(self) -> None:
        """Refuse a range that is both numbered and end-dated."""
        if self.count is not None and self.end_date is not None:
            raise ValueError("a recurrence range has either a count or an end date, not both")


# -- things the emulator records -----------------------------------------------------------


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingMessage:
    """A meeting message a caller asked the server to send (nothing is sent).

    ``kind`` is ``invitation`` (CreateItem), ``update`` (UpdateItem) or ``cancellation``
    (DeleteItem); ``disposition`` is the SOAP attribute value the caller used.
    """

    kind: Literal["invitation", "update", "cancellation"]
    mailbox: str
    item_id: str
    subject: str | None
    recipients: tuple[str, ...]
    disposition: str
    at: datetime
