"""Expansion of EWS recurrence patterns into occurrences, with ``dateutil.rrule``.

Expansion happens on wall-clock times in the series' start time zone and only then are the
local times converted to UTC, so a series at 09:00 Europe/Berlin stays at 09:00 local time
across daylight-saving changes (its UTC time moves), exactly as Exchange expands it.
Local times that fall in a daylight-saving gap are read with the offset before the gap
(``fold=0``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta, tzinfo

from dateutil import rrule

from calsync_exchange.emulator.values import (
    MONTHS,
    WEEK_INDEXES,
    WEEKDAYS,
    AbsoluteMonthlyPattern,
    AbsoluteYearlyPattern,
    DailyPattern,
    Pattern,
    Recurrence,
    RelativeMonthlyPattern,
    WeeklyPattern,
)

_RRULE_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
#: Far enough for any index a client can ask for on a series with no end.
_MAX_INDEX = 100_000


class RecurrenceError(ValueError):
    """A pattern the server refuses; ``code`` is the EWS response code."""

    def __init__(self, code: str, message: str) -> None:
        """Carry the EWS ``code`` with a human ``message``."""
        super().__init__(message)
        self.code = code


def _weekdays(name: str) -> list[rrule.weekday]:
    if name == "Day":
        return list(_RRULE_DAYS)
    if name == "Weekday":
        return list(_RRULE_DAYS[:5])
    if name == "WeekendDay":
        return list(_RRULE_DAYS[5:])
    return [_RRULE_DAYS[WEEKDAYS.index(name)]]


def _setpos(week_index: str) -> int:
    return -1 if week_index == "Last" else WEEK_INDEXES.index(week_index) + 1


def _month_day(day_of_month: int) -> dict[str, object]:
    # "If a month has fewer days than DayOfMonth, the last day of the month is used": pick
    # the largest existing day among 28..day_of_month.
    if day_of_month <= 28:
        return {"bymonthday": day_of_month}
    return {"bymonthday": tuple(range(28, day_of_month + 1)), "bysetpos": -1}


def _rule_kwargs(pattern: Pattern) -> dict[str, object]:
    if isinstance(pattern, DailyPattern):
        return {"freq": rrule.DAILY, "interval": pattern.interval}
    if isinstance(pattern, WeeklyPattern):
        return {
            "freq": rrule.WEEKLY,
            "interval": pattern.interval,
            "byweekday": [_RRULE_DAYS[WEEKDAYS.index(d)] for d in pattern.weekdays],
            "wkst": WEEKDAYS.index(pattern.first_day_of_week),
        }
    if isinstance(pattern, AbsoluteMonthlyPattern):
        return {
            "freq": rrule.MONTHLY,
            "interval": pattern.interval,
            **_month_day(pattern.day_of_month),
        }
    if isinstance(pattern, RelativeMonthlyPattern):
        return {
            "freq": rrule.MONTHLY,
            "interval": pattern.interval,
            "byweekday": _weekdays(pattern.weekday),
            "bysetpos": _setpos(pattern.week_index),
        }
    if isinstance(pattern, AbsoluteYearlyPattern):
        return {
            "freq": rrule.YEARLY,
            "bymonth": MONTHS.index(pattern.month) + 1,
            **_month_day(pattern.day_of_month),
        }
    return {
        "freq": rrule.YEARLY,
        "bymonth": MONTHS.index(pattern.month) + 1,
        "byweekday": _weekdays(pattern.weekday),
        "bysetpos": _setpos(pattern.week_index),
    }


def period_of(pattern: Pattern) -> timedelta:
    """Return the shortest span the pattern repeats over (an occurrence must be shorter)."""
    if isinstance(pattern, DailyPattern):
        return timedelta(days=pattern.interval)
    if isinstance(pattern, WeeklyPattern):
        days = sorted(WEEKDAYS.index(d) for d in pattern.weekdays)
        gaps = [b - a for a, b in itertools.pairwise(days)]
        gaps.append(7 * pattern.interval - days[-1] + days[0])
        return timedelta(days=min(gaps))
    if isinstance(pattern, AbsoluteMonthlyPattern | RelativeMonthlyPattern):
        return timedelta(days=28 * pattern.interval)
    return timedelta(days=365)


def in_view(start: datetime, end: datetime, window_start: datetime, window_end: datetime) -> bool:
    """Whether a CalendarView from ``window_start`` to ``window_end`` shows an item.

    Exchange documents both bounds of CalendarView (EWS reference, CalendarView element,
    https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/calendarview):
    "All calendar items that have an end time that is before StartDate will not be
    returned" and "All calendar items that have a start time that is on or after EndDate
    will not be returned". So an item ending exactly at StartDate is shown, and one
    starting exactly at EndDate is not.
    """
    return end >= window_start and start < window_end


class Series:
    """The occurrences of one recurring master.

    :param recurrence: the pattern and range.
    :param wall_start: the series' start time of day (local, naive) — the master's start.
    :param zone: the series' start time zone.
    """

    def __init__(self, recurrence: Recurrence, wall_start: time, zone: tzinfo) -> None:
        """Prepare the rule; nothing is expanded until asked."""
        self.recurrence = recurrence
        self.zone = zone
        until = None
        if recurrence.end_date is not None:
            until = datetime.combine(recurrence.end_date, time(23, 59, 59))
        self._rule = rrule.rrule(
            dtstart=datetime.combine(recurrence.start_date, wall_start),
            count=recurrence.count,
            until=until,
            cache=True,
            **_rule_kwargs(recurrence.pattern),  # type: ignore[arg-type]
        )

    def _to_utc(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.zone, fold=0).astimezone(UTC)

    @property
    def is_bounded(self) -> bool:
        """Whether the range ends (numbered or end-dated)."""
        return self.recurrence.count is not None or self.recurrence.end_date is not None

    def starts(self) -> Iterator[datetime]:
        """Every original start (UTC), in order; endless for a series with no end."""
        for local in self._rule:
            yield self._to_utc(local)

    def first(self) -> datetime | None:
        """Return the first original start, or ``None`` when the pattern produces nothing."""
        return next(self.starts(), None)

    def last(self) -> datetime | None:
        """Return the last original start of a bounded series (``None`` for no end)."""
        if not self.is_bounded:
            return None
        last = None
        for last in self.starts():  # noqa: B007 - we want the final value
            pass
        return last

    def at_index(self, index: int) -> datetime | None:
        """Return the original start of 1-based occurrence ``index``, or ``None`` past the range."""
        if index < 1 or index > _MAX_INDEX:
            return None
        return next(itertools.islice(self.starts(), index - 1, None), None)

    def index_of(self, original_start: datetime) -> int | None:
        """Return the 1-based index of the occurrence originally at ``original_start``."""
        for index, start in enumerate(self.starts(), start=1):
            if start == original_start:
                return index
            if start > original_start or index > _MAX_INDEX:
                return None
        return None

    def between(
        self, window_start: datetime, window_end: datetime, length: timedelta
    ) -> list[datetime]:
        """Return the original starts of occurrences a CalendarView of the window shows.

        :param length: how long each occurrence lasts.
        """
        # Widen the local window by two days: offsets never exceed ±14 h, and occurrences
        # that started before the window may still overlap it.
        lo = window_start.astimezone(UTC).replace(tzinfo=None) - length - timedelta(days=2)
        hi = window_end.astimezone(UTC).replace(tzinfo=None) + timedelta(days=2)
        found = []
        for local in self._rule.between(lo, hi, inc=True):
            start = self._to_utc(local)
            if in_view(start, start + length, window_start, window_end):
                found.append(start)
        return found

    def contains(self, original_start: datetime) -> bool:
        """Whether some occurrence originally starts at ``original_start``."""
        local = original_start.astimezone(self.zone).replace(tzinfo=None)
        candidates = self._rule.between(
            local - timedelta(days=1), local + timedelta(days=1), inc=True
        )
        return any(self._to_utc(c) == original_start for c in candidates)


def validate(recurrence: Recurrence, wall_start: time, zone: tzinfo, length: timedelta) -> Series:
    """Build the series, refusing what Exchange refuses."""
    pattern = recurrence.pattern
    if isinstance(pattern, WeeklyPattern) and not pattern.weekdays:
        raise RecurrenceError(
            "ErrorCalendarInvalidRecurrence", "A weekly recurrence needs DaysOfWeek."
        )
    if recurrence.count is not None and not 1 <= recurrence.count <= 999:
        raise RecurrenceError(
            "ErrorCalendarInvalidRecurrence", "NumberOfOccurrences must be between 1 and 999."
        )
    if recurrence.end_date is not None and recurrence.end_date < recurrence.start_date:
        raise RecurrenceError(
            "ErrorCalendarInvalidRecurrence", "The recurrence end date is before its start date."
        )
    if length > period_of(pattern):
        raise RecurrenceError(
            "ErrorCalendarDurationIsTooLong",
            "The duration of the calendar item must be shorter than its recurrence interval.",
        )
    series = Series(recurrence, wall_start, zone)
    if series.first() is None:
        raise RecurrenceError(
            "ErrorRecurrenceHasNoOccurrence", "The recurrence pattern has no occurrence."
        )
    return series
