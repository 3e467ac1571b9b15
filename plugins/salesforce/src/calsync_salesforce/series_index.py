"""The series a batch of Event records belongs to: headers, occurrences, slots, exclusions.

Classic series: the header has ``IsRecurrence`` and points ``RecurrenceActivityId`` at
itself; each occurrence record points it at the header. Lightning event series: every
member shares ``ActivityRecurrence2Id``; the series' pattern record (``GroupEventType`` 3)
is no event and is left out; the series is represented by its first occurrence (whose id
deletes the whole series).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from calsync.model import Moment
from calsync.recurrence import Recurrence
from calsync_salesforce.classic import MAX_OCCURRENCES, classic_zone, rule_of
from calsync_salesforce.replies import Record
from calsync_salesforce.slots import assign
from calsync_salesforce.wire import parse_date, parse_instant

__all__ = ["SeriesIndex", "Slots", "is_pattern", "occurrence_start", "series_start"]


def is_pattern(record: Record) -> bool:
    """Whether the record is a Lightning series' pattern record (not an event)."""
    return str(record.get("GroupEventType") or "") == "3"


def occurrence_start(record: Record) -> Moment:
    """Where an event starts: its date when all-day, else its start instant."""
    if record.get("IsAllDayEvent"):
        return parse_date(record.get("ActivityDate"))
    return parse_instant(record.get("StartDateTime"))


def series_start(header: Record) -> Moment:
    """Where a Classic series starts (its first occurrence's pattern start)."""
    raw = header.get("RecurrenceStartDateTime") or header.get("StartDateTime")
    if header.get("IsAllDayEvent"):
        return parse_instant(raw).date() if raw else parse_date(header.get("ActivityDate"))
    return parse_instant(raw)


def header_rule(header: Record) -> str:
    """The RRULE of a Classic header."""
    zone = None if header.get("IsAllDayEvent") else classic_zone(_zone_name(header))
    return rule_of(header, zone)


def _zone_name(header: Record) -> str:
    return str(header.get("RecurrenceTimeZoneSidKey") or "GMT")


@dataclass(frozen=True, slots=True)
class Slots:
    """A Classic series' pattern starts and which occurrence record stands for which."""

    starts: tuple[Moment, ...]
    #: occurrence record id -> its slot (original start)
    of_record: dict[str, Moment]

    @property
    def free(self) -> tuple[Moment, ...]:
        """Slots no live record stands for: the series' exclusions."""
        taken = set(self.of_record.values())
        return tuple(s for s in self.starts if s not in taken)


class SeriesIndex:
    """Live members of the series some records belong to, by series."""

    def __init__(self, records: Iterable[Record]) -> None:
        """Index the live, organizer-side members among ``records`` (others are ignored)."""
        self.headers: dict[str, Record] = {}
        self.occurrences: dict[str, dict[str, Record]] = {}
        self.lightning: dict[str, dict[str, Record]] = {}
        self._slots: dict[str, Slots] = {}
        for record in records:
            self.add(record)

    def add(self, record: Record) -> None:
        """Index one record (deleted, child and pattern records are ignored)."""
        if record.get("IsDeleted") or record.get("IsChild") or is_pattern(record):
            return
        record_id = str(record["Id"])
        header_id = record.get("RecurrenceActivityId")
        if record.get("IsRecurrence"):
            self.headers[record_id] = record
        elif header_id:
            self.occurrences.setdefault(str(header_id), {})[record_id] = record
        elif record.get("IsRecurrence2") and record.get("ActivityRecurrence2Id"):
            self.lightning.setdefault(str(record["ActivityRecurrence2Id"]), {})[record_id] = record
        self._slots.clear()

    def slots(self, header_id: str) -> Slots | None:
        """The slots of a Classic series (``None`` when its header is not known)."""
        header = self.headers.get(header_id)
        if header is None:
            return None
        if header_id not in self._slots:
            start = series_start(header)
            pattern = Recurrence(rule=header_rule(header), zone=_zone_for(header))
            starts = tuple(pattern.starts(start, limit=MAX_OCCURRENCES * 2))
            records = sorted(self.occurrences.get(header_id, {}).values(), key=_creation)
            matched = assign(starts, [(str(r["Id"]), occurrence_start(r)) for r in records])
            self._slots[header_id] = Slots(starts, matched)
        return self._slots[header_id]

    def lightning_master(self, series_id: str) -> Record | None:
        """The first current occurrence of a Lightning series (its stand-in)."""
        members = [
            m
            for m in self.lightning.get(series_id, {}).values()
            if not m.get("IsRecurrence2Exclusion")
        ]
        return min(members, key=lambda m: (_instant(m), str(m["Id"])), default=None)


def _zone_for(header: Record) -> str | None:
    return None if header.get("IsAllDayEvent") else _zone_name(header)


def _creation(record: Record) -> tuple[str, str]:
    # Ids of one insert ascend; the 15-character bodies compare like Salesforce's base 62.
    return (str(record.get("CreatedDate") or ""), str(record["Id"])[:15])


def _instant(record: Record) -> datetime:
    start = occurrence_start(record)
    if isinstance(start, datetime):
        return start
    return datetime(start.year, start.month, start.day, tzinfo=UTC) + timedelta(0)
