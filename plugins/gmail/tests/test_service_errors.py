"""A failing Google, as googleapiclient and httplib2 meet it: what calsync reports, how often.

A 503's ``Retry-After`` is kept, error pages are cut to one line, a refused connection is
not a timeout, and ``timeout`` ends a call to a server that stalls.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from gapi_support import ALICE

from calsync.config.secrets import Secret
from calsync.emulation import Fault, FaultKind
from calsync.emulation.dead import StalledServer, refused_url
from calsync.emulation.server import EmulatorServer
from calsync.errors import ServiceUnavailableError
from calsync.providers import ProviderContext
from calsync_gmail.emulator import DEFAULT_SCOPES, GoogleEmulator, authorized_http
from calsync_gmail.emulator._oauth import INSTALLED_CLIENT_ID
from calsync_gmail.harness import GmailHarness
from calsync_gmail.provider import GmailMailbox
from calsync_gmail.settings import GmailSettings


def _fail_pull(harness: GmailHarness, emulator: GoogleEmulator, detail: str) -> Exception:
    provider = harness.open_mailbox(ALICE)
    provider.session.zone  # noqa: B018 - the calendar is read first; fault the list itself
    emulator.reset_counts()
    emulator.faults.arm(
        Fault(
            kind=FaultKind.SERVER_ERROR,
            endpoint="calendar.events.list",
            detail=detail,
            retry_after=7,
        )
    )
    with pytest.raises(ServiceUnavailableError) as raised:
        provider.pull(None)
    assert emulator.total_requests == 1, "failed fast: the engine decides when to retry"
    return raised.value


def test_a_503_keeps_its_retry_after(harness: GmailHarness, emulator: GoogleEmulator) -> None:
    error = _fail_pull(harness, emulator, "503 retry-after")
    assert error.code == "SERVICE_UNAVAILABLE" and error.retry_after == 7
    assert str(error) == (
        "Google Calendar failed (events.list): HTTP 503 backendError: "
        "The service is currently unavailable."
    )


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("502 html", "HTTP 502: Error 502 (Server Error)!!1"),
        ("503 html retry-after", "HTTP 503: Error 503 (Service Unavailable)!!1"),
    ],
)
def test_an_error_page_is_cut_to_one_line(
    harness: GmailHarness, emulator: GoogleEmulator, detail: str, shown: str
) -> None:
    error = _fail_pull(harness, emulator, detail)
    assert str(error) == f"Google Calendar failed (events.list): {shown}"
    assert error.retry_after == (7 if "retry-after" in detail else None)


@pytest.fixture
def token_server(emulator: GoogleEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator) as running:
        yield running


def _provider(
    emulator: GoogleEmulator, token_url: str, api_url: str, monkeypatch: pytest.MonkeyPatch
) -> GmailMailbox:
    """A mailbox whose sign-in works (the emulator) and whose Calendar API is ``api_url``."""
    monkeypatch.setenv("GMAIL_SECRET", emulator.oauth.client_secret)
    monkeypatch.setenv(
        "GMAIL_REFRESH", emulator.oauth.grant_refresh_token(ALICE, frozenset(DEFAULT_SCOPES))
    )
    monkeypatch.setenv("GMAIL_ID", INSTALLED_CLIENT_ID)
    settings = GmailSettings(
        client_id=Secret(env="GMAIL_ID"),
        client_secret=Secret(env="GMAIL_SECRET"),
        refresh_token=Secret(env="GMAIL_REFRESH"),
        calendar_api=f"{api_url}/calendar/v3/",
        token_uri=f"{token_url}/token",
        timeout=0.5,
    )
    return GmailMailbox.from_context(ProviderContext(settings=settings, name="a", address=ALICE))


def test_a_refused_connection_is_reported_as_refused(
    emulator: GoogleEmulator, token_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = _provider(emulator, token_server.url, refused_url(), monkeypatch)
    with pytest.raises(ServiceUnavailableError) as raised:
        provider.pull(None)
    provider.close()
    assert str(raised.value) == "Google Calendar connection refused (events.list)"


def test_a_stalled_server_times_out_after_timeout(
    emulator: GoogleEmulator, token_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StalledServer() as stalled:
        provider = _provider(emulator, token_server.url, stalled.url, monkeypatch)
        with pytest.raises(ServiceUnavailableError) as raised:
            provider.pull(None)
        provider.close()
    assert str(raised.value) == "Google Calendar timed out (events.list; no answer within timeout)"
    assert stalled.connections >= 1 and stalled.received > 0
    assert emulator.counts["oauth2.token"] == 1, "signed in once, at the real endpoint"


def test_num_retries_waits_within_the_call_as_the_shared_policy_says(
    harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    credentials = emulator.service_account_credentials(ALICE)
    settings = dataclasses.replace(harness.settings, num_retries=2)
    provider = GmailMailbox(ALICE, authorized_http(emulator, credentials), settings)
    sleeps: list[float] = []
    provider.session.client.sleep = sleeps.append
    provider.session.zone  # noqa: B018 - the calendar is read first; fault the list itself
    emulator.reset_counts()
    emulator.faults.arm(
        Fault(kind=FaultKind.THROTTLE, endpoint="calendar.events.list", detail="429", retry_after=3)
    )
    emulator.faults.arm(Fault(kind=FaultKind.THROTTLE, endpoint="calendar.events.list"))
    assert provider.pull(None).full
    assert sleeps[0] == 3, "the hint, as given"
    assert 2 <= sleeps[1] <= 3, "no hint, second wait: 2 s and up to 1 s of jitter"
    assert emulator.counts["calendar.events.list"] == 3
    provider.close()


def test_a_web_page_from_the_token_endpoint_is_no_refusal() -> None:
    """A proxy's page where OAuth's JSON was expected: the endpoint failed, the mailbox stays.

    Found from outside: it suspended the mailbox (AUTH_FAILED) with the whole page as detail.
    """
    from google.auth.exceptions import RefreshError

    from calsync.errors import AuthError
    from calsync_gmail.errors import ERRORS

    page = (
        '<!DOCTYPE HTML>\n<html lang="en">\n<head><title>Error response</title></head>\n'
        "<body><h1>Error response</h1><p>Error code: 501</p></body>\n</html>\n"
    )
    error = ERRORS.translated(RefreshError(page, retryable=False), "events.list")
    assert isinstance(error, ServiceUnavailableError)
    assert str(error) == "Google's token endpoint failed during events.list: Error response"
    refused = ERRORS.translated(
        RefreshError("invalid_grant: Token has been expired or revoked.", {}, retryable=False),
        "events.list",
    )
    assert isinstance(refused, AuthError) and "invalid_grant" in str(refused)
