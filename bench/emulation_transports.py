"""Emulation transports: requests per second through each adapter, in process and over a socket.

One trivial emulator (and a trivial WSGI and ASGI app behind the bridges), so the figures
are the cost of the transport itself: converting the library's request to an
``HttpRequest`` and the ``HttpResponse`` back, plus, over the socket, HTTP on 127.0.0.1
with keep-alive. Also the time ``EmulatorServer.stop()`` takes (its poll interval).
Written to bench/results.json under ``emulation_transports``.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import requests

from calsync.emulation import Emulator, Fault, HttpRequest, HttpResponse
from calsync.emulation.bridges import AsgiEmulator, WsgiEmulator
from calsync.emulation.httplib2_transport import InProcessHttp
from calsync.emulation.httpx_transport import InProcessTransport
from calsync.emulation.requests_transport import InProcessAdapter
from calsync.emulation.server import EmulatorServer

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("results.json")
REQUESTS = 400
URL = "https://service.example.com/items/1?fields=all"
BODY = b'{"id": "1", "subject": "Kickoff"}'


class Fixed(Emulator):
    """Answers every request with the same small JSON body."""

    def endpoint_of(self, request: HttpRequest) -> str:
        return request.method

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        return HttpResponse(headers={"Content-Type": "application/json"}, body=BODY)

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        return HttpResponse(status=500)

    def reset(self) -> None:
        self.reset_counts()

    def snapshot(self) -> dict[str, object]:
        return {}


def wsgi_app(environ: dict[str, Any], start_response: Callable[..., object]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/json")])
    return [BODY]


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        raise RuntimeError("no lifespan")
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


def rate(call: Callable[[], object]) -> float:
    """Requests per second over :data:`REQUESTS` calls (after one warm-up call)."""
    call()
    started = time.perf_counter()
    for _ in range(REQUESTS):
        call()
    return REQUESTS / (time.perf_counter() - started)


def session(emulator: Emulator) -> requests.Session:
    mounted = requests.Session()
    mounted.mount("https://", InProcessAdapter(emulator))
    return mounted


def measure() -> dict[str, float]:
    """Requests per second through each transport."""
    figures: dict[str, float] = {}
    in_process = session(Fixed())
    figures["requests, in process"] = rate(lambda: in_process.get(URL))
    with httpx.Client(transport=InProcessTransport(Fixed())) as client:
        figures["httpx, in process"] = rate(lambda: client.get(URL))
    http = InProcessHttp(Fixed())
    figures["httplib2, in process"] = rate(lambda: http.request(URL))
    wsgi = session(WsgiEmulator(wsgi_app))
    figures["WSGI bridge, in process (requests)"] = rate(lambda: wsgi.get(URL))
    with AsgiEmulator(asgi_app) as bridged:
        asgi = session(bridged)
        figures["ASGI bridge, in process (requests)"] = rate(lambda: asgi.get(URL))
    with EmulatorServer(Fixed()) as server, requests.Session() as remote:
        local = f"{server.url}/items/1?fields=all"
        figures["requests, socket server"] = rate(lambda: remote.get(local, timeout=5))
        with httpx.Client() as client:
            figures["httpx, socket server"] = rate(lambda: client.get(local))
    server = EmulatorServer(Fixed()).start()
    started = time.perf_counter()
    server.stop()
    figures["EmulatorServer.stop() seconds"] = round(time.perf_counter() - started, 3)
    return {name: round(value, 3 if "seconds" in name else 0) for name, value in figures.items()}


def main() -> None:
    """Measure, print, and record the figures in results.json."""
    figures = measure()
    for name, value in figures.items():
        unit = "" if "seconds" in name else " requests/s"
        print(f"{name:<40}{value:>10,}{unit}")
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["emulation_transports"] = {"commit": commit, "requests": REQUESTS, "figures": figures}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
