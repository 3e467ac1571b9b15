"""Time zones: the pinned tz database, Windows ids, and matching to a CRM's zone list.

Importing this package points ``zoneinfo`` at the pinned ``tzdata`` package (see
:mod:`calsync.timezones.tzdb`), so matching gives the same results on every machine.
"""

from __future__ import annotations

import functools
import importlib.resources
from zoneinfo import ZoneInfo

from calsync.timezones import tzdb, windows
from calsync.timezones.matcher import MatchMethod, TimeZoneMatcher, ZoneMatch

__all__ = [
    "MatchMethod",
    "TimeZoneMatcher",
    "ZoneMatch",
    "salesforce_zones",
    "to_zoneinfo",
    "tzdb",
    "windows",
]


@functools.cache
def salesforce_zones() -> frozenset[str]:
    """The 424 zones Salesforce listed in 2026: the offline default of a CRM's zone list.

    At run time the CRM provider reads the org's own list (``describe``).
    """
    text = importlib.resources.files("calsync.data").joinpath("salesforce-timezones.txt")
    return frozenset(line.strip() for line in text.read_text().splitlines() if line.strip())


def to_zoneinfo(zone_id: str | None) -> ZoneInfo | None:
    """Rules for an IANA id, a Windows id or a Windows display name; ``None`` if unknown."""
    if not zone_id:
        return None
    for candidate in (zone_id, windows.to_iana(zone_id), windows.from_display_name(zone_id)):
        if candidate:
            try:
                return tzdb.load(candidate)
            except KeyError:
                continue
    return None
