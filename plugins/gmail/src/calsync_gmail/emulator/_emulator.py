"""The Google emulator core: routing, authentication, batches and faults over one store."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Sequence
from typing import Any, cast

import google.oauth2.credentials
from google.oauth2 import service_account

from calsync.emulation import Clock, Emulator, Fault, FaultKind, HttpRequest, HttpResponse
from calsync_gmail.emulator import _batch
from calsync_gmail.emulator._calendar_api import CalendarApi
from calsync_gmail.emulator._credentials import service_account_class, user_credentials_class
from calsync_gmail.emulator._errors import (
    JSON_TYPE,
    ApiError,
    Style,
    insufficient_scopes,
    invalid_credentials,
)
from calsync_gmail.emulator._faults import part_failure, simple_fault, style_of
from calsync_gmail.emulator._gmail_api import GmailHandlers
from calsync_gmail.emulator._oauth import (
    DEFAULT_SCOPES,
    DEFAULT_TOKEN_URI,
    INSTALLED_CLIENT_ID,
    OAuthServer,
)
from calsync_gmail.emulator._routes import BATCH, TOKEN, UNKNOWN, match
from calsync_gmail.emulator._seeding import SeedApi
from calsync_gmail.emulator._store import Store

#: Parts per batch Google accepts (protocols.md §3.5).
BATCH_LIMITS = {"calendar": 1000, "gmail": 100}
#: Internal headers marking a request as a batch part, and a part that must fail.
_PART = "x-calsync-batch-part"
_FAIL = "x-calsync-fail-part"


class GoogleEmulator(SeedApi, Emulator):
    """A stateful emulator of Google Calendar v3, Gmail v1 and Google's OAuth token endpoint.

    Requests are counted under the discovery method ids (``calendar.events.list``,
    ``gmail.users.labels.create`` ...), ``batch`` for a batch call, and ``oauth2.token``.
    Each part of a batch is counted under its own method *as well as* the batch under
    ``batch``; faults armed for a method hit matching batch parts too. The token endpoint is
    another service: only faults naming ``oauth2.token`` reach it.
    """

    separate_endpoints = frozenset({TOKEN})

    def __init__(self, *, clock: Clock | None = None) -> None:
        """Start empty, reading time from ``clock`` (default: the system clock)."""
        super().__init__(clock=clock)
        self.store = Store()
        self.oauth = OAuthServer(self.clock, lambda email: email.lower() in self.store.users)
        self._calendar = CalendarApi(self.store, self.clock)
        self._gmail = GmailHandlers(self.store)
        self._user_credentials_cls = user_credentials_class(self)
        self._service_account_cls = service_account_class(self)

    # -- Emulator -------------------------------------------------------------------

    def endpoint_of(self, request: HttpRequest) -> str:
        """Return the discovery id of the method ``request`` calls (``batch``, ``oauth2.token``)."""
        return match(request.method, request.path)[0]

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        """Answer a request the fault plan let through."""
        if _FAIL in request.headers:
            return part_failure().response(style_of(endpoint))
        if endpoint == BATCH:
            if _PART in request.headers:
                return ApiError(400, "badRequest", "Batches cannot be nested.").response("calendar")
            return self._batch(request, fail_first=False)
        if endpoint == TOKEN:
            return self.oauth.token_endpoint(request)
        _, route, params = match(request.method, request.path)
        if route is None or endpoint == UNKNOWN:
            message = f"No such method in the emulator: {request.method} {request.path}"
            return ApiError(404, "notFound", message).response("calendar")
        style = style_of(endpoint)
        try:
            token = self.oauth.authenticate(request.headers.get("authorization"))
            if token is None:
                raise invalid_credentials()
            if token.scopes and not token.scopes & route.scopes:
                raise insufficient_scopes()
            handler = self._calendar if route.api == "calendar" else self._gmail
            status, payload = handler.handle(endpoint, token.email, params, request)
        except ApiError as error:
            return error.response(style)
        if payload is None:
            return HttpResponse(status=status)
        return HttpResponse(
            status=status, headers={"content-type": JSON_TYPE}, body=json.dumps(payload).encode()
        )

    def fault_applies(self, endpoint: str, request: HttpRequest, fault: Fault) -> bool:
        """A partial failure waits, armed, for a batch: only a batch or its parts take it."""
        if fault.kind is FaultKind.PARTIAL_FAILURE:
            return endpoint == BATCH or _PART in request.headers
        return True

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        """Answer an armed fault in Google's shape (see :mod:`._faults` for the table)."""
        answer = simple_fault(endpoint, fault, self.clock)
        if answer is not None:
            return answer
        if fault.kind is FaultKind.CURSOR_EXPIRED:
            self.store.expire_sync_tokens()
        elif fault.kind is FaultKind.PARTIAL_FAILURE:
            if _PART in request.headers:
                return part_failure().response(style_of(endpoint))
            return self._batch(request, fail_first=True)
        return self.dispatch(endpoint, request)

    def reset(self) -> None:
        """Forget users, events, mail, tokens, notifications, counters and armed faults."""
        with self._lock:
            self.store.clear()
            self.oauth.reset()
            self.faults.clear()
            self.reset_counts()

    def snapshot(self) -> dict[str, object]:
        """Return a JSON-able copy of the store."""
        with self._lock:
            users: dict[str, object] = {}
            for email, user in self.store.users.items():
                users[email] = {
                    "display_name": user.display_name,
                    "calendars": {
                        cal.id: {
                            "summary": cal.summary,
                            "time_zone": cal.time_zone,
                            "primary": cal.primary,
                            "events": copy.deepcopy(list(cal.events.values())),
                        }
                        for cal in user.calendars.values()
                    },
                    "labels": [label.resource() for label in user.mailbox.labels.values()],
                    "messages": self.messages(email),
                }
            return {
                "users": users,
                "sequence": self.store.sequence,
                "notifications": [dataclasses.asdict(n) for n in self.store.notifications],
            }

    # -- batches ----------------------------------------------------------------------

    def _batch(self, request: HttpRequest, *, fail_first: bool) -> HttpResponse:
        api: Style = "calendar" if "calendar" in request.path else "gmail"
        try:
            parts = _batch.parse(request)
        except _batch.BatchFormatError as error:
            return ApiError(400, "badRequest", str(error)).response(api)
        if len(parts) > BATCH_LIMITS[api]:
            message = f"A batch request may hold at most {BATCH_LIMITS[api]} calls."
            return ApiError(400, "badRequest", message).response(api)
        answers: list[tuple[str, HttpResponse]] = []
        for index, part in enumerate(parts):
            extra = {_PART: "1", **({_FAIL: "1"} if fail_first and index == 0 else {})}
            sub = dataclasses.replace(part.request, headers={**part.request.headers, **extra})
            answer = self.handle(sub)  # counted and fault-checked under the part's own method
            if answer.timeout:
                return answer  # one stalled part stalls the whole batch
            answers.append((part.content_id, answer))
        return _batch.render(answers)

    # -- credentials ----------------------------------------------------------------

    def issue_access_token(self, email: str, scopes: Sequence[str] = ()) -> str:
        """Mint an access token for ``email`` directly (empty ``scopes``: every API)."""
        with self._lock:
            return self.oauth.issue(email, frozenset(scopes)).value

    def expire_access_tokens(self, email: str | None = None) -> int:
        """Invalidate issued access tokens (clients get 401 and refresh); return how many."""
        with self._lock:
            return self.oauth.expire_access_tokens(email)

    def revoke_refresh_tokens(self, email: str | None = None) -> int:
        """Revoke refresh tokens (the next refresh fails ``invalid_grant``); return how many."""
        with self._lock:
            return self.oauth.revoke_refresh_tokens(email)

    def user_credentials(
        self,
        email: str,
        *,
        scopes: Sequence[str] = DEFAULT_SCOPES,
        token_uri: str = DEFAULT_TOKEN_URI,
    ) -> google.oauth2.credentials.Credentials:
        """Installed-app user credentials for ``email`` with no access token yet.

        The first request makes google-auth refresh through the token endpoint, which the
        emulator answers; so do later refreshes after a 401. The class is wired to this
        emulator (see :mod:`._credentials`) so that refreshes googleapiclient's batches start
        on a fresh ``httplib2.Http()`` stay in process too.
        """
        with self._lock:
            self.store.user(email)  # KeyError for an unknown user
            refresh_token = self.oauth.grant_refresh_token(email, frozenset(scopes))
        return self._user_credentials_cls(
            token=None,
            refresh_token=refresh_token,
            token_uri=token_uri,
            client_id=INSTALLED_CLIENT_ID,
            client_secret=self.oauth.client_secret,
            scopes=list(scopes),
        )

    def service_account_info(self, *, token_uri: str = DEFAULT_TOKEN_URI) -> dict[str, Any]:
        """Return the test service account's key file (domain-wide delegation is granted for it)."""
        return self.oauth.service_account_info(token_uri)

    def service_account_credentials(
        self,
        subject: str,
        *,
        scopes: Sequence[str] = DEFAULT_SCOPES,
        token_uri: str = DEFAULT_TOKEN_URI,
    ) -> service_account.Credentials:
        """Service-account credentials impersonating ``subject``, as a Workspace sync uses them.

        Equivalent to ``from_service_account_info(info).with_subject(subject)`` on the real
        class, but wired to this emulator like :meth:`user_credentials`.
        """
        info = self.service_account_info(token_uri=token_uri)
        wired = self._service_account_cls.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=list(scopes)
        )
        return cast(service_account.Credentials, wired.with_subject(subject))
