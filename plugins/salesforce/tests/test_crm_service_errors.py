"""A failing Salesforce, as simple-salesforce meets it: what calsync reports, and how often.

429 is throttling, a 503's ``Retry-After`` is kept, error pages are cut to one line, a
refused connection is not a timeout, and ``timeout_seconds`` ends a call that stalls.
"""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

from calsync.config.secrets import Secret
from calsync.emulation import FaultKind
from calsync.emulation.dead import StalledServer, refused_url
from calsync.errors import AuthError, ServiceUnavailableError, ThrottledError
from calsync.providers import ProviderContext
from calsync_salesforce.errors import translated
from calsync_salesforce.harness import SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm
from calsync_salesforce.settings import SalesforceSettings


def test_a_429_is_throttling_with_its_retry_after(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.emulator.reset_counts()
    harness.inject(FaultKind.THROTTLE, detail="429", retry_after=12)
    with pytest.raises(ThrottledError) as raised:
        crm.users(["olga@acme.test"])
    assert raised.value.code == "THROTTLED" and raised.value.retry_after == 12
    assert str(raised.value) == (
        "Salesforce asked to slow down: HTTP 429 REQUEST_LIMIT_EXCEEDED: Too many requests."
    )
    assert harness.emulator.total_requests == 1, "failed fast: the engine decides when to retry"


def test_a_503_keeps_its_retry_after(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.inject(FaultKind.SERVER_ERROR, detail="503 retry-after", retry_after=7)
    with pytest.raises(ServiceUnavailableError) as raised:
        crm.users(["olga@acme.test"])
    assert raised.value.retry_after == 7
    assert str(raised.value).startswith("Salesforce failed: HTTP 503 SERVER_UNAVAILABLE: ")


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("503 html", "HTTP 503 Salesforce - Down for Maintenance"),
        ("502 html", "HTTP 502 502 Bad Gateway"),
    ],
)
def test_an_error_page_is_cut_to_one_line(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, detail: str, shown: str
) -> None:
    harness.inject(FaultKind.SERVER_ERROR, detail=detail)
    with pytest.raises(ServiceUnavailableError) as raised:
        crm.users(["olga@acme.test"])
    assert str(raised.value) == f"Salesforce failed: {shown}"
    assert raised.value.retry_after is None


@pytest.mark.parametrize(
    ("code", "message", "error"),
    [
        (
            503,
            "<html><head><title>Down for Maintenance</title></head></html>",
            ServiceUnavailableError,
        ),
        ("SERVER_UNAVAILABLE", "Server temporarily unavailable.", ServiceUnavailableError),
        (429, "Too many requests", ThrottledError),
        ("INVALID_LOGIN", "Invalid username, password, security token.", AuthError),
    ],
)
def test_a_login_that_fails_for_the_service_is_not_refused_credentials(
    code: int | str, message: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as raised, translated():
        raise SalesforceAuthenticationFailed(code, message)
    assert "<" not in str(raised.value)


def _socket_provider(
    url: str, monkeypatch: pytest.MonkeyPatch, **settings: object
) -> SalesforceCrm:
    monkeypatch.setenv("SF_SESSION", "session")
    table = SalesforceSettings(
        instance_url="https://acme.my.salesforce.com",
        session_id=Secret(env="SF_SESSION"),
        forward_to=url,
        **settings,  # type: ignore[arg-type]
    )
    return SalesforceCrm.from_context(ProviderContext(settings=table, name="crm"))


def test_a_refused_connection_is_reported_as_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    crm = _socket_provider(refused_url(), monkeypatch)
    with pytest.raises(ServiceUnavailableError) as raised:
        crm.users(["olga@acme.test"])
    crm.close()
    assert str(raised.value) == "Salesforce connection refused"


def test_a_stalled_server_times_out_after_timeout_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    with StalledServer() as server:
        crm = _socket_provider(server.url, monkeypatch, timeout_seconds=1)
        with pytest.raises(ServiceUnavailableError) as raised:
            crm.features()  # a describe: simple-salesforce gives it no timeout of its own
        crm.close()
    assert str(raised.value) == "Salesforce timed out (no answer within timeout_seconds)"
    assert server.connections == 1 and server.received > 0
