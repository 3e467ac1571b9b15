"""Materialising series occurrences as Event records (Classic and Lightning alike)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from calsync_salesforce.emulator import event_people, event_times
from calsync_salesforce.emulator.records import insert
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.state import OrgState

_NOT_COPIED = frozenset(
    {
        "Id", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById",
        "SystemModstamp", event_people.PARENT,
    }
)  # fmt: skip


def template_of(org: OrgState, record: Record) -> Record:
    """Return the fields an occurrence copies from the record the series was created from.

    Unique custom fields (an External ID used as idempotency key) stay on the created
    record only: copying them would make every occurrence a duplicate.
    """
    event = org.require_object("Event")
    unique = {spec.name for spec in event.fields if spec.unique}
    return {k: v for k, v in record.items() if k not in _NOT_COPIED and k not in unique}


def place(template: Record, start: datetime, zone: ZoneInfo) -> Record:
    """``template`` moved to ``start`` keeping its duration (all-day: its day count)."""
    minutes = template.get("DurationInMinutes") or 0
    if template.get("IsAllDayEvent"):
        changes: Record = {
            "ActivityDate": start.astimezone(UTC).date(),
            "DurationInMinutes": minutes,
        }
    else:
        changes = {"StartDateTime": start, "DurationInMinutes": minutes}
    limit = event_times.MULTIDAY_LIMIT_MINUTES
    return event_times.derive({**template, **changes}, None, changes, zone, limit)


def insert_occurrence(
    org: OrgState, caller: Caller, template: Record, start: datetime, **fields: Any
) -> Record:
    """Store one occurrence at ``start`` with ``fields`` set, and its who/what relations."""
    zone = org.user_zone(template["OwnerId"])
    stored = insert(org, "Event", {**place(template, start, zone), **fields}, caller.user_id)
    event_people.sync_relations(org, caller, stored)
    return stored
