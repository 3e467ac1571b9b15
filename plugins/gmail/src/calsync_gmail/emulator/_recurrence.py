"""Expanding a recurring event's ``recurrence`` lines into its original start times.

The rules themselves are parsed and expanded by python-dateutil. Timed series are expanded
in ``start.timeZone`` with an aware ``dtstart``, so each occurrence keeps its wall-clock time
across DST changes (09:00 Copenhagen is 08:00Z in winter and 07:00Z in summer). All-day
series are expanded on naive midnights and yield dates.

Only two things are normalised before dateutil sees them, because dateutil is stricter than
Google: ``UNTIL`` is rewritten to UTC for timed series (dateutil refuses a floating or
date-only ``UNTIL`` next to an aware ``dtstart``) and to a date for all-day series; and the
values of ``EXDATE``/``RDATE`` lines are read here, since dateutil accepts no ``TZID`` on
``RDATE`` and cannot compare a date-only ``EXDATE`` with timed occurrences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dateutil.rrule import rruleset, rrulestr

from calsync_gmail.emulator._times import EventTime, zone

#: Safety stop for unbounded series whose window has no upper bound.
MAX_OCCURRENCES = 10_000
#: How far past the window start an unbounded expansion goes (Google also stops somewhere).
DEFAULT_HORIZON = timedelta(days=730)

_UNTIL = re.compile(r"UNTIL=([0-9TZ]+)", re.IGNORECASE)


class RecurrenceError(ValueError):
    """A ``recurrence`` line that Google would refuse."""


def _series_start(start: EventTime) -> datetime:
    if start.day is not None:
        return datetime.combine(start.day, time())
    if not start.tz_name:
        raise RecurrenceError("Missing time zone definition for start time.")
    assert start.instant is not None
    return start.instant.astimezone(zone(start.tz_name))


def _normalise_until(rule: str, dtstart: datetime) -> str:
    def fix(match: re.Match[str]) -> str:
        raw = match.group(1).upper()
        if dtstart.tzinfo is None:  # all-day series: UNTIL is a DATE
            return f"UNTIL={raw[:8]}"
        if raw.endswith("Z"):
            return f"UNTIL={raw}"
        if len(raw) == 8:  # a date: inclusive, so up to the end of that local day
            local = datetime.combine(datetime.strptime(raw, "%Y%m%d").date(), time(23, 59, 59))
        else:
            local = datetime.strptime(raw, "%Y%m%dT%H%M%S")
        moment = local.replace(tzinfo=dtstart.tzinfo).astimezone(UTC)
        return f"UNTIL={moment:%Y%m%dT%H%M%SZ}"

    return _UNTIL.sub(fix, rule)


def _date_values(line: str, dtstart: datetime) -> list[datetime]:
    """Read the values of an ``EXDATE``/``RDATE`` line in the series' own terms."""
    head, _, values = line.partition(":")
    params = dict(p.split("=", 1) for p in head.split(";")[1:] if "=" in p)
    value_zone: tzinfo | None = dtstart.tzinfo
    if "TZID" in params:
        try:
            value_zone = zone(params["TZID"])
        except KeyError:
            raise RecurrenceError(f"unknown TZID {params['TZID']}") from None
    out: list[datetime] = []
    for raw in filter(None, (v.strip().upper() for v in values.split(","))):
        try:
            if len(raw) == 8:
                day = datetime.strptime(raw, "%Y%m%d").date()
                value = (
                    datetime.combine(day, time())
                    if dtstart.tzinfo is None
                    else datetime.combine(day, dtstart.timetz())
                )
            elif raw.endswith("Z"):
                value = datetime.strptime(raw, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            else:
                value = datetime.strptime(raw, "%Y%m%dT%H%M%S").replace(tzinfo=value_zone)
        except ValueError:
            raise RecurrenceError(f"bad date value {raw!r}") from None
        if dtstart.tzinfo is None:
            value = datetime.combine(value.date(), time())
        out.append(value)
    return out


def build(lines: Sequence[str], start: EventTime) -> rruleset:
    """Build the dateutil rule set of a series; raise :class:`RecurrenceError` if invalid."""
    dtstart = _series_start(start)
    rules = rruleset()
    has_rule = False
    for line in lines:
        if not isinstance(line, str) or ":" not in line:
            raise RecurrenceError(f"bad recurrence line {line!r}")
        name = line.split(":", 1)[0].split(";", 1)[0].upper()
        body = line.split(":", 1)[1]
        try:
            if name in ("RRULE", "EXRULE"):
                rule = rrulestr(_normalise_until(body, dtstart), dtstart=dtstart)
                rules.rrule(rule) if name == "RRULE" else rules.exrule(rule)  # type: ignore[arg-type]
                has_rule = has_rule or name == "RRULE"
            elif name == "EXDATE":
                for value in _date_values(line, dtstart):
                    rules.exdate(value)
            elif name == "RDATE":
                for value in _date_values(line, dtstart):
                    rules.rdate(value)
                has_rule = True
            else:
                raise RecurrenceError(f"unsupported recurrence property {name}")
        except (ValueError, TypeError) as exc:
            raise RecurrenceError(str(exc)) from exc
    if not has_rule:
        raise RecurrenceError("no RRULE or RDATE")
    return rules


def occurrences(
    lines: Sequence[str], start: EventTime, *, until: datetime, window_zone: tzinfo
) -> Iterator[datetime | date]:
    """Yield the original starts of a series, in order, that begin before ``until`` (UTC).

    Timed occurrences are aware datetimes in the series zone; all-day ones are dates, placed
    against ``until`` at midnight in ``window_zone``.
    """
    rules = build(lines, start)
    for count, occurrence in enumerate(rules):
        if count >= MAX_OCCURRENCES:
            return
        assert isinstance(occurrence, datetime)
        if occurrence.tzinfo is None:
            if occurrence.replace(tzinfo=window_zone).astimezone(UTC) >= until:
                return
            yield occurrence.date()
        else:
            if occurrence.astimezone(UTC) >= until:
                return
            yield occurrence


def suffix(original: datetime | date) -> str:
    """Return the instance-id suffix: ``YYYYMMDD`` (all-day) or ``YYYYMMDDTHHMMSSZ`` (UTC)."""
    if isinstance(original, datetime):
        return original.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return original.strftime("%Y%m%d")


def parse_suffix(text: str) -> datetime | date | None:
    """Read an instance-id suffix back; ``None`` if it is not one."""
    try:
        if len(text) == 8 and text.isdigit():
            return datetime.strptime(text, "%Y%m%d").date()
        if len(text) == 16 and text.endswith("Z"):
            return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return None
