"""A threaded HTTP server on 127.0.0.1 that answers from an :class:`Emulator`.

Used by the demo and ``calsync sandbox serve`` so that the client libraries talk to the
emulators through real sockets, exactly as they would to the real services.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from calsync.emulation._base import Emulator
from calsync.emulation._http import HttpRequest

#: How long a request that an armed TIMEOUT fault hits is held before the connection drops.
TIMEOUT_STALL_SECONDS = 2.0


def _handler_for(emulator: Emulator, public_base: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 with Content-Length on every answer: exchangelib and requests keep
        # connections alive and would otherwise wait for the socket to close.
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = HttpRequest.build(
                self.command, public_base + self.path, dict(self.headers.items()), body
            )
            answer = emulator.handle(request)
            if answer.timeout:
                time.sleep(TIMEOUT_STALL_SECONDS)
                self.close_connection = True
                return
            self.send_response(answer.status, answer.reason)
            for name, value in answer.headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: the emulator's request counters are the record."""

    return Handler


class EmulatorServer(contextlib.AbstractContextManager["EmulatorServer"]):
    """Serve ``emulator`` on ``host:port`` (port 0 picks a free one) in a daemon thread."""

    def __init__(self, emulator: Emulator, *, host: str = "127.0.0.1", port: int = 0) -> None:
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
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"emulator:{self.url}", daemon=True
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
    emulator: Emulator, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[EmulatorServer]:
    """Serve ``emulator`` for the duration of a ``with`` block."""
    with EmulatorServer(emulator, host=host, port=port) as server:
        yield server
