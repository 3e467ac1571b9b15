"""Addressing one occurrence of a series: EWS ``OccurrenceItemId`` and its instance index.

EWS names an occurrence by its master and its 1-based position in the pattern
(``InstanceIndex``), deleted occurrences included. The index of the occurrence originally
at a given start is found by expanding the master's rule from its start (its first
occurrence) in the series' zone, exactly as core expands it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from exchangelib.properties import OccurrenceItemId

from calsync.model import CalendarItem, Moment
from calsync.recurrence import Recurrence

__all__ = ["MAX_INDEX", "instance_index", "occurrence_id"]

#: How far a series is expanded to find an occurrence (EWS allows no more in a range).
MAX_INDEX = 10_000


def _instant(moment: Moment) -> datetime:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC)
    return datetime.combine(moment, time(), UTC)


def instance_index(master: CalendarItem, original_start: Moment) -> int | None:
    """The ``InstanceIndex`` of the occurrence of ``master`` originally at ``original_start``.

    ``None`` when the pattern has no occurrence there.
    """
    recurrence = master.recurrence
    if recurrence is None:
        return None
    if isinstance(original_start, datetime) != isinstance(master.start, datetime):
        return None
    pattern = Recurrence(rule=recurrence.rule, zone=recurrence.zone)  # deleted ones count too
    until: Moment
    if isinstance(original_start, datetime):
        until = original_start + timedelta(minutes=1)
    else:
        until = original_start + timedelta(days=1)
    wanted = _instant(original_start)
    for index, start in enumerate(
        pattern.starts(master.start, until=until, limit=MAX_INDEX), start=1
    ):
        if _instant(start) == wanted:
            return index
    return None


def occurrence_id(master_id: str, change_key: str | None, index: int) -> OccurrenceItemId:
    """The ``OccurrenceItemId`` of occurrence ``index`` of the master ``master_id``."""
    return OccurrenceItemId(id=master_id, changekey=change_key, instance_index=index)


def as_date(moment: Moment) -> date:
    """The date of a moment (its own date for an all-day one)."""
    return moment.date() if isinstance(moment, datetime) else moment
