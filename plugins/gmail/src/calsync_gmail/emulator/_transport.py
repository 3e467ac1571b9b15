"""Connecting google-api-python-client to the emulator, in process or through a socket.

In process, core's :class:`~calsync.emulation.httplib2_transport.InProcessHttp` stands in
for ``httplib2.Http``: :func:`authorized_http` wraps it in
``google_auth_httplib2.AuthorizedHttp`` with real google-auth credentials, to pass as
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
from google.auth.credentials import Credentials as BaseCredentials
from googleapiclient.discovery import build
from googleapiclient.http import BatchHttpRequest

from calsync.emulation import Emulator
from calsync.emulation.httplib2_transport import InProcessHttp
from calsync_gmail.emulator._oauth import DEFAULT_TOKEN_URI


def authorized_http(
    emulator: Emulator, credentials: BaseCredentials
) -> google_auth_httplib2.AuthorizedHttp:
    """``AuthorizedHttp`` over an ``InProcessHttp``: token refreshes go to the emulator too."""
    return google_auth_httplib2.AuthorizedHttp(credentials, http=InProcessHttp(emulator))


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
