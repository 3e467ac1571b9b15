"""Events to and from Graph's JSON, as https://learn.microsoft.com/en-us/graph/api/resources/event documents it.

Times go out as ``{"dateTime": "2017-04-15T11:00:00.0000000", "timeZone": "UTC"}``: in UTC,
or in the zone a ``Prefer: outlook.timezone`` header asks for. All-day events go out as
midnight to midnight whatever the zone asked for ("by design";
https://github.com/microsoftgraph/microsoft-graph-docs/issues/1802). Extended properties are
never echoed by a write ("The response never includes the extended property";
https://learn.microsoft.com/en-us/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties).
"""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Final

from calsync.timezones import to_zoneinfo
from calsync_graph.emulator import recurrence
from calsync_graph.emulator.errors import GraphError
from calsync_graph.emulator.store import Event, property_key

__all__ = [
    "apply_body",
    "occurrence",
    "occurrence_id",
    "parse_occurrence_id",
    "render",
    "stub",
    "wire_time",
]

SENSITIVITY: Final = frozenset({"normal", "personal", "private", "confidential"})
SHOW_AS: Final = frozenset({"free", "tentative", "busy", "oof", "workingElsewhere", "unknown"})
_OCCURRENCE: Final = ".OCC."
_TAG: Final = re.compile(r"<[^>]+>")


def wire_time(moment: datetime, tz: tzinfo) -> str:
    """``2017-04-15T11:00:00.0000000`` in ``tz``."""
    return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S.0000000")


def _time(event: Event, moment: datetime, zone: str | None) -> dict[str, str]:
    name = zone or "UTC"
    if event.is_all_day:
        local = moment.astimezone(to_zoneinfo(event.start_zone) or UTC)
        return {"dateTime": local.strftime("%Y-%m-%dT00:00:00.0000000"), "timeZone": name}
    return {"dateTime": wire_time(moment, to_zoneinfo(name) or UTC), "timeZone": name}


def occurrence_id(master_id: str, original_start: datetime) -> str:
    """The id of the occurrence of ``master_id`` that the pattern placed at ``original_start``."""
    return f"{master_id}{_OCCURRENCE}{original_start.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def parse_occurrence_id(event_id: str) -> tuple[str, datetime] | None:
    """(master id, original start) of an occurrence id, else ``None``."""
    master, found, moment = event_id.rpartition(_OCCURRENCE)
    if not found:
        return None
    try:
        return master, datetime.strptime(moment, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def occurrence(master: Event, original_start: datetime) -> Event:
    """The occurrence of ``master`` at ``original_start``, as Exchange expands it."""
    return dataclasses.replace(
        master,
        id=occurrence_id(master.id, original_start),
        start=original_start,
        end=original_start + (master.end - master.start),
        type="occurrence",
        series_master_id=master.id,
        original_start=original_start,
        recurrence=None,
        cancelled=set(),
        extended={},
        categories=list(master.categories),
    )


def stub(event: Event, zone: str | None = None) -> dict[str, Any]:
    """An occurrence as calendarView delta sends it: id, type, master, start and end only.

    Observed, not documented: https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/34
    """
    return {
        "@odata.type": "#microsoft.graph.event",
        "@odata.etag": f'W/"{event.change_key}"',
        "id": event.id,
        "type": event.type,
        "seriesMasterId": event.series_master_id,
        "start": _time(event, event.start, zone),
        "end": _time(event, event.end, zone),
    }


def _person(data: dict[str, str] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {"emailAddress": {"name": data.get("name", ""), "address": data.get("address", "")}}


def _body(event: Event, text: bool) -> dict[str, str]:
    """The body as asked: HTML by default, text when the client prefers it.

    ``Prefer: outlook.body-content-type="text"``: https://learn.microsoft.com/en-us/graph/api/event-get
    """
    wanted = "text" if text else "html"
    content = event.body
    if event.body_type != wanted and content:
        if text:
            content = html.unescape(_TAG.sub("", content)).strip()
        else:
            content = f"<html><body>{html.escape(content)}</body></html>"
    return {"contentType": wanted, "content": content}


def render(
    event: Event, *, zone: str | None = None, owner: str = "", text: bool = False
) -> dict[str, Any]:
    """The event resource (its body as text when ``text``)."""
    response = "organizer" if event.is_organizer else "accepted"
    data: dict[str, Any] = {
        "@odata.etag": f'W/"{event.change_key}"',
        "id": event.id,
        "createdDateTime": (event.created or event.start).strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),
        "lastModifiedDateTime": (event.modified or event.start).strftime(
            "%Y-%m-%dT%H:%M:%S.0000000Z"
        ),
        "changeKey": event.change_key,
        "categories": list(event.categories),
        "originalStartTimeZone": event.start_zone,
        "originalEndTimeZone": event.end_zone,
        "iCalUId": event.ical_uid,
        "subject": event.subject,
        "body": _body(event, text),
        "isAllDay": event.is_all_day,
        "isCancelled": False,
        "isOrganizer": event.is_organizer,
        "sensitivity": event.sensitivity,
        "showAs": event.show_as,
        "type": event.type,
        "seriesMasterId": event.series_master_id,
        "start": _time(event, event.start, zone),
        "end": _time(event, event.end, zone),
        "location": {"displayName": event.location},
        "recurrence": event.recurrence,
        "attendees": [dict(a) for a in event.attendees],
        "organizer": _person(event.organizer or {"address": owner}),
        "responseStatus": {"response": response, "time": "0001-01-01T00:00:00Z"},
    }
    if event.original_start is not None:
        data["originalStart"] = event.original_start.strftime("%Y-%m-%dT%H:%M:%SZ")
    if event.transaction_id is not None:
        data["transactionId"] = event.transaction_id
    return data


def _moment(value: Any, name: str) -> tuple[datetime, str]:
    if not isinstance(value, dict) or "dateTime" not in value:
        raise GraphError(400, "ErrorInvalidRequest", f"{name} needs dateTime and timeZone.")
    zone = str(value.get("timeZone") or "UTC")
    tz = to_zoneinfo(zone)
    if tz is None:
        # Graph accepts Windows zone names and a fixed list of IANA names
        # (https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone).
        raise GraphError(
            400,
            "TimeZoneNotSupportedException",
            f"A valid TimeZone value must be specified. The following TimeZone value is not supported: '{zone}'.",
        )
    text = str(value["dateTime"]).rstrip("Z")
    head = text.partition(".")[0]
    try:
        moment = datetime.fromisoformat(head)
    except ValueError:
        raise GraphError(
            400, "ErrorInvalidRequest", f"{name}.dateTime is not a date-time."
        ) from None
    return moment.replace(tzinfo=tz).astimezone(UTC), zone


def _attendees(value: Any) -> list[dict[str, Any]]:
    found = []
    for entry in value or ():
        email = entry.get("emailAddress") or {}
        if not email.get("address"):
            raise GraphError(400, "ErrorInvalidRecipients", "An attendee has no address.")
        found.append(
            {
                "type": entry.get("type") or "required",
                "status": entry.get("status")
                or {"response": "none", "time": "0001-01-01T00:00:00Z"},
                "emailAddress": {"name": email.get("name") or "", "address": email["address"]},
            }
        )
    return found


def apply_body(event: Event, body: dict[str, Any]) -> set[str]:
    """Apply a POST or PATCH body to ``event``; return the names of the fields it changed."""
    changed: set[str] = set()

    def put(name: str, attribute: str, value: Any) -> None:
        if getattr(event, attribute) != value:
            setattr(event, attribute, value)
            changed.add(name)

    if "subject" in body:
        put("subject", "subject", str(body["subject"] or ""))
    if "body" in body:
        content = body["body"] or {}
        put("body", "body", str(content.get("content") or ""))
        event.body_type = str(content.get("contentType") or "text").lower()
    if "location" in body:
        put("location", "location", str((body["location"] or {}).get("displayName") or ""))
    if "isAllDay" in body:
        put("start", "is_all_day", bool(body["isAllDay"]))
    for name in ("start", "end"):
        if name in body:
            moment, zone = _moment(body[name], name)
            put(name, name, moment)
            put(name, f"{name}_zone", zone)
    if "sensitivity" in body:
        if body["sensitivity"] not in SENSITIVITY:
            raise GraphError(400, "ErrorInvalidRequest", "sensitivity has no such value.")
        put("sensitivity", "sensitivity", body["sensitivity"])
    if "showAs" in body:
        if body["showAs"] not in SHOW_AS:
            raise GraphError(400, "ErrorInvalidRequest", "showAs has no such value.")
        put("showAs", "show_as", body["showAs"])
    if "categories" in body:
        put("categories", "categories", [str(c) for c in body["categories"] or ()])
    if "attendees" in body:
        put("attendees", "attendees", _attendees(body["attendees"]))
    if "recurrence" in body:
        value = body["recurrence"]
        if value is not None:
            recurrence.check(value)
        put("recurrence", "recurrence", value)
    if "transactionId" in body and event.transaction_id is None:
        event.transaction_id = str(body["transactionId"])
    for entry in body.get("singleValueExtendedProperties") or ():
        key = property_key(str(entry.get("id") or ""))
        if key is None:
            raise GraphError(
                400, "ErrorInvalidProperty", f"Invalid property id {entry.get('id')!r}."
            )
        if event.extended.get(key) != str(entry.get("value")):
            event.extended[key] = str(entry.get("value"))
            changed.add("extended")
    _check_times(event)
    return changed


def _check_times(event: Event) -> None:
    if event.end < event.start:
        raise GraphError(400, "ErrorInvalidRequest", "The end of the event is before its start.")
    if event.is_all_day:
        # https://github.com/OfficeDev/Office-365-SDK-for-Java/issues/5 (observed wording).
        tz = to_zoneinfo(event.start_zone) or UTC
        local = (event.start.astimezone(tz), event.end.astimezone(tz))
        if any(m.time() != datetime.min.time() for m in local) or (
            event.end - event.start < timedelta(hours=23)
        ):
            raise GraphError(
                400,
                "ErrorInvalidRequest",
                "The duration of an event marked as All day must be at least 24 hours, "
                "from midnight to midnight.",
            )
