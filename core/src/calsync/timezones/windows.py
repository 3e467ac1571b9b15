"""Windows time-zone ids (what Exchange speaks) mapped to IANA ids.

The table is CLDR's ``windowsZones.xml``, as ``tzlocal`` ships it (the same data as
exchangelib's ``winzone`` plus the Windows ids Microsoft added for the 2026 Canadian
changes: British Columbia, Alberta, Manitoba). A small overlay adds ids seen in the wild
that CLDR lacks. Nothing here is a hand-written zone table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Final

from tzlocal.windows_tz import tz_win, win_tz

from calsync.timezones import tzdb

__all__ = ["OVERLAY", "from_display_name", "to_iana", "windows_id_of", "windows_ids"]

#: Ids Exchange and Outlook send that CLDR does not list.
OVERLAY: Final[Mapping[str, str]] = MappingProxyType(
    {
        # Exchange's own name for UTC.
        "tzone://Microsoft/Utc": "Etc/UTC",
    }
)

#: ``(UTC+01:00) Amsterdam, Berlin, ...`` — a display name sent where an id belongs.
_DISPLAY_NAME = re.compile(
    r"^\((?:UTC|GMT)(?:(?P<sign>[+-])(?P<hh>\d{1,2}):?(?P<mm>\d{2}))?\)\s*(?P<places>.+)$"
)


@functools.cache
def _table() -> Mapping[str, str]:
    merged = {key: value for key, value in win_tz.items() if key and value}
    merged.update(OVERLAY)
    return MappingProxyType(merged)


def windows_ids() -> frozenset[str]:
    """Every Windows id the table knows."""
    return frozenset(_table())


def to_iana(windows_id: str) -> str | None:
    """The IANA zone CLDR gives as primary for ``windows_id`` (territory 001), or ``None``."""
    return _table().get(windows_id.strip())


@functools.cache
def _places() -> dict[str, tuple[str, ...]]:
    """Place names as display names spell them (``"Buenos Aires"``), to IANA zones."""
    places: dict[str, list[str]] = {}
    for zone in sorted(tzdb.available()):
        if "/" not in zone or zone.startswith("Etc/"):
            continue
        city = zone.rsplit("/", 1)[1].replace("_", " ").lower()
        places.setdefault(city, []).append(zone)
    return {city: tuple(zones) for city, zones in places.items()}


def from_display_name(text: str) -> str | None:
    """Resolve a Windows display name such as ``"(UTC+01:00) Amsterdam, Berlin, Rome"``.

    The first listed place that names an IANA zone whose standard offset agrees with the
    ``UTC±hh:mm`` prefix wins; ``None`` when the text is not a display name or no place
    matches.
    """
    match = _DISPLAY_NAME.match(text.strip())
    if match is None:
        return None
    minutes = 0
    if match["sign"]:
        minutes = int(match["hh"]) * 60 + int(match["mm"])
        minutes = -minutes if match["sign"] == "-" else minutes
    for place in re.split(r",|\band\b", match["places"]):
        for zone in _places().get(place.strip().lower(), ()):
            if _standard_offset_minutes(zone) == minutes:
                return zone
    return None


def _standard_offset_minutes(zone: str) -> int | None:
    """The zone's smallest UTC offset this year: its standard time for display names."""
    try:
        info = tzdb.load(zone)
    except KeyError:
        return None
    year = datetime.now(UTC).year
    offsets = []
    for month in (1, 7):
        offset = datetime(year, month, 15, 12, tzinfo=UTC).astimezone(info).utcoffset()
        if offset is not None:
            offsets.append(int(offset.total_seconds() // 60))
    return min(offsets) if offsets else None


def windows_id_of(iana: str) -> str | None:
    """The Windows id CLDR maps an IANA zone (or its link class) to, or ``None``."""
    for name in sorted(tzdb.link_class(iana), key=lambda n: n != iana):
        found = tz_win.get(name)
        if found:
            return str(found)
    return None
