"""Creating and changing calendar items by the rules Exchange applies.

A write either applies completely or not at all: a failed validation restores the record.
After every write the item is normalised: all-day items are aligned to local midnights,
an end before the start is refused, a master is anchored on its first occurrence, and a
master whose times or pattern change loses its exceptions (as Outlook warns it will).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Literal, final

from calsync_exchange.emulator import calendar, timezones
from calsync_exchange.emulator import fields as F
from calsync_exchange.emulator.calendar import Entry
from calsync_exchange.emulator.errors import EwsError
from calsync_exchange.emulator.records import CalendarRecord, MailboxRecord
from calsync_exchange.emulator.store import SERIES_ATTRS, EwsStore
from calsync_exchange.emulator.values import Body, TimeZoneSpec
from calsync_exchange.emulator.xml_item import Assignment
from calsync_exchange.emulator.xml_request import ExtendedUri


@final
@dataclass(frozen=True, slots=True)
class Change:
    """One ``SetItemField``/``AppendToItemField``/``DeleteItemField`` of an UpdateItem."""

    action: Literal["set", "append", "delete"]
    target: F.FieldDef | ExtendedUri
    value: object = None


def _check_zone(spec: object, uri: str) -> None:
    try:
        timezones.validate(spec)  # type: ignore[arg-type]
    except timezones.UnknownTimeZoneError:
        raise EwsError("ErrorTimeZone", field_uri=uri) from None


def create(
    store: EwsStore, mailbox: MailboxRecord, assignments: list[Assignment], zone: TimeZoneSpec
) -> CalendarRecord:
    """Create an item from the properties of a CreateItem ``t:CalendarItem``.

    :param zone: the zone for times and all-day alignment when the item names none (the
        request's ``TimeZoneContext``, else the mailbox's zone).
    """
    values: dict[str, object] = {}
    extended: dict[object, object] = {}
    for assignment in assignments:
        if isinstance(assignment.target, ExtendedUri):
            extended[assignment.target.key] = assignment.value
            continue
        assert assignment.target.attr is not None
        if assignment.target.kind == "timezone":
            _check_zone(assignment.value, assignment.target.uri)
        values[assignment.target.attr] = assignment.value
    for required in ("start", "end"):
        if required not in values:
            raise EwsError(
                "ErrorCalendarInvalidPropertyValue",
                f"A calendar item needs a {required.capitalize()}.",
                field_uri=f"calendar:{required.capitalize()}",
            )
    values.setdefault("start_zone", zone)
    values.setdefault("end_zone", values["start_zone"])
    record = store.new_record(mailbox, {**values, "extended": extended})
    try:
        normalise(store, mailbox, record, changed=set(values))
    except EwsError:
        del mailbox.items[record.number]
        raise
    return record


def update(
    store: EwsStore, mailbox: MailboxRecord, entry: Entry, changes: list[Change]
) -> CalendarRecord:
    """Apply an ItemChange to ``entry``; an occurrence becomes an exception first."""
    materialised = entry.kind == "Occurrence"
    if materialised:
        _preflight(changes)
        record = store.materialise(mailbox, entry)
    else:
        record = entry.record
    saved = copy.copy(record)
    saved.extended = dict(record.extended)
    changed: set[str] = set()
    try:
        for change in changes:
            changed |= _apply(record, change)
        normalise(store, mailbox, record, changed)
    except EwsError:
        _restore(record, saved)
        if materialised:
            store.forget_exception(mailbox, record)
        raise
    store.touch(record, changed)
    master = store.master_of(mailbox, record)
    if master is not None:
        # The master's ModifiedOccurrences changed with it.
        store.touch(master, set())
    return record


def _preflight(changes: list[Change]) -> None:
    for change in changes:
        target = change.target
        if (
            isinstance(target, F.FieldDef)
            and target.uri == "calendar:Recurrence"
            and change.action == "set"
        ):
            raise EwsError("ErrorInvalidPropertySet", field_uri="calendar:Recurrence")


def _restore(record: CalendarRecord, saved: CalendarRecord) -> None:
    for name in CalendarRecord.__dataclass_fields__:
        setattr(record, name, getattr(saved, name))


def _apply(record: CalendarRecord, change: Change) -> set[str]:
    target = change.target
    if isinstance(target, ExtendedUri):
        if change.action == "append":
            raise EwsError("ErrorInvalidPropertyAppend")
        before = record.extended.get(target.key)
        if change.action == "delete":
            record.extended.pop(target.key, None)
        else:
            record.extended[target.key] = change.value  # type: ignore[assignment]
        return (
            {f"extended:{target.key.name}"} if record.extended.get(target.key) != before else set()
        )
    field = target
    attr = field.attr
    if change.action == "set" and not field.writable:
        raise EwsError("ErrorInvalidPropertySet", field_uri=field.uri)
    if change.action == "append" and not field.appendable:
        raise EwsError("ErrorInvalidPropertyAppend", field_uri=field.uri)
    if change.action == "delete" and not field.deletable:
        raise EwsError("ErrorInvalidPropertyDelete", field_uri=field.uri)
    assert attr is not None
    if record.master_number is not None and field.uri == "calendar:Recurrence":
        if change.action == "set":
            raise EwsError("ErrorInvalidPropertySet", field_uri=field.uri)
        return set()  # an exception has no recurrence to delete
    if (
        field.uri == "calendar:UID"
        and record.master_number is not None
        and change.value != record.uid
    ):
        raise EwsError("ErrorInvalidPropertySet", field_uri=field.uri)
    if field.kind == "timezone":
        _check_zone(change.value, field.uri)
    before = getattr(record, attr)
    if change.action == "delete":
        setattr(record, attr, () if field.kind in ("strlist", "attendees") else None)
    elif change.action == "append":
        current = getattr(record, attr)
        if field.kind == "body":
            assert isinstance(change.value, Body)
            base = current.content if isinstance(current, Body) else ""
            body_type = current.body_type if isinstance(current, Body) else change.value.body_type
            setattr(record, attr, Body(content=base + change.value.content, body_type=body_type))
        else:
            setattr(record, attr, (*current, *change.value))  # type: ignore[misc]
    else:
        setattr(record, attr, change.value)
    # Clients re-send unchanged values (exchangelib sends every field on a plain save());
    # only a real change counts, so a series does not lose its exceptions for nothing.
    return {attr} if getattr(record, attr) != before else set()


def normalise(
    store: EwsStore, mailbox: MailboxRecord, record: CalendarRecord, changed: set[str]
) -> None:
    """Bring ``record`` back to a state Exchange would store, or raise."""
    calendar.align_all_day(record)
    calendar.check_times(record)
    if record.is_meeting and record.organizer.email.lower() == mailbox.address.lower():
        record.my_response_type = "Organizer"
    if record.recurrence is not None and record.master_number is None:
        calendar.anchor_master(record)  # validates first: nothing is dropped if it fails
        if changed & SERIES_ATTRS and (record.exceptions or record.deleted):
            store.drop_exceptions(mailbox, record)
    elif record.recurrence is None and (record.exceptions or record.deleted):
        store.drop_exceptions(mailbox, record)
    if record.master_number is not None and changed & {"start", "end"}:
        _check_boundaries(mailbox, record)


def _check_boundaries(mailbox: MailboxRecord, exception: CalendarRecord) -> None:
    """Refuse moving an occurrence to or past the day of one of its neighbours."""
    master = mailbox.items[exception.master_number]  # type: ignore[index]
    assert exception.original_start is not None
    zone = calendar.start_zone(master)
    series = calendar.series_of(master)
    previous = next_start = None
    for start in series.starts():
        if start < exception.original_start:
            previous = start
        elif start > exception.original_start:
            next_start = start
            break
    new_day = exception.start.astimezone(zone).date()
    for neighbour, before in ((previous, True), (next_start, False)):
        if neighbour is None or neighbour in master.deleted:
            continue
        day = calendar.occurrence_entry(mailbox, master, neighbour).start.astimezone(zone).date()
        if (new_day <= day) if before else (new_day >= day):
            raise EwsError(
                "ErrorOccurrenceCrossingBoundary",
                "An occurrence cannot be moved to or before the day of the previous occurrence, "
                "or to or after the day of the next occurrence.",
            )
