"""Core's :class:`CalendarItem` as a Google Event body: whole (insert) or a patch of some fields.

Patches carry only the fields a write asks for (``Write.fields``); Calendar's patch
semantics merge objects, replace arrays and remove a key sent as ``null``. The organizer
cannot be written through the API (Google makes the calendar's owner the organizer); the
harness sets it through the emulator's trusted seeding.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from calsync.model import (
    AttendeeRole,
    CalendarItem,
    EventType,
    ItemKind,
    Participant,
    Privacy,
    ResponseStatus,
    ShowAs,
)
from calsync.providers import SYNCED_FIELDS
from calsync_gmail import ids
from calsync_gmail.moments import canonical_zone, to_event_time
from calsync_gmail.rules import recurrence_lines

__all__ = ["counterpart_properties", "item_to_event", "item_zone", "patch_for"]

_EVENT_TYPES = {
    EventType.OUT_OF_OFFICE: "outOfOffice",
    EventType.FOCUS_TIME: "focusTime",
    EventType.WORKING_LOCATION: "workingLocation",
    EventType.FROM_GMAIL: "fromGmail",
    EventType.BIRTHDAY: "birthday",
}
_RESPONSES = {
    ResponseStatus.NONE: "needsAction",
    ResponseStatus.ORGANIZER: "accepted",
    ResponseStatus.ACCEPTED: "accepted",
    ResponseStatus.TENTATIVE: "tentative",
    ResponseStatus.DECLINED: "declined",
}
_VISIBILITIES = {
    Privacy.NORMAL: "default",
    Privacy.PERSONAL: "private",
    Privacy.PRIVATE: "private",
    Privacy.CONFIDENTIAL: "confidential",
}
_TIMING = frozenset({"start", "end", "zone"})


def item_zone(item: CalendarItem, calendar_zone: str) -> str:
    """The IANA zone a timed item is written in: its own, its series', its start's, the calendar's."""
    candidates = [item.zone, item.recurrence.zone if item.recurrence else None]
    if isinstance(item.start, datetime):
        candidates.append(getattr(item.start.tzinfo, "key", None))
    for candidate in candidates:
        zone = canonical_zone(candidate)
        if zone is not None:
            return zone
    return calendar_zone


def _person(person: Participant) -> dict[str, Any]:
    out: dict[str, Any] = {"email": person.address, "responseStatus": _RESPONSES[person.response]}
    if person.name:
        out["displayName"] = person.name
    if person.role is AttendeeRole.OPTIONAL:
        out["optional"] = True
    elif person.role is AttendeeRole.RESOURCE:
        out["resource"] = True
    return out


def counterpart_properties(counterpart_id: str | None, event_id: str) -> dict[str, str | None]:
    """The private properties that store (or, for ``None``, remove) the cross-reference."""
    if not counterpart_id:
        return {ids.COUNTERPART: None, ids.COUNTERPART_OF: None}
    return {ids.COUNTERPART: counterpart_id, ids.COUNTERPART_OF: event_id}


def _field_values(
    item: CalendarItem, fields: Iterable[str], event_id: str, calendar_zone: str
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    wanted = set(fields)
    if "subject" in wanted:
        body["summary"] = item.subject
    if "body" in wanted:
        body["description"] = item.body
    if "location" in wanted:
        body["location"] = item.location
    if wanted & _TIMING:
        zone = item_zone(item, calendar_zone)
        body["start"] = to_event_time(item.start, zone)
        body["end"] = to_event_time(item.end, zone)
    if "privacy" in wanted:
        body["visibility"] = _VISIBILITIES[item.privacy]
    if "show_as" in wanted:
        body["transparency"] = "transparent" if item.show_as is ShowAs.FREE else "opaque"
    if "attendees" in wanted:
        body["attendees"] = [_person(p) for p in item.attendees]
    if "recurrence" in wanted and item.recurrence is not None and item.kind is ItemKind.SERIES:
        zone = item_zone(item, calendar_zone)
        body["recurrence"] = recurrence_lines(item.recurrence, item.start, zone)
        if isinstance(item.start, datetime):
            # A recurring event needs start.timeZone: the zone it expands in.
            body["start"] = to_event_time(item.start, zone)
            body["end"] = to_event_time(item.end, zone)
    if "counterpart_id" in wanted:
        props = counterpart_properties(item.counterpart_id, event_id)
        body["extendedProperties"] = {"private": props}
    return body


def item_to_event(
    item: CalendarItem, *, event_id: str, calendar_zone: str, organizer: bool = False
) -> dict[str, Any]:
    """The whole Event body to insert ``item`` under ``event_id``.

    :param organizer: also write ``organizer`` (only the emulator's seeding honours it).
    """
    body: dict[str, Any] = {"id": event_id}
    body.update(_field_values(item, SYNCED_FIELDS | {"zone"}, event_id, calendar_zone))
    props = body.pop("extendedProperties", {}).get("private", {})
    props = {k: v for k, v in props.items() if v is not None}
    if props:
        body["extendedProperties"] = {"private": props}
    if not item.attendees:
        body.pop("attendees", None)
    if item.event_type is not EventType.DEFAULT:
        body["eventType"] = _EVENT_TYPES[item.event_type]
    if organizer and item.uid:
        body["iCalUID"] = item.uid  # every copy of one meeting shares it (seeding only)
    if organizer and item.organizer is not None:
        body["organizer"] = {"email": item.organizer.address}
        if item.organizer.name:
            body["organizer"]["displayName"] = item.organizer.name
    return body


def patch_for(
    item: CalendarItem, fields: frozenset[str] | None, *, event_id: str, calendar_zone: str
) -> dict[str, Any]:
    """The patch body that makes event ``event_id`` look like ``item`` in ``fields`` (all: None).

    CRM links, the owner and the organizer are not written to a mailbox.
    """
    wanted = (SYNCED_FIELDS if fields is None else fields) - {"links", "owner", "organizer"}
    body = _field_values(item, wanted, event_id, calendar_zone)
    if "recurrence" in wanted and item.kind is ItemKind.SINGLE and item.recurrence is None:
        # Patch semantics: null removes the key, which turns a series into a single event.
        body["recurrence"] = None
    return body
