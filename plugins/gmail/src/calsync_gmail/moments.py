"""Google's ``EventDateTime`` (``{date}`` or ``{dateTime, timeZone}``) and core's moments.

All-day values are floating dates and are never shifted through a zone: ``end.date`` is
exclusive in Google as in core, so dates pass through unchanged in either direction. Timed
values are instants; they are shown in the event's own zone (``timeZone``) or, without one,
in the calendar's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from calsync.model import Moment
from calsync.timezones import to_zoneinfo

__all__ = ["canonical_zone", "from_event_time", "to_event_time", "zoneinfo"]


def canonical_zone(zone: str | None) -> str | None:
    """The IANA name Google accepts for ``zone`` (an IANA or Windows id); ``None`` if unknown."""
    info = to_zoneinfo(zone) if zone else None
    return None if info is None else info.key


def zoneinfo(zone: str | None) -> ZoneInfo | None:
    """Rules for ``zone``, or ``None`` when it is missing or unknown."""
    return to_zoneinfo(zone) if zone else None


def from_event_time(value: Any, zone: str | None) -> Moment:
    """Read an ``EventDateTime``; a timed value is shown in ``zone`` when that is known.

    :raises ValueError: the value is neither a ``date`` nor a ``dateTime``.
    """
    if not isinstance(value, dict):
        raise ValueError(f"an EventDateTime must be an object, got {value!r}")
    if "date" in value:
        return date.fromisoformat(str(value["date"]))
    if "dateTime" not in value:
        raise ValueError(f"an EventDateTime needs a date or a dateTime: {value!r}")
    moment = datetime.fromisoformat(str(value["dateTime"]))
    own = zoneinfo(value.get("timeZone")) or zoneinfo(zone)
    if moment.tzinfo is None:
        # RFC 3339 requires an offset unless timeZone names the zone.
        if own is None:
            raise ValueError(f"a dateTime without offset or zone: {value!r}")
        return moment.replace(tzinfo=own)
    shown = zoneinfo(zone) or own
    return moment.astimezone(shown) if shown is not None else moment


def to_event_time(moment: Moment, zone: str) -> dict[str, str]:
    """Write an ``EventDateTime``: ``{date}`` for a date, else ``{dateTime, timeZone}`` in ``zone``."""
    if not isinstance(moment, datetime):
        return {"date": moment.isoformat()}
    info = zoneinfo(zone)
    local = moment.astimezone(info) if info is not None else moment
    return {"dateTime": local.isoformat(timespec="seconds"), "timeZone": zone}
