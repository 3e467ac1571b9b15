"""Outlook's recurrence patterns <-> RFC 5545 RRULEs that python-dateutil expands alike.

Exchange (EWS) and Microsoft Graph keep a series as Outlook does: a pattern (``daily``,
``weekly``, ``absoluteMonthly``, ``relativeMonthly``, ``absoluteYearly``, ``relativeYearly``)
and a range (``numbered``, ``endDate``, ``noEnd``). This module speaks the pattern in Graph's
JSON form (https://learn.microsoft.com/en-us/graph/api/resources/recurrencepattern,
https://learn.microsoft.com/en-us/graph/api/resources/recurrencerange); the ``exchange``
provider maps exchangelib's pattern objects to and from it, so both write the same rules
for the same patterns. The rules are what the patterns mean in Outlook:

* day 29-31 of a month falls back to the month's last day: ``BYMONTHDAY=28,29,30;BYSETPOS=-1``
  (``BYMONTHDAY=-1`` for 31);
* ``index: last`` is ``-1``; several days with an index are a ``BYDAY`` list with ``BYSETPOS``;
* an end date is inclusive, a date-only ``UNTIL`` (core reads it as the end of that day in
  the series' zone).

The other way, :func:`from_rrule` also maps ``FREQ=DAILY;BYDAY=...`` (a weekly pattern).
Anything the pattern cannot hold raises :class:`UnsupportedRule`, naming the service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Final

__all__ = [
    "CODES",
    "DAYS",
    "INDEX",
    "UnsupportedRule",
    "from_rrule",
    "pattern_key",
    "rule_as_written",
    "to_rrule",
]

#: RFC 5545's weekday codes and Graph's day names, Monday first.
CODES: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Graph's ``index`` and the occurrence number it means.
INDEX: Final = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_SUPPORTED: Final = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}
)


class UnsupportedRule(ValueError):
    """The RRULE has no Outlook pattern."""


def _month_day(day: int) -> str:
    if day <= 28:
        return f"BYMONTHDAY={day}"
    if day == 31:
        return "BYMONTHDAY=-1"
    return f"BYMONTHDAY={','.join(str(d) for d in range(28, day + 1))};BYSETPOS=-1"


def _relative(days: list[str], index: str | None) -> str:
    position = INDEX[index or "first"]
    codes = [CODES[DAYS.index(d)] for d in days]
    if len(codes) == 1:
        return f"BYDAY={position}{codes[0]}"
    return f"BYDAY={','.join(codes)};BYSETPOS={position}"


def to_rrule(recurrence: Mapping[str, Any]) -> str:
    """The RRULE of a recurrence (``{"pattern": ..., "range": ...}``)."""
    pattern, span = recurrence["pattern"], recurrence["range"]
    kind = pattern["type"]
    interval = int(pattern.get("interval") or 1)
    every = [f"INTERVAL={interval}"] if interval != 1 else []
    days = sorted(pattern.get("daysOfWeek") or (), key=DAYS.index)
    if kind == "daily":
        parts = ["FREQ=DAILY", *every]
    elif kind == "weekly":
        parts = ["FREQ=WEEKLY", *every, "BYDAY=" + ",".join(CODES[DAYS.index(d)] for d in days)]
        first = pattern.get("firstDayOfWeek") or "sunday"
        if first != "monday":
            parts.append(f"WKST={CODES[DAYS.index(first)]}")
    elif kind in ("absoluteMonthly", "relativeMonthly"):
        parts = ["FREQ=MONTHLY", *every]
    elif kind in ("absoluteYearly", "relativeYearly"):
        parts = ["FREQ=YEARLY", *every, f"BYMONTH={pattern['month']}"]
    else:
        raise UnsupportedRule(f"{kind!r} is not a calendar pattern")
    if kind.startswith("absolute"):
        parts.append(_month_day(int(pattern["dayOfMonth"])))
    elif kind.startswith("relative"):
        parts.append(_relative(days, pattern.get("index")))
    if span["type"] == "numbered":
        parts.append(f"COUNT={span['numberOfOccurrences']}")
    elif span["type"] == "endDate":
        parts.append(f"UNTIL={date.fromisoformat(str(span['endDate'])[:10]):%Y%m%d}")
    return ";".join(parts)


# -- RRULE -> pattern ---------------------------------------------------------------------


def _parse(rule: str, service: str) -> dict[str, str]:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for piece in filter(None, text.split(";")):
        key, _, value = piece.partition("=")
        parts[key.strip().upper()] = value.strip().upper()
    unknown = set(parts) - _SUPPORTED
    if unknown:
        raise UnsupportedRule(f"{service} cannot hold {', '.join(sorted(unknown))} in a series")
    return parts


def _days(text: str) -> list[tuple[int | None, str]]:
    found = []
    for item in text.split(","):
        code, ordinal = item[-2:], item[:-2]
        if code not in CODES:
            raise UnsupportedRule(f"BYDAY={text} is not a list of weekdays")
        found.append((int(ordinal) if ordinal else None, DAYS[CODES.index(code)]))
    return found


def _index(position: int, service: str) -> str:
    for name, value in INDEX.items():
        if value == position:
            return name
    raise UnsupportedRule(f"{service} has no occurrence number {position} in a month")


def _month_day_of(parts: dict[str, str], start: date, service: str) -> int | None:
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
    raise UnsupportedRule(f"BYMONTHDAY={text} has no {service} equivalent")


def _relative_of(parts: dict[str, str], service: str) -> dict[str, Any]:
    days = _days(parts["BYDAY"])
    if len(days) == 1 and days[0][0] is not None and "BYSETPOS" not in parts:
        return {"daysOfWeek": [days[0][1]], "index": _index(days[0][0], service)}
    position = int(parts.get("BYSETPOS", "0") or 0)
    if position and all(o is None for o, _ in days):
        return {"daysOfWeek": [d for _, d in days], "index": _index(position, service)}
    raise UnsupportedRule(f"BYDAY={parts['BYDAY']} has no {service} equivalent")


def _pattern(parts: dict[str, str], start: date, service: str) -> dict[str, Any]:
    freq = parts.get("FREQ")
    interval = int(parts.get("INTERVAL", "1"))
    if "BYMONTH" in parts and ("," in parts["BYMONTH"] or freq != "YEARLY"):
        raise UnsupportedRule(f"{service} has no series on several months of the year")
    if freq == "DAILY" and "BYDAY" in parts:
        if interval != 1:
            raise UnsupportedRule(f"{service} has no every-n-days series on chosen weekdays")
        freq = "WEEKLY"
    if freq == "DAILY":
        return {"type": "daily", "interval": interval}
    if freq == "WEEKLY":
        days = (
            [d for _, d in _days(parts["BYDAY"])] if "BYDAY" in parts else [DAYS[start.weekday()]]
        )
        first = DAYS[CODES.index(parts.get("WKST", "MO"))]
        return {"type": "weekly", "interval": interval, "daysOfWeek": days, "firstDayOfWeek": first}
    if freq not in ("MONTHLY", "YEARLY"):
        raise UnsupportedRule(f"FREQ={freq} has no {service} equivalent")
    day = _month_day_of(parts, start, service)
    shape: dict[str, Any] = {"interval": interval}
    if freq == "YEARLY":
        shape["month"] = int(parts.get("BYMONTH", start.month))
    prefix = "absolute" if day is not None else "relative"
    kind = f"{prefix}{'Monthly' if freq == 'MONTHLY' else 'Yearly'}"
    if day is not None:
        return {"type": kind, **shape, "dayOfMonth": day}
    return {"type": kind, **shape, **_relative_of(parts, service)}


def _until(text: str, zone: tzinfo | None) -> date:
    """The local end date an ``UNTIL`` means (a UTC date-time is read in the series' zone)."""
    if len(text) > 8 and text.endswith("Z") and zone is not None:
        moment = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return moment.astimezone(zone).date()
    return datetime.strptime(text[:8], "%Y%m%d").date()


def from_rrule(
    rule: str, start: date, zone: tzinfo | None = None, *, service: str = "Outlook"
) -> dict[str, Any]:
    """The recurrence (``{"pattern": ..., "range": ...}``) for ``rule`` starting on ``start``.

    :param start: the series' local start date (the range's ``startDate``).
    :param zone: the series' zone, to read a UTC ``UNTIL`` as a local end date.
    :param service: the service's name, for the message of :class:`UnsupportedRule`.
    """
    parts = _parse(rule, service)
    try:
        pattern = _pattern(parts, start, service)
        count = int(parts["COUNT"]) if "COUNT" in parts else None
    except UnsupportedRule:
        raise
    except (KeyError, ValueError) as exc:
        raise UnsupportedRule(f"{rule!r} is not a rule {service} can hold: {exc}") from None
    if not 1 <= pattern["interval"] <= 999:
        raise UnsupportedRule(
            f"{service} allows an interval of 1 to 999, not {pattern['interval']}"
        )
    if count is not None and not 1 <= count <= 999:
        raise UnsupportedRule(f"{service} allows 1 to 999 occurrences, not {count}")
    span: dict[str, Any] = {"type": "noEnd", "startDate": start.isoformat()}
    if count is not None:
        span = {"type": "numbered", "startDate": start.isoformat(), "numberOfOccurrences": count}
    elif "UNTIL" in parts:
        end = _until(parts["UNTIL"], zone)
        span = {"type": "endDate", "startDate": start.isoformat(), "endDate": end.isoformat()}
    return {"pattern": pattern, "range": span}


def pattern_key(recurrence: Mapping[str, Any]) -> str:
    """A comparable text for a recurrence: its canonical RRULE and start date."""
    return f"{to_rrule(recurrence)}@{str(recurrence['range'].get('startDate'))[:10]}"


#: How a service holds a rule: the recurrence it stores for an RRULE, a start and a zone.
Hold = Callable[[str, date, "tzinfo | None"], Mapping[str, Any]]


def rule_as_written(
    stored: str | None,
    current: Mapping[str, Any],
    start: date,
    zone: tzinfo | None,
    *,
    hold: Hold = from_rrule,
) -> str:
    """The rule calsync wrote (``stored``) while the pattern is still the one it maps to.

    A service keeps the pattern, not the rule: a rule read back from the pattern may be
    written differently (``FREQ=YEARLY;INTERVAL=2`` as 24 months), which must not look like
    a change. Once the pattern changed (the person edited the series), its own rule.

    :param hold: how the service holds ``stored`` (when it differs from :func:`from_rrule`).
    """
    if stored:
        try:
            if pattern_key(hold(stored, start, zone)) == pattern_key(current):
                return stored
        except ValueError:
            pass
    return to_rrule(current)
