"""Recurrence values between the EWS emulator's seed API and exchangelib's classes.

The harness seeds and reads the emulator's store directly, whose recurrence values
(:mod:`calsync_exchange.emulator.values`) mirror the EWS elements one to one; going through
exchangelib's classes lets the provider's own RRULE conversion
(:mod:`calsync_exchange.conversions.recurrence`) serve both.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from exchangelib import recurrence as xr
from exchangelib.fields import MONTHS, WEEK_NUMBERS, WEEKDAY_NAMES, WEEKDAYS

from calsync_exchange.emulator import values as ev

__all__ = ["from_emulator", "to_emulator"]


def _name(enum: tuple[str, ...], value: int | str) -> str:
    return enum[value - 1] if isinstance(value, int) else value


def _pattern_to_emulator(pattern: xr.Pattern) -> ev.Pattern:
    if isinstance(pattern, xr.DailyPattern):
        return ev.DailyPattern(interval=pattern.interval)
    if isinstance(pattern, xr.WeeklyPattern):
        return ev.WeeklyPattern(
            weekdays=tuple(_name(WEEKDAY_NAMES, d) for d in pattern.weekdays),
            interval=pattern.interval,
            first_day_of_week=_name(WEEKDAY_NAMES, pattern.first_day_of_week or 1),
        )
    if isinstance(pattern, xr.AbsoluteMonthlyPattern):
        return ev.AbsoluteMonthlyPattern(
            day_of_month=pattern.day_of_month, interval=pattern.interval
        )
    if isinstance(pattern, xr.RelativeMonthlyPattern):
        return ev.RelativeMonthlyPattern(
            weekday=_name(WEEKDAYS, pattern.weekday),
            week_index=_name(WEEK_NUMBERS, pattern.week_number),
            interval=pattern.interval,
        )
    if isinstance(pattern, xr.AbsoluteYearlyPattern):
        return ev.AbsoluteYearlyPattern(
            day_of_month=pattern.day_of_month, month=_name(MONTHS, pattern.month)
        )
    if isinstance(pattern, xr.RelativeYearlyPattern):
        return ev.RelativeYearlyPattern(
            weekday=_name(WEEKDAYS, pattern.weekday),
            week_index=_name(WEEK_NUMBERS, pattern.week_number),
            month=_name(MONTHS, pattern.month),
        )
    raise ValueError(f"{type(pattern).__name__} is not a calendar pattern")


def to_emulator(recurrence: xr.Recurrence) -> ev.Recurrence:
    """The emulator's value for an exchangelib recurrence."""
    boundary = recurrence.boundary
    start = boundary.start
    return ev.Recurrence(
        pattern=_pattern_to_emulator(recurrence.pattern),
        start_date=start,
        count=boundary.number if isinstance(boundary, xr.NumberedPattern) else None,
        end_date=boundary.end if isinstance(boundary, xr.EndDatePattern) else None,
    )


def from_emulator(data: dict[str, Any]) -> xr.Recurrence:
    """The exchangelib recurrence of the emulator's read-back dictionary (``item()["recurrence"]``)."""
    kind, fields = data["pattern_type"], dict(data["pattern"])
    if kind == "DailyPattern":
        pattern: xr.Pattern = xr.DailyPattern(interval=fields["interval"])
    elif kind == "WeeklyPattern":
        pattern = xr.WeeklyPattern(
            interval=fields["interval"],
            weekdays=[WEEKDAY_NAMES.index(d) + 1 for d in fields["weekdays"]],
            first_day_of_week=WEEKDAY_NAMES.index(fields["first_day_of_week"]) + 1,
        )
    elif kind == "AbsoluteMonthlyPattern":
        pattern = xr.AbsoluteMonthlyPattern(
            interval=fields["interval"], day_of_month=fields["day_of_month"]
        )
    elif kind == "RelativeMonthlyPattern":
        pattern = xr.RelativeMonthlyPattern(
            interval=fields["interval"], weekday=fields["weekday"], week_number=fields["week_index"]
        )
    elif kind == "AbsoluteYearlyPattern":
        pattern = xr.AbsoluteYearlyPattern(
            day_of_month=fields["day_of_month"], month=fields["month"]
        )
    else:
        pattern = xr.RelativeYearlyPattern(
            weekday=fields["weekday"], week_number=fields["week_index"], month=fields["month"]
        )
    start: date = data["start_date"]
    if data.get("count") is not None:
        boundary: xr.Boundary = xr.NumberedPattern(start=start, number=data["count"])
    elif data.get("end_date") is not None:
        boundary = xr.EndDatePattern(start=start, end=data["end_date"])
    else:
        boundary = xr.NoEndPattern(start=start)
    return xr.Recurrence(pattern=pattern, boundary=boundary)
