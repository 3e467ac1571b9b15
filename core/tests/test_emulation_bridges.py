"""Existing servers behind the Emulator base: a tiny WSGI app and a Starlette (ASGI) app.

Each is reached through the client libraries' adapters in process and through the socket
server, with the emulator's counters, request record and faults, as a plugin wrapping
Radicale or a FastAPI mock would use them.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import httpx
import pytest
import requests
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from calsync.emulation import FaultKind
from calsync.emulation.bridges import AsgiEmulator, WsgiEmulator
from calsync.emulation.httplib2_transport import InProcessHttp
from calsync.emulation.httpx_transport import InProcessTransport
from calsync.emulation.requests_transport import InProcessAdapter
from calsync.emulation.server import EmulatorServer

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


class DavStore:
    """A WSGI app keeping calendar objects by path: PUT, GET, DELETE, PROPFIND lists."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., object]
    ) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        if method == "PUT":
            created = path not in self.objects
            self.objects[path] = body
            start_response("201 Created" if created else "204 No Content", [("ETag", '"1"')])
            return [b""]
        if method == "PROPFIND":
            listing = "".join(f"<response><href>{p}</href></response>" for p in self.objects)
            start_response("207 Multi-Status", [("Content-Type", "application/xml")])
            return [f'<multistatus xmlns="DAV:">{listing}</multistatus>'.encode()]
        if method == "GET" and path in self.objects:
            start_response("200 OK", [("Content-Type", "text/calendar")])
            return [self.objects[path]]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such object"]


@pytest.fixture
def dav() -> WsgiEmulator:
    return WsgiEmulator(DavStore())


def in_process(emulator: WsgiEmulator | AsgiEmulator) -> requests.Session:
    session = requests.Session()
    session.mount("https://", InProcessAdapter(emulator))
    return session


def test_wsgi_app_served_in_process_through_every_library(dav: WsgiEmulator) -> None:
    url = "https://dav.example.com/alice/work/a.ics"
    assert in_process(dav).put(url, data=ICS).status_code == 201
    with httpx.Client(transport=InProcessTransport(dav)) as client:
        assert client.get(url).content == ICS
    response, content = InProcessHttp(dav).request(
        "https://dav.example.com/alice/work/", "PROPFIND", headers={"Depth": "1"}
    )
    assert response.status == 207 and b"<href>/alice/work/a.ics</href>" in content
    assert dav.counts == {
        "PUT /alice/work/a.ics": 1,
        "GET /alice/work/a.ics": 1,
        "PROPFIND /alice/work/": 1,
    }
    assert dav.received[-1].headers["depth"] == "1"


def test_wsgi_app_served_over_the_socket_server(dav: WsgiEmulator) -> None:
    with EmulatorServer(dav) as server, requests.Session() as session:
        assert session.put(f"{server.url}/a.ics", data=ICS, timeout=5).status_code == 201
        chunked = session.put(f"{server.url}/a.ics", data=iter([ICS[:9], ICS[9:]]), timeout=5)
        assert chunked.status_code == 204 and dav.app.objects["/a.ics"] == ICS
        listing = session.request("PROPFIND", f"{server.url}/", timeout=5)
        missing = session.get(f"{server.url}/b.ics", timeout=5)
    assert listing.status_code == 207 and "<href>/a.ics</href>" in listing.text
    assert (missing.status_code, missing.text) == (404, "no such object")


def test_http_faults_are_answered_in_front_of_the_app(dav: WsgiEmulator) -> None:
    session = in_process(dav)
    url = "https://dav.example.com/a.ics"
    dav.faults.inject(FaultKind.THROTTLE, retry_after=2.5)
    throttled = session.put(url, data=ICS)
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "3")
    dav.faults.inject(FaultKind.AUTH_EXPIRED)
    refused = session.put(url, data=ICS)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic")
    dav.faults.inject(FaultKind.SERVER_ERROR, detail="503 html retry-after", retry_after=30)
    page = session.put(url, data=ICS)
    assert (page.status_code, page.headers["Retry-After"]) == (503, "30")
    assert page.headers["Content-Type"] == "text/html"
    assert dav.app.objects == {}  # none of those reached the app
    assert session.put(url, data=ICS).status_code == 201
    dav.faults.inject(FaultKind.MALFORMED)
    cut = session.get(url)
    assert cut.status_code == 200 and cut.content == ICS[: len(ICS) // 2]
    dav.faults.inject(FaultKind.TIMEOUT)
    with pytest.raises(requests.exceptions.Timeout):
        session.get(url)


def test_protocol_faults_are_declined_and_stay_armed(dav: WsgiEmulator) -> None:
    dav.faults.inject(FaultKind.CURSOR_EXPIRED)
    dav.faults.inject(FaultKind.PARTIAL_FAILURE, endpoint="PUT /a.ics")
    assert in_process(dav).put("https://dav.example.com/a.ics", data=ICS).status_code == 201
    assert {fault.kind for fault in dav.faults.armed} == {
        FaultKind.CURSOR_EXPIRED,
        FaultKind.PARTIAL_FAILURE,
    }


# -- ASGI -----------------------------------------------------------------------------------


def starlette_app(events: list[str]) -> Starlette:
    """A Starlette app whose lifespan makes an asyncio lock (bound to the running loop)."""
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["lock"], state["objects"] = asyncio.Lock(), {}
        events.append("startup")
        yield
        events.append("shutdown")

    async def put(request: Request) -> Response:
        async with state["lock"]:
            state["objects"][request.path_params["name"]] = await request.body()
        return Response(status_code=201)

    async def get(request: Request) -> Response:
        async with state["lock"]:
            body = state["objects"].get(request.path_params["name"])
        if body is None:
            return Response("missing", status_code=404)
        return Response(body, media_type="text/calendar", headers={"X-Path": request.url.path})

    async def propfind(request: Request) -> Response:
        hrefs = "".join(f"<href>/{name}</href>" for name in state["objects"])
        return Response(hrefs, status_code=207, media_type="application/xml")

    return Starlette(
        routes=[
            Route("/{name}", put, methods=["PUT"]),
            Route("/{name}", get, methods=["GET"]),
            Route("/", propfind, methods=["PROPFIND"]),
        ],
        lifespan=lifespan,
    )


@pytest.fixture
def events() -> list[str]:
    return []


@pytest.fixture
def asgi(events: list[str]) -> Iterator[AsgiEmulator]:
    with AsgiEmulator(starlette_app(events)) as emulator:
        yield emulator


def test_starlette_app_in_process_keeps_its_state_between_requests(
    asgi: AsgiEmulator, events: list[str]
) -> None:
    assert events == ["startup"]
    session = in_process(asgi)
    assert session.put("https://cal.example.com/a.ics", data=ICS).status_code == 201
    got = session.get("https://cal.example.com/a.ics")
    assert got.content == ICS and got.headers["X-Path"] == "/a.ics"
    response, content = InProcessHttp(asgi).request("https://cal.example.com/", "PROPFIND")
    assert (response.status, content) == (207, b"<href>/a.ics</href>")
    assert asgi.counts == {"PUT /a.ics": 1, "GET /a.ics": 1, "PROPFIND /": 1}


def test_starlette_app_over_the_socket_server_with_faults(asgi: AsgiEmulator) -> None:
    with EmulatorServer(asgi) as server, requests.Session() as session:
        asgi.faults.inject(FaultKind.SERVER_ERROR, endpoint="PUT /a.ics")
        assert session.put(f"{server.url}/a.ics", data=ICS, timeout=5).status_code == 500
        assert session.put(f"{server.url}/a.ics", data=ICS, timeout=5).status_code == 201
        assert session.get(f"{server.url}/a.ics", timeout=5).content == ICS
        assert session.get(f"{server.url}/b.ics", timeout=5).status_code == 404


def test_closing_the_asgi_bridge_runs_the_apps_shutdown(events: list[str]) -> None:
    emulator = AsgiEmulator(starlette_app(events))
    emulator.close()
    assert events == ["startup", "shutdown"]


def test_an_asgi_app_without_lifespan_is_served(events: list[str]) -> None:
    async def bare(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise RuntimeError("only http")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["method"].encode()})

    with AsgiEmulator(bare) as emulator:
        assert in_process(emulator).request("OPTIONS", "https://x/").text == "OPTIONS"


def test_an_asgi_app_whose_startup_fails_is_named_and_its_loop_stopped() -> None:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        raise ConnectionRefusedError("the mock's database is down")
        yield

    threads = threading.active_count()
    with pytest.raises(RuntimeError, match=r"(?s)startup failed: .*database is down"):
        AsgiEmulator(Starlette(lifespan=lifespan))
    assert threading.active_count() == threads
