"""The httpx transports: in process with production URLs, and forwarded to a local server."""

from __future__ import annotations

import httpx
import pytest

from calsync.emulation import Emulator, Fault, FaultKind, HttpRequest, HttpResponse
from calsync.emulation.httpx_transport import ForwardingTransport, InProcessTransport
from calsync.emulation.server import EmulatorServer


class Mirror(Emulator):
    """Answers every request with what it received."""

    def endpoint_of(self, request: HttpRequest) -> str:
        return f"{request.method} {request.path}"

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        return HttpResponse(
            status=201 if request.method == "POST" else 200,
            headers={"X-Seen": request.url, "X-Auth": request.headers.get("authorization", "")},
            body=request.body,
        )

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        return HttpResponse(timeout=True)

    def reset(self) -> None:
        self.reset_counts()

    def snapshot(self) -> dict[str, object]:
        return {}


def test_in_process_keeps_the_production_url_headers_and_body() -> None:
    emulator = Mirror()
    with httpx.Client(transport=InProcessTransport(emulator)) as client:
        answer = client.post(
            "https://graph.microsoft.com/v1.0/$batch",
            content=b'{"requests": []}',
            headers={"Authorization": "Bearer t"},
        )
    assert answer.status_code == 201 and answer.content == b'{"requests": []}'
    assert answer.headers["X-Seen"] == "https://graph.microsoft.com/v1.0/$batch"
    assert answer.headers["X-Auth"] == "Bearer t"
    assert emulator.counts == {"POST /v1.0/$batch": 1}


def test_a_timeout_fault_raises_httpx_timeout() -> None:
    emulator = Mirror()
    emulator.faults.inject(FaultKind.TIMEOUT)
    with (
        httpx.Client(transport=InProcessTransport(emulator)) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get("https://graph.microsoft.com/v1.0/users")


def test_forwarding_sends_production_urls_to_the_local_server() -> None:
    emulator = Mirror()
    with (
        EmulatorServer(emulator) as server,
        httpx.Client(transport=ForwardingTransport(server.url)) as client,
    ):
        answer = client.get(
            "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration?x=1"
        )
    assert answer.status_code == 200
    assert (
        answer.headers["X-Seen"] == f"{server.url}/tenant/v2.0/.well-known/openid-configuration?x=1"
    )
