"""Reading the store back as plain dictionaries, for assertions and snapshots.

Times are aware UTC datetimes; all-day items also carry ``start_date``/``end_date`` (local
dates in the item's zone, end exclusive, as Exchange stores them). Extended properties
are keyed ``"<set>:<name>:<type>"`` with the distinguished set name when there is one
(``"PublicStrings:CalsyncCrmId:String"``).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

from calsync_exchange.emulator import calendar, ids, timezones
from calsync_exchange.emulator.calendar import Entry
from calsync_exchange.emulator.records import CalendarRecord, MailboxRecord
from calsync_exchange.emulator.values import Attendee, CustomTimeZone, ExtendedKey, TimeZoneSpec
from calsync_exchange.emulator.xml_request import PROPERTY_SETS

_SET_NAMES = {guid: name for name, guid in PROPERTY_SETS.items()}


def extended_name(key: ExtendedKey) -> str:
    """Return the readable key of an extended property."""
    prefix = _SET_NAMES.get(key.property_set or "", key.property_set or "Tag")
    return f"{prefix}:{key.name}:{key.property_type}"


def zone_name(spec: TimeZoneSpec) -> str:
    """Return a zone's Windows id, or a custom zone's name."""
    return spec.name if isinstance(spec, CustomTimeZone) else spec.zone_id


def _attendee(attendee: Attendee) -> dict[str, Any]:
    return {
        "email": attendee.person.email,
        "name": attendee.person.name,
        "response": attendee.response,
    }


def _local_dates(record: CalendarRecord, start: datetime, end: datetime) -> tuple[date, date]:
    zone = timezones.resolve(record.start_zone)
    end_zone = timezones.resolve(record.end_zone)
    return start.astimezone(zone).date(), end.astimezone(end_zone).date()


def entry_dict(mailbox: MailboxRecord, entry: Entry) -> dict[str, Any]:
    """Everything a client could read about ``entry``."""
    record = entry.record
    data: dict[str, Any] = {
        "item_id": entry.item_id,
        "change_key": entry.change_key,
        "kind": entry.kind,
        "subject": record.subject,
        "body": record.body.content if record.body else None,
        "body_type": record.body.body_type if record.body else None,
        "categories": list(record.categories),
        "sensitivity": record.sensitivity,
        "importance": record.importance,
        "start": entry.start,
        "end": entry.end,
        "is_all_day": record.is_all_day,
        "start_time_zone": zone_name(record.start_zone),
        "end_time_zone": zone_name(record.end_zone),
        "free_busy": record.free_busy,
        "location": record.location,
        "organizer": record.organizer.email,
        "required_attendees": [_attendee(a) for a in record.required],
        "optional_attendees": [_attendee(a) for a in record.optional],
        "resources": [_attendee(a) for a in record.resources],
        "my_response_type": record.my_response_type,
        "is_meeting": record.is_meeting,
        "is_cancelled": record.is_cancelled,
        "is_recurring": entry.kind != "Single",
        "meeting_request_was_sent": record.meeting_request_was_sent,
        "uid": record.uid,
        "reminder_is_set": record.reminder_is_set,
        "reminder_minutes": record.reminder_minutes,
        "original_start": entry.original_start,
        "master_id": entry.master.item_id if entry.master else None,
        "created": record.created,
        "last_modified": record.last_modified,
        "extended": {extended_name(k): v for k, v in record.extended.items()},
    }
    if record.is_all_day:
        data["start_date"], data["end_date"] = _local_dates(record, entry.start, entry.end)
    if entry.kind == "RecurringMaster" and record.recurrence is not None:
        data["recurrence"] = dataclasses.asdict(record.recurrence) | {
            "pattern_type": type(record.recurrence.pattern).__name__
        }
        data["modified_occurrences"] = [
            {
                "item_id": e.item_id,
                "original_start": e.original_start,
                "start": e.start,
                "end": e.end,
            }
            for e in calendar.modified_occurrences(mailbox, record)
        ]
        data["deleted_occurrences"] = sorted(record.deleted)
    return data


def record_dict(mailbox: MailboxRecord, record: CalendarRecord) -> dict[str, Any]:
    """Return the dictionary of a stored record."""
    master = mailbox.items.get(record.master_number) if record.master_number else None
    return entry_dict(mailbox, calendar.stored_entry(record, master))


def jsonable(value: Any) -> Any:
    """``value`` with datetimes, dates and tuples turned into JSON types."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def mailbox_snapshot(mailbox: MailboxRecord) -> dict[str, Any]:
    """Return a JSON-able picture of one mailbox."""
    from calsync_exchange.emulator import categories

    category_list = mailbox.configurations.get(("calendar", categories.CONFIGURATION_NAME))
    return {
        "address": mailbox.address,
        "name": mailbox.name,
        "time_zone": zone_name(mailbox.time_zone),
        "items": [jsonable(record_dict(mailbox, r)) for r in mailbox.items.values()],
        "master_categories": categories.parse(category_list.xml_data if category_list else None),
        "configurations": sorted(f"{folder}/{name}" for folder, name in mailbox.configurations),
        "calendar_folder_id": ids.folder_id(mailbox.index, "calendar"),
    }
