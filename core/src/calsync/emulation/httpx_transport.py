"""``httpx`` transports that route a client library to an emulator.

:class:`InProcessTransport` (and :class:`AsyncInProcessTransport` for an
``httpx.AsyncClient``) answers in process, without sockets, so the client keeps its
production URLs (MSAL refuses an authority that is not ``https://``).
:class:`ForwardingTransport` sends every request to a local emulator server instead,
keeping path and query (the demo's and ``calsync sandbox serve``'s socket mode).
"""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit

import httpx

from calsync.emulation._http import HttpRequest, HttpResponse, RequestHandler

__all__ = ["AsyncInProcessTransport", "ForwardingTransport", "InProcessTransport"]


def _request(request: httpx.Request, body: bytes) -> HttpRequest:
    return HttpRequest.build(request.method, str(request.url), request.headers, body)


def _response(request: httpx.Request, answer: HttpResponse) -> httpx.Response:
    if answer.timeout:
        raise httpx.ReadTimeout(f"emulated timeout: {request.method} {request.url}")
    return httpx.Response(
        answer.status, headers=dict(answer.headers), content=answer.body, request=request
    )


class InProcessTransport(httpx.BaseTransport):
    """Answer every request sent through it from an emulator, in process."""

    def __init__(self, emulator: RequestHandler) -> None:
        """Bind to ``emulator``."""
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Hand the request to the emulator and wrap its answer as an ``httpx`` response."""
        return _response(request, self.emulator.handle(_request(request, request.read())))


class AsyncInProcessTransport(httpx.AsyncBaseTransport):
    """:class:`InProcessTransport` for an ``httpx.AsyncClient``.

    The emulator answers synchronously, on the event loop's thread (its answers come from
    memory, so nothing waits long).
    """

    def __init__(self, emulator: RequestHandler) -> None:
        """Bind to ``emulator``."""
        self.emulator = emulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Hand the request to the emulator and wrap its answer as an ``httpx`` response."""
        body = await request.aread()
        return _response(request, self.emulator.handle(_request(request, body)))


class ForwardingTransport(httpx.HTTPTransport):
    """Send every request to ``base_url`` (e.g. ``http://127.0.0.1:8443``), keeping path and query."""

    def __init__(self, base_url: str, *, verify: ssl.SSLContext | bool = True) -> None:
        """Forward to ``base_url`` (scheme and host[:port]); ``verify`` as httpx takes it."""
        super().__init__(verify=verify)
        parts = urlsplit(base_url)
        self._scheme, self._host, self._port = parts.scheme, parts.hostname or "", parts.port

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite the URL to the local server and send it."""
        request.url = request.url.copy_with(scheme=self._scheme, host=self._host, port=self._port)
        request.headers["Host"] = request.url.netloc.decode("ascii")
        return super().handle_request(request)
