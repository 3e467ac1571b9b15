"""Google Calendar Event resources and core's :class:`CalendarItem`, both ways.

=======================================  ================================================
Event                                    CalendarItem
=======================================  ================================================
``id``, ``etag``                         ``ref`` (id, change token)
``recurrence``                           ``kind`` SERIES, ``recurrence`` (zone =
                                         ``start.timeZone``)
``recurringEventId``,                    ``kind`` EXCEPTION, ``series_id``,
``originalStartTime``                    ``original_start``
``start``/``end`` ``date``               floating dates, exclusive end, never shifted
``start``/``end`` ``dateTime``           aware datetimes in ``zone`` (the event's
                                         ``timeZone``, else the calendar's)
``summary``/``description``/             ``subject``/``body`` (marker block removed)/
``location``                             ``location``
``visibility`` private / confidential    ``privacy`` PRIVATE / CONFIDENTIAL
``transparency`` transparent             ``show_as`` FREE (outOfOffice: OUT_OF_OFFICE,
                                         workingLocation: WORKING_ELSEWHERE)
``eventType``                            ``event_type``
``organizer``, ``attendees``             ``organizer`` (response ORGANIZER),
                                         ``attendees`` (the organizer left out)
``organizer.self`` false                 ``attendee_copy``
private ``calsyncCounterpart``           ``counterpart_id`` (only when
                                         ``calsyncCounterpartOf`` is this event's id)
=======================================  ================================================

``iCalUID`` is the item's ``uid``: every copy of one meeting shares it (EX-09), and it finds
the invitation mail of a marked event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calsync import identity
from calsync.errors import InvalidItemError
from calsync.model import (
    AttendeeRole,
    CalendarItem,
    EventType,
    ItemKind,
    ItemRef,
    Moment,
    Participant,
    Privacy,
    ResponseStatus,
    ShowAs,
)
from calsync_gmail import ids
from calsync_gmail.marker_text import strip_marker
from calsync_gmail.moments import canonical_zone, from_event_time
from calsync_gmail.rules import parse_recurrence

__all__ = ["Reading", "event_to_item", "own_counterpart", "private_properties"]

EVENT_TYPES = {
    "default": EventType.DEFAULT,
    "outOfOffice": EventType.OUT_OF_OFFICE,
    "focusTime": EventType.FOCUS_TIME,
    "workingLocation": EventType.WORKING_LOCATION,
    "fromGmail": EventType.FROM_GMAIL,
    "birthday": EventType.BIRTHDAY,
}
RESPONSES = {
    "needsAction": ResponseStatus.NONE,
    "accepted": ResponseStatus.ACCEPTED,
    "tentative": ResponseStatus.TENTATIVE,
    "declined": ResponseStatus.DECLINED,
}
VISIBILITIES = {"private": Privacy.PRIVATE, "confidential": Privacy.CONFIDENTIAL}


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """What converting an event needs to know besides the event.

    :param provider: the provider name for refs.
    :param owner: the mailbox address.
    :param calendar_zone: the calendar's ``timeZone``, for timed values without one.
    :param self_addresses: addresses that are the mailbox itself (owner, calendar id).
    """

    provider: str
    owner: str
    calendar_zone: str
    self_addresses: frozenset[str] = frozenset()


def private_properties(event: dict[str, Any]) -> dict[str, str]:
    """The event's private extended properties."""
    props = event.get("extendedProperties") or {}
    private = props.get("private") if isinstance(props, dict) else None
    return dict(private) if isinstance(private, dict) else {}


def own_counterpart(event: dict[str, Any]) -> str | None:
    """The counterpart id stored for this very event (not one an instance inherited)."""
    props = private_properties(event)
    return identity.own_counterpart(
        props.get(ids.COUNTERPART), props.get(ids.COUNTERPART_OF), str(event.get("id"))
    )


def _participant(person: Any, response: ResponseStatus | None = None) -> Participant | None:
    if not isinstance(person, dict) or not person.get("email"):
        return None
    role = AttendeeRole.REQUIRED
    if person.get("resource"):
        role = AttendeeRole.RESOURCE
    elif person.get("optional"):
        role = AttendeeRole.OPTIONAL
    try:
        return Participant(
            address=str(person["email"]),
            name=str(person.get("displayName", "")),
            role=role,
            response=response
            or RESPONSES.get(person.get("responseStatus", ""), ResponseStatus.NONE),
        )
    except InvalidItemError:
        return None  # not an e-mail address (Google allows odd guests); nobody to sync


def _attendees(event: dict[str, Any], organizer: Participant | None) -> tuple[Participant, ...]:
    out: list[Participant] = []
    for person in event.get("attendees") or ():
        if isinstance(person, dict) and person.get("organizer"):
            continue
        found = _participant(person)
        if found is not None and (organizer is None or found.address != organizer.address):
            out.append(found)
    return tuple(out)


def _show_as(event: dict[str, Any]) -> ShowAs:
    kind = event.get("eventType")
    if kind == "outOfOffice":
        return ShowAs.OUT_OF_OFFICE
    if kind == "workingLocation":
        return ShowAs.WORKING_ELSEWHERE
    return ShowAs.FREE if event.get("transparency") == "transparent" else ShowAs.BUSY


def _attendee_copy(event: dict[str, Any], reading: Reading) -> bool:
    organizer = event.get("organizer")
    if not isinstance(organizer, dict) or organizer.get("self"):
        return False
    email = str(organizer.get("email", "")).lower()
    return bool(email) and email not in reading.self_addresses | {reading.owner}


def event_to_item(
    event: dict[str, Any], reading: Reading, cancelled: Iterable[Moment] = ()
) -> CalendarItem:
    """Convert a live (not cancelled) event.

    :param cancelled: for a master, the original starts of its cancelled instances; they
        join the ``EXDATE`` values as exclusions.
    :raises ValueError: the event lacks what every event has (``InvalidItemError`` included).
    """
    start_value = event["start"]
    zone = canonical_zone(start_value.get("timeZone")) or reading.calendar_zone
    start = from_event_time(start_value, zone)
    end = from_event_time(event["end"], zone)
    timed = isinstance(start, datetime)
    kind, recurrence, series_id, original_start = ItemKind.SINGLE, None, None, None
    if event.get("recurrence"):
        kind = ItemKind.SERIES
        recurrence = parse_recurrence(event["recurrence"], start, zone, cancelled)
    elif event.get("recurringEventId"):
        kind = ItemKind.EXCEPTION
        series_id = str(event["recurringEventId"])
        original_start = from_event_time(event["originalStartTime"], zone)
    organizer = _participant(event.get("organizer"), ResponseStatus.ORGANIZER)
    token = str(event.get("etag", ""))
    if recurrence is not None and cancelled:
        # Cancelling one instance leaves the master's etag as it was, but not the master
        # calsync reports (its exclusions): the token must change with what it describes.
        token = f"{token}+{_digest(sorted(str(c) for c in cancelled))}"
    return CalendarItem(
        ref=ItemRef(provider=reading.provider, id=str(event["id"]), change_token=token),
        kind=kind,
        start=start,
        end=end,
        zone=zone if timed else None,
        subject=str(event.get("summary", "")),
        body=strip_marker(str(event.get("description", ""))),
        location=str(event.get("location", "")),
        organizer=organizer,
        attendees=_attendees(event, organizer),
        privacy=VISIBILITIES.get(event.get("visibility", ""), Privacy.NORMAL),
        show_as=_show_as(event),
        event_type=EVENT_TYPES.get(event.get("eventType", "default"), EventType.DEFAULT),
        recurrence=recurrence,
        series_id=series_id,
        original_start=original_start,
        counterpart_id=own_counterpart(event),
        owner=reading.owner,
        attendee_copy=_attendee_copy(event, reading),
        uid=event.get("iCalUID") if isinstance(event.get("iCalUID"), str) else None,
    )


def _digest(values: Iterable[str]) -> str:
    return hashlib.sha256("|".join(values).encode()).hexdigest()[:12]
