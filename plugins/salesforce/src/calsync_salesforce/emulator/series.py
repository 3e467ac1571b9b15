"""Lightning Experience event series (``IsRecurrence2`` via ``Recurrence2PatternText``).

Creating an event with a pattern creates:

* the created record, which becomes the *first occurrence* (its id is what the API returns),
* one more Event per further occurrence,
* a series pattern record (``GroupEventType = '3'``),

all sharing ``ActivityRecurrence2Id`` and carrying the pattern (stored normalised), its start
(``Recurrence2PatternStartDate``) and the owner's zone (``Recurrence2PatternTimeZone``), in
which python-dateutil expands the rule. The pattern is create-only
(``INVALID_FIELD_FOR_INSERT_UPDATE`` on update).

Updates (API 58.0+): editing a *past* occurrence changes only it and marks it
``IsRecurrence2Exception``. Editing a *future* occurrence (or the pattern record) edits the
series: other fields flow to every future occurrence; a change of time is "critical" and
deletes and recreates the future occurrences and the pattern record, shifted by the same
amount, with NEW ids (past occurrences stay, detached, as ``IsRecurrence2Exclusion``).

Deletes: the first occurrence's id or the pattern record deletes the whole series, any other
id deletes that occurrence; ``DELETE .../{id}/fromThisEventOnwards`` trims the series.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dateutil import rrule

from calsync_salesforce.emulator import event_people, occurrences
from calsync_salesforce.emulator.errors import SalesforceError, integrity
from calsync_salesforce.emulator.records import modify
from calsync_salesforce.emulator.rrule_subset import MAX_COUNT
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.state import OrgState

SERIES_KEY = "ActivityRecurrence2Id"
#: Changing any of these on an occurrence is a "critical" change of the series.
CRITICAL = frozenset(
    {
        "StartDateTime",
        "EndDateTime",
        "ActivityDateTime",
        "DurationInMinutes",
        "IsAllDayEvent",
        "ActivityDate",
    }
)
_TIME_FIELDS = CRITICAL | {"EndDate"}
#: Derived together: an edit of one of them carries all of them to the other occurrences.
_PEOPLE = frozenset({"WhoId", "EventWhoIds", "WhoCount", "WhatId", "WhatCount", "AccountId"})


def expand(pattern: str, first: datetime, zone: ZoneInfo, all_day: bool) -> list[datetime]:
    """Occurrence starts (UTC) of ``pattern`` from ``first``, in ``zone`` (UTC for all-day)."""
    local = first.astimezone(UTC if all_day else zone)
    rule = rrule.rrulestr(pattern, dtstart=local)
    found = list(itertools.islice(iter(rule), MAX_COUNT + 1))
    if len(found) > MAX_COUNT:
        raise integrity(
            f"A series can't have more than {MAX_COUNT} occurrences", ["Recurrence2PatternText"]
        )
    if not found:
        raise integrity("The recurrence pattern has no occurrences", ["Recurrence2PatternText"])
    return [moment.astimezone(UTC) for moment in found]


def members(org: OrgState, series_id: str) -> list[Record]:
    """Return the live records of a series (pattern record included), oldest first."""
    found = org.store.find_by("Event", SERIES_KEY, series_id)
    return [e for e in found if not e["IsDeleted"] and not e.get("IsChild")]


def _is_pattern(record: Record) -> bool:
    return record.get("GroupEventType") == "3"


def create(org: OrgState, caller: Caller, first: Record) -> None:
    """Materialise a series from its freshly stored first record."""
    zone = org.user_zone(first["OwnerId"])
    _build(org, caller, first, first["StartDateTime"], zone, keep=first, after=None)


def _build(
    org: OrgState,
    caller: Caller,
    template_source: Record,
    pattern_start: datetime,
    zone: ZoneInfo,
    *,
    keep: Record | None,
    after: datetime | None,
) -> None:
    series_id = org.store.new_id("ActivityRecurrence2")
    all_day = bool(template_source.get("IsAllDayEvent"))
    starts = expand(template_source["Recurrence2PatternText"], pattern_start, zone, all_day)
    if after is not None:
        starts = [s for s in starts if s >= after]
    if not starts:
        return
    template = occurrences.template_of(org, template_source)
    template.update(
        {SERIES_KEY: series_id},
        IsRecurrence2=True,
        IsRecurrence2Exception=False,
        IsRecurrence2Exclusion=False,
        Recurrence2PatternStartDate=pattern_start,
        Recurrence2PatternTimeZone=zone.key,
        Recurrence2PatternVersion="1",
        GroupEventType="0",
        IsGroupEvent=False,
    )
    if keep is not None:
        # The created record is the first occurrence: moved onto the pattern if needed.
        placed = occurrences.place({**keep, **template}, starts[0], zone)
        stored = modify(org, "Event", placed, caller.user_id)
        event_people.sync_relations(org, caller, stored)
        rest = starts[1:]
    else:
        unique = {
            k: template_source[k]
            for k in template_source
            if k not in template and k.endswith("__c")
        }
        occurrences.insert_occurrence(org, caller, template, starts[0], **unique)
        rest = starts[1:]
    for start in rest:
        occurrences.insert_occurrence(org, caller, template, start)
    pattern = {**template, "GroupEventType": "3"}
    occurrences.insert_occurrence(org, caller, pattern, starts[0])


def mark_exception(org: OrgState, record: Record, old: Record) -> Record:
    """Flag an edit of a past occurrence as an exception to the series."""
    if old.get(SERIES_KEY) and not _is_pattern(old) and old["StartDateTime"] < org.now():
        return {**record, "IsRecurrence2Exception": True}
    return record


def after_update(
    org: OrgState, caller: Caller, stored: Record, old: Record, changes: Record
) -> None:
    """Apply an occurrence or pattern-record edit to the series (see the module docstring)."""
    series_id = old.get(SERIES_KEY)
    now = org.now()
    if not series_id or (not _is_pattern(old) and old["StartDateTime"] < now):
        return
    if CRITICAL & changes.keys():
        _recreate(org, caller, stored, old, now)
        return
    unique = {spec.name for spec in org.require_object("Event").fields if spec.unique}
    names = set(changes) - _TIME_FIELDS - unique
    if names & _PEOPLE:
        names |= _PEOPLE
    content = {name: stored.get(name) for name in names}
    for member in members(org, series_id):
        if member["Id"] == stored["Id"] or (
            not _is_pattern(member) and member["StartDateTime"] < now
        ):
            continue
        updated = modify(org, "Event", member, caller.user_id, **content)
        event_people.sync_relations(org, caller, updated)
        event_people.propagate_to_children(org, caller, updated)


def _recreate(org: OrgState, caller: Caller, stored: Record, old: Record, now: datetime) -> None:
    shift = stored["StartDateTime"] - old["StartDateTime"]
    zone = org.user_zone(stored["OwnerId"])
    pattern_start: datetime = stored["Recurrence2PatternStartDate"] + shift
    for member in members(org, old[SERIES_KEY]):
        original = old if member["Id"] == old["Id"] else member
        if _is_pattern(member) or original["StartDateTime"] >= now:
            event_people.delete_with_dependents(org, caller, member)
        else:
            modify(org, "Event", member, caller.user_id, IsRecurrence2Exclusion=True)
    _build(org, caller, stored, pattern_start, zone, keep=None, after=now)


def delete(org: OrgState, caller: Caller, record: Record) -> None:
    """Delete one occurrence, or the whole series for its first occurrence or pattern record."""
    series = members(org, record[SERIES_KEY])
    occurrences_only = [m for m in series if not _is_pattern(m)]
    first = min(occurrences_only, key=lambda m: m["StartDateTime"], default=None)
    if _is_pattern(record) or (first is not None and first["Id"] == record["Id"]):
        for member in series:
            event_people.delete_with_dependents(org, caller, member)
        return
    event_people.delete_with_dependents(org, caller, record)


def delete_onwards(org: OrgState, caller: Caller, record: Record) -> None:
    """``DELETE /sobjects/Event/{id}/fromThisEventOnwards``.

    :raises SalesforceError: for an event that is not an occurrence of a live series.
    """
    if (
        not record.get("IsRecurrence2")
        or record.get("IsRecurrence2Exclusion")
        or record.get("IsChild")
    ):
        raise SalesforceError(
            400,
            "INVALID_OPERATION",
            "fromThisEventOnwards is only for occurrences of a Lightning Experience event series",
            with_fields=False,
        )
    series = members(org, record[SERIES_KEY])
    for member in series:
        if not _is_pattern(member) and member["StartDateTime"] >= record["StartDateTime"]:
            event_people.delete_with_dependents(org, caller, member)
    if not [m for m in members(org, record[SERIES_KEY]) if not _is_pattern(m)]:
        for member in members(org, record[SERIES_KEY]):
            event_people.delete_with_dependents(org, caller, member)
