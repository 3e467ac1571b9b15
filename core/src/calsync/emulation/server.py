"""A threaded HTTP server on 127.0.0.1 that answers from an :class:`Emulator`.

Used by the demo and ``calsync sandbox serve`` so that the client libraries talk to the
emulators through real sockets, exactly as they would to the real services. Every HTTP
method reaches the emulator (REST verbs, WebDAV's PROPFIND and REPORT, OPTIONS, ...), with
the body as sent, chunked or not.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from calsync.emulation._http import HttpRequest, RequestHandler

#: How long a request that an armed TIMEOUT fault hits is held before the connection drops.
TIMEOUT_STALL_SECONDS = 2.0


def _handler_for(emulator: RequestHandler, public_base: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 with Content-Length on every answer: exchangelib and requests keep
        # connections alive and would otherwise wait for the socket to close.
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; with Nagle's algorithm the second waits
        # for the client's delayed ACK (about 40 ms on Linux) on every kept-alive request.
        disable_nagle_algorithm = True

        def __getattr__(self, name: str) -> Callable[[], None]:
            # BaseHTTPRequestHandler answers method M with do_M: every method is answered
            # (WebDAV's PROPFIND, REPORT, MKCALENDAR, ... as well as OPTIONS and HEAD).
            if name.startswith("do_"):
                return self._answer
            raise AttributeError(name)

        def _body(self) -> bytes:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                return _read_chunked(self.rfile)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _answer(self) -> None:
            request = HttpRequest.build(
                self.command, public_base + self.path, dict(self.headers.items()), self._body()
            )
            answer = emulator.handle(request)
            if answer.timeout:
                time.sleep(TIMEOUT_STALL_SECONDS)
                self.close_connection = True
                return
            self.send_response(answer.status, answer.reason)
            for name, value in answer.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding"):
                    self.send_header(name, value)
            # RFC 9110 sections 8.6 and 6.4.1: no Content-Length on a 204, no body on a 204, a 304
            # or an answer to HEAD (whose Content-Length is that of the GET).
            if answer.status != 204:
                self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if self.command != "HEAD" and answer.status not in (204, 304):
                self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: the emulator's request counters are the record."""

    return Handler


def _read_chunked(stream: io.BufferedIOBase) -> bytes:
    """Read a chunked request body (RFC 9112 section 7.1), trailers skipped."""
    body = bytearray()
    while True:
        size = int(stream.readline().split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while stream.readline() not in (b"\r\n", b"\n", b""):
                pass
            return bytes(body)
        body += stream.read(size)
        stream.readline()


class EmulatorServer(contextlib.AbstractContextManager["EmulatorServer"]):
    """Serve ``emulator`` on ``host:port`` (port 0 picks a free one) in a daemon thread."""

    def __init__(self, emulator: RequestHandler, *, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind the socket now; :meth:`start` begins answering."""
        self.emulator = emulator
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(emulator, ""))
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        self.url = f"http://{bound_host!s}:{bound_port}"
        # Requests are handed to the emulator with the URL the client used.
        self._httpd.RequestHandlerClass = _handler_for(emulator, self.url)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._httpd.server_address[1])

    def start(self) -> EmulatorServer:
        """Start answering in a background thread."""
        # A short poll interval: stop() waits for the loop to notice (0.5 s by default).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator:{self.url}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        """Start on entering the block."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop on leaving the block."""
        self.stop()


@contextlib.contextmanager
def serving(
    emulator: RequestHandler, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[EmulatorServer]:
    """Serve ``emulator`` for the duration of a ``with`` block."""
    with EmulatorServer(emulator, host=host, port=port) as server:
        yield server
