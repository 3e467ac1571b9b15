"""Graph event JSON <-> core items.

Reading: times come as UTC instants (no ``Prefer: outlook.timezone`` is sent) and are
shown in the event's own zone, ``originalStartTimeZone`` (a Windows or IANA name as the
event was written; an unknown or custom zone falls back to the mailbox's). All-day events
come as midnight to midnight; their dates are taken as they are, end exclusive. A series
master's cancelled occurrences (``cancelledOccurrences``: ``OID.{master}.{date}``) become
its exclusions at the series' local start time.

Writing: never attendees. Graph has no switch that keeps it from mailing them ("When an
event is sent, the server sends invitations to all the attendees",
https://learn.microsoft.com/en-us/graph/api/user-post-events), so a meeting coming down from
the CRM is written as an appointment; its people stay in the CRM. Times are written in the
item's zone under its Windows name (Graph accepts every Windows name and only some IANA ones,
https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Final, final

from calsync.errors import InvalidItemError
from calsync.markers import DEFAULT_TITLE, own_categories
from calsync.model import (
    AttendeeRole,
    CalendarItem,
    ItemKind,
    ItemRef,
    Participant,
    Privacy,
    ResponseStatus,
    ShowAs,
)
from calsync.outlook_patterns import UnsupportedRule, from_rrule, rule_as_written
from calsync.providers import SYNCED_FIELDS
from calsync.recurrence import Recurrence
from calsync.timezones import to_zoneinfo, windows
from calsync_graph import properties

__all__ = ["PROVIDER", "Reading", "graph_zone", "ref_of", "to_core", "to_graph"]

PROVIDER: Final = "graph"
_KINDS: Final = {
    "singleInstance": ItemKind.SINGLE,
    "seriesMaster": ItemKind.SERIES,
    "exception": ItemKind.EXCEPTION,
    "occurrence": ItemKind.OCCURRENCE,
}
_SHOW_AS: Final = {
    "free": ShowAs.FREE,
    "tentative": ShowAs.TENTATIVE,
    "busy": ShowAs.BUSY,
    "oof": ShowAs.OUT_OF_OFFICE,
    "workingElsewhere": ShowAs.WORKING_ELSEWHERE,
}
_RESPONSES: Final = {
    "organizer": ResponseStatus.ORGANIZER,
    "accepted": ResponseStatus.ACCEPTED,
    "tentativelyAccepted": ResponseStatus.TENTATIVE,
    "declined": ResponseStatus.DECLINED,
}
_ROLES: Final = {
    "required": AttendeeRole.REQUIRED,
    "optional": AttendeeRole.OPTIONAL,
    "resource": AttendeeRole.RESOURCE,
}
_TAG: Final = re.compile(r"<[^>]+>")
#: Core field -> the event properties an update of it writes.
FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "subject": ("subject",),
    "body": ("body",),
    "location": ("location",),
    "start": ("start", "end", "isAllDay"),
    "end": ("start", "end", "isAllDay"),
    "zone": ("start", "end", "isAllDay"),
    "privacy": ("sensitivity",),
    "show_as": ("showAs",),
    "recurrence": ("recurrence",),
}


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """What a conversion needs besides the event: the owner, the mailbox's zone, marker titles."""

    address: str
    default_zone: str
    marker_titles: Collection[str] = (DEFAULT_TITLE,)


def ref_of(data: dict[str, Any]) -> ItemRef:
    """The ref of an event as Graph answered it (its id and ``changeKey``)."""
    return ItemRef(provider=PROVIDER, id=data["id"], change_token=str(data.get("changeKey") or ""))


def graph_zone(zone: str) -> str:
    """The name Graph is sent for ``zone``: its Windows name when it has one."""
    if windows.to_iana(zone):
        return zone
    return windows.windows_id_of(zone) or zone


def _instant(value: dict[str, Any]) -> datetime:
    text = str(value["dateTime"]).rstrip("Z")
    head, _, fraction = text.partition(".")
    moment = datetime.fromisoformat(head).replace(microsecond=int((fraction + "000000")[:6] or 0))
    tz = to_zoneinfo(str(value.get("timeZone") or "UTC")) or UTC
    return moment.replace(tzinfo=tz)


def _extended(data: dict[str, Any]) -> dict[str, str]:
    return {
        str(p.get("id", "")).lower(): str(p.get("value", ""))
        for p in data.get("singleValueExtendedProperties") or ()
    }


def _text(body: dict[str, Any] | None) -> str:
    if not body:
        return ""
    content = str(body.get("content") or "")
    if str(body.get("contentType", "text")).lower() == "html":
        return html.unescape(_TAG.sub("", content)).strip()
    return content


def _people(data: dict[str, Any]) -> tuple[Participant | None, tuple[Participant, ...]]:
    attendees = []
    for entry in data.get("attendees") or ():
        address = (entry.get("emailAddress") or {}).get("address") or ""
        if "@" not in address:
            continue  # a name-only entry: nobody to match
        attendees.append(
            Participant(
                address=address,
                name=(entry.get("emailAddress") or {}).get("name") or "",
                role=_ROLES.get(entry.get("type") or "required", AttendeeRole.REQUIRED),
                response=_RESPONSES.get(
                    (entry.get("status") or {}).get("response") or "", ResponseStatus.NONE
                ),
            )
        )
    if not attendees:
        return None, ()
    address = ((data.get("organizer") or {}).get("emailAddress") or {}).get("address") or ""
    organizer = (
        Participant(address=address, response=ResponseStatus.ORGANIZER) if "@" in address else None
    )
    return organizer, tuple(attendees)


def _zone(data: dict[str, Any], reading: Reading) -> tuple[str, tzinfo]:
    name = str(data.get("originalStartTimeZone") or "")
    tz = to_zoneinfo(name) if name else None
    if tz is not None:
        return name, tz
    # "tzone://Microsoft/Custom" and the like: the mailbox's zone.
    return reading.default_zone, to_zoneinfo(reading.default_zone) or UTC


def _exclusions(data: dict[str, Any], start: Any, tz: tzinfo, all_day: bool) -> tuple[Any, ...]:
    found = []
    for value in data.get("cancelledOccurrences") or ():
        day = date.fromisoformat(str(value).rsplit(".", 1)[-1][:10])
        found.append(
            day
            if all_day
            else datetime.combine(day, start.timetz().replace(tzinfo=None)).replace(tzinfo=tz)
        )
    return tuple(found)


def to_core(data: dict[str, Any], reading: Reading) -> CalendarItem:
    """The core item for a Graph event (as ``GET /events/{id}`` answers it)."""
    zone, tz = _zone(data, reading)
    all_day = bool(data.get("isAllDay"))
    first, last = _instant(data["start"]), _instant(data["end"])
    start: Any = first.date() if all_day else first.astimezone(tz)
    end: Any = last.date() if all_day else last.astimezone(tz)
    if all_day and end <= start:
        end = start + timedelta(days=1)
    kind = _KINDS.get(str(data.get("type") or "singleInstance"), ItemKind.SINGLE)
    extended = _extended(data)
    values: dict[str, Any] = {}
    if kind is ItemKind.SERIES and data.get("recurrence"):
        try:
            rule = rule_as_written(
                extended.get(properties.RULE.lower()),
                data["recurrence"],
                start if all_day else start.date(),
                tz,
            )
        except (UnsupportedRule, KeyError, ValueError) as exc:
            raise InvalidItemError("recurrence", str(exc)) from None
        values["recurrence"] = Recurrence(
            rule=rule,
            exclusions=_exclusions(data, start, tz, all_day),
            zone=None if all_day else zone,
        )
    elif kind is ItemKind.SERIES:
        kind = ItemKind.SINGLE
    if kind in (ItemKind.EXCEPTION, ItemKind.OCCURRENCE):
        original = datetime.fromisoformat(
            str(data["originalStart"]).replace("Z", "+00:00")
        ).astimezone(tz)
        values["series_id"] = data["seriesMasterId"]
        values["original_start"] = original.date() if all_day else original
    organizer, attendees = _people(data)
    return CalendarItem(
        ref=ref_of(data),
        kind=kind,
        start=start,
        end=end,
        zone=zone,
        subject=data.get("subject") or "",
        body=_text(data.get("body")),
        location=(data.get("location") or {}).get("displayName") or "",
        organizer=organizer,
        attendees=attendees,
        privacy=Privacy(data.get("sensitivity") or "normal"),
        show_as=_SHOW_AS.get(data.get("showAs") or "busy", ShowAs.BUSY),
        categories=_own(data.get("categories") or (), reading.marker_titles),
        counterpart_id=extended.get(properties.COUNTERPART.lower()) or None,
        owner=reading.address,
        attendee_copy=bool(attendees) and not data.get("isOrganizer", True),
        uid=data.get("iCalUId") or None,
        **values,
    )


def _own(categories: Iterable[str], titles: Collection[str]) -> tuple[str, ...]:
    own = tuple(categories)
    for title in titles:
        own = own_categories(own, title)
    return own


def _times(item: CalendarItem, zone: str) -> dict[str, Any]:
    name = graph_zone(zone)
    tz = to_zoneinfo(zone) or UTC
    if isinstance(item.start, datetime):
        assert isinstance(item.end, datetime)
        moments = (item.start.astimezone(tz), item.end.astimezone(tz))
        wire = [m.strftime("%Y-%m-%dT%H:%M:%S.0000000") for m in moments]
        all_day = False
    else:
        assert isinstance(item.end, date)
        wire = [
            datetime.combine(d, time()).strftime("%Y-%m-%dT%H:%M:%S.0000000")
            for d in (item.start, item.end)
        ]
        all_day = True
    return {
        "start": {"dateTime": wire[0], "timeZone": name},
        "end": {"dateTime": wire[1], "timeZone": name},
        "isAllDay": all_day,
    }


def _zone_of(item: CalendarItem, default_zone: str) -> str:
    recurrence = item.recurrence
    return (recurrence.zone if recurrence is not None else None) or item.zone or default_zone


def to_graph(
    item: CalendarItem,
    default_zone: str,
    fields: frozenset[str] | None = None,
    *,
    series: bool = False,
) -> dict[str, Any]:
    """The JSON body that creates ``item``, or updates ``fields`` of it (``None``: all).

    :param series: whether the target is a series master (only masters take a pattern).
    Raises :class:`ValueError` (:class:`UnsupportedRule` included) for what Graph cannot hold.
    """
    wanted = SYNCED_FIELDS if fields is None else fields
    zone = _zone_of(item, default_zone)
    values: dict[str, Any] = {
        "subject": item.subject,
        "body": {"contentType": "text", "content": item.body},
        "location": {"displayName": item.location},
        "sensitivity": item.privacy.value,
        "showAs": next(k for k, v in _SHOW_AS.items() if v is item.show_as),
        **_times(item, zone),
    }
    if item.kind is ItemKind.SERIES and item.recurrence is not None and (series or fields is None):
        tz = to_zoneinfo(zone) or UTC
        local = item.start.astimezone(tz).date() if isinstance(item.start, datetime) else item.start
        recurrence = from_rrule(item.recurrence.rule, local, tz, service="Microsoft 365")
        if not item.is_all_day and (name := graph_zone(zone)):
            recurrence["range"]["recurrenceTimeZone"] = name
        values["recurrence"] = recurrence
    body = {
        key: values[key]
        for name in FIELDS
        if name in wanted
        for key in FIELDS[name]
        if key in values
    }
    extended = []
    if "counterpart_id" in wanted and (item.counterpart_id or fields is not None):
        extended.append({"id": properties.COUNTERPART, "value": item.counterpart_id or ""})
    if "recurrence" in body:
        extended.append(
            {"id": properties.RULE, "value": item.recurrence.rule if item.recurrence else ""}
        )
    if extended:
        body["singleValueExtendedProperties"] = extended
    return body
