"""``requests`` transport adapters that route a client library to an emulator.

:class:`InProcessAdapter` answers in process, without sockets, so the client keeps its
production URLs (simple-salesforce always builds ``https://`` URLs; exchangelib also posts
its OAuth token requests through the adapter it mounts). :class:`ForwardingAdapter`
rewrites every URL to a local emulator server (the demo's socket mode).

exchangelib builds its adapter itself from the class attribute
``BaseProtocol.HTTP_ADAPTER_CLS`` and passes pool options to the constructor, so
:meth:`InProcessAdapter.bound_to` returns a subclass with the emulator bound at class level.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.response import HTTPResponse

from calsync.emulation._http import HttpRequest, RequestHandler


class InProcessAdapter(HTTPAdapter):
    """Answer every request sent through it from an emulator, in process."""

    emulator_cls_default: ClassVar[RequestHandler | None] = None

    def __init__(self, emulator: RequestHandler | None = None, **pool_options: Any) -> None:
        """Bind to ``emulator`` (or the class-level default set by :meth:`bound_to`)."""
        super().__init__(**pool_options)
        bound = emulator or type(self).emulator_cls_default
        if bound is None:
            raise TypeError("InProcessAdapter needs an emulator (or use InProcessAdapter.bound_to)")
        self.emulator: RequestHandler = bound

    @classmethod
    def bound_to(cls, emulator: RequestHandler) -> type[InProcessAdapter]:
        """Return an adapter class whose instances all answer from ``emulator``."""
        return type(
            f"{cls.__name__}For{type(emulator).__name__}",
            (cls,),
            {"emulator_cls_default": emulator},
        )

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        """Hand the request to the emulator and wrap its answer as a ``requests`` response."""
        answer = self.emulator.handle(
            HttpRequest.build(
                request.method or "GET",
                request.url or "",
                dict(request.headers),
                _body_bytes(request.body),
            )
        )
        if answer.timeout:
            raise requests.exceptions.ReadTimeout(
                f"emulated timeout: {request.method} {request.url}", request=request
            )
        raw = HTTPResponse(
            body=io.BytesIO(answer.body),
            headers={"Content-Length": str(len(answer.body)), **answer.headers},
            status=answer.status,
            reason=answer.reason,
            preload_content=False,
            decode_content=False,
        )
        return self.build_response(request, raw)


def _body_bytes(body: object) -> bytes | str | None:
    """The body ``requests`` prepared: bytes or text, or a file or generator when streamed."""
    if body is None or isinstance(body, bytes | str):
        return body
    read = getattr(body, "read", None)
    if callable(read):
        data = read()
        return data if isinstance(data, bytes | str) else None
    assert isinstance(body, Iterable)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


class ForwardingAdapter(HTTPAdapter):
    """Send every request to ``base_url`` (e.g. ``http://127.0.0.1:8443``), keeping path and query.

    simple-salesforce builds ``https://{instance}`` URLs whatever the instance URL says;
    mounting this adapter on ``https://`` lets it talk to a plain-http local server.
    """

    def __init__(self, base_url: str, **pool_options: Any) -> None:
        """Forward to ``base_url`` (scheme and host[:port])."""
        super().__init__(**pool_options)
        parts = urlsplit(base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Rewrite the URL to the local server and send it."""
        parts = urlsplit(request.url or "")
        request.url = urlunsplit((self._scheme, self._netloc, parts.path, parts.query, ""))
        return super().send(request, *args, **kwargs)
