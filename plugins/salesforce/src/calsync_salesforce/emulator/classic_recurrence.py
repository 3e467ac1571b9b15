"""Classic recurring events: ``IsRecurrence`` with the ``Recurrence*`` pattern fields.

The created record becomes the series header (``IsRecurrence = true``, holding the pattern;
its ``RecurrenceActivityId`` is its own id). The server adds one Event per occurrence
(``IsRecurrence = false``, ``RecurrenceActivityId`` = the header), at the header's wall-clock
time in ``RecurrenceTimeZoneSidKey`` (default: the owner's zone) from
``RecurrenceStartDateTime`` to ``RecurrenceEndDateOnly`` inclusive. Each pattern type needs
its own fields and the others must stay null. Each occurrence lasts at most 24 hours and a
series has at most 100 occurrences. Changing the pattern on the header replaces every
occurrence (new ids); deleting the header deletes the whole series.

Expansion is python-dateutil's ``rrule``. Messages of pattern refusals are the emulator's
wording with Salesforce's codes.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from dateutil import rrule

from calsync_salesforce.emulator import event_people, occurrences
from calsync_salesforce.emulator.errors import integrity, required_missing
from calsync_salesforce.emulator.records import modify
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.state import OrgState

MAX_OCCURRENCES = 100
PATTERN = (
    "RecurrenceType", "RecurrenceInterval", "RecurrenceDayOfWeekMask", "RecurrenceDayOfMonth",
    "RecurrenceInstance", "RecurrenceMonthOfYear",
)  # fmt: skip
FIELDS = (*PATTERN, "RecurrenceStartDateTime", "RecurrenceEndDateOnly", "RecurrenceTimeZoneSidKey")
#: The pattern fields each type needs; every other pattern field must be null.
NEEDS = {
    "RecursDaily": ("RecurrenceInterval",),
    "RecursEveryWeekday": (),
    "RecursWeekly": ("RecurrenceInterval", "RecurrenceDayOfWeekMask"),
    "RecursMonthly": ("RecurrenceInterval", "RecurrenceDayOfMonth"),
    "RecursMonthlyNth": ("RecurrenceInterval", "RecurrenceInstance", "RecurrenceDayOfWeekMask"),
    "RecursYearly": ("RecurrenceMonthOfYear", "RecurrenceDayOfMonth"),
    "RecursYearlyNth": ("RecurrenceMonthOfYear", "RecurrenceInstance", "RecurrenceDayOfWeekMask"),
}
_WEEKDAYS = (rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA)  # mask bit order
_FREQUENCY: dict[str, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    "RecursDaily": rrule.DAILY,
    "RecursEveryWeekday": rrule.DAILY,
    "RecursWeekly": rrule.WEEKLY,
    "RecursMonthly": rrule.MONTHLY,
    "RecursMonthlyNth": rrule.MONTHLY,
    "RecursYearly": rrule.YEARLY,
    "RecursYearlyNth": rrule.YEARLY,
}
_INSTANCE = {"First": 1, "Second": 2, "Third": 3, "Fourth": 4, "Last": -1}
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def has_pattern(record: Record) -> bool:
    """Whether any Classic pattern field is set."""
    return any(record.get(name) is not None for name in FIELDS)


def validate(record: Record, owner_zone: str) -> Record:
    """Check a header's pattern; return it with the zone defaulted.

    :raises SalesforceError: ``REQUIRED_FIELD_MISSING`` or ``FIELD_INTEGRITY_EXCEPTION``.
    """
    kind = record.get("RecurrenceType")
    missing = [
        name
        for name in ("RecurrenceStartDateTime", "RecurrenceEndDateOnly", "RecurrenceType")
        if record.get(name) is None
    ]
    missing += [name for name in NEEDS.get(kind or "", ()) if record.get(name) is None]
    if missing:
        raise required_missing(missing)
    assert kind is not None
    extra = [n for n in PATTERN[1:] if n not in NEEDS[kind] and record.get(n) is not None]
    if extra:
        raise integrity(f"{extra[0]} must be null for recurrence type {kind}", extra)
    if (record.get("RecurrenceInterval") or 1) < 1:
        raise integrity("Recurrence Interval must be at least 1", ["RecurrenceInterval"])
    mask = record.get("RecurrenceDayOfWeekMask")
    if mask is not None and not 1 <= mask <= 127:
        raise integrity(
            "Recurrence Day of Week Mask must be between 1 and 127", ["RecurrenceDayOfWeekMask"]
        )
    day = record.get("RecurrenceDayOfMonth")
    if day is not None and not 1 <= day <= 31:
        raise integrity(
            "Recurrence Day of Month must be between 1 and 31", ["RecurrenceDayOfMonth"]
        )
    start: datetime = record["RecurrenceStartDateTime"]
    if record["RecurrenceEndDateOnly"] < start.date():
        raise integrity(
            "Recurrence End can't be before Recurrence Start", ["RecurrenceEndDateOnly"]
        )
    return {
        **record,
        "RecurrenceTimeZoneSidKey": record.get("RecurrenceTimeZoneSidKey") or owner_zone,
    }


def starts(header: Record) -> list[datetime]:
    """Return the occurrence start instants of a header's pattern (UTC, ascending)."""
    zone = ZoneInfo(header["RecurrenceTimeZoneSidKey"])
    kind: str = header["RecurrenceType"]
    mask = header.get("RecurrenceDayOfWeekMask") or 0
    days = [wd for bit, wd in enumerate(_WEEKDAYS) if mask & (1 << bit)]
    nth = _INSTANCE.get(header.get("RecurrenceInstance") or "")
    day = header.get("RecurrenceDayOfMonth") or 1
    month = header.get("RecurrenceMonthOfYear")
    by_day_of_month = kind in ("RecursMonthly", "RecursYearly")
    rule = rrule.rrule(
        _FREQUENCY[kind],
        dtstart=header["RecurrenceStartDateTime"].astimezone(zone),
        until=datetime.combine(header["RecurrenceEndDateOnly"], time(23, 59, 59), tzinfo=zone),
        interval=header.get("RecurrenceInterval") or 1,
        byweekday=_WEEKDAYS[1:6] if kind == "RecursEveryWeekday" else (days or None),
        bymonth=_MONTHS.index(month) + 1 if month else None,
        # The wanted day, or the month's last day when it is shorter (31 in April -> 30).
        bymonthday=list(range(min(day, 28), day + 1)) if by_day_of_month else None,
        bysetpos=-1 if by_day_of_month else nth,
    )
    found = []
    for moment in rule:
        found.append(moment)
        if len(found) > MAX_OCCURRENCES:
            raise integrity(
                f"A recurring series can't have more than {MAX_OCCURRENCES} occurrences",
                ["RecurrenceEndDateOnly"],
            )
    if not found:
        raise integrity("The recurrence pattern has no occurrences", ["RecurrenceType"])
    return [moment.astimezone(ZoneInfo("UTC")) for moment in found]


def occurrences_of(org: OrgState, header_id: str) -> list[Record]:
    """Return the live occurrences of a header (the header itself excluded)."""
    found = org.store.find_by("Event", "RecurrenceActivityId", header_id)
    return [
        e for e in found if not e["IsDeleted"] and e["Id"] != header_id and not e.get("IsChild")
    ]


def materialize(org: OrgState, caller: Caller, header: Record) -> None:
    """Point the header at itself and store one Event per occurrence."""
    header = modify(org, "Event", header, caller.user_id, RecurrenceActivityId=header["Id"])
    template = occurrences.template_of(org, header)
    for name in FIELDS:
        template[name] = None
    template.update(IsRecurrence=False, RecurrenceActivityId=header["Id"])
    for start in starts(header):
        occurrences.insert_occurrence(org, caller, template, start)


def regenerate(org: OrgState, caller: Caller, header: Record) -> None:
    """Replace every occurrence after a pattern change (the new ones get new ids)."""
    for occurrence in occurrences_of(org, header["Id"]):
        event_people.delete_with_dependents(org, caller, occurrence)
    materialize(org, caller, header)


def delete_series(org: OrgState, caller: Caller, header: Record) -> None:
    """Delete the header and every occurrence, past and future (as the API does)."""
    for occurrence in occurrences_of(org, header["Id"]):
        event_people.delete_with_dependents(org, caller, occurrence)
    event_people.delete_with_dependents(org, caller, header)
