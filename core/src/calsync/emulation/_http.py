"""The request and response values an emulator core exchanges with its transports.

These two values are the whole contract between an emulator and the client libraries:
every adapter (``requests``, ``httpx``, ``httplib2``, the socket server, the WSGI and ASGI
bridges) converts its library's request into an :class:`HttpRequest` and an
:class:`HttpResponse` back into its library's response, and nothing else crosses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, final
from urllib.parse import parse_qs, unquote_plus, urlsplit


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class HttpRequest:
    """One HTTP request as a client library sent it."""

    #: Upper-case method, e.g. ``"POST"``.
    method: str
    #: The full URL, including scheme, host and query string.
    url: str
    #: Header names are lower-cased so that look-ups do not depend on the client's spelling.
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def build(
        cls, method: str, url: str, headers: Mapping[str, str] | None, body: bytes | str | None
    ) -> HttpRequest:
        """Normalise what a transport received into a request."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        return cls(
            method=method.upper(),
            url=url,
            headers={k.lower(): str(v) for k, v in (headers or {}).items()},
            body=body or b"",
        )

    @property
    def path(self) -> str:
        """The URL path, without query string."""
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, list[str]]:
        """The query string, each parameter with all its values in order."""
        return parse_qs(urlsplit(self.url).query, keep_blank_values=True)

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    @property
    def text(self) -> str:
        """The whole request as readable text: method, decoded URL, body.

        What privacy checks search: a value in a query string or a body shows as written.
        """
        body = self.body.decode("utf-8", "replace")
        return f"{self.method} {unquote_plus(self.url)}\n{body}"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class HttpResponse:
    """What an emulator answers.

    ``timeout`` asks the transport to behave as if the server never answered (the
    in-process transports raise their library's timeout error; the socket server stalls
    and drops the connection).
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    timeout: bool = False

    @property
    def reason(self) -> str:
        """The standard reason phrase of :attr:`status`."""
        from http import HTTPStatus

        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Unknown"


class RequestHandler(Protocol):
    """Anything that answers requests: an emulator, or a layer in front of one.

    Every transport accepts one; :class:`~calsync.emulation.Emulator` is one.
    """

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer ``request``."""
        ...
