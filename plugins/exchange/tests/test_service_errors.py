"""A failing EWS, as exchangelib meets it: what calsync reports, and how often it asked.

503 with ``Retry-After`` keeps the hint, error pages are cut to one line, a refused
connection is not a timeout, and ``timeout_seconds`` ends a call to a server that stalls.
"""

from __future__ import annotations

import pytest
from ews_testing import ALICE, PASSWORD
from exchangelib import Credentials
from provider_testing import provider_for

from calsync.config.structure import structure
from calsync.emulation import Fault, FaultKind
from calsync.emulation.dead import StalledServer, refused_url
from calsync.errors import ServiceUnavailableError, ThrottledError
from calsync_exchange import ExchangeMailbox, ExchangeSettings
from calsync_exchange.emulator import EwsEmulator
from calsync_exchange.errors import ERRORS
from calsync_exchange.policies import HttpFailure


def _fail_pull(provider: ExchangeMailbox, emulator: EwsEmulator, detail: str) -> Exception:
    cursor = provider.pull(None).cursor
    emulator.faults.arm(
        Fault(kind=FaultKind.SERVER_ERROR, endpoint="SyncFolderItems", detail=detail, retry_after=7)
    )
    with pytest.raises(ServiceUnavailableError) as raised:
        provider.pull(cursor)
    return raised.value


def test_a_503_keeps_its_retry_after(provider: ExchangeMailbox, emulator: EwsEmulator) -> None:
    error = _fail_pull(provider, emulator, "503 retry-after")
    assert error.code == "SERVICE_UNAVAILABLE" and error.retry_after == 7
    assert str(error) == (
        "Exchange failed (pull): HTTP 503 Service Unavailable: Service Unavailable"
    )
    assert emulator.counts["SyncFolderItems"] == 2, "failed fast: one pull, one failed pull"


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("", "HTTP 500 Internal Server Error: Runtime Error"),
        ("502", "HTTP 502 Bad Gateway: 502 Bad Gateway"),
        ("503", "HTTP 503 Service Unavailable: Service Unavailable"),
    ],
)
def test_an_error_page_is_cut_to_one_line(
    provider: ExchangeMailbox, emulator: EwsEmulator, detail: str, shown: str
) -> None:
    error = _fail_pull(provider, emulator, detail)
    assert str(error) == f"Exchange failed (pull): {shown}"
    assert error.retry_after is None


def test_a_429_is_throttling() -> None:
    with pytest.raises(ThrottledError) as raised, ERRORS.boundary("pull"):
        raise HttpFailure(429, "Too Many Requests", "", 12.0)
    assert raised.value.retry_after == 12.0


def _socket_provider(url: str, **settings: object) -> ExchangeMailbox:
    return ExchangeMailbox(
        ExchangeSettings(endpoint=f"{url}/EWS/Exchange.asmx", **settings),  # type: ignore[arg-type]
        ALICE,
        credentials=Credentials(ALICE, PASSWORD),
    )


def test_a_refused_connection_is_reported_as_refused() -> None:
    provider = _socket_provider(refused_url())
    try:
        with pytest.raises(ServiceUnavailableError) as raised:
            provider.pull(None)
    finally:
        provider.close()
    assert str(raised.value) == "Exchange connection refused (pull)"


def test_a_stalled_server_times_out_after_timeout_seconds() -> None:
    with StalledServer() as server:
        provider = _socket_provider(server.url, timeout_seconds=0.5)
        try:
            with pytest.raises(ServiceUnavailableError) as raised:
                provider.pull(None)
        finally:
            provider.close()
    assert str(raised.value) == "Exchange timed out (pull; no answer within timeout_seconds)"
    assert server.connections == 1 and server.received > 0, "one request, sent once"


def test_timeout_seconds_is_checked() -> None:
    _, problems = structure({"timeout_seconds": 0}, ExchangeSettings, "settings")
    assert problems == [
        "settings.timeout_seconds: 0 seconds is out of range: more than 0 and at most 900"
    ]
    settings, problems = structure({"timeout_seconds": 30}, ExchangeSettings, "settings")
    assert problems == [] and settings is not None and settings.timeout_seconds == 30


def test_the_patient_policy_waits_out_a_503_as_asked(emulator: EwsEmulator) -> None:
    provider = provider_for(emulator, ALICE, PASSWORD, max_wait=5)
    emulator.faults.arm(
        Fault(
            kind=FaultKind.SERVER_ERROR,
            endpoint="SyncFolderItems",
            detail="503 retry-after",
            retry_after=0.01,
        )
    )
    assert provider.pull(None).full
    assert emulator.counts["SyncFolderItems"] == 2
    provider.close()
