"""Graph's ``patternedRecurrence`` <-> RFC 5545 RRULEs that python-dateutil expands alike.

Graph keeps a pattern (``daily``, ``weekly``, ``absoluteMonthly``, ``relativeMonthly``,
``absoluteYearly``, ``relativeYearly``) and a range (``numbered``, ``endDate``, ``noEnd``)
(https://learn.microsoft.com/en-us/graph/api/resources/recurrencepattern,
https://learn.microsoft.com/en-us/graph/api/resources/recurrencerange). The rules written
are what the patterns mean in Outlook, and the same texts the ``exchange`` provider writes
for the same EWS patterns:

* day 29-31 of a month falls back to the month's last day: ``BYMONTHDAY=28,29,30;BYSETPOS=-1``
  (``BYMONTHDAY=-1`` for 31);
* ``index: last`` is ``-1``; several days with an index are a ``BYDAY`` list with ``BYSETPOS``;
* an end date is inclusive, a date-only ``UNTIL``.

Anything Graph cannot hold raises :class:`UnsupportedRule`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any, Final

__all__ = ["UnsupportedRule", "from_rrule", "pattern_key", "to_rrule"]

_CODES: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_INDEX: Final = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_SUPPORTED: Final = {
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
    """The RRULE has no Graph equivalent."""


def _month_day(day: int) -> str:
    if day <= 28:
        return f"BYMONTHDAY={day}"
    if day == 31:
        return "BYMONTHDAY=-1"
    return f"BYMONTHDAY={','.join(str(d) for d in range(28, day + 1))};BYSETPOS=-1"


def _relative(days: list[str], index: str) -> str:
    position = _INDEX[index or "first"]
    codes = [_CODES[_DAYS.index(d)] for d in days]
    if len(codes) == 1:
        return f"BYDAY={position}{codes[0]}"
    return f"BYDAY={','.join(codes)};BYSETPOS={position}"


def to_rrule(recurrence: dict[str, Any]) -> str:
    """The RRULE of a Graph recurrence."""
    pattern, span = recurrence["pattern"], recurrence["range"]
    kind = pattern["type"]
    interval = int(pattern.get("interval") or 1)
    every = [f"INTERVAL={interval}"] if interval != 1 else []
    days = sorted(pattern.get("daysOfWeek") or (), key=_DAYS.index)
    if kind == "daily":
        parts = ["FREQ=DAILY", *every]
    elif kind == "weekly":
        parts = ["FREQ=WEEKLY", *every, "BYDAY=" + ",".join(_CODES[_DAYS.index(d)] for d in days)]
        first = pattern.get("firstDayOfWeek") or "sunday"
        if first != "monday":
            parts.append(f"WKST={_CODES[_DAYS.index(first)]}")
    elif kind == "absoluteMonthly":
        parts = ["FREQ=MONTHLY", *every, _month_day(int(pattern["dayOfMonth"]))]
    elif kind == "relativeMonthly":
        parts = ["FREQ=MONTHLY", *every, _relative(days, pattern.get("index"))]
    elif kind == "absoluteYearly":
        parts = [
            "FREQ=YEARLY",
            *every,
            f"BYMONTH={pattern['month']}",
            _month_day(int(pattern["dayOfMonth"])),
        ]
    elif kind == "relativeYearly":
        parts = [
            "FREQ=YEARLY",
            *every,
            f"BYMONTH={pattern['month']}",
            _relative(days, pattern.get("index")),
        ]
    else:
        raise UnsupportedRule(f"{kind!r} is not a Graph calendar pattern")
    if span["type"] == "numbered":
        parts.append(f"COUNT={span['numberOfOccurrences']}")
    elif span["type"] == "endDate":
        parts.append(f"UNTIL={date.fromisoformat(span['endDate']):%Y%m%d}")
    return ";".join(parts)


# -- RRULE -> Graph -------------------------------------------------------------------------


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
        raise UnsupportedRule(f"Microsoft 365 cannot hold {', '.join(sorted(unknown))} in a series")
    return parts


def _days(text: str) -> list[tuple[int | None, str]]:
    found = []
    for item in text.split(","):
        code, ordinal = item[-2:], item[:-2]
        if code not in _CODES:
            raise UnsupportedRule(f"BYDAY={text} is not a list of weekdays")
        found.append((int(ordinal) if ordinal else None, _DAYS[_CODES.index(code)]))
    return found


def _index(position: int) -> str:
    for name, value in _INDEX.items():
        if value == position:
            return name
    raise UnsupportedRule(f"Microsoft 365 has no occurrence number {position} in a month")


def _month_day_of(parts: dict[str, str], start: date) -> int | None:
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
    raise UnsupportedRule(f"BYMONTHDAY={text} has no Graph equivalent")


def _relative_of(parts: dict[str, str]) -> dict[str, Any]:
    days = _days(parts["BYDAY"])
    if len(days) == 1 and days[0][0] is not None and "BYSETPOS" not in parts:
        return {"daysOfWeek": [days[0][1]], "index": _index(days[0][0])}
    position = int(parts.get("BYSETPOS", "0") or 0)
    if position and all(o is None for o, _ in days):
        return {"daysOfWeek": [d for _, d in days], "index": _index(position)}
    raise UnsupportedRule(f"BYDAY={parts['BYDAY']} has no Graph equivalent")


def _pattern(parts: dict[str, str], start: date) -> dict[str, Any]:
    freq = parts.get("FREQ")
    interval = int(parts.get("INTERVAL", "1"))
    if "BYMONTH" in parts and ("," in parts["BYMONTH"] or freq != "YEARLY"):
        raise UnsupportedRule("Microsoft 365 has no series on several months of the year")
    if freq == "DAILY" and "BYDAY" in parts:
        if interval != 1:
            raise UnsupportedRule("Microsoft 365 has no every-n-days series on chosen weekdays")
        freq = "WEEKLY"
    if freq == "DAILY":
        return {"type": "daily", "interval": interval}
    if freq == "WEEKLY":
        days = (
            [d for _, d in _days(parts["BYDAY"])] if "BYDAY" in parts else [_DAYS[start.weekday()]]
        )
        first = _DAYS[_CODES.index(parts.get("WKST", "MO"))]
        return {"type": "weekly", "interval": interval, "daysOfWeek": days, "firstDayOfWeek": first}
    if freq not in ("MONTHLY", "YEARLY"):
        raise UnsupportedRule(f"FREQ={freq} has no Graph equivalent")
    day = _month_day_of(parts, start)
    shape: dict[str, Any] = {"interval": interval}
    if freq == "YEARLY":
        shape["month"] = int(parts.get("BYMONTH", start.month))
    prefix = "absolute" if day is not None else "relative"
    kind = f"{prefix}{'Monthly' if freq == 'MONTHLY' else 'Yearly'}"
    if day is not None:
        return {"type": kind, **shape, "dayOfMonth": day}
    return {"type": kind, **shape, **_relative_of(parts)}


def _until(text: str, zone: tzinfo | None) -> date:
    if len(text) > 8 and text.endswith("Z") and zone is not None:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).astimezone(zone).date()
    return datetime.strptime(text[:8], "%Y%m%d").date()


def from_rrule(
    rule: str, start: date, zone: tzinfo | None = None, zone_name: str | None = None
) -> dict[str, Any]:
    """The Graph ``patternedRecurrence`` for ``rule`` starting on ``start`` (the local start date).

    :param zone: the series' zone, to read a UTC ``UNTIL`` as a local end date.
    :param zone_name: the ``recurrenceTimeZone`` to write (Graph's own name for the zone).
    """
    parts = _parse(rule)
    try:
        pattern = _pattern(parts, start)
        count = int(parts["COUNT"]) if "COUNT" in parts else None
    except (KeyError, ValueError) as exc:
        if isinstance(exc, UnsupportedRule):
            raise
        raise UnsupportedRule(f"{rule!r} is not a rule Microsoft 365 can hold: {exc}") from None
    if not 1 <= pattern["interval"] <= 999 or (count is not None and not 1 <= count <= 999):
        raise UnsupportedRule("Microsoft 365 allows intervals and counts of 1 to 999")
    span: dict[str, Any] = {"type": "noEnd", "startDate": start.isoformat()}
    if count is not None:
        span = {"type": "numbered", "startDate": start.isoformat(), "numberOfOccurrences": count}
    elif "UNTIL" in parts:
        span = {
            "type": "endDate",
            "startDate": start.isoformat(),
            "endDate": _until(parts["UNTIL"], zone).isoformat(),
        }
    if zone_name:
        span["recurrenceTimeZone"] = zone_name
    return {"pattern": pattern, "range": span}


def pattern_key(recurrence: dict[str, Any]) -> str:
    """A comparable text for a Graph recurrence (its canonical RRULE and start date)."""
    return f"{to_rrule(recurrence)}@{recurrence['range'].get('startDate')}"
