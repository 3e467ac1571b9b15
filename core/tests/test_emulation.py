"""The shared emulator plumbing: request path, faults, counters, transports."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from calsync.emulation import (
    Emulator,
    Fault,
    FaultKind,
    FrozenClock,
    HttpRequest,
    HttpResponse,
)
from calsync.emulation.requests_transport import ForwardingAdapter, InProcessAdapter
from calsync.emulation.server import EmulatorServer


class EchoEmulator(Emulator):
    """A tiny stateful service: POST /items appends, GET /items lists."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.items: list[dict[str, object]] = []

    def endpoint_of(self, request: HttpRequest) -> str:
        return f"{request.method} {request.path}"

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        if endpoint == "POST /items":
            item = json.loads(request.body)
            item["at"] = self.clock.now().isoformat()
            self.items.append(item)
            return HttpResponse(status=201, body=json.dumps(item).encode())
        return HttpResponse(body=json.dumps(self.items).encode(), headers={"X-Seen": request.url})

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        if fault.kind is FaultKind.TIMEOUT:
            return HttpResponse(timeout=True)
        return HttpResponse(status=503, body=fault.kind.value.encode())

    def reset(self) -> None:
        self.items.clear()
        self.faults.clear()
        self.reset_counts()

    def snapshot(self) -> dict[str, object]:
        return {"items": list(self.items)}


@pytest.fixture
def emulator() -> EchoEmulator:
    return EchoEmulator(clock=FrozenClock(datetime(2026, 1, 5, 9, tzinfo=UTC)))


def session_for(emulator: Emulator) -> requests.Session:
    session = requests.Session()
    session.mount("https://", InProcessAdapter(emulator))
    return session


def test_in_process_adapter_keeps_the_production_url_and_state(emulator: EchoEmulator) -> None:
    session = session_for(emulator)
    assert session.post("https://api.example.com/items", json={"n": 1}).status_code == 201
    listed = session.get("https://api.example.com/items?x=1")
    assert listed.json() == [{"n": 1, "at": "2026-01-05T09:00:00+00:00"}]
    assert listed.headers["X-Seen"] == "https://api.example.com/items?x=1"
    assert emulator.counts == {"POST /items": 1, "GET /items": 1}


def test_bound_adapter_class_is_constructible_with_pool_options_only(
    emulator: EchoEmulator,
) -> None:
    adapter_cls = InProcessAdapter.bound_to(emulator)
    adapter = adapter_cls(pool_block=True, pool_connections=1, pool_maxsize=1, max_retries=0)
    session = requests.Session()
    session.mount("https://", adapter)
    assert session.get("https://x/items").json() == []


def test_faults_hit_only_their_endpoint_and_only_as_often_as_armed(emulator: EchoEmulator) -> None:
    session = session_for(emulator)
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR, endpoint="GET /items", times=2))
    assert session.post("https://x/items", json={}).status_code == 201
    assert session.get("https://x/items").status_code == 503
    assert session.get("https://x/items").status_code == 503
    assert session.get("https://x/items").status_code == 200
    assert emulator.faults.armed == ()


def test_a_separate_service_is_reached_only_by_faults_that_name_it(
    emulator: EchoEmulator,
) -> None:
    emulator.separate_endpoints = frozenset({"POST /items"})  # say, the sign-in service
    session = session_for(emulator)
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR, times=None))
    assert session.post("https://x/items", json={}).status_code == 201
    assert session.get("https://x/items").status_code == 503
    emulator.faults.clear()
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR, endpoint="POST /items"))
    assert session.post("https://x/items", json={}).status_code == 503


def test_timeout_fault_raises_the_clients_timeout(emulator: EchoEmulator) -> None:
    emulator.faults.inject(FaultKind.TIMEOUT)
    with pytest.raises(requests.exceptions.Timeout):
        session_for(emulator).get("https://x/items")


def test_frozen_clock_moves_only_when_told() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(90)
    assert clock.now() == datetime(2026, 3, 1, 0, 1, 30, tzinfo=UTC)
    clock.advance(timedelta(days=1))
    assert clock.now().day == 2
    with pytest.raises(ValueError, match="aware"):
        FrozenClock(datetime(2026, 3, 1))


def test_socket_server_and_forwarding_adapter(emulator: EchoEmulator) -> None:
    with EmulatorServer(emulator) as server:
        direct = requests.post(f"{server.url}/items", json={"n": 2}, timeout=5)
        assert direct.status_code == 201
        session = requests.Session()
        session.mount("https://", ForwardingAdapter(server.url))
        forwarded = session.get("https://acme.my.salesforce.com/items?q=1", timeout=5)
        assert [item["n"] for item in forwarded.json()] == [2]
        assert forwarded.headers["X-Seen"] == f"{server.url}/items?q=1"
    assert emulator.counts == {"POST /items": 1, "GET /items": 1}


class BatchingEmulator(EchoEmulator):
    """Takes a partial failure only on a batch (POST /batch); every other fault anywhere."""

    def fault_applies(self, endpoint: str, request: HttpRequest, fault: Fault) -> bool:
        return fault.kind is not FaultKind.PARTIAL_FAILURE or endpoint == "POST /batch"

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        if endpoint == "POST /batch":
            return HttpResponse(body=b'["ok", "ok"]')
        return super().dispatch(endpoint, request)

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        if fault.kind is FaultKind.PARTIAL_FAILURE:
            return HttpResponse(body=b'["failed", "ok"]')
        return super().render_fault(endpoint, request, fault)


def test_a_declined_fault_stays_armed_for_the_request_it_applies_to() -> None:
    emulator = BatchingEmulator()
    session = session_for(emulator)
    emulator.faults.arm(Fault(kind=FaultKind.PARTIAL_FAILURE))
    assert session.post("https://x/items", json={"n": 1}).status_code == 201
    assert session.get("https://x/items").status_code == 200
    assert emulator.faults.armed == (Fault(kind=FaultKind.PARTIAL_FAILURE),)
    assert session.post("https://x/batch").json() == ["failed", "ok"]
    assert session.post("https://x/batch").json() == ["ok", "ok"]
    assert emulator.faults.armed == ()
    assert len(emulator.items) == 1  # the declined fault did not stop the item's creation


def test_a_declined_fault_keeps_its_place_and_lets_a_later_one_through() -> None:
    emulator = BatchingEmulator()
    session = session_for(emulator)
    emulator.faults.arm(Fault(kind=FaultKind.PARTIAL_FAILURE, times=2))
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR))
    assert session.get("https://x/items").status_code == 503  # the later fault applies here
    assert session.post("https://x/batch").json() == ["failed", "ok"]
    assert emulator.faults.armed == (Fault(kind=FaultKind.PARTIAL_FAILURE, times=2),)
    assert session.post("https://x/batch").json() == ["failed", "ok"]
    assert emulator.faults.armed == ()


def test_a_fault_armed_on_an_alias_hits_the_first_of_its_endpoints(
    emulator: EchoEmulator,
) -> None:
    emulator.fault_aliases = {"write": frozenset({"POST /items", "PUT /items"})}
    session = session_for(emulator)
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR, endpoint="write", times=2))
    assert session.get("https://x/items").status_code == 200
    assert session.put("https://x/items").status_code == 503
    assert session.post("https://x/items", json={}).status_code == 503
    assert session.post("https://x/items", json={}).status_code == 201
    assert emulator.counts == {"GET /items": 1, "PUT /items": 1, "POST /items": 2}
