"""Event time fields: what the server derives and which combinations it refuses.

Timed events (``IsAllDayEvent = false``) are stored as a start instant plus a duration:
``StartDateTime`` = ``ActivityDateTime`` (send either, or both equal), and either
``EndDateTime`` or ``DurationInMinutes`` (or both, consistent); the other is derived.
``ActivityDate`` / ``EndDate`` are the start and end dates in the owner's time zone. An
update that moves only the start keeps the duration.

All-day events are floating dates: ``ActivityDate`` (or the UTC date of a start instant) is
the first day, ``StartDateTime`` is its midnight UTC, ``EndDateTime`` is midnight UTC of the
*last* day (inclusive) and ``DurationInMinutes`` is 1440 per day; with neither end nor
duration the event lasts one day.

Limits: an event lasts at most 1440 minutes without Multiday Events and 14 days (20160
minutes) with it; refusals are ``FIELD_INTEGRITY_EXCEPTION`` "Duration must be between 0
and N minutes" on ``DurationInMinutes``, the text Salesforce answers. The texts for an end
before the start and for inconsistent end and duration are the emulator's wording.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from calsync_salesforce.emulator.errors import integrity, required_missing
from calsync_salesforce.emulator.store import Record

DAY_MINUTES = 1440
MULTIDAY_LIMIT_MINUTES = 14 * DAY_MINUTES
_TIME_FIELDS = ("StartDateTime", "ActivityDateTime", "EndDateTime", "DurationInMinutes")


def midnight_utc(day: date) -> datetime:
    """Midnight UTC of ``day`` (how all-day dates are stored as instants)."""
    return datetime.combine(day, time(), tzinfo=UTC)


def duration_limit(multiday: bool) -> int:
    """Return the longest event the org allows, in minutes."""
    return MULTIDAY_LIMIT_MINUTES if multiday else DAY_MINUTES


def check_duration(minutes: int, limit: int) -> None:
    """Refuse a duration outside ``0..limit`` the way Salesforce does."""
    if not 0 <= minutes <= limit:
        raise integrity(f"Duration must be between 0 and {limit} minutes", ["DurationInMinutes"])


def derive(
    record: Record, old: Record | None, changes: Record, zone: ZoneInfo, limit: int
) -> Record:
    """Return ``record`` with every time field derived and checked.

    :param zone: the owner's time zone (for ``ActivityDate`` / ``EndDate`` of timed events).
    :param limit: the longest duration allowed, in minutes.
    """
    if record.get("IsAllDayEvent"):
        return _all_day(record, old, changes, limit)
    return _timed(record, old, changes, zone, limit)


def _timed(
    record: Record, old: Record | None, changes: Record, zone: ZoneInfo, limit: int
) -> Record:
    start_given = changes.get("StartDateTime")
    activity_given = changes.get("ActivityDateTime")
    if start_given and activity_given and start_given != activity_given:
        raise integrity(
            "The value for ActivityDateTime and StartDateTime must match, or one of them "
            "must be null",
            ["ActivityDateTime"],
        )
    start = start_given or activity_given
    if start is None and old is not None and not any(f in changes for f in _TIME_FIELDS[:2]):
        start = old.get("StartDateTime")
    if start is None:
        raise required_missing(["ActivityDateTime"])
    end_given = changes.get("EndDateTime")
    minutes_given = changes.get("DurationInMinutes")
    if end_given is not None:
        if end_given < start:
            raise integrity("End Date Time: End time can't be before start time", ["EndDateTime"])
        minutes = int((end_given - start).total_seconds() // 60)
        if minutes_given is not None and minutes_given != minutes:
            raise integrity(
                "DurationInMinutes doesn't match the difference between EndDateTime and "
                "StartDateTime",
                ["DurationInMinutes"],
            )
        end = end_given
    elif minutes_given is not None:
        minutes = minutes_given
        check_duration(minutes, limit)
        end = start + timedelta(minutes=minutes)
    elif old is not None and old.get("DurationInMinutes") is not None and not _cleared(changes):
        minutes = old["DurationInMinutes"]
        end = start + timedelta(minutes=minutes)
    else:
        raise required_missing(["EndDateTime"])
    check_duration(minutes, limit)
    return {
        **record,
        "StartDateTime": start,
        "ActivityDateTime": start,
        "EndDateTime": end,
        "DurationInMinutes": minutes,
        "ActivityDate": start.astimezone(zone).date(),
        "EndDate": end.astimezone(zone).date(),
    }


def _cleared(changes: Record) -> bool:
    # Sending EndDateTime or DurationInMinutes as null asks for no end at all.
    return any(f in changes and changes[f] is None for f in ("EndDateTime", "DurationInMinutes"))


def _all_day(record: Record, old: Record | None, changes: Record, limit: int) -> Record:
    first: date | None = changes.get("ActivityDate")
    instant = changes.get("StartDateTime") or changes.get("ActivityDateTime")
    if first is None and instant is not None:
        first = instant.astimezone(UTC).date()
    if first is None and old is not None:
        first = old.get("ActivityDate")
    if first is None:
        raise required_missing(["ActivityDate"])
    end_given = changes.get("EndDateTime")
    minutes_given = changes.get("DurationInMinutes")
    if end_given is not None:
        days = (end_given.astimezone(UTC).date() - first).days + 1
        if days < 1:
            raise integrity("End Date Time: End time can't be before start time", ["EndDateTime"])
    elif minutes_given is not None:
        if minutes_given < 0:
            check_duration(minutes_given, limit)
        days = max(1, math.ceil(minutes_given / DAY_MINUTES))
    elif old is not None and old.get("IsAllDayEvent") and old.get("DurationInMinutes"):
        days = max(1, math.ceil(old["DurationInMinutes"] / DAY_MINUTES))
    else:
        days = 1
    check_duration(days * DAY_MINUTES, limit)
    last = first + timedelta(days=days - 1)
    return {
        **record,
        "ActivityDate": first,
        "StartDateTime": midnight_utc(first),
        "ActivityDateTime": midnight_utc(first),
        "EndDateTime": midnight_utc(last),
        "DurationInMinutes": days * DAY_MINUTES,
        "EndDate": last,
    }
