"""Calendar semantics: items as clients see them, series expansion, all-day alignment.

An :class:`Entry` is what a client sees as one calendar item: a stored single or master,
an exception (a stored modified occurrence), or an occurrence computed from its master.
CalendarView answers with singles, occurrences and exceptions, never masters; folder
listings and SyncFolderItems see singles and masters only. Exchange documents both: "A
Calendar View returns single calendar items and occurrences of recurring calendar items.
Recurring master calendar items, not recurring calendar occurrences, are returned if the
Calendar View is not used." (EWS reference, CalendarViewType class,
https://learn.microsoft.com/en-us/previous-versions/office/developer/exchange-server-2010/bb425990(v=exchg.140)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import final

from calsync_exchange.emulator import ids, timezones
from calsync_exchange.emulator.errors import EwsError
from calsync_exchange.emulator.records import CalendarRecord, MailboxRecord
from calsync_exchange.emulator.recurrence import RecurrenceError, Series, in_view, validate


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One calendar item as a client sees it.

    ``record`` holds the item's properties (the master's, for an unmodified occurrence);
    ``start``/``end`` are its own times; ``original_start`` is set for occurrences and
    exceptions; ``master`` for occurrences and exceptions too.
    """

    kind: str
    item_id: str
    change_key: str
    record: CalendarRecord
    start: datetime
    end: datetime
    original_start: datetime | None = None
    master: CalendarRecord | None = None


def stored_entry(record: CalendarRecord, master: CalendarRecord | None = None) -> Entry:
    """Return the entry of a stored record (single, master or exception)."""
    return Entry(
        kind=record.kind,
        item_id=record.item_id,
        change_key=ids.change_key(record.number, record.version),
        record=record,
        start=record.start,
        end=record.end,
        original_start=record.original_start,
        master=master,
    )


def start_zone(record: CalendarRecord) -> tzinfo:
    """Return the ``tzinfo`` of the record's start time zone."""
    return timezones.resolve(record.start_zone)


def series_of(master: CalendarRecord) -> Series:
    """Return the series of a master (its recurrence read in its start time zone)."""
    assert master.recurrence is not None
    zone = start_zone(master)
    wall = master.start.astimezone(zone).time().replace(tzinfo=None)
    return Series(master.recurrence, wall, zone)


def occurrence_times(master: CalendarRecord, original_start: datetime) -> tuple[datetime, datetime]:
    """Start and end of the unmodified occurrence that starts at ``original_start``."""
    if master.is_all_day:
        # All-day occurrences keep whole local days, whatever the UTC offset does meanwhile.
        zone = start_zone(master)
        days = (master.end.astimezone(zone).date() - master.start.astimezone(zone).date()).days
        first_day = original_start.astimezone(zone).date()
        return original_start, timezones.local_midnight(first_day + timedelta(days=days), zone)
    return original_start, original_start + (master.end - master.start)


def occurrence_entry(
    mailbox: MailboxRecord, master: CalendarRecord, original_start: datetime
) -> Entry:
    """Return the entry for one occurrence of ``master``: the exception if it was modified.

    Raises ``ErrorCalendarOccurrenceIsDeletedFromRecurrence`` for a deleted occurrence.
    """
    if original_start in master.deleted:
        raise EwsError("ErrorCalendarOccurrenceIsDeletedFromRecurrence")
    number = master.exceptions.get(original_start)
    if number is not None:
        return stored_entry(mailbox.items[number], master)
    start, end = occurrence_times(master, original_start)
    return Entry(
        kind="Occurrence",
        item_id=ids.occurrence_id(mailbox.index, master.number, original_start),
        change_key=ids.change_key(master.number, master.version),
        record=master,
        start=start,
        end=end,
        original_start=original_start,
        master=master,
    )


def occurrence_at_index(mailbox: MailboxRecord, master: CalendarRecord, index: int) -> Entry:
    """Return the occurrence with 1-based ``InstanceIndex`` ``index``."""
    original_start = series_of(master).at_index(index)
    if original_start is None:
        raise EwsError("ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange")
    return occurrence_entry(mailbox, master, original_start)


def view(mailbox: MailboxRecord, window_start: datetime, window_end: datetime) -> list[Entry]:
    """Every single, occurrence and exception the view shows (see :func:`.recurrence.in_view`)."""
    found: list[Entry] = []
    for record in mailbox.items.values():
        if record.kind == "Single" and in_view(record.start, record.end, window_start, window_end):
            found.append(stored_entry(record))
        elif record.kind == "RecurringMaster":
            length = occurrence_times(record, record.start)[1] - record.start
            series = series_of(record)
            for original in series.between(window_start, window_end, length):
                if original in record.deleted or original in record.exceptions:
                    continue
                found.append(occurrence_entry(mailbox, record, original))
            for number in record.exceptions.values():
                exception = mailbox.items[number]
                if in_view(exception.start, exception.end, window_start, window_end):
                    found.append(stored_entry(exception, record))
    found.sort(key=lambda e: (e.start, e.end, e.record.number))
    return found


def folder_entries(mailbox: MailboxRecord) -> list[Entry]:
    """Singles and masters, the contents of the calendar folder itself, in creation order."""
    return [stored_entry(r) for r in mailbox.items.values() if r.master_number is None]


def first_and_last(
    mailbox: MailboxRecord, master: CalendarRecord
) -> tuple[Entry | None, Entry | None]:
    """Return the first and (for a bounded series) last occurrence that was not deleted."""
    series = series_of(master)
    first = next((s for s in series.starts() if s not in master.deleted), None)
    last = None
    if series.is_bounded:
        for start in series.starts():
            if start not in master.deleted:
                last = start
    return (
        occurrence_entry(mailbox, master, first) if first is not None else None,
        occurrence_entry(mailbox, master, last) if last is not None else None,
    )


def modified_occurrences(mailbox: MailboxRecord, master: CalendarRecord) -> list[Entry]:
    """Return the master's exceptions, by original start."""
    return [
        stored_entry(mailbox.items[number], master)
        for _, number in sorted(master.exceptions.items())
    ]


# -- normalisation after a write -------------------------------------------------------------


def align_all_day(record: CalendarRecord) -> None:
    """Push an all-day item's start back and its end forward to local midnights.

    Exchange stores all-day items as midnights in the item's own time zones: a non-midnight
    start moves to the previous midnight, a non-midnight end to the following one.
    """
    if not record.is_all_day:
        return
    zone = timezones.resolve(record.start_zone)
    record.start = timezones.local_midnight(record.start.astimezone(zone).date(), zone)
    end_zone = timezones.resolve(record.end_zone)
    local_end = record.end.astimezone(end_zone)
    end_day = local_end.date()
    if local_end.replace(tzinfo=None).time() != datetime.min.time():
        end_day += timedelta(days=1)
    record.end = timezones.local_midnight(end_day, end_zone)
    if record.end <= record.start:
        record.end = timezones.local_midnight(
            record.start.astimezone(zone).date() + timedelta(days=1), zone
        )


def check_times(record: CalendarRecord) -> None:
    """Refuse an end before the start."""
    if record.end < record.start:
        raise EwsError("ErrorCalendarEndDateIsEarlierThanStartDate")


def anchor_master(record: CalendarRecord) -> None:
    """Validate a master's recurrence and move its start/end onto its first occurrence."""
    assert record.recurrence is not None
    zone = start_zone(record)
    wall = record.start.astimezone(zone).time().replace(tzinfo=None)
    length = record.end - record.start
    try:
        series = validate(record.recurrence, wall, zone, length)
    except RecurrenceError as exc:
        raise EwsError(exc.code, str(exc), field_uri="calendar:Recurrence") from exc
    first = series.first()
    assert first is not None
    if record.is_all_day:
        days = (record.end.astimezone(zone).date() - record.start.astimezone(zone).date()).days
        record.start = first
        record.end = timezones.local_midnight(
            first.astimezone(zone).date() + timedelta(days=days), zone
        )
    else:
        record.start, record.end = first, first + length
