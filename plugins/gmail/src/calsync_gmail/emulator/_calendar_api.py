"""Calendar v3 over the wire: from a routed request to a status and a JSON payload."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from calsync.emulation import Clock, HttpRequest
from calsync_gmail.emulator import _series
from calsync_gmail.emulator._colors import colors_resource
from calsync_gmail.emulator._errors import ApiError, invalid, not_found
from calsync_gmail.emulator._events import EventWriter
from calsync_gmail.emulator._listing import Lister
from calsync_gmail.emulator._query import instances_query, list_query
from calsync_gmail.emulator._render import render_event
from calsync_gmail.emulator._store import Calendar, Store
from calsync_gmail.emulator._times import zone

#: A handler's answer: HTTP status and JSON payload (``None``: no body, as with 204).
Answer = tuple[int, dict[str, Any] | None]


def json_body(request: HttpRequest) -> dict[str, Any]:
    """Return the request's JSON object body; 400 ``parseError`` if it is not one."""
    if not request.body.strip():
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        raise ApiError(400, "parseError", "Parse Error") from None
    if not isinstance(body, dict):
        raise ApiError(400, "parseError", "Parse Error")
    return body


class CalendarApi:
    """The Calendar v3 methods the emulator implements."""

    def __init__(self, store: Store, clock: Clock) -> None:
        """Serve from ``store``; ``clock`` dates writes."""
        self.store = store
        self.writer = EventWriter(store, clock)
        self.lister = Lister(store, clock)
        self._methods: dict[str, Callable[[Calendar, str, dict[str, str], HttpRequest], Answer]] = {
            "calendar.calendars.get": self._calendar_get,
            "calendar.events.list": self._list,
            "calendar.events.insert": self._insert,
            "calendar.events.instances": self._instances,
            "calendar.events.get": self._get,
            "calendar.events.patch": self._patch,
            "calendar.events.update": self._update,
            "calendar.events.delete": self._delete,
        }

    def handle(
        self, method: str, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        """Run ``method`` for ``caller`` (an authenticated user's email)."""
        if method == "calendar.colors.get":
            return 200, colors_resource()
        calendar = self.store.calendar(caller, params["calendarId"])
        return self._methods[method](calendar, caller, params, request)

    @staticmethod
    def _tz(calendar: Calendar, request: HttpRequest) -> ZoneInfo:
        try:
            return zone(request.param("timeZone") or calendar.time_zone)
        except KeyError:
            raise invalid("Invalid time zone definition.", location="timeZone") from None

    def _render(
        self, calendar: Calendar, caller: str, event: dict[str, Any], request: HttpRequest
    ) -> Answer:
        return 200, render_event(event, caller=caller, tz=self._tz(calendar, request))

    def _calendar_get(
        self, calendar: Calendar, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        identity = f"{calendar.id}|{calendar.time_zone}|{calendar.summary}"
        return 200, {
            "kind": "calendar#calendar",
            "etag": f'"{zlib.crc32(identity.encode())}"',
            "id": calendar.id,
            "summary": calendar.summary,
            "timeZone": calendar.time_zone,
            "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
        }

    def _list(
        self, calendar: Calendar, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        query = list_query(request.query, calendar, self.store, self.lister.clock.now())
        return 200, self.lister.list(calendar, caller, query, request.param("pageToken"))

    def _instances(
        self, calendar: Calendar, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        query = instances_query(request.query, calendar)
        page = self.lister.instances(
            calendar, caller, params["eventId"], query, request.param("pageToken")
        )
        return 200, page

    def _get(
        self, calendar: Calendar, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        event = _series.instance(calendar, params["eventId"], ZoneInfo(calendar.time_zone))
        if event is None:
            raise not_found()
        return self._render(calendar, caller, event, request)

    def _insert(
        self, calendar: Calendar, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        event = self.writer.insert(calendar, json_body(request))
        self.writer.note_notifications("calendar.events.insert", calendar, event, request.query)
        return self._render(calendar, caller, event, request)

    def _modify(
        self,
        calendar: Calendar,
        caller: str,
        params: dict[str, str],
        request: HttpRequest,
        *,
        replace: bool,
    ) -> Answer:
        event = self.writer.modify(calendar, params["eventId"], json_body(request), replace=replace)
        method = "calendar.events.update" if replace else "calendar.events.patch"
        self.writer.note_notifications(method, calendar, event, request.query)
        return self._render(calendar, caller, event, request)

    def _patch(
        self, calendar: Calendar, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        return self._modify(calendar, caller, params, request, replace=False)

    def _update(
        self, calendar: Calendar, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        return self._modify(calendar, caller, params, request, replace=True)

    def _delete(
        self, calendar: Calendar, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        event = self.writer.delete(calendar, params["eventId"])
        self.writer.note_notifications("calendar.events.delete", calendar, event, request.query)
        return 204, None
