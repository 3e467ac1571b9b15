"""Calendar items to Event fields: what a create or an update sends.

``fields`` (a :class:`~calsync.providers.Write`'s) limits an update to those CalendarItem
fields; a create sends every field that has a value (a field left out keeps the org's
default, so a field the sync user may not write is only refused when it carries a value).

Times: a timed item sends ``StartDateTime`` / ``EndDateTime`` (UTC); an all-day item sends
``IsAllDayEvent``, ``ActivityDate`` (its first day) and ``EndDateTime`` at midnight UTC of
its *last* day (core's end is exclusive, Salesforce's inclusive: no day shifts). A series
sends the Classic pattern (:func:`~.classic.pattern_of`) with ``IsRecurrence`` on create.

People: an event links one lead or up to 50 contacts (contacts win; of several leads the
first), one person only without Shared Activities, and a private event links no one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from calsync.engine.lengths import cut
from calsync.model import CalendarItem, ItemKind, ShowAs
from calsync.providers import SYNCED_FIELDS
from calsync_salesforce.classic import pattern_of
from calsync_salesforce.refs import stored_ref
from calsync_salesforce.schema import MAX_PEOPLE
from calsync_salesforce.wire import format_instant, midnight_utc

__all__ = ["EVENT_FIELDS_OF", "LEAD_PREFIX", "WriteShape", "event_fields", "people_to_link"]

#: The key prefix of Lead ids (contacts are ``003``).
LEAD_PREFIX: Final = "00Q"
#: The Event fields each CalendarItem field is written to.
EVENT_FIELDS_OF: Final[Mapping[str, tuple[str, ...]]] = {
    "subject": ("Subject",),
    "body": ("Description",),
    "location": ("Location",),
    "start": ("StartDateTime", "EndDateTime", "ActivityDate", "IsAllDayEvent", "DurationInMinutes"),
    "end": ("EndDateTime", "DurationInMinutes"),
    "privacy": ("IsPrivate",),
    "show_as": ("ShowAs",),
    "links": ("WhoId", "EventWhoIds", "WhatId"),
    "owner": ("OwnerId",),
    "recurrence": (
        "IsRecurrence", "RecurrenceType", "RecurrenceInterval", "RecurrenceDayOfWeekMask",
        "RecurrenceDayOfMonth", "RecurrenceInstance", "RecurrenceMonthOfYear",
        "RecurrenceStartDateTime", "RecurrenceEndDateOnly", "RecurrenceTimeZoneSidKey",
    ),
}  # fmt: skip
#: The text lengths of a standard org (describe's, when it says otherwise: ``WriteShape``).
TEXT_LENGTHS: Final[Mapping[str, int]] = {"Subject": 255, "Location": 255, "Description": 32000}
_SHOW_AS: Final = {ShowAs.FREE: "Free", ShowAs.OUT_OF_OFFICE: "OutOfOffice"}
_TIMES: Final = frozenset({"start", "end", "zone", "recurrence"})


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteShape:
    """How the org takes events."""

    shared_activities: bool = True
    counterpart_field: str = "Calsync_Ref__c"
    #: The counterpart field ignores case: store ids in their case-proof form.
    case_proof_refs: bool = True
    max_people: int = MAX_PEOPLE
    #: The most text each Event text field holds, in Salesforce's characters (UTF-16 units).
    lengths: Mapping[str, int] = dataclasses.field(default_factory=lambda: dict(TEXT_LENGTHS))


def people_to_link(who_ids: tuple[str, ...], shape: WriteShape) -> tuple[str, ...]:
    """The people an event may link: contacts over leads, the first lead alone, 50 at most."""
    contacts = [w for w in who_ids if not w.startswith(LEAD_PREFIX)]
    chosen = contacts[: shape.max_people] if contacts else [w for w in who_ids if w][:1]
    return tuple(dict.fromkeys(chosen))[: 1 if not shape.shared_activities else None]


def event_fields(
    item: CalendarItem,
    fields: frozenset[str] | None,
    *,
    creating: bool,
    shape: WriteShape,
) -> dict[str, Any]:
    """The Event fields (wire values) that make an event look like ``item``.

    :raises ~calsync_salesforce.classic.UnsupportedRule: for a series the Classic pattern
        fields cannot hold.
    """
    wanted = SYNCED_FIELDS if fields is None or creating else fields
    out: dict[str, Any] = {}
    if item.kind is ItemKind.SERIES and creating:
        out["IsRecurrence"] = True
    for name, field, value in (
        ("subject", "Subject", item.subject),
        ("body", "Description", item.body),
        ("location", "Location", item.location),
    ):
        if name in wanted:
            out[field] = cut(value, shape.lengths.get(field)) or None
    if wanted & _TIMES:
        out.update(_times(item, wanted))
    if "privacy" in wanted:
        out["IsPrivate"] = item.is_private
    if "show_as" in wanted:
        out["ShowAs"] = _SHOW_AS.get(item.show_as, "Busy")
    if "links" in wanted or (item.is_private and "privacy" in wanted):
        out.update(_links(item, shape))
    if "counterpart_id" in wanted:
        ref = item.counterpart_id
        out[shape.counterpart_field] = (
            stored_ref(ref, case_proof=shape.case_proof_refs) if ref else None
        )
    if "owner" in wanted and item.owner:
        out["OwnerId"] = item.owner
    if creating:
        # Leave out what has no value: the org's default is the same, and a field the
        # sync user may not write is then refused only when the item really carries it.
        out = {k: v for k, v in out.items() if v not in (None, [], False) or k == "IsAllDayEvent"}
    return out


def _times(item: CalendarItem, wanted: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(item.start, datetime) and isinstance(item.end, datetime):
        out.update(
            IsAllDayEvent=False,
            StartDateTime=format_instant(item.start),
            EndDateTime=format_instant(item.end),
        )
    else:
        last = item.end - timedelta(days=1)
        out.update(
            IsAllDayEvent=True,
            ActivityDate=item.start.isoformat(),
            EndDateTime=format_instant(midnight_utc(max(last, item.start))),
        )
    if item.kind is ItemKind.SERIES and item.recurrence is not None:
        zone = item.recurrence.zone or item.zone
        out.update(pattern_of(item.recurrence, item.start, zone))
    return out


def _links(item: CalendarItem, shape: WriteShape) -> dict[str, Any]:
    if item.is_private:
        # "Private events can't be associated with ... leads, or contacts."
        people: tuple[str, ...] = ()
        what = None
    else:
        people = people_to_link(item.links.who_ids, shape)
        what = item.links.what_id
    out: dict[str, Any] = {"WhoId": people[0] if people else None}
    if shape.shared_activities:
        out["EventWhoIds"] = list(people)
    out["WhatId"] = what
    return out
