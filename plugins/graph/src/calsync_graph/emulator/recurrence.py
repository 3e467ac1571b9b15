"""Expanding a ``patternedRecurrence`` into occurrences, as Exchange Online does.

The pattern and range are those of
https://learn.microsoft.com/en-us/graph/api/resources/recurrencepattern?view=graph-rest-1.0
and https://learn.microsoft.com/en-us/graph/api/resources/recurrencerange?view=graph-rest-1.0:
the series repeats the master's local start time in ``recurrenceTimeZone`` (the event's
zone when absent), from ``startDate``; the first occurrence is the first date on or after
``startDate`` that fits the pattern; an ``endDate`` is inclusive; a day of month the month
lacks falls on its last day (Outlook's behaviour, as in EWS).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from dateutil import rrule

from calsync.timezones import to_zoneinfo
from calsync_graph.emulator.errors import GraphError
from calsync_graph.emulator.store import Event

__all__ = ["check", "occurrence_starts", "series_zone"]

DAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
INDEX: Final = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
PATTERNS: Final = frozenset(
    {
        "daily",
        "weekly",
        "absoluteMonthly",
        "relativeMonthly",
        "absoluteYearly",
        "relativeYearly",
    }
)
RANGES: Final = frozenset({"endDate", "noEnd", "numbered"})
#: How far a series without end is expanded.
HORIZON: Final = timedelta(days=366 * 5)


def _invalid(message: str) -> GraphError:
    return GraphError(400, "ErrorInvalidRequest", message)


def check(recurrence: dict[str, Any]) -> None:
    """Refuse a recurrence Graph would refuse ("a property without a supported value")."""
    pattern, span = recurrence.get("pattern") or {}, recurrence.get("range") or {}
    if pattern.get("type") not in PATTERNS:
        raise _invalid(f"Unsupported recurrence pattern type {pattern.get('type')!r}.")
    if span.get("type") not in RANGES:
        raise _invalid(f"Unsupported recurrence range type {span.get('type')!r}.")
    if not isinstance(pattern.get("interval", 1), int) or pattern.get("interval", 1) < 1:
        raise _invalid("The recurrence interval must be a positive number.")
    if any(d not in DAYS for d in pattern.get("daysOfWeek") or ()):
        raise _invalid("daysOfWeek holds a value that is not a day of the week.")
    if span.get("type") == "numbered" and int(span.get("numberOfOccurrences") or 0) < 1:
        raise _invalid("numberOfOccurrences must be positive for a numbered range.")
    try:
        date.fromisoformat(span["startDate"])
        if span["type"] == "endDate":
            date.fromisoformat(span["endDate"])
    except (KeyError, TypeError, ValueError):
        raise _invalid(
            "The recurrence range needs startDate (and endDate) as YYYY-MM-DD."
        ) from None


def series_zone(master: Event) -> str:
    """The zone the series repeats in."""
    return str((master.recurrence or {}).get("range", {}).get("recurrenceTimeZone") or "") or (
        master.start_zone
    )


def _month_day(day: int) -> dict[str, Any]:
    if day <= 28:
        return {"bymonthday": day}
    return {"bymonthday": tuple(range(28, day + 1)), "bysetpos": -1}


def _rule(recurrence: dict[str, Any], dtstart: datetime) -> rrule.rrule:
    pattern, span = recurrence["pattern"], recurrence["range"]
    kind = pattern["type"]
    args: dict[str, Any] = {"dtstart": dtstart, "interval": int(pattern.get("interval") or 1)}
    days = tuple(DAYS.index(d) for d in pattern.get("daysOfWeek") or ())
    if kind == "daily":
        freq = rrule.DAILY
    elif kind == "weekly":
        freq = rrule.WEEKLY
        args["byweekday"] = days or (dtstart.weekday(),)
        args["wkst"] = DAYS.index(pattern.get("firstDayOfWeek") or "sunday")
    elif kind in ("absoluteMonthly", "relativeMonthly"):
        freq = rrule.MONTHLY
    else:
        freq = rrule.YEARLY
        args["bymonth"] = int(pattern.get("month") or dtstart.month)
    if kind in ("absoluteMonthly", "absoluteYearly"):
        args.update(_month_day(int(pattern.get("dayOfMonth") or dtstart.day)))
    elif kind in ("relativeMonthly", "relativeYearly"):
        args["byweekday"] = days
        args["bysetpos"] = INDEX[pattern.get("index") or "first"]
    if span["type"] == "numbered":
        args["count"] = int(span["numberOfOccurrences"])
    elif span["type"] == "endDate":
        args["until"] = datetime.combine(date.fromisoformat(span["endDate"]), time(23, 59, 59))
    return rrule.rrule(freq, **args)  # type: ignore[arg-type]


def occurrence_starts(master: Event, until: datetime | None = None) -> list[datetime]:
    """The original starts (UTC) of every occurrence of ``master`` up to ``until``.

    Cancelled occurrences are included: callers leave out ``master.cancelled``.
    """
    recurrence = master.recurrence
    if recurrence is None:
        return []
    tz = to_zoneinfo(series_zone(master)) or UTC
    local_start = master.start.astimezone(tz)
    first = date.fromisoformat(recurrence["range"]["startDate"])
    dtstart = datetime.combine(first, local_start.time() if not master.is_all_day else time())
    limit = (until or master.start + HORIZON).astimezone(tz).replace(tzinfo=None)
    starts = []
    for moment in _rule(recurrence, dtstart):
        if moment > limit:
            break
        starts.append(moment.replace(tzinfo=tz).astimezone(UTC))
    return starts
