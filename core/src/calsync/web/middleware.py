"""The console's own ASGI middleware: security headers, and Secure cookies over TLS."""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecureCookiesBehindTls", "SecurityHeaders"]


class SecureCookiesBehindTls:
    """Marks cookies ``Secure`` on requests that came over TLS.

    Behind a reverse proxy, run uvicorn with ``--proxy-headers`` (``calsync web`` does)
    so the scheme the person used is the request's scheme.
    """

    def __init__(self, app: ASGIApp) -> None:
        """Wrap ``app``."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add ``; secure`` to every Set-Cookie of an https request."""
        if scope["type"] != "http" or scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (key, value + b"; secure")
                    if key.lower() == b"set-cookie" and b"; secure" not in value.lower()
                    else (key, value)
                    for key, value in message["headers"]
                ]
            await send(message)

        await self.app(scope, receive, send_secure)


class SecurityHeaders:
    """Scripts and styles from calsync only; no framing; no sniffing; no caching of pages."""

    HEADERS: Final = [
        (
            b"content-security-policy",
            b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        """Wrap ``app``."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to every response."""

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message["headers"]) + self.HEADERS
                if not scope["path"].startswith("/static/"):
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        await self.app(scope, receive, send_with_headers)
