"""Connecting google-api-python-client to the emulator, in process or through a socket.

In process, :class:`FakeHttp` stands in for ``httplib2.Http``: wrap it in
``google_auth_httplib2.AuthorizedHttp`` with real google-auth credentials and pass that as
``http=`` to ``build()``. The client keeps its production URLs, batches included.

Through a socket (:class:`~calsync.emulation.server.EmulatorServer`), point the services at the
server with ``client_options={"api_endpoint": ...}`` and the credentials' ``token_uri`` at
``<server>/token``. ``new_batch_http_request()`` ignores ``api_endpoint``, so batches must be
built with an explicit ``BatchHttpRequest(batch_uri=...)``: :func:`new_batch` does that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth.credentials import Credentials as BaseCredentials
from googleapiclient.discovery import build
from googleapiclient.http import BatchHttpRequest

from calsync.emulation import Emulator, HttpRequest
from calsync_gmail.emulator._oauth import DEFAULT_TOKEN_URI


class FakeHttp:
    """An ``httplib2.Http`` look-alike that answers every request from ``emulator``."""

    def __init__(self, emulator: Emulator) -> None:
        """Answer from ``emulator``."""
        self.emulator = emulator
        # Attributes AuthorizedHttp and googleapiclient proxy or set on an httplib2.Http.
        self.timeout: float | None = None
        self.follow_redirects = True
        self.redirect_codes: set[int] = set(httplib2.REDIRECT_CODES)
        self.connections: dict[str, Any] = {}

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        redirections: int = httplib2.DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        """Send one request; return ``(httplib2.Response, content)`` as httplib2 does.

        :raises TimeoutError: for an armed TIMEOUT fault (``socket.timeout`` is this class,
            and it is what httplib2 lets through when a socket times out).
        """
        answer = self.emulator.handle(HttpRequest.build(method, uri, headers, body))
        if answer.timeout:
            raise TimeoutError("timed out")
        info = {k.lower(): v for k, v in answer.headers.items()}
        info["status"] = str(answer.status)
        info["content-length"] = str(len(answer.body))
        response = httplib2.Response(info)
        response.reason = answer.reason
        return response, answer.body

    def add_certificate(self, key: Any, cert: Any, domain: Any, password: Any = None) -> None:
        """Accept and ignore a client certificate (there is no TLS in process)."""

    def close(self) -> None:
        """Nothing to close."""


def authorized_http(
    emulator: Emulator, credentials: BaseCredentials
) -> google_auth_httplib2.AuthorizedHttp:
    """``AuthorizedHttp`` over a :class:`FakeHttp`: token refreshes go to the emulator too."""
    return google_auth_httplib2.AuthorizedHttp(credentials, http=FakeHttp(emulator))


@dataclass(frozen=True, slots=True)
class GoogleEndpoints:
    """Where the client should send each kind of request.

    :param calendar_api: ``api_endpoint`` for the calendar service (``None``: production).
    :param gmail_api: ``api_endpoint`` for the gmail service (``None``: production).
    :param calendar_batch: the calendar batch URL.
    :param gmail_batch: the gmail batch URL.
    :param token_uri: the OAuth token endpoint for credentials.
    """

    calendar_api: str | None = None
    gmail_api: str | None = None
    calendar_batch: str = "https://www.googleapis.com/batch/calendar/v3"
    gmail_batch: str = "https://gmail.googleapis.com/batch"
    token_uri: str = DEFAULT_TOKEN_URI

    @classmethod
    def local(cls, base_url: str) -> GoogleEndpoints:
        """Return the endpoints of an emulator served at ``base_url`` (``http://127.0.0.1:PORT``)."""
        base = base_url.rstrip("/")
        return cls(
            calendar_api=f"{base}/calendar/v3/",
            gmail_api=f"{base}/",
            calendar_batch=f"{base}/batch/calendar/v3",
            gmail_batch=f"{base}/batch",
            token_uri=f"{base}/token",
        )


def _options(api_endpoint: str | None) -> dict[str, str] | None:
    return {"api_endpoint": api_endpoint} if api_endpoint else None


def calendar_service(http: Any, endpoints: GoogleEndpoints | None = None) -> Any:
    """Build the Calendar v3 service from the discovery document shipped in the package."""
    endpoints = endpoints or GoogleEndpoints()
    return build(
        "calendar",
        "v3",
        http=http,
        static_discovery=True,
        cache_discovery=False,
        client_options=_options(endpoints.calendar_api),
    )


def gmail_service(http: Any, endpoints: GoogleEndpoints | None = None) -> Any:
    """Build the Gmail v1 service from the discovery document shipped in the package."""
    endpoints = endpoints or GoogleEndpoints()
    return build(
        "gmail",
        "v1",
        http=http,
        static_discovery=True,
        cache_discovery=False,
        client_options=_options(endpoints.gmail_api),
    )


def new_batch(
    api: str,
    endpoints: GoogleEndpoints | None = None,
    callback: Callable[[str, Any, Exception | None], None] | None = None,
) -> BatchHttpRequest:
    """Return a batch for ``api`` (``"calendar"`` or ``"gmail"``) with an explicit batch URL."""
    endpoints = endpoints or GoogleEndpoints()
    uri = endpoints.calendar_batch if api == "calendar" else endpoints.gmail_batch
    return BatchHttpRequest(callback=callback, batch_uri=uri)
