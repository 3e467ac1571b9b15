"""Services that fail below HTTP, on real 127.0.0.1 sockets: nobody listening, or a stall.

An emulator answers every request it gets, even with a fault; these two never answer, so a
client library meets the failures only a network gives:

* :func:`refused_url`: a port with nothing listening; connecting is refused at once
  (``ECONNREFUSED``), as when the service is down or the address is wrong;
* :class:`StalledServer`: a server that accepts connections and reads the requests but
  never sends a byte back, as a hung server or a black-holing proxy does; only the
  client's own timeout ends the call.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType
from typing import final

__all__ = ["StalledServer", "refused_url"]


def refused_url() -> str:
    """``http://127.0.0.1:PORT`` for a port nothing listens on (it was just free)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@final
class StalledServer:
    """Accepts connections on 127.0.0.1 and never answers; a context manager.

    :attr:`connections` counts the connections accepted, :attr:`received` the bytes read
    (the requests the client sent).
    """

    def __init__(self) -> None:
        """Listen on a free port; nothing is accepted before :meth:`start`."""
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="stalled-server", daemon=True)
        self.connections = 0
        self.received = 0

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                connection, _ = self._listener.accept()
                connection.settimeout(0.1)
                self._held.append(connection)
                self.connections += 1
            for held in self._held:
                with contextlib.suppress(TimeoutError, OSError):
                    self.received += len(held.recv(65536))

    def start(self) -> StalledServer:
        """Start accepting."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting and close every connection (the client then sees them drop)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for held in self._held:
            held.close()
        self._listener.close()

    def __enter__(self) -> StalledServer:
        """Start accepting."""
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop."""
        self.stop()
