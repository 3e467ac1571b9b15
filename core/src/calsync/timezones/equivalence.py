"""Rule equivalence: whether two zones give the same UTC offset at every instant of a window.

Offsets are what move meetings; DST flags and abbreviations do not matter. A zone's
*fingerprint* over a window is its offset at the window's start plus every (instant, new
offset) transition inside it, found by sampling once a day and bisecting each change to the
minute. Two zones are equivalent over a window when their fingerprints are equal.
Fingerprints are cached; a cheap pre-filter on a handful of instants keeps a match against
hundreds of candidate zones fast.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

from calsync.timezones import tzdb

__all__ = ["Fingerprint", "Window", "fingerprint", "probe", "same_rules"]

#: An inclusive-exclusive span of instants, both aware.
Window = tuple[datetime, datetime]
#: Offset at the window's start, then every (instant, new offset) change inside it.
Fingerprint = tuple[timedelta, tuple[tuple[datetime, timedelta], ...]]

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)


def _offset(zone: str, instant: datetime) -> timedelta:
    offset = instant.astimezone(tzdb.load(zone)).utcoffset()
    assert offset is not None
    return offset


@functools.lru_cache(maxsize=4096)
def fingerprint(zone: str, window: Window) -> Fingerprint:
    """Return the offsets ``zone`` goes through during ``window``."""
    start, end = (moment.astimezone(UTC) for moment in window)
    first = _offset(zone, start)
    changes: list[tuple[datetime, timedelta]] = []
    previous, moment = first, start
    while moment < end:
        step = min(moment + _DAY, end)
        offset = _offset(zone, step)
        if offset != previous:
            low, high = moment, step
            while high - low > _MINUTE:
                middle = low + (high - low) / 2
                if _offset(zone, middle) == previous:
                    low = middle
                else:
                    high = middle
            changes.append((high.replace(second=0, microsecond=0), offset))
            previous = offset
        moment = step
    return (first, tuple(changes))


@functools.lru_cache(maxsize=4096)
def probe(zone: str, window: Window) -> tuple[timedelta, ...]:
    """Offsets at a few instants of ``window``: equal fingerprints imply equal probes."""
    start, end = window
    span = end - start
    points = [start + span * (i / 24) for i in range(25)]
    return tuple(_offset(zone, point) for point in points)


def same_rules(a: str, b: str, window: Window) -> bool:
    """Whether zones ``a`` and ``b`` have the same offset at every instant of ``window``."""
    if probe(a, window) != probe(b, window):
        return False
    return fingerprint(a, window) == fingerprint(b, window)
