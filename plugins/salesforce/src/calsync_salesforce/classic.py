"""Classic recurring events: the ``Recurrence*`` pattern fields and RFC 5545 rules.

A Classic series header holds ``RecurrenceType`` (daily, every weekday, weekly, monthly on
a day, monthly on the n-th weekday, yearly on a date, yearly on the n-th weekday) with the
fields each type needs, a start instant and an inclusive end *date* in
``RecurrenceTimeZoneSidKey``; it holds at most 100 occurrences. A monthly or yearly series
on the 29th to 31st falls back to the month's last day when the month is shorter.

:func:`rule_of` writes a header's pattern as an RRULE (always bounded by ``UNTIL``).
:func:`pattern_of` goes the other way and refuses (:class:`UnsupportedRule`) what the
Classic fields cannot hold: unbounded rules, more than 100 occurrences, hourly rules,
several month days ... It checks its own work: the Classic pattern must give exactly the
occurrences the rule gives, or the rule is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from calsync.errors import InvalidItemError
from calsync.model import Moment
from calsync.recurrence import Recurrence
from calsync_salesforce.wire import format_instant, midnight_utc, parse_date

__all__ = ["MAX_OCCURRENCES", "PATTERN_FIELDS", "UnsupportedRule", "pattern_of", "rule_of"]

MAX_OCCURRENCES: Final = 100
#: Every Classic pattern field; a header sets the ones its type needs and nulls the others.
PATTERN_FIELDS: Final = (
    "RecurrenceType", "RecurrenceInterval", "RecurrenceDayOfWeekMask", "RecurrenceDayOfMonth",
    "RecurrenceInstance", "RecurrenceMonthOfYear", "RecurrenceStartDateTime",
    "RecurrenceEndDateOnly", "RecurrenceTimeZoneSidKey",
)  # fmt: skip
#: Day codes in the bit order of ``RecurrenceDayOfWeekMask`` (Sunday = 1 ... Saturday = 64).
_MASK_DAYS: Final = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")
_WEEKDAYS: Final = frozenset({"MO", "TU", "WE", "TH", "FR"})
_INSTANCES: Final = {"First": 1, "Second": 2, "Third": 3, "Fourth": 4, "Last": -1}
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_DAYS: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ALLOWED_PARTS: Final = frozenset(
    {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL", "WKST"}
)


class UnsupportedRule(ValueError):
    """The rule cannot be held by the Classic pattern fields; the message says why."""


# -- Classic fields to RRULE --------------------------------------------------------------


def rule_of(header: Mapping[str, Any], zone: ZoneInfo | None) -> str:
    """The RRULE of a Classic header (wire values); ``zone`` is ``None`` for all-day series."""
    kind = str(header.get("RecurrenceType") or "")
    interval = int(header.get("RecurrenceInterval") or 1)
    days = _days_of(int(header.get("RecurrenceDayOfWeekMask") or 0))
    day = int(header.get("RecurrenceDayOfMonth") or 1)
    nth = _INSTANCES.get(str(header.get("RecurrenceInstance") or ""), 1)
    month_name = header.get("RecurrenceMonthOfYear")
    month = _MONTHS.index(month_name) + 1 if month_name in _MONTHS else 1
    parts: list[str]
    if kind == "RecursDaily":
        parts = ["FREQ=DAILY", f"INTERVAL={interval}"]
    elif kind == "RecursEveryWeekday":
        parts = ["FREQ=WEEKLY", "INTERVAL=1", "BYDAY=MO,TU,WE,TH,FR"]
    elif kind == "RecursWeekly":
        parts = ["FREQ=WEEKLY", f"INTERVAL={interval}", "BYDAY=" + ",".join(days)]
    elif kind == "RecursMonthly":
        parts = ["FREQ=MONTHLY", f"INTERVAL={interval}", *_month_day(day, 31)]
    elif kind == "RecursMonthlyNth":
        parts = ["FREQ=MONTHLY", f"INTERVAL={interval}", *_nth(days, nth)]
    elif kind == "RecursYearly":
        parts = ["FREQ=YEARLY", f"BYMONTH={month}", *_month_day(day, _MONTH_DAYS[month - 1])]
    elif kind == "RecursYearlyNth":
        parts = ["FREQ=YEARLY", f"BYMONTH={month}", *_nth(days, nth)]
    else:
        raise InvalidItemError("recurrence.rule", f"unknown Classic recurrence type {kind!r}")
    end = parse_date(header.get("RecurrenceEndDateOnly"))
    if zone is None:
        parts.append(f"UNTIL={end:%Y%m%d}")
    else:
        last = datetime.combine(end, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
        parts.append(f"UNTIL={last:%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def _days_of(mask: int) -> list[str]:
    return [code for bit, code in enumerate(_MASK_DAYS) if mask & (1 << bit)]


def _month_day(day: int, longest: int) -> list[str]:
    """A day of the month that falls back to the last day in shorter months."""
    if day <= 28:
        return [f"BYMONTHDAY={day}"]
    if day >= longest:
        return ["BYMONTHDAY=-1"]
    return ["BYMONTHDAY=" + ",".join(str(d) for d in range(28, day + 1)), "BYSETPOS=-1"]


def _nth(days: list[str], nth: int) -> list[str]:
    if len(days) == 1:
        return [f"BYDAY={nth}{days[0]}"]
    return ["BYDAY=" + ",".join(days), f"BYSETPOS={nth}"]


# -- RRULE to Classic fields --------------------------------------------------------------


def pattern_of(recurrence: Recurrence, start: Moment, zone_name: str | None) -> dict[str, Any]:
    """The Classic header fields (wire values) for ``recurrence`` starting at ``start``.

    :param zone_name: the series zone, a ``RecurrenceTimeZoneSidKey`` value (ignored for an
        all-day series, which runs on GMT dates).
    :raises UnsupportedRule: when the Classic fields cannot hold the rule.
    """
    timed = isinstance(start, datetime)
    zone = (classic_zone(zone_name) or ZoneInfo("UTC")) if timed else None
    try:
        parts = _parts(recurrence.rule)
        local = start.astimezone(zone) if isinstance(start, datetime) else start
        fields = _type_fields(parts, local)
        wanted = _expand(recurrence.rule, start, zone)
    except UnsupportedRule:
        raise
    except ValueError as exc:
        raise UnsupportedRule(f"{recurrence.rule}: {exc}") from None
    last = wanted[-1]
    end = last.astimezone(zone).date() if isinstance(last, datetime) and zone else _day(last)
    first = start if isinstance(start, datetime) else midnight_utc(start)
    fields.update(
        RecurrenceStartDateTime=format_instant(first),
        RecurrenceEndDateOnly=end.isoformat(),
        RecurrenceTimeZoneSidKey=zone_name if timed else "GMT",
    )
    if _expand(rule_of(fields, zone), start, zone) != wanted:
        raise UnsupportedRule(f"{recurrence.rule} has no exact Classic equivalent")
    return fields


def _day(moment: Moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _expand(rule: str, start: Moment, zone: ZoneInfo | None) -> list[Moment]:
    pattern = Recurrence(rule=rule, zone=zone.key if zone is not None else None)
    if not pattern.is_bounded:
        raise UnsupportedRule("a Classic series must end (COUNT or UNTIL)")
    found = list(pattern.starts(start, limit=MAX_OCCURRENCES + 1))
    if len(found) > MAX_OCCURRENCES:
        raise UnsupportedRule(f"a Classic series holds at most {MAX_OCCURRENCES} occurrences")
    if not found:
        raise UnsupportedRule("the rule has no occurrences")
    return found


def _parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in filter(None, rule.upper().split(";")):
        key, _, value = item.partition("=")
        if key not in _ALLOWED_PARTS:
            raise UnsupportedRule(f"{key} cannot be expressed in a Classic series")
        parts[key] = value
    return parts


def _type_fields(parts: dict[str, str], start: Moment) -> dict[str, Any]:
    freq, interval = parts.get("FREQ", ""), int(parts.get("INTERVAL", "1"))
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    plain = [d for d in byday if d in _MASK_DAYS]
    fields: dict[str, Any] = dict.fromkeys(PATTERN_FIELDS[:6])
    if "BYMONTH" in parts and freq != "YEARLY":
        raise UnsupportedRule("BYMONTH is only possible in a yearly Classic series")
    if freq == "DAILY":
        if set(parts) & {"BYMONTHDAY", "BYSETPOS"}:
            raise UnsupportedRule("a daily Classic series repeats every n days or every weekday")
        if not byday:
            return {**fields, "RecurrenceType": "RecursDaily", "RecurrenceInterval": interval}
        if set(byday) == _WEEKDAYS and interval == 1:
            return {**fields, "RecurrenceType": "RecursEveryWeekday"}
        raise UnsupportedRule("a daily Classic series repeats every n days or every weekday")
    if freq == "WEEKLY":
        if set(parts) & {"BYMONTHDAY", "BYSETPOS"} or len(plain) != len(byday):
            raise UnsupportedRule("a weekly Classic series repeats on weekdays only")
        days = plain or [_MASK_DAYS[(start.isoweekday()) % 7]]
        return {
            **fields,
            "RecurrenceType": "RecursWeekly",
            "RecurrenceInterval": interval,
            "RecurrenceDayOfWeekMask": _mask(days),
        }
    if freq in ("MONTHLY", "YEARLY"):
        yearly = freq == "YEARLY"
        if yearly and interval != 1:
            raise UnsupportedRule("a yearly Classic series repeats every year")
        base: dict[str, Any] = (
            {"RecurrenceMonthOfYear": _MONTHS[int(parts.get("BYMONTH", start.month)) - 1]}
            if yearly
            else {"RecurrenceInterval": interval}
        )
        if byday:
            nth_fields = _nth_fields(parts, byday)
            kind = "RecursYearlyNth" if yearly else "RecursMonthlyNth"
            return {**fields, **base, **nth_fields, "RecurrenceType": kind}
        day = _month_day_of(parts, start)
        kind = "RecursYearly" if yearly else "RecursMonthly"
        return {**fields, **base, "RecurrenceType": kind, "RecurrenceDayOfMonth": day}
    raise UnsupportedRule(f"FREQ={freq} cannot be expressed in a Classic series")


def _mask(days: list[str]) -> int:
    return sum(1 << _MASK_DAYS.index(d) for d in set(days))


def _nth_fields(parts: dict[str, str], byday: list[str]) -> dict[str, Any]:
    if "BYMONTHDAY" in parts:
        raise UnsupportedRule("BYDAY and BYMONTHDAY together have no Classic equivalent")
    if "BYSETPOS" in parts:
        nth, days = int(parts["BYSETPOS"]), byday
    else:
        if len(byday) != 1 or len(byday[0]) < 3:
            raise UnsupportedRule("a Classic series takes one n-th weekday of the month")
        nth, days = int(byday[0][:-2]), [byday[0][-2:]]
    names = {v: k for k, v in _INSTANCES.items()}
    if nth not in names or any(d not in _MASK_DAYS for d in days):
        raise UnsupportedRule("a Classic series takes the first to fourth or the last weekday")
    return {"RecurrenceInstance": names[nth], "RecurrenceDayOfWeekMask": _mask(days)}


def _month_day_of(parts: dict[str, str], start: Moment) -> int:
    raw = parts.get("BYMONTHDAY")
    if raw is None:
        return start.day
    days = [int(d) for d in raw.split(",")]
    if days == [-1]:
        return 31
    if len(days) == 1 and 1 <= days[0] <= 31:
        return days[0]
    if parts.get("BYSETPOS") == "-1" and days == list(range(28, days[-1] + 1)):
        return days[-1]
    raise UnsupportedRule(f"BYMONTHDAY={raw} has no Classic equivalent")


def classic_zone(name: str | None) -> ZoneInfo | None:
    """The zone a Classic series expands in (``None``: an all-day series)."""
    if not name:
        return None
    from calsync.timezones import to_zoneinfo

    return to_zoneinfo(name)
