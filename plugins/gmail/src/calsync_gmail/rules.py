"""A master's ``recurrence`` lines (RRULE / EXDATE) and core's :class:`Recurrence`.

Google keeps RFC 5545 lines without ``DTSTART`` (the master's start is the first
occurrence) and expands them in ``start.timeZone``. Exclusions are written as one ``EXDATE``
line in the series zone (``EXDATE;TZID=<zone>:...``, ``EXDATE;VALUE=DATE:...`` for all-day
series); occurrences the person deleted are not EXDATEs in Google but cancelled instances,
which the caller folds in (see :mod:`calsync_gmail.pull`).

``RDATE`` and ``EXRULE`` lines and a second ``RRULE`` have no place in the CRMs' series
models: they are kept as the recurrence's ``unsupported_lines``, and the engine refuses the
series with an issue rather than mirror it without them (EX-05).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from calsync.model import Moment, Recurrence
from calsync_gmail.moments import zoneinfo

__all__ = ["parse_recurrence", "recurrence_lines"]

#: Lines Google accepts that the CRMs' series models cannot express.
_UNSUPPORTED = frozenset({"RDATE", "EXRULE", "RRULE"})
_UNTIL = re.compile(r"UNTIL=([0-9]{8})(T[0-9]{6}Z?)?", re.IGNORECASE)


def _exdate_values(line: str, start: Moment, zone: str | None) -> list[Moment]:
    head, _, raw = line.partition(":")
    params = dict(p.split("=", 1) for p in head.split(";")[1:] if "=" in p)
    value_zone = zoneinfo(params.get("TZID")) or zoneinfo(zone) or UTC
    series_zone = zoneinfo(zone)
    out: list[Moment] = []
    for value in filter(None, (v.strip().upper() for v in raw.split(","))):
        day = datetime.strptime(value[:8], "%Y%m%d").date()
        if not isinstance(start, datetime):
            out.append(day)
            continue
        if len(value) == 8:
            # A date-only EXDATE on a timed series removes that day's occurrence.
            local_start = start.astimezone(series_zone) if series_zone else start
            moment = datetime.combine(day, local_start.timetz().replace(tzinfo=None))
            moment = moment.replace(tzinfo=series_zone or start.tzinfo)
        elif value.endswith("Z"):
            moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        else:
            moment = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=value_zone)
        out.append(moment.astimezone(series_zone) if series_zone else moment)
    return out


def parse_recurrence(
    lines: Sequence[str], start: Moment, zone: str | None, cancelled: Iterable[Moment] = ()
) -> Recurrence:
    """Read a master's ``recurrence`` lines.

    :param start: the master's start (the first occurrence).
    :param zone: ``start.timeZone``, the zone the series expands in (timed series only).
    :param cancelled: original starts of cancelled instances, added to the exclusions.
    :raises ValueError: there is no ``RRULE`` line.
    """
    rule = next((ln for ln in lines if ln.upper().startswith("RRULE:")), None)
    if rule is None:
        raise ValueError(f"a recurring event without an RRULE: {list(lines)!r}")
    exclusions: list[Moment] = []
    for line in lines:
        if line.upper().startswith("EXDATE"):
            exclusions.extend(_exdate_values(line, start, zone))
    exclusions.extend(cancelled)
    timed = isinstance(start, datetime)
    if not timed:
        exclusions = [e.date() if isinstance(e, datetime) else e for e in exclusions]
    unsupported = tuple(line for line in lines if line is not rule and _name(line) in _UNSUPPORTED)
    return Recurrence(
        rule=rule,
        exclusions=tuple(exclusions),
        zone=zone if timed else None,
        unsupported_lines=unsupported,
    )


def _name(line: str) -> str:
    """A content line's name: ``RDATE`` of ``RDATE;TZID=Europe/Berlin:20270301T090000``."""
    return line.split(":", 1)[0].split(";", 1)[0].strip().upper()


def _rule_for_google(rule: str, start: Moment, zone: str) -> str:
    """UNTIL in UTC for a timed series, a DATE for an all-day one (RFC 5545 §3.3.10)."""

    def fix(match: re.Match[str]) -> str:
        day, clock = match.group(1), match.group(2)
        if not isinstance(start, datetime):
            return f"UNTIL={day}"
        if clock and clock.upper().endswith("Z"):
            return match.group(0).upper()
        local = datetime.strptime(day + (clock or "T235959"), "%Y%m%dT%H%M%S")
        aware = local.replace(tzinfo=zoneinfo(zone) or UTC)
        return f"UNTIL={aware.astimezone(UTC):%Y%m%dT%H%M%SZ}"

    return _UNTIL.sub(fix, rule)


def recurrence_lines(recurrence: Recurrence, start: Moment, zone: str) -> list[str]:
    """Write ``recurrence`` as Google's lines, exclusions in the series zone ``zone``."""
    lines = ["RRULE:" + _rule_for_google(recurrence.rule, start, zone)]
    lines += recurrence.unsupported_lines  # as read: a person's RDATE stays where it is
    if not recurrence.exclusions:
        return lines
    if not isinstance(start, datetime):
        days = sorted({e.date() if isinstance(e, datetime) else e for e in recurrence.exclusions})
        lines.append("EXDATE;VALUE=DATE:" + ",".join(f"{d:%Y%m%d}" for d in days))
        return lines
    info = zoneinfo(zone) or UTC
    values = []
    for excluded in recurrence.exclusions:
        if not isinstance(excluded, datetime):
            local_start = start.astimezone(info)
            excluded = datetime.combine(excluded, local_start.timetz().replace(tzinfo=None))
            excluded = excluded.replace(tzinfo=info)
        values.append(f"{excluded.astimezone(info):%Y%m%dT%H%M%S}")
    lines.append(f"EXDATE;TZID={zone}:" + ",".join(sorted(set(values))))
    return lines
