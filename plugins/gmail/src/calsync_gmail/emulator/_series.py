"""Recurring events as Calendar v3 shows them: masters, instances and exceptions.

An instance of master ``m`` has the id ``m_<suffix>`` (``_recurrence.suffix``), carries
``recurringEventId`` and an immutable ``originalStartTime``, and otherwise copies the master.
A modified or cancelled instance is stored as an *exception*: an event of its own under the
instance id, which replaces the generated instance wherever instances are listed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from calsync_gmail.emulator import _recurrence
from calsync_gmail.emulator._store import Calendar
from calsync_gmail.emulator._times import EventTime, format_instant, resolve, zone

#: Fields of the master that an instance does not carry.
_MASTER_ONLY = ("recurrence",)


def is_cancelled(event: dict[str, Any]) -> bool:
    """Whether the event is deleted (or a cancelled instance)."""
    return event.get("status") == "cancelled"


def is_master(event: dict[str, Any]) -> bool:
    """Whether the event is a recurring series' master."""
    return bool(event.get("recurrence"))


def is_exception(event: dict[str, Any]) -> bool:
    """Whether the event is a stored exception (a modified or cancelled instance)."""
    return "recurringEventId" in event


def times(event: dict[str, Any]) -> tuple[EventTime, EventTime]:
    """Return the resolved start and end of a stored (hence valid) event."""
    return resolve(event["start"], "start"), resolve(event["end"], "end")


def bounds(event: dict[str, Any], window_zone: tzinfo) -> tuple[datetime, datetime]:
    """Return the UTC interval an event occupies; all-day dates are placed in ``window_zone``."""
    start, end = times(event)
    return start.moment(window_zone), end.moment(window_zone)  # type: ignore[arg-type]


def split_instance_id(event_id: str) -> tuple[str, datetime | date] | None:
    """Split ``<master>_<suffix>`` into the master id and the original start, if it is one."""
    master_id, sep, tail = event_id.rpartition("_")
    if not sep or not master_id:
        return None
    original = _recurrence.parse_suffix(tail)
    return None if original is None else (master_id, original)


def original_start_time(master: dict[str, Any], original: datetime | date) -> dict[str, str]:
    """Return the ``originalStartTime`` of ``master``'s instance that starts at ``original``."""
    if isinstance(original, datetime):
        tz_name = master["start"]["timeZone"]
        return {"dateTime": format_instant(original, zone(tz_name)), "timeZone": tz_name}
    return {"date": original.isoformat()}


def make_instance(master: dict[str, Any], original: datetime | date) -> dict[str, Any]:
    """Generate the (unmodified) instance of ``master`` that starts at ``original``."""
    start, end = times(master)
    instance = {k: copy.deepcopy(v) for k, v in master.items() if k not in _MASTER_ONLY}
    instance["id"] = f"{master['id']}_{_recurrence.suffix(original)}"
    instance["recurringEventId"] = master["id"]
    instance["originalStartTime"] = original_start_time(master, original)
    if isinstance(original, datetime):
        assert start.instant is not None
        assert end.instant is not None
        tz_name = master["start"]["timeZone"]
        shifted_end = original.astimezone(UTC) + (end.instant - start.instant)
        instance["start"] = {
            "dateTime": format_instant(original, zone(tz_name)),
            "timeZone": tz_name,
        }
        end_tz = master["end"].get("timeZone") or tz_name
        instance["end"] = {
            "dateTime": format_instant(shifted_end, zone(end_tz)),
            "timeZone": end_tz,
        }
    else:
        assert start.day is not None
        assert end.day is not None
        instance["start"] = {"date": original.isoformat()}
        instance["end"] = {"date": (original + (end.day - start.day)).isoformat()}
    return instance


def originals(
    master: dict[str, Any], *, until: datetime, window_zone: tzinfo
) -> Iterator[datetime | date]:
    """Return the original starts of ``master``'s occurrences that begin before ``until``."""
    start, _ = times(master)
    return _recurrence.occurrences(
        master["recurrence"], start, until=until, window_zone=window_zone
    )


def has_occurrence(master: dict[str, Any], original: datetime | date, window_zone: tzinfo) -> bool:
    """Whether ``original`` is one of ``master``'s occurrences (EXDATEs excluded)."""
    if isinstance(original, datetime):
        limit = original.astimezone(UTC) + timedelta(seconds=1)
        key: datetime | date = original.astimezone(UTC)
    else:
        limit = datetime.combine(original + timedelta(days=1), datetime.min.time(), window_zone)
        key = original
    for candidate in originals(master, until=limit, window_zone=window_zone):
        value = candidate.astimezone(UTC) if isinstance(candidate, datetime) else candidate
        if value == key:
            return True
    return False


def instance(calendar: Calendar, event_id: str, window_zone: tzinfo) -> dict[str, Any] | None:
    """Return the stored exception or generated instance with id ``event_id``, or ``None``."""
    if event_id in calendar.events:
        return calendar.events[event_id]
    split = split_instance_id(event_id)
    if split is None:
        return None
    master = calendar.events.get(split[0])
    if master is None or not is_master(master) or is_cancelled(master):
        return None
    if not has_occurrence(master, split[1], window_zone):
        return None
    return make_instance(master, split[1])


def expand(
    calendar: Calendar, master: dict[str, Any], *, until: datetime, window_zone: tzinfo
) -> Iterator[dict[str, Any]]:
    """Yield ``master``'s instances before ``until``, with stored exceptions substituted."""
    for original in originals(master, until=until, window_zone=window_zone):
        instance_id = f"{master['id']}_{_recurrence.suffix(original)}"
        yield calendar.events.get(instance_id) or make_instance(master, original)


def exceptions_of(calendar: Calendar, master_id: str) -> list[dict[str, Any]]:
    """Return the stored exceptions of ``master_id``."""
    return [e for e in calendar.events.values() if e.get("recurringEventId") == master_id]
