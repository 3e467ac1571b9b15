"""The rules Calendar v3 applies to an Event resource before it stores it.

Each check raises the 400 Google answers (see protocols.md §3.3 and timezones-and-rules.md
§2.2). Wording that is not documented anywhere we could read is kept short and plain.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from calsync_gmail.emulator._colors import EVENT_COLORS
from calsync_gmail.emulator._errors import ApiError, invalid
from calsync_gmail.emulator._recurrence import RecurrenceError, build
from calsync_gmail.emulator._times import EventTime, resolve

#: Fields a client may write through insert/update/patch.
WRITABLE = frozenset(
    {
        "summary", "description", "location", "colorId", "start", "end", "endTimeUnspecified",
        "recurrence", "attendees", "extendedProperties", "reminders", "transparency",
        "visibility", "status", "eventType", "guestsCanInviteOthers", "guestsCanModify",
        "guestsCanSeeOtherGuests", "anyoneCanAddSelf", "source", "sequence", "locked",
        "privateCopy", "outOfOfficeProperties", "focusTimeProperties",
        "workingLocationProperties", "birthdayProperties", "conferenceData", "attachments",
        "gadget",
    }
)  # fmt: skip
#: Fields only insert honours (the id and the iCalendar UID are fixed afterwards).
INSERT_ONLY = frozenset({"id", "iCalUID"})
#: Fields only the seeding API may set (the wire ignores them; Google sets them itself).
SEED_ONLY = frozenset({"organizer", "creator", "created", "updated"})

STATUSES = ("confirmed", "tentative", "cancelled")
VISIBILITIES = ("default", "public", "private", "confidential")
TRANSPARENCIES = ("opaque", "transparent")
EVENT_TYPES = ("default", "outOfOffice", "focusTime", "workingLocation", "fromGmail", "birthday")
RESPONSE_STATUSES = ("needsAction", "declined", "tentative", "accepted")
#: Event types that only Google itself creates.
UNCREATABLE_TYPES = frozenset({"fromGmail"})

_EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")
#: Documented limits of extended properties (Calendar "Extended properties" guide).
MAX_PROPERTY_KEY = 44
MAX_PROPERTY_VALUE = 1024


def check_event_id(event_id: str) -> None:
    """Refuse a client-supplied id that is not 5-1024 base32hex characters (``[a-v0-9]``)."""
    if not _EVENT_ID.match(event_id):
        raise invalid("Invalid resource id value.")


def strip(body: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    """Keep only the fields in ``allowed`` (Calendar ignores read-only fields it is sent)."""
    return {k: copy.deepcopy(v) for k, v in body.items() if k in allowed}


def merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """Apply patch semantics in place: objects merge recursively, arrays replace, null removes."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = {}
            merge_patch(current, value)
        else:
            target[key] = copy.deepcopy(value)


def _enum(body: dict[str, Any], name: str, allowed: tuple[str, ...]) -> None:
    if name in body and body[name] not in allowed:
        raise invalid(f"Invalid value for: {name}")


def _check_times(body: dict[str, Any]) -> tuple[EventTime, EventTime]:
    start, end = resolve(body.get("start"), "start"), resolve(body.get("end"), "end")
    if start.all_day != end.all_day:
        raise invalid("Start and end times must either both be date or both be dateTime.")
    empty = (
        start.day >= end.day  # type: ignore[operator]
        if start.all_day
        else start.instant >= end.instant  # type: ignore[operator]
    )
    if empty:
        raise ApiError(
            400, "timeRangeEmpty", "The specified time range is empty.", domain="calendar"
        )
    return start, end


def _check_recurrence(body: dict[str, Any], start: EventTime) -> None:
    lines = body.get("recurrence")
    if not lines:
        return
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise invalid("Invalid recurrence rule.")
    if not start.all_day and not body["start"].get("timeZone"):
        raise ApiError(400, "required", "Missing time zone definition for start time.")
    try:
        build(lines, start)
    except RecurrenceError:
        raise invalid("Invalid recurrence rule.") from None


def _check_people(body: dict[str, Any]) -> None:
    attendees = body.get("attendees")
    if attendees is None:
        return
    if not isinstance(attendees, list):
        raise invalid("Invalid value for: attendees")
    for attendee in attendees:
        if not isinstance(attendee, dict) or not attendee.get("email"):
            raise ApiError(400, "required", "Missing attendee email.")
        _enum(attendee, "responseStatus", RESPONSE_STATUSES)
        attendee.setdefault("responseStatus", "needsAction")


def _check_properties(body: dict[str, Any]) -> None:
    props = body.get("extendedProperties")
    if props is None:
        return
    if not isinstance(props, dict) or set(props) - {"private", "shared"}:
        raise invalid("Invalid value for: extendedProperties")
    for scope in props.values():
        if not isinstance(scope, dict):
            raise invalid("Invalid value for: extendedProperties")
        for key, value in scope.items():
            if (
                not isinstance(value, str)
                or len(key) > MAX_PROPERTY_KEY
                or len(value) > MAX_PROPERTY_VALUE
            ):
                raise invalid("Invalid extended property value.")


def validate(
    body: dict[str, Any], *, previous: dict[str, Any] | None, trusted: bool = False
) -> tuple[EventTime, EventTime]:
    """Check a complete event (after merging a patch); return its resolved start and end.

    :param previous: the stored event this replaces (``None`` on insert).
    :param trusted: the seeding API: Google-only event types may be created.
    """
    start, end = _check_times(body)
    _check_recurrence(body, start)
    for name, allowed in (
        ("status", STATUSES),
        ("visibility", VISIBILITIES),
        ("transparency", TRANSPARENCIES),
        ("eventType", EVENT_TYPES),
    ):
        _enum(body, name, allowed)
    if "colorId" in body and body["colorId"] not in EVENT_COLORS:
        raise invalid("Invalid value for: colorId")
    event_type = body.get("eventType", "default")
    if previous is None and event_type in UNCREATABLE_TYPES and not trusted:
        raise ApiError(
            400,
            "eventTypeRestriction",
            f"Event type cannot be created: {event_type}.",
            domain="calendar",
        )
    if previous is not None and event_type != previous.get("eventType", "default"):
        raise ApiError(
            400, "eventTypeRestriction", "The event type cannot be changed.", domain="calendar"
        )
    _check_people(body)
    _check_properties(body)
    return start, end
