"""Wrapping an existing HTTP server (a WSGI or ASGI app) behind the :class:`Emulator` base.

A service that already has a good open-source server (Radicale for CalDAV, a Starlette or
FastAPI mock) need not be re-implemented: :class:`WsgiEmulator` and :class:`AsgiEmulator`
make the app an emulator, so every transport serves it (the ``requests``, ``httpx`` and
``httplib2`` adapters in process, :class:`~calsync.emulation.server.EmulatorServer` over a
socket) with request counters, the received-request record and fault injection::

    emulator = WsgiEmulator(radicale.Application(configuration))
    session.mount("https://", InProcessAdapter(emulator))

The request goes to the app unchanged (method, URL, headers, body) through httpx's own
WSGI and ASGI transports, which build the environ and scope; the app's answer comes back
unchanged. The app's own state is the store: :meth:`AppEmulator.reset` forgets counters
and faults only, and a subclass that can reset or read the app overrides
:meth:`~AppEmulator.reset` and :meth:`~AppEmulator.snapshot`.

Faults are answered the way any HTTP service fails (:meth:`AppEmulator.render_fault`).
Cursor expiry and partial failures have no protocol-neutral shape, so the bridges decline
them (they stay armed); a subclass that knows its protocol (a WebDAV ``sync-collection``
REPORT answered ``403 valid-sync-token``) overrides :meth:`AppEmulator.fault_applies` and
:meth:`AppEmulator.render_fault`.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import math
import threading
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from types import TracebackType
from typing import Any, Final, TypeVar

import httpx

from calsync.emulation._base import Emulator
from calsync.emulation._clock import Clock
from calsync.emulation._faults import Fault, FaultKind
from calsync.emulation._http import HttpRequest, HttpResponse

__all__ = ["AppEmulator", "AsgiEmulator", "WsgiEmulator"]

_T = TypeVar("_T")
#: An ASGI 3 application (https://asgi.readthedocs.io/en/latest/specs/main.html).
AsgiApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]
#: The faults every HTTP service can answer the same way.
HTTP_FAULTS: Final = frozenset(
    {
        FaultKind.THROTTLE,
        FaultKind.AUTH_EXPIRED,
        FaultKind.SERVER_ERROR,
        FaultKind.TIMEOUT,
        FaultKind.MALFORMED,
    }
)


_FRAMING: Final = frozenset({"content-length", "transfer-encoding"})


class AppEmulator(Emulator):
    """An existing server app as an emulator; subclasses say how to call the app."""

    #: The challenge a 401 carries (RFC 9110 section 11.6.1 requires one).
    auth_challenge: str = 'Basic realm="emulator"'

    @abc.abstractmethod
    def call_app(self, request: httpx.Request) -> tuple[httpx.Response, bytes]:
        """Run ``request`` through the app; return its response and whole (raw) body."""

    def endpoint_of(self, request: HttpRequest) -> str:
        """``"METHOD /path"``: a wrapped server has no operation names of its own."""
        return f"{request.method} {request.path}"

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        """Hand ``request`` to the app and return its answer unchanged."""
        # The body is whole by now: its framing (chunked, a length) is httpx's to set again.
        headers = {k: v for k, v in request.headers.items() if k not in _FRAMING}
        outgoing = httpx.Request(request.method, request.url, headers=headers, content=request.body)
        response, body = self.call_app(outgoing)
        return HttpResponse(status=response.status_code, headers=dict(response.headers), body=body)

    def fault_applies(self, endpoint: str, request: HttpRequest, fault: Fault) -> bool:
        """Take only the faults in :data:`HTTP_FAULTS`; decline the protocol-specific ones."""
        return fault.kind in HTTP_FAULTS

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        """Answer a fault as a plain HTTP service would.

        THROTTLE: 429 with ``Retry-After`` (RFC 6585 section 4). AUTH_EXPIRED: 401 with
        :attr:`auth_challenge`. SERVER_ERROR: :meth:`Fault.status` (500 by default), an HTML
        page if asked, ``Retry-After`` if asked. TIMEOUT: no answer. MALFORMED: the app
        serves the request, and its answer's body is cut in half.
        """
        text = {"Content-Type": "text/plain; charset=utf-8"}
        if fault.kind is FaultKind.TIMEOUT:
            return HttpResponse(timeout=True)
        if fault.kind is FaultKind.THROTTLE:
            wait = str(max(1, math.ceil(fault.retry_after)))
            return HttpResponse(
                status=429, headers={**text, "Retry-After": wait}, body=b"slow down"
            )
        if fault.kind is FaultKind.AUTH_EXPIRED:
            challenge = {**text, "WWW-Authenticate": self.auth_challenge}
            return HttpResponse(status=401, headers=challenge, body=b"credentials expired")
        if fault.kind is FaultKind.MALFORMED:
            answer = self.dispatch(endpoint, request)
            cut = answer.body[: len(answer.body) // 2]
            headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
            return HttpResponse(status=answer.status, headers=headers, body=cut)
        status = fault.status()
        if fault.html:
            page = f"<html><body><h1>{status} Server Error</h1></body></html>".encode()
            headers = {"Content-Type": "text/html", **fault.retry_after_header()}
            return HttpResponse(status=status, headers=headers, body=page)
        headers = {**text, **fault.retry_after_header()}
        return HttpResponse(status=status, headers=headers, body=fault.detail.encode())

    def reset(self) -> None:
        """Forget counters and armed faults (the app keeps its own state)."""
        with self._lock:
            self.faults.clear()
            self.reset_counts()

    def snapshot(self) -> dict[str, object]:
        """Nothing: the app's state is its own (a subclass that can read it says more)."""
        return {}


class WsgiEmulator(AppEmulator):
    """A WSGI app (PEP 3333) as an emulator, called in the requesting thread."""

    def __init__(self, app: Any, *, clock: Clock | None = None, script_name: str = "") -> None:
        """Wrap ``app``; ``script_name`` is where it is mounted (``SCRIPT_NAME``)."""
        super().__init__(clock=clock)
        self.app = app
        self._transport = httpx.WSGITransport(app=app, script_name=script_name)

    def call_app(self, request: httpx.Request) -> tuple[httpx.Response, bytes]:
        """Call the app with the environ httpx builds from ``request``."""
        response = self._transport.handle_request(request)
        try:
            assert isinstance(response.stream, httpx.SyncByteStream)
            return response, b"".join(response.stream)
        finally:
            response.close()


class AsgiEmulator(AppEmulator):
    """An ASGI 3 app (Starlette, FastAPI, ...) as an emulator, run on an event loop of its own.

    The loop runs in a daemon thread for the emulator's life, so an app that keeps
    loop-bound state between requests works. The app's lifespan (startup and shutdown
    handlers) runs when ``lifespan`` is true: startup now, shutdown in :meth:`close`. Use
    the emulator as a context manager, or call :meth:`close`.
    """

    def __init__(self, app: AsgiApp, *, clock: Clock | None = None, lifespan: bool = True) -> None:
        """Wrap ``app`` and start its loop (and its lifespan)."""
        super().__init__(clock=clock)
        self.app = app
        self._transport = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="asgi-emulator")
        self._thread.daemon = True
        self._thread.start()
        self._lifespan = _Lifespan(app) if lifespan else None
        if self._lifespan is not None:
            try:
                self._run(self._lifespan.step("startup"))
            except BaseException:
                self._stop_loop()
                raise

    def _run(self, work: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def call_app(self, request: httpx.Request) -> tuple[httpx.Response, bytes]:
        """Call the app with the scope httpx builds from ``request``, on the emulator's loop."""
        return self._run(self._call(request))

    async def _call(self, request: httpx.Request) -> tuple[httpx.Response, bytes]:
        response = await self._transport.handle_async_request(request)
        try:
            assert isinstance(response.stream, httpx.AsyncByteStream)
            return response, b"".join([chunk async for chunk in response.stream])
        finally:
            await response.aclose()

    def close(self) -> None:
        """Run the app's shutdown and stop the loop."""
        if not self._loop.is_running():
            return
        if self._lifespan is not None:
            self._run(self._lifespan.step("shutdown"))
        self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> AsgiEmulator:
        """Use as a context manager; the loop is already running."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close."""
        self.close()


class _Lifespan:
    """The ASGI lifespan protocol (https://asgi.readthedocs.io/en/latest/specs/lifespan.html).

    Written here rather than taken from asgi-lifespan: it is these few lines, and core
    gains no dependency for them.
    """

    def __init__(self, app: AsgiApp) -> None:
        self.app = app
        self._inbox: asyncio.Queue[MutableMapping[str, Any]] = asyncio.Queue()
        self._outbox: asyncio.Queue[MutableMapping[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _serve(self) -> None:
        scope: dict[str, Any] = {"type": "lifespan", "asgi": {"version": "3.0"}}
        # The spec: an app that raises on the lifespan scope does not support it.
        with contextlib.suppress(Exception):
            await self.app(scope, self._inbox.get, self._outbox.put)
        await self._outbox.put({"type": "lifespan.gone"})

    async def step(self, phase: str) -> None:
        """Send ``lifespan.<phase>`` and wait for the app's answer.

        :raises RuntimeError: the app answered ``lifespan.<phase>.failed``.
        """
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._serve())
        elif self._task.done():
            return  # the app has no lifespan, or it has ended
        await self._inbox.put({"type": f"lifespan.{phase}"})
        answer = await self._outbox.get()
        if answer["type"] == f"lifespan.{phase}.failed":
            raise RuntimeError(f"the ASGI app's {phase} failed: {answer.get('message', '')}")
