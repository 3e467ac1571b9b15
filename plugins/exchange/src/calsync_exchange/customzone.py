"""Custom Exchange time zones (``Name="Customized Time Zone"``, no id) and their IANA twins.

Outlook and Graph write a zone the user built, or one Windows did not name, as a
``TimeZoneDefinitionType``: ``Periods`` (offsets), ``TransitionsGroups`` (yearly rules
between the periods) and ``Transitions`` (which group is in force from when).
:class:`DefinitionZone` is a ``tzinfo`` following such a definition, parsed by exchangelib's
:class:`~exchangelib.properties.TimeZoneDefinition`; :func:`equivalent_zone` finds the IANA
zone with the same UTC offset at every instant of a window, with core's rule-equivalence
fingerprints (:mod:`calsync.timezones.equivalence`) over the pinned tz database.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from exchangelib.properties import (
    AbsoluteDateTransition,
    RecurringDateTransition,
    RecurringDayTransition,
    TimeZoneDefinition,
)
from tzlocal.windows_tz import win_tz

from calsync.timezones import equivalence, tzdb
from calsync.timezones.equivalence import Fingerprint, Window

__all__ = ["DefinitionZone", "equivalent_zone"]

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)
#: A yearly rule resolved for one year: local wall time of the switch and the new offset.
_Switch = tuple[datetime, timedelta]


class DefinitionZone(tzinfo):
    """A ``tzinfo`` that follows an EWS time-zone definition.

    Local times in a gap or an overlap read with the offset in force before the change when
    ``fold`` is 0, as ``zoneinfo`` does.
    """

    def __init__(self, definition: TimeZoneDefinition) -> None:
        """Index the definition's periods, groups and dated group switches."""
        self.name = definition.name or "Customized Time Zone"
        self._periods: dict[str, timedelta] = {p.id: -p.bias for p in definition.periods or ()}
        if not self._periods:
            raise ValueError("a time-zone definition needs at least one period")
        self._groups = {
            g.id: list(g.transitions or ()) for g in definition.transitions_groups or ()
        }
        switches: list[tuple[datetime | None, str]] = []
        for transition in definition.transitions or ():
            moment = None
            if isinstance(transition, AbsoluteDateTransition) and transition.date is not None:
                moment = datetime.combine(transition.date, datetime.min.time(), UTC)
            switches.append((moment, transition.to))
        if not switches and self._groups:
            switches.append((None, next(iter(self._groups))))
        # The undated transition is the initial group; dated ones follow in time order.
        self._switches = sorted(switches, key=lambda s: s[0] or datetime.min.replace(tzinfo=UTC))
        self._years: dict[tuple[str, int], list[_Switch]] = {}

    # -- offsets at UTC instants ------------------------------------------------------------

    def _group_at(self, instant: datetime) -> str | None:
        current = None
        for moment, group in self._switches:
            if moment is None or moment <= instant:
                current = group
        return current

    def _switches_in(self, group: str, year: int) -> list[_Switch]:
        key = (group, year)
        if key not in self._years:
            found: list[_Switch] = []
            for rule in self._groups.get(group, ()):
                local = _local_switch(rule, year)
                if local is not None and rule.to in self._periods:
                    found.append((local, self._periods[rule.to]))
            self._years[key] = sorted(found)
        return self._years[key]

    def offset_at(self, instant: datetime) -> timedelta:
        """The UTC offset in force at the aware ``instant``."""
        instant = instant.astimezone(UTC)
        group = self._group_at(instant)
        rules = self._groups.get(group or "", [])
        fixed = [
            r
            for r in rules
            if not isinstance(
                r, RecurringDayTransition | RecurringDateTransition | AbsoluteDateTransition
            )
        ]
        if group is None or (fixed and len(rules) == 1):
            target = fixed[0].to if fixed else next(iter(self._periods))
            return self._periods.get(target, next(iter(self._periods.values())))
        switches = [
            s
            for year in (instant.year - 1, instant.year, instant.year + 1)
            for s in self._switches_in(group, year)
        ]
        if not switches:
            return next(iter(self._periods.values()))
        # Each switch happens at a wall time read in the offset in force before it; before
        # the first one (a year back) the offset is the one the yearly cycle ends in.
        offset = previous = switches[-1][1]
        for local, target in switches:
            moment = (local - previous).replace(tzinfo=UTC)
            if moment > instant:
                break
            offset, previous = target, target
        return offset

    # -- tzinfo --------------------------------------------------------------------------------

    def utcoffset(self, dt: datetime | None) -> timedelta:
        """The offset at local time ``dt`` (``fold`` picks in overlaps and gaps)."""
        if dt is None:
            return next(iter(self._periods.values()))
        naive = dt.replace(tzinfo=None)
        offsets = sorted(set(self._periods.values()))
        valid = [o for o in offsets if self.offset_at((naive - o).replace(tzinfo=UTC)) == o]
        if len(valid) == 1:
            return valid[0]
        if valid:  # an overlap: fold=0 is the first pass, still on the larger offset
            return min(valid) if dt.fold else max(valid)
        # A gap: fold=0 reads the wall time with the offset in force before the change.
        before = self.offset_at((naive - offsets[-1]).replace(tzinfo=UTC) - timedelta(hours=3))
        after = self.offset_at((naive - offsets[0]).replace(tzinfo=UTC) + timedelta(hours=3))
        return after if dt.fold else before

    def dst(self, dt: datetime | None) -> timedelta | None:
        """Daylight saving is not told apart from the standard offset here."""
        return None

    def tzname(self, dt: datetime | None) -> str:
        """The definition's name."""
        return self.name

    def fromutc(self, dt: datetime) -> datetime:
        """Local time for a UTC time carrying this tzinfo (``fold`` set in overlaps)."""
        instant = dt.replace(tzinfo=UTC)
        offset = self.offset_at(instant)
        naive = (instant + offset).replace(tzinfo=None)
        for other in set(self._periods.values()):
            if other > offset and self.offset_at((naive - other).replace(tzinfo=UTC)) == other:
                # The same wall time was already read with a larger offset: the second pass.
                return naive.replace(tzinfo=self, fold=1)
        return naive.replace(tzinfo=self)

    def __repr__(self) -> str:
        """Name the definition."""
        return f"DefinitionZone({self.name!r})"


def _local_switch(rule: Any, year: int) -> datetime | None:
    """The local wall time a group rule switches at in ``year`` (``None``: not that year)."""
    offset = getattr(rule, "offset", None) or timedelta(0)
    if isinstance(rule, RecurringDayTransition):
        day = _nth_weekday(year, rule.month, rule.day_of_week - 1, rule.occurrence)
    elif isinstance(rule, RecurringDateTransition):
        last = calendar.monthrange(year, rule.month)[1]
        day = date(year, rule.month, min(rule.day, last))
    elif isinstance(rule, AbsoluteDateTransition) and rule.date is not None:
        if rule.date.year != year:
            return None
        day = rule.date
    else:
        return None
    return datetime.combine(day, datetime.min.time()) + offset


def _nth_weekday(year: int, month: int, weekday: int, occurrence: int) -> date:
    """The ``occurrence``-th ``weekday`` (0 = Monday) of the month; 5 or more is the last."""
    days = [
        d
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    return date(year, month, days[min(occurrence, len(days)) - 1 if occurrence > 0 else -1])


# -- equivalence -------------------------------------------------------------------------------


def _fingerprint(offset: Callable[[datetime], timedelta], window: Window) -> Fingerprint:
    """Core's fingerprint algorithm (daily samples, changes bisected to the minute)."""
    start, end = (moment.astimezone(UTC) for moment in window)
    first = offset(start)
    changes: list[tuple[datetime, timedelta]] = []
    previous, moment = first, start
    while moment < end:
        step = min(moment + _DAY, end)
        current = offset(step)
        if current != previous:
            low, high = moment, step
            while high - low > _MINUTE:
                middle = low + (high - low) / 2
                if offset(middle) == previous:
                    low = middle
                else:
                    high = middle
            changes.append((high.replace(second=0, microsecond=0), current))
            previous = current
        moment = step
    return (first, tuple(changes))


def _probe(offset: Callable[[datetime], timedelta], window: Window) -> tuple[timedelta, ...]:
    start, end = window
    span = end - start
    return tuple(offset(start + span * (i / 24)) for i in range(25))


@functools.cache
def _candidates() -> tuple[str, ...]:
    """Canonical tz database zones, preferred first: Windows primaries, then zonenow's."""
    primaries = {tzdb.canonical(z) for z in win_tz.values() if z}
    representatives = {tzdb.canonical(z) for z in tzdb.representatives()}
    zones = {tzdb.canonical(z) for z in tzdb.available()} - {"Factory"}

    def preference(zone: str) -> tuple[bool, bool, bool, str]:
        return (zone not in primaries, zone not in representatives, "/" not in zone, zone)

    return tuple(sorted((z for z in zones if z in tzdb.available()), key=preference))


def equivalent_zone(zone: DefinitionZone, window: Window) -> str | None:
    """The preferred IANA zone with ``zone``'s offset at every instant of ``window``, if any."""
    mine = _probe(zone.offset_at, window)
    fingerprint: Fingerprint | None = None
    for candidate in _candidates():
        if equivalence.probe(candidate, window) != mine:
            continue
        if fingerprint is None:
            fingerprint = _fingerprint(zone.offset_at, window)
        if equivalence.fingerprint(candidate, window) == fingerprint:
            return candidate
    return None
