"""The HTTP side of the provider: MSAL for tokens, one httpx client for Graph, ``$batch``.

Tokens come from MSAL's ``ConfidentialClientApplication.acquire_token_for_client``, which
keeps them in MSAL's own in-memory cache until they expire. An app-only token serves every
mailbox of the tenant, so one MSAL application per app registration and credential is
shared by every client of the process (:func:`_shared_app`): a process that passes 2,000
mailboxes signs in once an hour, not once per pass (instance discovery and a token request
each: two calls a pass). MSAL sends its requests through an httpx client of its own (its
``http_client`` contract is ``get``/``post`` returning a response with ``status_code``,
``text``, ``headers`` and ``raise_for_status``, which httpx meets). A transport given to
:class:`GraphClient` (an in-process emulator in tests) carries both, and then the MSAL
application is the client's own; with ``endpoint`` both go through
:class:`~calsync.emulation.httpx_transport.ForwardingTransport`.

No write is retried here: the engine owns back-off (per mailbox, honouring Retry-After),
and a blindly retried POST could create an event twice. Only batched reads, which are
idempotent, wait out Graph's throttling (:mod:`calsync_graph.reading`).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

import certifi
import httpx
import msal

from calsync.emulation.httpx_transport import ForwardingTransport
from calsync.errors import ConfigError, ServiceUnavailableError
from calsync.replies import summary, unreachable
from calsync_graph.settings import GraphSettings

__all__ = ["BATCH_SIZE", "GRAPH_SCOPE", "GraphCallError", "GraphClient", "Part", "TokenError"]

GRAPH_SCOPE: Final = "https://graph.microsoft.com/.default"
#: "JSON batch requests are currently limited to 20 individual requests"
#: (https://learn.microsoft.com/en-us/graph/json-batching).
BATCH_SIZE: Final = 20
#: Stable ids while an item stays in its mailbox
#: (https://learn.microsoft.com/en-us/graph/outlook-immutable-id), and bodies as the text
#: calsync writes, not HTML (https://learn.microsoft.com/en-us/graph/api/event-get).
PREFER: Final = 'IdType="ImmutableId", outlook.body-content-type="text"'


class TokenError(Exception):
    """The identity platform refused a token (MSAL's error answer)."""

    def __init__(self, answer: Mapping[str, Any]) -> None:
        """Keep the OAuth ``error`` and the first line of its description (no secrets in it)."""
        self.error = str(answer.get("error") or "unknown_error")
        self.description = str(answer.get("error_description") or "").splitlines()[0:1]
        super().__init__(f"{self.error}: {' '.join(self.description)}")


class GraphCallError(Exception):
    """Graph answered a request with an error status."""

    def __init__(
        self, status: int, code: str, message: str, retry_after: str | None = None
    ) -> None:
        """An error ``code`` with HTTP ``status``."""
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


@dataclass(frozen=True, slots=True)
class Part:
    """One answer inside a ``$batch`` response."""

    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def ok(self) -> bool:
        """Whether the inner request succeeded."""
        return 200 <= self.status < 300

    def error(self) -> GraphCallError:
        """The inner error as a :class:`GraphCallError`."""
        error = (self.body or {}).get("error") or {} if isinstance(self.body, dict) else {}
        retry = {k.lower(): v for k, v in self.headers.items()}.get("retry-after")
        return GraphCallError(
            self.status, str(error.get("code") or ""), str(error.get("message") or ""), retry
        )


def _error(response: httpx.Response) -> GraphCallError:
    try:
        error = response.json().get("error") or {}
    except ValueError:  # an HTML page from a proxy in front of Graph, say
        error = {"message": summary(response.text) or response.reason_phrase}
    return GraphCallError(
        response.status_code,
        str(error.get("code") or ""),
        str(error.get("message") or response.reason_phrase),
        response.headers.get("retry-after"),
    )


@dataclass(frozen=True, slots=True)
class _App:
    """An MSAL application and the lock its token requests take turns on."""

    application: msal.ConfidentialClientApplication
    #: One token request at a time: threads that start together wait for the first one's
    #: token instead of each asking for its own.
    lock: threading.Lock
    #: The HTTP client MSAL sends through, when it is the application's own.
    http: httpx.Client | None = None


_SHARED: dict[tuple[str, ...], _App] = {}
_SHARED_LOCK = threading.Lock()
#: Applications kept (a deployment has one or two; a test session one per emulator).
_SHARED_MOST: Final = 16


def _shared_app(settings: GraphSettings, credential: Any, timeout: httpx.Timeout) -> _App:
    """The process's MSAL application for ``settings``' app registration and ``credential``.

    Keyed by the credential's digest too: a renewed secret (or certificate) gets an
    application of its own, so a token the old one earned is never used for the new one.
    """
    digest = hashlib.sha256(json.dumps(credential, sort_keys=True).encode()).hexdigest()
    authority = f"{settings.authority_host}/{settings.tenant_id}"
    key = (authority, settings.client_id, settings.endpoint or "", digest)
    with _SHARED_LOCK:
        if key not in _SHARED:
            transport = (
                ForwardingTransport(settings.endpoint, verify=tls_context())
                if settings.endpoint
                else None
            )
            # Its own HTTP client: a mailbox's client is closed when its pass ends.
            http = httpx.Client(transport=transport, timeout=timeout, verify=tls_context())
            if len(_SHARED) >= _SHARED_MOST:
                evicted = _SHARED.pop(next(iter(_SHARED)))
                if evicted.http is not None:
                    evicted.http.close()
            try:
                application = _msal_app(settings, credential, http)
            except Exception:
                http.close()  # the next client asks again (a tenant_id put right, say)
                raise
            _SHARED[key] = _App(application, threading.Lock(), http)
        return _SHARED[key]


@atexit.register
def _close_shared() -> None:
    with _SHARED_LOCK:
        for app in _SHARED.values():
            if app.http is not None:
                app.http.close()
        _SHARED.clear()


def _msal_app(
    settings: GraphSettings, credential: Any, http: httpx.Client
) -> msal.ConfidentialClientApplication:
    authority = f"{settings.authority_host.rstrip('/')}/{settings.tenant_id}"
    try:
        return msal.ConfidentialClientApplication(
            settings.client_id, client_credential=credential, authority=authority, http_client=http
        )
    except httpx.TransportError as exc:
        # MSAL's discovery goes out on our client: no answer is the platform unreachable.
        how = unreachable(exc, "timeout_seconds") or f"could not be reached: {summary(str(exc))}"
        raise ServiceUnavailableError(
            f"the identity platform at {authority} {how}", source="mailbox"
        ) from None
    except (ValueError, msal.exceptions.MsalServiceError) as exc:
        # MSAL asks the identity platform about the tenant as it starts; any answer but the
        # tenant's configuration is a ValueError (a tenant that does not exist: 400 or 404;
        # a proxy's page), a 5xx its MsalServiceError. Said so, neither is an INTERNAL_ERROR.
        raise _discovery_error(authority, exc) from None


def _discovery_error(authority: str, exc: Exception) -> Exception:
    told = f"{exc.__context__ or ''} {exc}"
    status = re.search(r"HTTP (?:status|Error): (\d{3})", told)
    code = int(status[1]) if status else None
    said = f"HTTP {code}" if code else summary(str(exc))
    if code is not None and code >= 500:
        return ServiceUnavailableError(
            f"the identity platform failed to describe {authority} ({said})", source="mailbox"
        )
    return ConfigError(
        f"the identity platform does not know the tenant at {authority} ({said}); check "
        "tenant_id (a tenant's id or its domain, e.g. contoso.onmicrosoft.com), authority_host "
        "and endpoint"
    )


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings every client shares: httpx's default (certifi's CA bundle), made once.

    Loading the CA bundle costs about 80 ms of CPU; a client per mailbox pass would pay it
    every pass (most of an idle pass's CPU). An SSLContext is safe to share between
    connections and threads.
    """
    return ssl.create_default_context(cafile=certifi.where())


class GraphClient:
    """Authenticated Graph requests for one mailbox."""

    def __init__(
        self,
        settings: GraphSettings,
        address: str,
        *,
        transport: httpx.BaseTransport | None = None,
        credential: Any = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Prepare MSAL and httpx; secrets are read now, nothing is sent yet.

        :param credential: MSAL's client credential to use instead of the settings' secrets
            (the harness; the settings' secrets are then not read).
        :param sleep: how idempotent reads wait out throttling (tests pass a recorder).
        """
        self.sleep = sleep
        # A transport given (an in-process emulator) is this client's alone: so is its MSAL app.
        shared = transport is None and credential is None
        if transport is None and settings.endpoint:
            transport = ForwardingTransport(settings.endpoint, verify=tls_context())
        timeout = httpx.Timeout(
            settings.timeout_seconds, connect=min(30.0, settings.timeout_seconds)
        )
        self.http = httpx.Client(transport=transport, timeout=timeout, verify=tls_context())
        if credential is not None:
            pass
        elif settings.certificate is not None:
            credential = {
                "private_key": settings.certificate.reveal(),
                "thumbprint": settings.certificate_thumbprint,
            }
        else:
            assert settings.client_secret is not None
            credential = settings.client_secret.reveal()
        self._app = (
            _shared_app(settings, credential, timeout)
            if shared
            else _App(_msal_app(settings, credential, self.http), threading.Lock())
        )
        self.app = self._app.application
        self.base = settings.graph_url.rstrip("/")
        self.user = f"/users/{quote(address, safe='@')}"

    def _token(self) -> str:
        with self._app.lock:
            answer = self.app.acquire_token_for_client(scopes=[GRAPH_SCOPE])
        if "access_token" not in answer:
            raise TokenError(answer)
        return str(answer["access_token"])

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one request (``url`` absolute, or relative to the Graph endpoint); its JSON answer."""
        target = url if url.startswith(("http://", "https://")) else self.base + url
        response = self.http.request(
            method,
            target,
            params=params,
            content=None if body is None else json.dumps(body).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {self._token()}",
                "Prefer": PREFER,
                **({"Content-Type": "application/json"} if body is not None else {}),
                **(headers or {}),
            },
        )
        if response.status_code == 401:
            # A revoked or expired token: the next call asks for a new one.
            self.app.remove_tokens_for_client()
        if response.status_code >= 400:
            raise _error(response)
        return response.json() if response.content else None

    def pages(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every page of a collection, following ``@odata.nextLink``; the last has the deltaLink."""
        page = self.request("GET", url, params=params, headers=headers)
        while True:
            yield page
            link = page.get("@odata.nextLink")
            if not link:
                return
            page = self.request("GET", link, headers=headers)

    def batch(self, requests: Sequence[dict[str, Any]]) -> list[Part]:
        """Send ``requests`` in ``$batch`` calls of 20; one :class:`Part` per request, in order.

        Each request is a ``method``, a ``url`` relative to ``/v1.0`` and an optional ``body``.
        """
        parts: list[Part] = []
        for start in range(0, len(requests), BATCH_SIZE):
            chunk = requests[start : start + BATCH_SIZE]
            envelope = {
                "requests": [
                    {
                        "id": str(index),
                        "method": r["method"],
                        "url": r["url"],
                        "headers": {
                            "Prefer": PREFER,
                            **({"Content-Type": "application/json"} if "body" in r else {}),
                        },
                        **({"body": r["body"]} if "body" in r else {}),
                    }
                    for index, r in enumerate(chunk)
                ]
            }
            answer = self.request("POST", "/$batch", body=envelope)
            by_id = {str(r["id"]): r for r in answer["responses"]}
            for index in range(len(chunk)):
                inner = by_id[str(index)]
                parts.append(
                    Part(int(inner["status"]), inner.get("body"), inner.get("headers") or {})
                )
        return parts

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()
