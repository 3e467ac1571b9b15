"""``httplib2`` stand-ins that route a client library to an emulator (google-api-python-client).

:class:`InProcessHttp` answers in process, without sockets: wrap it in
``google_auth_httplib2.AuthorizedHttp`` with real google-auth credentials and pass that as
``http=`` to ``googleapiclient.discovery.build()``; the client keeps its production URLs,
batches and token refreshes included. :class:`ForwardingHttp` is a real ``httplib2.Http``
that sends every request to a local emulator server instead, keeping path and query.

httplib2 is an optional dependency of calsync (``pip install calsync[httplib2]``): only
providers built on google-api-python-client use it, and they install it with their SDK.
calsync's own code never imports this module, so core runs without it; ``requests`` and
``httpx`` stay required because calsync's own HTTP (and most SDKs) use them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

try:
    import httplib2
except ImportError as missing:  # pragma: no cover - depends on the installation
    raise ImportError(
        "calsync.emulation.httplib2_transport needs httplib2: pip install 'calsync[httplib2]'"
    ) from missing

from calsync.emulation._http import HttpRequest, RequestHandler

__all__ = ["ForwardingHttp", "InProcessHttp"]


class InProcessHttp:
    """An ``httplib2.Http`` look-alike that answers every request from an emulator.

    Not a subclass: ``httplib2.Http`` opens its connections inside ``request()``, so the
    whole call is replaced. The attributes ``AuthorizedHttp`` and googleapiclient read or
    set on an ``Http`` are present.
    """

    def __init__(self, emulator: RequestHandler) -> None:
        """Answer from ``emulator``."""
        self.emulator = emulator
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
    ) -> tuple[Any, bytes]:
        """Send one request; return ``(httplib2.Response, content)`` as httplib2 does.

        :raises TimeoutError: for an emulated timeout (``socket.timeout`` is this class,
            and it is what httplib2 lets through when a socket times out).
        """
        answer = self.emulator.handle(HttpRequest.build(method, uri, headers, body))
        if answer.timeout:
            raise TimeoutError(f"emulated timeout: {method} {uri}")
        info = {name.lower(): value for name, value in answer.headers.items()}
        info["status"] = str(answer.status)
        info["content-length"] = str(len(answer.body))
        response = httplib2.Response(info)
        response.reason = answer.reason
        return response, answer.body

    def add_certificate(self, key: Any, cert: Any, domain: Any, password: Any = None) -> None:
        """Accept and ignore a client certificate (there is no TLS in process)."""

    def close(self) -> None:
        """Nothing to close."""


class ForwardingHttp(httplib2.Http):
    """An ``httplib2.Http`` that sends every request to ``base_url``, keeping path and query."""

    def __init__(self, base_url: str, **options: Any) -> None:
        """Forward to ``base_url`` (e.g. ``http://127.0.0.1:8443``); ``options`` go to ``Http``."""
        super().__init__(**options)
        parts = urlsplit(base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc

    def request(self, uri: str, *args: Any, **kwargs: Any) -> tuple[Any, bytes]:
        """Rewrite the URL to the local server and send it."""
        parts = urlsplit(uri)
        local = urlunsplit((self._scheme, self._netloc, parts.path, parts.query, ""))
        response, content = super().request(local, *args, **kwargs)
        return response, bytes(content)
