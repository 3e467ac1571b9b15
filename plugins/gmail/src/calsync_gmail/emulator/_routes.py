"""URL routing: which Google method a request calls, by path and HTTP method.

Routing looks at the path only, never the host, so the same table serves the production
URLs seen in process (``https://www.googleapis.com/calendar/v3/...``,
``https://gmail.googleapis.com/gmail/v1/...``) and an ``api_endpoint`` pointing at a local
:class:`~calsync.emulation.server.EmulatorServer`. Method names are the discovery ids
(``calendar.events.list``), which key the request counters and the fault plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from calsync_gmail.emulator._oauth import CALENDAR_SCOPE

_CAL_RO = "https://www.googleapis.com/auth/calendar.readonly"
_CAL_EVENTS = "https://www.googleapis.com/auth/calendar.events"
_CAL_EVENTS_RO = "https://www.googleapis.com/auth/calendar.events.readonly"
_MAIL = "https://mail.google.com/"
_GMAIL_MODIFY = "https://www.googleapis.com/auth/gmail.modify"
_GMAIL_RO = "https://www.googleapis.com/auth/gmail.readonly"
_GMAIL_LABELS = "https://www.googleapis.com/auth/gmail.labels"
_GMAIL_META = "https://www.googleapis.com/auth/gmail.metadata"

CALENDAR_READ = frozenset({CALENDAR_SCOPE, _CAL_RO, _CAL_EVENTS, _CAL_EVENTS_RO})
CALENDAR_WRITE = frozenset({CALENDAR_SCOPE, _CAL_EVENTS})
LABELS_READ = frozenset({_MAIL, _GMAIL_MODIFY, _GMAIL_RO, _GMAIL_LABELS, _GMAIL_META})
LABELS_WRITE = frozenset({_MAIL, _GMAIL_MODIFY, _GMAIL_LABELS})
MESSAGES_READ = frozenset({_MAIL, _GMAIL_MODIFY, _GMAIL_RO, _GMAIL_META})
MESSAGES_WRITE = frozenset({_MAIL, _GMAIL_MODIFY})

BATCH = "batch"
TOKEN = "oauth2.token"
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Route:
    """One API method: its discovery id, HTTP method, path pattern and accepted scopes."""

    name: str
    method: str
    pattern: re.Pattern[str]
    scopes: frozenset[str]

    @property
    def api(self) -> str:
        """``calendar`` or ``gmail``: which API's error shape to answer in."""
        return self.name.split(".", 1)[0]


def _route(name: str, method: str, path: str, scopes: frozenset[str]) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    return Route(name, method, re.compile(f"^{regex}$"), scopes)


_CAL = "/calendar/v3"
_EVENTS = _CAL + "/calendars/{calendarId}/events"
_USERS = "/gmail/v1/users/{userId}"

ROUTES: tuple[Route, ...] = (
    _route("calendar.calendars.get", "GET", _CAL + "/calendars/{calendarId}", CALENDAR_READ),
    _route("calendar.colors.get", "GET", _CAL + "/colors", CALENDAR_READ),
    _route("calendar.events.list", "GET", _EVENTS, CALENDAR_READ),
    _route("calendar.events.insert", "POST", _EVENTS, CALENDAR_WRITE),
    _route("calendar.events.instances", "GET", _EVENTS + "/{eventId}/instances", CALENDAR_READ),
    _route("calendar.events.get", "GET", _EVENTS + "/{eventId}", CALENDAR_READ),
    _route("calendar.events.patch", "PATCH", _EVENTS + "/{eventId}", CALENDAR_WRITE),
    _route("calendar.events.update", "PUT", _EVENTS + "/{eventId}", CALENDAR_WRITE),
    _route("calendar.events.delete", "DELETE", _EVENTS + "/{eventId}", CALENDAR_WRITE),
    _route("gmail.users.labels.list", "GET", _USERS + "/labels", LABELS_READ),
    _route("gmail.users.labels.create", "POST", _USERS + "/labels", LABELS_WRITE),
    _route("gmail.users.labels.get", "GET", _USERS + "/labels/{id}", LABELS_READ),
    _route("gmail.users.labels.patch", "PATCH", _USERS + "/labels/{id}", LABELS_WRITE),
    _route("gmail.users.labels.update", "PUT", _USERS + "/labels/{id}", LABELS_WRITE),
    _route("gmail.users.labels.delete", "DELETE", _USERS + "/labels/{id}", LABELS_WRITE),
    _route("gmail.users.messages.list", "GET", _USERS + "/messages", MESSAGES_READ),
    _route(
        "gmail.users.messages.batchModify", "POST", _USERS + "/messages/batchModify", MESSAGES_WRITE
    ),
    _route("gmail.users.messages.get", "GET", _USERS + "/messages/{id}", MESSAGES_READ),
    _route(
        "gmail.users.messages.attachments.get",
        "GET",
        _USERS + "/messages/{messageId}/attachments/{id}",
        MESSAGES_READ,
    ),
    _route("gmail.users.messages.modify", "POST", _USERS + "/messages/{id}/modify", MESSAGES_WRITE),
)

#: Batch endpoints: Calendar's ``batchPath`` and Gmail's.
_BATCH_PATHS = frozenset({"/batch/calendar/v3", "/batch", "/batch/gmail/v1"})
_TOKEN_PATHS = frozenset({"/token", "/oauth2/v4/token"})


def match(method: str, path: str) -> tuple[str, Route | None, dict[str, str]]:
    """Name the endpoint of ``method path`` and, for API methods, its route and path parameters."""
    if path in _BATCH_PATHS and method == "POST":
        return BATCH, None, {}
    if path in _TOKEN_PATHS and method == "POST":
        return TOKEN, None, {}
    for route in ROUTES:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found:
            return route.name, route, {k: unquote(v) for k, v in found.groupdict().items()}
    return UNKNOWN, None, {}
