"""EWS recurrence patterns and ranges <-> RFC 5545 RRULEs that python-dateutil expands alike.

EWS keeps a pattern (Daily, Weekly, AbsoluteMonthly, RelativeMonthly, AbsoluteYearly,
RelativeYearly) and a range (Numbered, EndDate, NoEnd) on a series master whose start is
its first occurrence; core keeps an RRULE expanded from the master's start. The rules
written here are what the patterns mean in Exchange:

* day 29-31 of a month falls back to the month's last day: ``BYMONTHDAY=28,29,30;BYSETPOS=-1``
  (and ``BYMONTHDAY=-1`` for 31);
* ``DayOfWeekIndex=Last`` is ``-1``; ``Day``/``Weekday``/``WeekendDay`` become a ``BYDAY`` list
  with ``BYSETPOS``;
* an end date is inclusive, written as a date-only ``UNTIL`` (core reads it as the end of
  that day in the series' zone).

The other way, :func:`from_rrule` maps the same shapes back, plus ``FREQ=DAILY;BYDAY=...``
(a weekly pattern) and ``FREQ=YEARLY;INTERVAL=n`` (a monthly pattern every 12n months).
Anything EWS cannot hold raises :class:`UnsupportedRule`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from exchangelib import recurrence as xr
from exchangelib.fields import MONTHS, WEEK_NUMBERS, WEEKDAY_NAMES, WEEKDAYS

__all__ = ["UnsupportedRule", "from_rrule", "pattern_key", "to_rrule"]

_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: ``DaysOfWeek`` classes of relative patterns (exchangelib's enum values 8, 9, 10).
_CLASSES = {"Day": _CODES, "Weekday": _CODES[:5], "WeekendDay": _CODES[5:]}
_SUPPORTED = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
}


class UnsupportedRule(ValueError):
    """The RRULE has no EWS equivalent."""


def _name(enum: tuple[str, ...], value: int | str) -> str:
    return enum[value - 1] if isinstance(value, int) else value


def _month_day(day: int) -> str:
    if day <= 28:
        return f"BYMONTHDAY={day}"
    if day == 31:
        return "BYMONTHDAY=-1"
    return f"BYMONTHDAY={','.join(str(d) for d in range(28, day + 1))};BYSETPOS=-1"


def _relative(weekday: int | str, week_number: int | str) -> str:
    name = _name(WEEKDAYS, weekday)
    position = (
        -1
        if _name(WEEK_NUMBERS, week_number) == "Last"
        else WEEK_NUMBERS.index(_name(WEEK_NUMBERS, week_number)) + 1
    )
    if name in _CLASSES:
        return f"BYDAY={','.join(_CLASSES[name])};BYSETPOS={position}"
    return f"BYDAY={position}{_CODES[WEEKDAY_NAMES.index(name)]}"


def _interval(value: int | None) -> list[str]:
    return [f"INTERVAL={value}"] if value and value != 1 else []


def to_rrule(recurrence: xr.Recurrence) -> str:
    """The RRULE of an EWS recurrence (pattern and range).

    Raises :class:`UnsupportedRule` for task regeneration patterns, which calendars do not use.
    """
    pattern, boundary = recurrence.pattern, recurrence.boundary
    parts: list[str]
    if isinstance(pattern, xr.DailyPattern):
        parts = ["FREQ=DAILY", *_interval(pattern.interval)]
    elif isinstance(pattern, xr.WeeklyPattern):
        days = sorted(
            d if isinstance(d, int) else WEEKDAY_NAMES.index(d) + 1 for d in pattern.weekdays
        )
        parts = [
            "FREQ=WEEKLY",
            *_interval(pattern.interval),
            "BYDAY=" + ",".join(_CODES[d - 1] for d in days),
        ]
        first = _name(WEEKDAY_NAMES, pattern.first_day_of_week or 1)
        if first != "Monday":
            parts.append(f"WKST={_CODES[WEEKDAY_NAMES.index(first)]}")
    elif isinstance(pattern, xr.AbsoluteMonthlyPattern):
        parts = ["FREQ=MONTHLY", *_interval(pattern.interval), _month_day(pattern.day_of_month)]
    elif isinstance(pattern, xr.RelativeMonthlyPattern):
        parts = [
            "FREQ=MONTHLY",
            *_interval(pattern.interval),
            _relative(pattern.weekday, pattern.week_number),
        ]
    elif isinstance(pattern, xr.AbsoluteYearlyPattern):
        month = MONTHS.index(_name(MONTHS, pattern.month)) + 1
        parts = ["FREQ=YEARLY", f"BYMONTH={month}", _month_day(pattern.day_of_month)]
    elif isinstance(pattern, xr.RelativeYearlyPattern):
        month = MONTHS.index(_name(MONTHS, pattern.month)) + 1
        parts = ["FREQ=YEARLY", f"BYMONTH={month}", _relative(pattern.weekday, pattern.week_number)]
    else:
        raise UnsupportedRule(f"{type(pattern).__name__} is not a calendar pattern")
    if isinstance(boundary, xr.NumberedPattern):
        parts.append(f"COUNT={boundary.number}")
    elif isinstance(boundary, xr.EndDatePattern):
        end = boundary.end
        parts.append(f"UNTIL={(end.date() if isinstance(end, datetime) else end):%Y%m%d}")
    return ";".join(parts)


# -- RRULE -> EWS -------------------------------------------------------------------------------


def _parse(rule: str) -> dict[str, str]:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for piece in filter(None, text.split(";")):
        key, _, value = piece.partition("=")
        parts[key.strip().upper()] = value.strip().upper()
    unknown = set(parts) - _SUPPORTED
    if unknown:
        raise UnsupportedRule(f"Exchange cannot hold {', '.join(sorted(unknown))} in a series")
    return parts


def _days(text: str) -> list[tuple[int | None, int]]:
    """``BYDAY`` as (ordinal or None, weekday index 0-6)."""
    found = []
    for item in text.split(","):
        code, ordinal = item[-2:], item[:-2]
        if code not in _CODES:
            raise UnsupportedRule(f"BYDAY={text} is not a list of weekdays")
        found.append((int(ordinal) if ordinal else None, _CODES.index(code)))
    return found


def _week_number(position: int) -> int:
    if position == -1:
        return int(WEEK_NUMBERS.index("Last")) + 1
    if 1 <= position <= 4:
        return position
    raise UnsupportedRule(f"Exchange has no occurrence number {position} in a month")


def _monthly_day(parts: dict[str, str], start: date) -> int | None:
    """The EWS ``DayOfMonth`` a BYMONTHDAY (with BYSETPOS=-1 for fall-backs) means."""
    text = parts.get("BYMONTHDAY")
    if text is None:
        return None if "BYDAY" in parts else start.day
    days = [int(d) for d in text.split(",")]
    if days == [-1]:
        return 31
    if len(days) == 1 and 1 <= days[0] <= 31 and "BYSETPOS" not in parts:
        return days[0]
    if parts.get("BYSETPOS") == "-1" and days == list(range(28, max(days) + 1)) and max(days) > 28:
        return max(days)
    raise UnsupportedRule(f"BYMONTHDAY={text} has no EWS equivalent")


def _relative_pattern(parts: dict[str, str], start: date) -> tuple[int, int]:
    """(exchangelib weekday value, week number) of a relative monthly or yearly rule."""
    days = _days(parts["BYDAY"])
    if len(days) == 1 and days[0][0] is not None and "BYSETPOS" not in parts:
        ordinal, weekday = days[0]
        return weekday + 1, _week_number(ordinal)  # type: ignore[arg-type]
    codes = tuple(_CODES[d] for o, d in days if o is None)
    position = int(parts.get("BYSETPOS", "0") or 0)
    for name, members in _CLASSES.items():
        if len(codes) == len(days) and sorted(codes) == sorted(members) and position:
            return WEEKDAYS.index(name) + 1, _week_number(position)
    if len(days) == 1 and days[0][0] is None and position:
        return days[0][1] + 1, _week_number(position)
    raise UnsupportedRule(f"BYDAY={parts['BYDAY']} has no EWS equivalent")


def _pattern(parts: dict[str, str], start: date) -> xr.Pattern:
    freq = parts.get("FREQ")
    interval = int(parts.get("INTERVAL", "1"))
    if "BYMONTH" in parts and ("," in parts["BYMONTH"] or freq != "YEARLY"):
        raise UnsupportedRule("Exchange has no series on several months of the year")
    if freq == "DAILY" and "BYDAY" in parts:
        if interval != 1:
            raise UnsupportedRule("Exchange has no every-n-days series on chosen weekdays")
        freq, parts = "WEEKLY", {**parts, "INTERVAL": "1"}
    if freq == "DAILY":
        return xr.DailyPattern(interval=interval)
    if freq == "WEEKLY":
        days = [d for _, d in _days(parts["BYDAY"])] if "BYDAY" in parts else [start.weekday()]
        first = _CODES.index(parts.get("WKST", "MO")) + 1
        return xr.WeeklyPattern(
            interval=interval, weekdays=sorted({d + 1 for d in days}), first_day_of_week=first
        )
    if freq == "YEARLY" and interval != 1:
        # Exchange's yearly patterns have no interval; Outlook writes "every n years" so.
        month = int(parts.get("BYMONTH", start.month))
        if month != start.month:
            raise UnsupportedRule("every n years in another month than the start's")
        parts = {k: v for k, v in parts.items() if k != "BYMONTH"}
        freq, interval = "MONTHLY", interval * 12
    if freq == "MONTHLY":
        day = _monthly_day(parts, start)
        if day is not None:
            return xr.AbsoluteMonthlyPattern(interval=interval, day_of_month=day)
        weekday, week = _relative_pattern(parts, start)
        return xr.RelativeMonthlyPattern(interval=interval, weekday=weekday, week_number=week)
    if freq == "YEARLY":
        month = int(parts.get("BYMONTH", start.month))
        day = _monthly_day(parts, start)
        if day is not None:
            return xr.AbsoluteYearlyPattern(day_of_month=day, month=month)
        weekday, week = _relative_pattern(parts, start)
        return xr.RelativeYearlyPattern(weekday=weekday, week_number=week, month=month)
    raise UnsupportedRule(f"FREQ={freq} has no EWS equivalent")


def _until(text: str, zone: tzinfo | None) -> date:
    """The local end date an ``UNTIL`` means (a UTC date-time is read in the series' zone)."""
    if len(text) > 8 and text.endswith("Z") and zone is not None:
        moment = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return moment.astimezone(zone).date()
    return datetime.strptime(text[:8], "%Y%m%d").date()


def _check_limits(pattern: xr.Pattern, count: int | None) -> None:
    limit = 999 if isinstance(pattern, xr.DailyPattern) else 99
    interval = getattr(pattern, "interval", 1)
    if not 1 <= interval <= limit:
        raise UnsupportedRule(f"Exchange allows an interval of 1 to {limit}, not {interval}")
    if count is not None and not 1 <= count <= 999:
        raise UnsupportedRule(f"Exchange allows 1 to 999 occurrences, not {count}")


def from_rrule(rule: str, start: date, zone: tzinfo | None = None) -> xr.Recurrence:
    """The EWS recurrence for ``rule`` starting on ``start`` (the master's local start date).

    :param zone: the series' zone, to read a UTC ``UNTIL`` as a local end date.
    Raises :class:`UnsupportedRule` for rules EWS cannot hold (hourly, several months, ...).
    """
    parts = _parse(rule)
    try:
        pattern = _pattern(parts, start)
        count = int(parts["COUNT"]) if "COUNT" in parts else None
    except (KeyError, ValueError) as exc:
        if isinstance(exc, UnsupportedRule):
            raise
        raise UnsupportedRule(f"{rule!r} is not a rule Exchange can hold: {exc}") from None
    _check_limits(pattern, count)
    if count is not None:
        boundary: xr.Boundary = xr.NumberedPattern(start=start, number=count)
    elif "UNTIL" in parts:
        boundary = xr.EndDatePattern(start=start, end=_until(parts["UNTIL"], zone))
    else:
        boundary = xr.NoEndPattern(start=start)
    return xr.Recurrence(pattern=pattern, boundary=boundary)


def pattern_key(recurrence: xr.Recurrence) -> str:
    """A comparable text for an EWS recurrence (its canonical RRULE and start date)."""
    start = getattr(recurrence.boundary, "start", None)
    return f"{to_rrule(recurrence)}@{start}"
