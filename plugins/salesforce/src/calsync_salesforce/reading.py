"""Event records to calendar items, and deleted records to removals.

=============================  ===========================================================
Event                          CalendarItem
=============================  ===========================================================
Subject / Description          subject / body
Location                       location
StartDateTime, EndDateTime     start, end (timed; zone = the owner's ``TimeZoneSidKey``)
IsAllDayEvent, ActivityDate,   start = ``ActivityDate``; end = the day after the last day
EndDateTime                    (Salesforce's ``EndDateTime`` is midnight UTC of the last
                               day, inclusive; core's all-day end is exclusive)
IsPrivate                      privacy (private / normal)
ShowAs                         show_as (Busy, Free, OutOfOffice)
WhoId, EventWhoIds, WhatId     links (the primary who first)
IsChild                        attendee_copy
OwnerId                        owner
<counterpart field>            counterpart_id
SystemModstamp                 ref.change_token
LastModifiedById               ref.modified_by
IsRecurrence (Classic header)  kind SERIES, recurrence CRM_CLASSIC in
                               ``RecurrenceTimeZoneSidKey``, exclusions = free slots
Classic occurrence record      kind OCCURRENCE (EXCEPTION when moved or edited),
                               series_id = the header, original_start = its slot
IsRecurrence2 (Lightning)      the first occurrence: kind SERIES, recurrence
                               CRM_EVENT_SERIES; the others its occurrences
=============================  ===========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from calsync.errors import InvalidItemError
from calsync.model import CalendarItem, CrmLinks, ItemKind, ItemRef, Moment, Privacy, ShowAs
from calsync.providers import Removal
from calsync.recurrence import Recurrence, RecurrenceModel
from calsync_salesforce.refs import original_ref
from calsync_salesforce.replies import Record
from calsync_salesforce.series_index import (
    SeriesIndex,
    header_rule,
    is_pattern,
    occurrence_start,
    series_start,
)
from calsync_salesforce.slots import nearest_free
from calsync_salesforce.wire import parse_date, parse_instant

__all__ = ["PROVIDER", "ReadContext", "item_of", "removal_of"]

PROVIDER = "salesforce"
_SHOW_AS = {"Busy": ShowAs.BUSY, "Free": ShowAs.FREE, "OutOfOffice": ShowAs.OUT_OF_OFFICE}
#: What an occurrence is compared on to tell an exception from a plain occurrence.
_OWN_FIELDS = ("Subject", "Description", "Location", "IsPrivate", "ShowAs", "DurationInMinutes")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadContext:
    """What converting records needs besides the records."""

    #: owner user id -> ``TimeZoneSidKey``
    zones: Mapping[str, str]
    counterpart_field: str
    index: SeriesIndex


def item_of(record: Record, ctx: ReadContext) -> CalendarItem | None:
    """The calendar item of a live Event record (``None`` for a series' pattern record)."""
    if is_pattern(record):
        return None
    fields = _common(record, ctx)
    header_id = record.get("RecurrenceActivityId")
    series2 = record.get("ActivityRecurrence2Id") if record.get("IsRecurrence2") else None
    if record.get("IsChild"):
        series_id = header_id or series2
        if series_id:
            return _build(fields, kind=ItemKind.OCCURRENCE, series_id=str(series_id),
                          original_start=fields["start"])  # fmt: skip
        return _build(fields)
    if record.get("IsRecurrence"):
        return with_exclusions(_classic_header(record, fields), ctx.index)
    if header_id:
        return _classic_occurrence(record, fields, str(header_id), ctx)
    if series2:
        return _lightning(record, fields, str(series2), ctx)
    return _build(fields)


def removal_of(record: Record, index: SeriesIndex, claimed: set[Moment]) -> Removal | None:
    """What a deleted Event record means for its side (``None``: nothing to report).

    A deleted Classic occurrence whose header lives on is the cancellation of one slot; if
    every slot still has a record, it was replaced (a pattern change recreates them all).

    :param claimed: slots already reported this time (updated).
    """
    if is_pattern(record):
        return None
    record_id = str(record["Id"])
    header_id = record.get("RecurrenceActivityId")
    if record.get("IsChild") or record.get("IsRecurrence") or not header_id:
        return Removal(id=record_id)
    slots = index.slots(str(header_id))
    if slots is None:
        return None  # the series went as a whole: its header's removal says so
    free = [s for s in slots.free if s not in claimed]
    slot = nearest_free(occurrence_start(record), free)
    if slot is None:
        return None
    claimed.add(slot)
    return Removal(id=record_id, series_id=str(header_id), original_start=slot)


# -- the parts --------------------------------------------------------------------------


def _common(record: Record, ctx: ReadContext) -> dict[str, Any]:
    start, end = _span(record)
    owner = str(record.get("OwnerId") or "") or None
    private = bool(record.get("IsPrivate"))
    return {
        "ref": ItemRef(
            provider=PROVIDER,
            id=str(record["Id"]),
            change_token=str(record.get("SystemModstamp") or ""),
            modified_by=str(record.get("LastModifiedById") or ""),
        ),
        "start": start,
        "end": end,
        "subject": str(record.get("Subject") or ""),
        "body": str(record.get("Description") or ""),
        "location": str(record.get("Location") or ""),
        "zone": ctx.zones.get(owner or "") if isinstance(start, datetime) else None,
        "privacy": Privacy.PRIVATE if private else Privacy.NORMAL,
        "show_as": _SHOW_AS.get(str(record.get("ShowAs") or ""), ShowAs.BUSY),
        "links": links_of(record),
        "counterpart_id": original_ref(str(record.get(ctx.counterpart_field) or "")) or None,
        "owner": owner,
        "attendee_copy": bool(record.get("IsChild")),
    }


def _span(record: Record) -> tuple[Moment, Moment]:
    minutes = int(record.get("DurationInMinutes") or 0)
    if record.get("IsAllDayEvent"):
        first = parse_date(record.get("ActivityDate"))
        raw_end = record.get("EndDateTime")
        last = (
            parse_instant(raw_end).date()
            if raw_end
            else first + timedelta(days=max(1, minutes // 1440) - 1)
        )
        return first, max(last, first) + timedelta(days=1)
    start = parse_instant(record.get("StartDateTime"))
    raw_end = record.get("EndDateTime")
    end = parse_instant(raw_end) if raw_end else start + timedelta(minutes=minutes)
    return start, max(start, end)


def links_of(record: Record) -> CrmLinks:
    """The people (primary first) and the related record of an event."""
    primary = record.get("WhoId")
    whos = [str(w) for w in record.get("EventWhoIds") or [] if w]
    if primary:
        whos = [str(primary), *(w for w in whos if w != primary)]
    what = record.get("WhatId")
    return CrmLinks(who_ids=tuple(dict.fromkeys(whos)), what_id=str(what) if what else None)


def _build(fields: dict[str, Any], **extra: Any) -> CalendarItem:
    return CalendarItem(**{**fields, **extra})


def _classic_header(record: Record, fields: dict[str, Any]) -> CalendarItem:
    start = series_start(record)
    span = fields["end"] - fields["start"]
    timed = isinstance(start, datetime)
    zone = str(record.get("RecurrenceTimeZoneSidKey") or "GMT") if timed else None
    return _build(
        fields,
        kind=ItemKind.SERIES,
        start=start,
        end=start + span,
        zone=zone,
        recurrence=Recurrence(
            rule=header_rule(record), zone=zone, model=RecurrenceModel.CRM_CLASSIC
        ),
    )


def with_exclusions(item: CalendarItem, index: SeriesIndex) -> CalendarItem:
    """A Classic series item with the slots no record stands for as its exclusions."""
    if item.recurrence is None or item.ref is None:
        return item
    slots = index.slots(item.ref.id)
    if slots is None or not slots.free:
        return item
    recurrence = Recurrence(
        rule=item.recurrence.rule,
        exclusions=slots.free,
        zone=item.recurrence.zone,
        model=item.recurrence.model,
    )
    return item.evolve(recurrence=recurrence)


def _classic_occurrence(
    record: Record, fields: dict[str, Any], header_id: str, ctx: ReadContext
) -> CalendarItem:
    header = ctx.index.headers.get(header_id)
    slots = ctx.index.slots(header_id)
    original = slots.of_record.get(str(record["Id"])) if slots is not None else None
    original = _like(original if original is not None else fields["start"], fields["start"])
    changed = header is not None and (original != fields["start"] or _differs(record, header))
    kind = ItemKind.EXCEPTION if changed else ItemKind.OCCURRENCE
    if header is not None and isinstance(fields["start"], datetime):
        fields["zone"] = str(header.get("RecurrenceTimeZoneSidKey") or fields["zone"])
    return _build(fields, kind=kind, series_id=header_id, original_start=original)


def _differs(record: Record, header: Record) -> bool:
    return any((record.get(f) or None) != (header.get(f) or None) for f in _OWN_FIELDS)


def _like(moment: Moment, example: Moment) -> Moment:
    """``moment`` as a date or an instant, whichever ``example`` is."""
    if isinstance(example, datetime) and not isinstance(moment, datetime):
        return datetime.combine(moment, time(), UTC)
    if not isinstance(example, datetime) and isinstance(moment, datetime):
        return moment.date()
    return moment


def _lightning(
    record: Record, fields: dict[str, Any], series_id: str, ctx: ReadContext
) -> CalendarItem:
    master = ctx.index.lightning_master(series_id)
    if master is not None and master["Id"] == record["Id"]:
        timed = isinstance(fields["start"], datetime)
        zone = str(record.get("Recurrence2PatternTimeZone") or fields["zone"] or "") or None
        try:
            recurrence = Recurrence(
                rule=str(record.get("Recurrence2PatternText") or ""),
                zone=zone if timed else None,
                model=RecurrenceModel.CRM_EVENT_SERIES,
            )
        except InvalidItemError:
            # Not ours to expand: the engine never writes these series down (EX-04).
            recurrence = Recurrence(
                rule="FREQ=DAILY;COUNT=1", model=RecurrenceModel.CRM_EVENT_SERIES
            )
        return _build(
            fields, kind=ItemKind.SERIES, recurrence=recurrence, zone=zone if timed else None
        )
    kind = ItemKind.EXCEPTION if record.get("IsRecurrence2Exception") else ItemKind.OCCURRENCE
    owner = str(master["Id"]) if master is not None else series_id
    return _build(fields, kind=kind, series_id=owner, original_start=fields["start"])
