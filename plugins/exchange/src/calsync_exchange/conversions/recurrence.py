"""EWS recurrence patterns and ranges <-> RFC 5545 RRULEs, through Outlook's shared patterns.

EWS keeps a series as Outlook does, a pattern and a range on a master whose start is its
first occurrence: the same model Microsoft Graph writes as JSON. :mod:`calsync.outlook_patterns`
maps that model to and from RRULEs (what each pattern means in Outlook); this module only
maps exchangelib's pattern objects to and from it, and adds what EWS holds differently:

* ``Day`` / ``Weekday`` / ``WeekendDay`` are the only day sets a relative pattern takes;
* yearly patterns have no interval: ``FREQ=YEARLY;INTERVAL=n`` is a monthly pattern every
  12n months (as Outlook writes "every n years");
* an interval is 1 to 99 (1 to 999 for a daily pattern).

Anything EWS cannot hold raises :class:`UnsupportedRule`.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any, Final

from exchangelib import recurrence as xr
from exchangelib.fields import MONTHS, WEEK_NUMBERS, WEEKDAY_NAMES, WEEKDAYS

from calsync import outlook_patterns as shared
from calsync.outlook_patterns import DAYS, UnsupportedRule

__all__ = ["UnsupportedRule", "from_rrule", "pattern_key", "rule_as_written", "to_rrule"]

SERVICE: Final = "Exchange"
#: ``DaysOfWeek`` classes of relative patterns (exchangelib's enum values 8, 9, 10).
_CLASSES: Final = {"Day": DAYS, "Weekday": DAYS[:5], "WeekendDay": DAYS[5:]}


def _name(enum: tuple[str, ...], value: int | str) -> str:
    return enum[value - 1] if isinstance(value, int) else value


def _relative(weekday: int | str, week_number: int | str) -> dict[str, Any]:
    name = _name(WEEKDAYS, weekday)
    days = list(_CLASSES.get(name, (name.lower(),)))
    return {"daysOfWeek": days, "index": _name(WEEK_NUMBERS, week_number).lower()}


def _pattern_of(pattern: xr.Pattern) -> dict[str, Any]:
    interval = getattr(pattern, "interval", None) or 1
    if isinstance(pattern, xr.DailyPattern):
        return {"type": "daily", "interval": interval}
    if isinstance(pattern, xr.WeeklyPattern):
        days = [_name(WEEKDAY_NAMES, d).lower() for d in pattern.weekdays]
        first = _name(WEEKDAY_NAMES, pattern.first_day_of_week or 1).lower()
        return {"type": "weekly", "interval": interval, "daysOfWeek": days, "firstDayOfWeek": first}
    if isinstance(pattern, xr.AbsoluteMonthlyPattern):
        return {"type": "absoluteMonthly", "interval": interval, "dayOfMonth": pattern.day_of_month}
    if isinstance(pattern, xr.RelativeMonthlyPattern):
        return {
            "type": "relativeMonthly",
            "interval": interval,
            **_relative(pattern.weekday, pattern.week_number),
        }
    month = MONTHS.index(_name(MONTHS, getattr(pattern, "month", 1))) + 1
    if isinstance(pattern, xr.AbsoluteYearlyPattern):
        return {"type": "absoluteYearly", "month": month, "dayOfMonth": pattern.day_of_month}
    if isinstance(pattern, xr.RelativeYearlyPattern):
        return {
            "type": "relativeYearly",
            "month": month,
            **_relative(pattern.weekday, pattern.week_number),
        }
    raise UnsupportedRule(f"{type(pattern).__name__} is not a calendar pattern")


def _shared(recurrence: xr.Recurrence) -> dict[str, Any]:
    """The recurrence in Outlook's shared form."""
    boundary = recurrence.boundary
    span: dict[str, Any] = {"type": "noEnd", "startDate": str(getattr(boundary, "start", ""))}
    if isinstance(boundary, xr.NumberedPattern):
        span |= {"type": "numbered", "numberOfOccurrences": boundary.number}
    elif isinstance(boundary, xr.EndDatePattern):
        end = boundary.end.date() if isinstance(boundary.end, datetime) else boundary.end
        span |= {"type": "endDate", "endDate": str(end)}
    return {"pattern": _pattern_of(recurrence.pattern), "range": span}


def to_rrule(recurrence: xr.Recurrence) -> str:
    """The RRULE of an EWS recurrence (pattern and range).

    Raises :class:`UnsupportedRule` for task regeneration patterns, which calendars do not use.
    """
    return shared.to_rrule(_shared(recurrence))


def pattern_key(recurrence: xr.Recurrence) -> str:
    """A comparable text for an EWS recurrence (its canonical RRULE and start date)."""
    return shared.pattern_key(_shared(recurrence))


def rule_as_written(
    stored: str | None, current: xr.Recurrence, start: date, zone: tzinfo | None
) -> str:
    """The rule calsync wrote while the series' pattern is still the one it maps to."""
    return shared.rule_as_written(
        stored,
        _shared(current),
        start,
        zone,
        hold=lambda rule, first, tz: _shared(from_rrule(rule, first, tz)),
    )


# -- RRULE -> EWS -------------------------------------------------------------------------------


def _weekday(days: list[str]) -> int:
    """The weekday value exchangelib takes for the days of a relative pattern."""
    if len(days) == 1:
        return WEEKDAY_NAMES.index(days[0].capitalize()) + 1
    for name, members in _CLASSES.items():
        if sorted(days, key=DAYS.index) == list(members):
            return WEEKDAYS.index(name) + 1
    raise UnsupportedRule(f"{SERVICE} has no relative pattern on {', '.join(days)}")


def _ews_pattern(pattern: dict[str, Any], start: date) -> xr.Pattern:
    kind, interval = pattern["type"], pattern.get("interval", 1)
    if kind.endswith("Yearly") and interval != 1:
        # Exchange's yearly patterns have no interval; Outlook writes "every n years" so.
        if pattern["month"] != start.month:
            raise UnsupportedRule("every n years in another month than the start's")
        kind, interval = kind.replace("Yearly", "Monthly"), interval * 12
    limit = 999 if kind == "daily" else 99
    if not 1 <= interval <= limit:
        raise UnsupportedRule(f"{SERVICE} allows an interval of 1 to {limit}, not {interval}")
    if kind == "daily":
        return xr.DailyPattern(interval=interval)
    if kind == "weekly":
        return xr.WeeklyPattern(
            interval=interval,
            weekdays=sorted({DAYS.index(d) + 1 for d in pattern["daysOfWeek"]}),
            first_day_of_week=DAYS.index(pattern["firstDayOfWeek"]) + 1,
        )
    if kind.startswith("relative"):
        weekday = _weekday(pattern["daysOfWeek"])
        week = WEEK_NUMBERS.index(pattern["index"].capitalize()) + 1
        if kind == "relativeMonthly":
            return xr.RelativeMonthlyPattern(interval=interval, weekday=weekday, week_number=week)
        return xr.RelativeYearlyPattern(weekday=weekday, week_number=week, month=pattern["month"])
    if kind == "absoluteMonthly":
        return xr.AbsoluteMonthlyPattern(interval=interval, day_of_month=pattern["dayOfMonth"])
    return xr.AbsoluteYearlyPattern(day_of_month=pattern["dayOfMonth"], month=pattern["month"])


def from_rrule(rule: str, start: date, zone: tzinfo | None = None) -> xr.Recurrence:
    """The EWS recurrence for ``rule`` starting on ``start`` (the master's local start date).

    :param zone: the series' zone, to read a UTC ``UNTIL`` as a local end date.
    Raises :class:`UnsupportedRule` for rules EWS cannot hold (hourly, several months, ...).
    """
    recurrence = shared.from_rrule(rule, start, zone, service=SERVICE)
    pattern, span = _ews_pattern(recurrence["pattern"], start), recurrence["range"]
    boundary: xr.Boundary
    if span["type"] == "numbered":
        boundary = xr.NumberedPattern(start=start, number=span["numberOfOccurrences"])
    elif span["type"] == "endDate":
        boundary = xr.EndDatePattern(start=start, end=date.fromisoformat(span["endDate"]))
    else:
        boundary = xr.NoEndPattern(start=start)
    return xr.Recurrence(pattern=pattern, boundary=boundary)
