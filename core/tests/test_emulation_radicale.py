"""A real CalDAV server, Radicale, wrapped behind the Emulator base (the issue's case).

The WebDAV methods a CalDAV client sends (MKCALENDAR, PUT, PROPFIND, REPORT) reach
Radicale unchanged, in process and over the socket server, and the emulator's counters and
faults work in front of it; a subclass takes cursor expiry on a ``sync-collection`` REPORT
only, as RFC 6578 defines it.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import requests

from calsync.emulation import Fault, FaultKind, HttpRequest, HttpResponse
from calsync.emulation.bridges import WsgiEmulator
from calsync.emulation.httpx_transport import ForwardingTransport
from calsync.emulation.requests_transport import InProcessAdapter
from calsync.emulation.server import EmulatorServer

radicale = pytest.importorskip("radicale", reason="Radicale is installed by `make setup`")

BASE = "https://dav.example.com"
CALENDAR = "/alice/work/"
EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//calsync//test//EN\r\nBEGIN:VEVENT\r\n"
    "UID:kickoff-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\n"
    "DTEND:20260105T100000Z\r\nSUMMARY:Kickoff\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
SYNC = (
    '<?xml version="1.0"?><sync-collection xmlns="DAV:"><sync-token>{token}</sync-token>'
    "<sync-level>1</sync-level><prop><getetag/></prop></sync-collection>"
)


class RadicaleEmulator(WsgiEmulator):
    """Radicale, with RFC 6578 cursor expiry answered on ``sync-collection`` reports."""

    def __init__(self, folder: Path) -> None:
        configuration = radicale.config.load()
        configuration.update(
            {"storage": {"filesystem_folder": str(folder)}, "auth": {"type": "none"}}, "test"
        )
        super().__init__(radicale.Application(configuration))

    def endpoint_of(self, request: HttpRequest) -> str:
        if request.method == "REPORT" and b"sync-collection" in request.body:
            return "REPORT sync-collection"
        return super().endpoint_of(request)

    def fault_applies(self, endpoint: str, request: HttpRequest, fault: Fault) -> bool:
        if fault.kind is FaultKind.CURSOR_EXPIRED:
            return endpoint == "REPORT sync-collection"
        return super().fault_applies(endpoint, request, fault)

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        if fault.kind is FaultKind.CURSOR_EXPIRED:
            # RFC 6578 section 3.2: a token the server no longer accepts is a 403 with the
            # DAV:valid-sync-token precondition.
            body = b'<?xml version="1.0"?><error xmlns="DAV:"><valid-sync-token/></error>'
            return HttpResponse(status=403, headers={"Content-Type": "application/xml"}, body=body)
        return super().render_fault(endpoint, request, fault)


@pytest.fixture
def dav(tmp_path: Path) -> RadicaleEmulator:
    return RadicaleEmulator(tmp_path)


def test_radicale_in_process_through_requests(dav: RadicaleEmulator) -> None:
    session = requests.Session()
    session.mount("https://", InProcessAdapter(dav))
    session.auth = ("alice", "unused")
    assert session.request("MKCALENDAR", BASE + CALENDAR).status_code == 201
    put = session.put(BASE + CALENDAR + "kickoff.ics", data=EVENT)
    assert put.status_code == 201 and put.headers["ETag"]
    report = session.request("REPORT", BASE + CALENDAR, data=SYNC.format(token=""))
    assert report.status_code == 207
    assert put.headers["ETag"] in report.text and "<sync-token>" in report.text
    assert "SUMMARY:Kickoff" in session.get(BASE + CALENDAR + "kickoff.ics").text
    assert dav.counts == {
        "MKCALENDAR /alice/work/": 1,
        "PUT /alice/work/kickoff.ics": 1,
        "REPORT sync-collection": 1,
        "GET /alice/work/kickoff.ics": 1,
    }


def test_radicale_over_the_socket_server_with_a_cursor_expiry(dav: RadicaleEmulator) -> None:
    auth = httpx.BasicAuth("alice", "unused")
    with (
        EmulatorServer(dav) as server,
        httpx.Client(transport=ForwardingTransport(server.url), auth=auth) as client,
    ):
        client.request("MKCALENDAR", BASE + CALENDAR)
        client.put(BASE + CALENDAR + "kickoff.ics", content=EVENT)
        dav.faults.inject(FaultKind.CURSOR_EXPIRED)
        listing = client.request("PROPFIND", BASE + CALENDAR, headers={"Depth": "1"})
        assert listing.status_code == 207 and "/alice/work/kickoff.ics" in listing.text
        assert dav.faults.armed  # the PROPFIND declined it
        expired = client.request("REPORT", BASE + CALENDAR, content=SYNC.format(token="old"))
        assert expired.status_code == 403 and "valid-sync-token" in expired.text
        again = client.request("REPORT", BASE + CALENDAR, content=SYNC.format(token=""))
        assert again.status_code == 207
    assert dav.faults.armed == ()
