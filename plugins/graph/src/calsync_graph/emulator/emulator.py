"""The Graph emulator: routing, bearer tokens, ``$batch`` and fault injection.

Requests are routed on their path, so the same core serves MSAL and Graph in process
(``https://login.microsoftonline.com/...``, ``https://graph.microsoft.com/v1.0/...``) and
over one socket (``http://127.0.0.1:PORT/...``). Paths are normalised as the real service
accepts them: ``//`` after ``/v1.0`` and ``delta()`` (the msgraph SDK sends both).

``POST /$batch`` follows https://learn.microsoft.com/en-us/graph/json-batching: at most 20
requests with unique ids (else ``400`` for the whole batch), relative URLs, ``dependsOn``
(a failed dependency answers ``424``), one inner response per request; a throttled inner
request answers ``429`` with its own ``Retry-After``. Inner requests are counted and
fault-checked under their own endpoint names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import unquote, urlsplit

from calsync.emulation import Clock, Emulator, Fault, FaultKind, HttpRequest, HttpResponse
from calsync.emulation.answers import FrontAnswers
from calsync_graph.emulator.auth import App, Directory, oauth_error
from calsync_graph.emulator.delta import delta
from calsync_graph.emulator.errors import GraphError, error_body, json_response
from calsync_graph.emulator.events import Call
from calsync_graph.emulator.store import GraphStore

__all__ = ["MAX_BATCH", "GraphEmulator"]

#: "JSON batch requests are currently limited to 20 individual requests."
MAX_BATCH: Final = 20
_USER: Final = re.compile(r"^/users/([^/]+)(/.*)?$")
_ZONE: Final = re.compile(r'outlook\.timezone\s*=\s*"([^"]+)"', re.IGNORECASE)
_TEXT: Final = re.compile(r'outlook\.body-content-type\s*=\s*"?text"?', re.IGNORECASE)

Route = Callable[[Call, list[str], dict[str, Any]], tuple[int, Any]]

#: (method, path pattern under /users/{id}) -> endpoint name.
#: What a proxy in front of Graph answers for a 5xx; the token endpoint has none in front.
ANSWERS: Final = FrontAnswers(
    malformed=b'{"value": [',
    content_type="application/json",
    page=lambda status: (
        f"<html><head><title>{status} Service Unavailable</title></head><body></body></html>"
    ).encode(),
)
TOKEN_ANSWERS: Final = FrontAnswers(malformed=b'{"value": [', content_type="application/json")
ROUTES: Final[list[tuple[str, re.Pattern[str], str]]] = [
    ("GET", re.compile(r"^/calendar$", re.I), "calendar.get"),
    ("GET", re.compile(r"^(?:/calendar)?/calendarview/delta(?:\(\))?$", re.I), "delta"),
    ("GET", re.compile(r"^(?:/calendar)?/events$", re.I), "events.list"),
    ("POST", re.compile(r"^(?:/calendar)?/events$", re.I), "events.create"),
    ("GET", re.compile(r"^/events/([^/]+)$", re.I), "events.get"),
    ("PATCH", re.compile(r"^/events/([^/]+)$", re.I), "events.update"),
    ("DELETE", re.compile(r"^/events/([^/]+)$", re.I), "events.delete"),
    ("GET", re.compile(r"^/events/([^/]+)/instances$", re.I), "events.instances"),
    ("POST", re.compile(r"^/events/([^/]+)/cancel$", re.I), "events.cancel"),
    ("GET", re.compile(r"^/outlook/mastercategories$", re.I), "categories.list"),
    ("POST", re.compile(r"^/outlook/mastercategories$", re.I), "categories.create"),
    ("PATCH", re.compile(r"^/outlook/mastercategories/([^/]+)$", re.I), "categories.update"),
]
HANDLERS: Final[dict[str, Route]] = {
    "calendar.get": lambda c, a, b: c.calendar(),
    "delta": lambda c, a, b: delta(c),
    "events.list": lambda c, a, b: c.list(),
    "events.create": lambda c, a, b: c.create(b),
    "events.get": lambda c, a, b: c.get(a[0]),
    "events.update": lambda c, a, b: c.update(a[0], b),
    "events.delete": lambda c, a, b: c.delete(a[0]),
    "events.instances": lambda c, a, b: c.instances(a[0]),
    "events.cancel": lambda c, a, b: c.cancel(a[0]),
    "categories.list": lambda c, a, b: c.categories(),
    "categories.create": lambda c, a, b: c.add_category(b),
    "categories.update": lambda c, a, b: c.recolour(a[0], b),
}


def _graph_path(path: str) -> str | None:
    """The path under ``/v1.0``, ``//`` collapsed; ``None`` for the identity platform."""
    path = re.sub(r"/{2,}", "/", path)
    for version in ("/v1.0", "/beta"):
        if path == version or path.startswith(version + "/"):
            return path[len(version) :] or "/"
    return None


#: Writes of one event: a partial failure refuses one of them.
_WRITES: Final = frozenset({"events.create", "events.update", "events.delete", "events.cancel"})


class GraphEmulator(Emulator):
    """A stateful Microsoft Graph (calendar part) plus the identity platform's token endpoint.

    Counters and faults are per endpoint: ``token``, ``discovery``, ``batch``, ``delta``,
    ``calendar.get``, ``events.list|get|create|update|delete|instances|cancel``,
    ``categories.list|create|update``.
    """

    separate_endpoints = frozenset({"token", "discovery"})

    def __init__(self, *, clock: Clock | None = None) -> None:
        """Start with no tenant, app or mailbox."""
        super().__init__(clock=clock)
        self.store = GraphStore()
        self.directory = Directory()

    # -- set-up ------------------------------------------------------------------------------

    def register_app(
        self, tenant: str, client_id: str, *, secret: str = "", thumbprint: str = ""
    ) -> App:
        """Register an app allowed to read and write every mailbox's calendar."""
        return self.directory.register(App(tenant, client_id, secret, thumbprint))

    @property
    def messages_sent(self) -> int:
        """Invitations, updates and cancellations the mailboxes would have sent."""
        return len(self.store.outbox)

    # -- Emulator ----------------------------------------------------------------------------

    def endpoint_of(self, request: HttpRequest) -> str:
        """Name the endpoint of ``request``."""
        path = _graph_path(request.path)
        if path is None:
            return (
                "token" if request.path.rstrip("/").endswith("/oauth2/v2.0/token") else "discovery"
            )
        if path == "/$batch":
            return "batch"
        match = _USER.match(path)
        if match is None:
            return "unknown"
        rest = match.group(2) or ""
        for method, pattern, name in ROUTES:
            if method == request.method and pattern.match(rest):
                return name
        return "unknown"

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        """Answer ``request``."""
        now = self.clock.now()
        parts = urlsplit(request.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if endpoint == "token":
            return self.directory.token(request, now)
        if endpoint == "discovery":
            return self.directory.discovery(request)
        try:
            if self.directory.bearer(request, now) is None:
                raise GraphError(
                    401,
                    "InvalidAuthenticationToken",
                    "Access token has expired or is not yet valid.",
                )
            if endpoint == "batch":
                return self._batch(request, origin)
            return self._graph(endpoint, request, origin + "/v1.0")
        except GraphError as error:
            return self._error(error, request)

    def _error(self, error: GraphError, request: HttpRequest) -> HttpResponse:
        body = error_body(
            error.code,
            error.message,
            self.clock.now(),
            request.headers.get("client-request-id", ""),
        )
        return json_response(error.status, body, error.headers)

    def _graph(self, endpoint: str, request: HttpRequest, base: str) -> HttpResponse:
        path = _graph_path(request.path) or ""
        match = _USER.match(path)
        if match is None or endpoint == "unknown":
            raise GraphError(400, "BadRequest", f"Resource not found for the segment '{path}'.")
        mailbox = self.store.find(unquote(match.group(1)))
        if mailbox is None:
            # Observed for users without an Exchange Online mailbox
            # (https://github.com/microsoftgraph/microsoft-graph-docs/issues/10481).
            raise GraphError(
                404,
                "MailboxNotEnabledForRESTAPI",
                "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
            )
        if mailbox.blocked:
            # https://learn.microsoft.com/en-us/graph/auth-limit-mailbox-access
            raise GraphError(
                403,
                "ErrorAccessDenied",
                "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.",
            )
        body: dict[str, Any] = {}
        if request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                raise GraphError(
                    400, "BadRequest", "Unable to read JSON request payload."
                ) from None
        prefer = request.headers.get("prefer", "")
        zone = _ZONE.search(prefer)
        call = Call(
            request,
            self.store,
            mailbox,
            self.clock.now(),
            base,
            zone.group(1) if zone else None,
            text=_TEXT.search(prefer) is not None,
        )
        rest = match.group(2) or ""
        arguments: list[str] = []
        for method, pattern, name in ROUTES:
            found = pattern.match(rest)
            if name == endpoint and method == request.method and found:
                arguments = [unquote(g) for g in found.groups()]
                break
        status, answer = HANDLERS[endpoint](call, arguments, body)
        headers = {"Preference-Applied": f'outlook.timezone="{call.zone}"'} if call.zone else {}
        return json_response(status, answer, headers)

    def _batch(self, request: HttpRequest, origin: str) -> HttpResponse:
        try:
            requests = json.loads(request.body or b"{}")["requests"]
            ids = [str(r["id"]).lower() for r in requests]
        except (ValueError, KeyError, TypeError):
            raise GraphError(400, "BadRequest", "Invalid batch payload format.") from None
        if len(requests) > MAX_BATCH:
            raise GraphError(
                400, "BadRequest", f"The number of batch requests exceeds the limit of {MAX_BATCH}."
            )
        if len(set(ids)) != len(ids):
            raise GraphError(400, "BadRequest", "Batch request ids must be unique.")
        statuses: dict[str, int] = {}
        responses = []
        for entry in requests:
            key = str(entry["id"])
            if any(statuses.get(str(d), 200) >= 400 for d in entry.get("dependsOn") or ()):
                statuses[key] = 424
                responses.append(
                    {
                        "id": key,
                        "status": 424,
                        "body": error_body(
                            "FailedDependency", "A request it depends on failed.", self.clock.now()
                        ),
                    }
                )
                continue
            headers = {
                **(entry.get("headers") or {}),
                "authorization": request.headers.get("authorization", ""),
            }
            body = entry.get("body")
            inner = HttpRequest.build(
                str(entry.get("method", "GET")),
                origin + "/v1.0" + str(entry.get("url", "")),
                headers,
                json.dumps(body) if body is not None else None,
            )
            # Counted and fault-checked like any request, through the class's handle: a wrapper
            # set on the instance (a test's network latency) sees the $batch, not its parts.
            answer = type(self).handle(self, inner)
            if answer.timeout:
                return answer
            try:
                content = json.loads(answer.body) if answer.body else None
            except ValueError:
                return answer  # the whole batch answer is unreadable
            statuses[key] = answer.status
            part: dict[str, Any] = {
                "id": key,
                "status": answer.status,
                "headers": dict(answer.headers),
            }
            if content is not None:
                part["body"] = content
            responses.append(part)
        return json_response(200, {"responses": responses})

    def fault_applies(self, endpoint: str, request: HttpRequest, fault: Fault) -> bool:
        """A partial failure waits, armed, for a write of one event (in a batch or alone)."""
        if fault.kind is FaultKind.PARTIAL_FAILURE:
            return endpoint in _WRITES
        return True

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        """Answer an armed fault as Graph (or the token endpoint) would."""
        now = self.clock.now()
        kind = fault.kind
        common = (TOKEN_ANSWERS if endpoint in self.separate_endpoints else ANSWERS).answer(fault)
        if common is not None:
            return common
        if endpoint in self.separate_endpoints:
            return self._token_fault(kind, fault, now)
        rid = request.headers.get("client-request-id", "")
        if kind is FaultKind.THROTTLE:
            # https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits
            body = error_body(
                "ApplicationThrottled",
                "Application is over its MailboxConcurrency limit.",
                now,
                rid,
            )
            return json_response(429, body, {"Retry-After": str(max(0, round(fault.retry_after)))})
        if kind is FaultKind.AUTH_EXPIRED:
            return json_response(
                401,
                error_body(
                    "InvalidAuthenticationToken",
                    "Access token has expired or is not yet valid.",
                    now,
                    rid,
                ),
            )
        if kind is FaultKind.CURSOR_EXPIRED:
            return json_response(
                410,
                error_body(
                    "SyncStateNotFound", "The sync state generation is not found.", now, rid
                ),
            )
        if kind is FaultKind.PARTIAL_FAILURE:
            return json_response(
                409,
                error_body(
                    "ErrorIrresolvableConflict",
                    fault.detail
                    or "The send or update operation could not be performed because the change key "
                    "passed in the request does not match the current change key for the item.",
                    now,
                    rid,
                ),
            )
        # SERVER_ERROR: 500 unless the fault names 502/503/504; an HTML page is what a proxy
        # in front of the service answers.
        status, headers = fault.status(500), fault.retry_after_header()
        code = "generalException" if status == 500 else "ServiceUnavailable"
        message = "The service is temporarily unavailable."
        return json_response(status, error_body(code, message, now, rid), headers)

    def _token_fault(self, kind: FaultKind, fault: Fault, now: Any) -> HttpResponse:
        if kind is FaultKind.AUTH_EXPIRED:
            return oauth_error(
                401, "invalid_client", 7000222, "The provided client secret keys are expired.", now
            )
        if kind is FaultKind.THROTTLE:
            answer = oauth_error(
                429, "temporarily_unavailable", 90033, "A transient error has occurred.", now
            )
            return HttpResponse(
                status=429,
                headers={**answer.headers, "Retry-After": str(round(fault.retry_after))},
                body=answer.body,
            )
        return oauth_error(
            503, "temporarily_unavailable", 90033, "A transient error has occurred.", now
        )

    # -- state ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every mailbox, app, message, counter and armed fault."""
        self.store = GraphStore()
        self.directory = Directory()
        self.faults.clear()
        self.reset_counts()

    def snapshot(self) -> dict[str, object]:
        """Mailboxes with their events' ids and change keys, and the messages sent."""
        return {
            "mailboxes": {
                address: {e.id: e.change_key for e in mailbox.events.values()}
                for address, mailbox in self.store.mailboxes.items()
            },
            "messages": [m.kind for m in self.store.outbox],
        }
