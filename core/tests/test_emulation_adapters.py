"""Every client library's adapter against one small emulator, in process and over a socket.

The emulator answers every method (WebDAV's PROPFIND and REPORT included) with what it
received, so each test checks from the service side what arrived: method, URL, headers and
body, exactly as the library sent them.
"""

from __future__ import annotations

import asyncio
import json
import socket

import httplib2
import httpx
import pytest
import requests

from calsync.emulation import Emulator, Fault, FaultKind, HttpRequest, HttpResponse
from calsync.emulation.httplib2_transport import ForwardingHttp, InProcessHttp
from calsync.emulation.httpx_transport import (
    AsyncInProcessTransport,
    ForwardingTransport,
    InProcessTransport,
)
from calsync.emulation.requests_transport import ForwardingAdapter, InProcessAdapter
from calsync.emulation.server import EmulatorServer

PROPFIND = b'<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>'
DAV_METHODS = ("PROPFIND", "REPORT", "OPTIONS", "MKCALENDAR", "PROPPATCH", "MOVE", "PATCH")


class Recorder(Emulator):
    """Answers every request 207 (WebDAV's multi-status) with what it received, as JSON."""

    def endpoint_of(self, request: HttpRequest) -> str:
        return request.method

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        seen = {"method": request.method, "url": request.url, "body": request.body.decode()}
        return HttpResponse(
            status=207,
            headers={"Content-Type": "application/json", "DAV": "1, calendar-access"},
            body=json.dumps(seen).encode(),
        )

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        if fault.kind is FaultKind.TIMEOUT:
            return HttpResponse(timeout=True)
        return HttpResponse(status=503, headers={"Retry-After": "7"})

    def reset(self) -> None:
        self.faults.clear()
        self.reset_counts()

    def snapshot(self) -> dict[str, object]:
        return {}


@pytest.fixture
def emulator() -> Recorder:
    return Recorder()


URL = "https://dav.example.com/calendars/alice/work/?depth=1"


def seen(emulator: Recorder) -> HttpRequest:
    return emulator.received[-1]


# -- requests ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", DAV_METHODS)
def test_requests_adapter_passes_any_method(emulator: Recorder, method: str) -> None:
    session = requests.Session()
    session.mount("https://", InProcessAdapter(emulator))
    answer = session.request(method, URL, data=PROPFIND, headers={"Depth": "1"})
    assert answer.status_code == 207 and answer.headers["DAV"] == "1, calendar-access"
    request = seen(emulator)
    assert (request.method, request.url, request.body) == (method, URL, PROPFIND)
    assert request.headers["depth"] == "1"


def test_requests_adapter_reads_a_streamed_body(emulator: Recorder) -> None:
    session = requests.Session()
    session.mount("https://", InProcessAdapter(emulator))
    session.put(URL, data=iter([b"BEGIN:VCALENDAR\r\n", b"END:VCALENDAR\r\n"]))
    assert seen(emulator).body == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


# -- httpx --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", DAV_METHODS)
def test_httpx_transport_passes_any_method(emulator: Recorder, method: str) -> None:
    with httpx.Client(transport=InProcessTransport(emulator)) as client:
        answer = client.request(method, URL, content=PROPFIND, headers={"Depth": "1"})
    assert answer.status_code == 207 and answer.json()["method"] == method
    assert (seen(emulator).url, seen(emulator).body) == (URL, PROPFIND)


def test_async_httpx_transport(emulator: Recorder) -> None:
    async def propfind() -> httpx.Response:
        async with httpx.AsyncClient(transport=AsyncInProcessTransport(emulator)) as client:
            return await client.request("PROPFIND", URL, content=PROPFIND)

    answer = asyncio.run(propfind())
    assert answer.status_code == 207 and answer.json()["body"] == PROPFIND.decode()
    emulator.faults.inject(FaultKind.TIMEOUT)
    with pytest.raises(httpx.ReadTimeout):
        asyncio.run(propfind())
    assert emulator.counts == {"PROPFIND": 2}


# -- httplib2 -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", DAV_METHODS)
def test_httplib2_stand_in_passes_any_method(emulator: Recorder, method: str) -> None:
    response, content = InProcessHttp(emulator).request(
        URL, method, body=PROPFIND, headers={"Depth": "1"}
    )
    assert response.status == 207 and response["dav"] == "1, calendar-access"
    assert json.loads(content)["method"] == method
    assert (seen(emulator).url, seen(emulator).body) == (URL, PROPFIND)


def test_httplib2_stand_in_times_out_as_a_socket_does(emulator: Recorder) -> None:
    emulator.faults.inject(FaultKind.TIMEOUT)
    with pytest.raises(socket.timeout):
        InProcessHttp(emulator).request(URL)


def test_httplib2_forwarding_reaches_the_socket_server(emulator: Recorder) -> None:
    with EmulatorServer(emulator) as server:
        http = ForwardingHttp(server.url, timeout=5)
        response, content = http.request(URL, "REPORT", body=PROPFIND)
        http.close()
    assert response.status == 207
    assert json.loads(content) == {
        "method": "REPORT",
        "url": f"{server.url}/calendars/alice/work/?depth=1",
        "body": PROPFIND.decode(),
    }


def test_every_adapter_sees_the_same_fault_answer(emulator: Recorder) -> None:
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR, times=3))
    session = requests.Session()
    session.mount("https://", InProcessAdapter(emulator))
    by_requests = session.get(URL)
    with httpx.Client(transport=InProcessTransport(emulator)) as client:
        by_httpx = client.get(URL)
    by_httplib2, _ = InProcessHttp(emulator).request(URL)
    assert [by_requests.status_code, by_httpx.status_code, by_httplib2.status] == [503] * 3
    retry_after = (by_requests.headers, by_httpx.headers, by_httplib2)
    assert [headers["retry-after"] for headers in retry_after] == ["7"] * 3
    assert emulator.faults.armed == ()


# -- the socket server --------------------------------------------------------------------


@pytest.mark.parametrize("method", DAV_METHODS)
def test_socket_server_answers_any_method(emulator: Recorder, method: str) -> None:
    with EmulatorServer(emulator) as server:
        answer = requests.request(method, f"{server.url}/dav/?x=1", data=PROPFIND, timeout=5)
    assert answer.status_code == 207
    assert answer.json() == {
        "method": method,
        "url": f"{server.url}/dav/?x=1",
        "body": PROPFIND.decode(),
    }


def test_socket_server_reads_chunked_bodies_and_answers_head_without_one(
    emulator: Recorder,
) -> None:
    chunks = [b"BEGIN:VCALENDAR\r\n", b"", b"END:VCALENDAR\r\n"]
    with EmulatorServer(emulator) as server:
        put = requests.put(f"{server.url}/a.ics", data=iter(chunks), timeout=5)
        assert seen(emulator).headers["transfer-encoding"] == "chunked"
        head = requests.head(f"{server.url}/a.ics", timeout=5)
        # The connection is kept alive: a body after HEAD would corrupt this next answer.
        with requests.Session() as session:
            session.head(f"{server.url}/a.ics", timeout=5)
            after = session.get(f"{server.url}/a.ics", timeout=5)
    assert put.json()["body"] == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert head.status_code == 207 and head.content == b""
    assert int(head.headers["Content-Length"]) > 0
    assert after.json()["method"] == "GET"


def test_forwarding_adapters_of_requests_and_httpx_send_webdav_methods(
    emulator: Recorder,
) -> None:
    with EmulatorServer(emulator) as server, requests.Session() as session:
        session.mount("https://", ForwardingAdapter(server.url))
        by_requests = session.request("PROPFIND", URL, data=PROPFIND, timeout=5)
        with httpx.Client(transport=ForwardingTransport(server.url)) as client:
            by_httpx = client.request("MKCALENDAR", URL)
    assert by_requests.json()["method"] == "PROPFIND"
    assert by_httpx.json()["url"] == f"{server.url}/calendars/alice/work/?depth=1"
    assert emulator.counts == {"PROPFIND": 1, "MKCALENDAR": 1}


def test_httplib2_response_is_the_librarys_own(emulator: Recorder) -> None:
    response, _ = InProcessHttp(emulator).request(URL)
    assert isinstance(response, httplib2.Response) and response.reason == "Multi-Status"
