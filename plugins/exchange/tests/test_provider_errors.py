"""Errors leave the provider as calsync's, whatever exchangelib, requests or oauthlib raised."""

from __future__ import annotations

import pytest
import requests
from ews_testing import ALICE, BOB, PASSWORD
from exchangelib import OAuth2Credentials
from exchangelib import errors as ews
from exchangelib.errors import ErrorServerBusy
from oauthlib.oauth2.rfc6749 import errors as oauth
from provider_testing import provider_for, utc

from calsync.emulation import Fault, FaultKind
from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.model import CalendarItem
from calsync.providers import Write
from calsync_exchange import AccessType, AuthType, ExchangeMailbox
from calsync_exchange.emulator import EwsEmulator
from calsync_exchange.errors import ERRORS, item_failure

TENANT = "contoso.onmicrosoft.com"


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        (FaultKind.THROTTLE, ThrottledError),
        (FaultKind.AUTH_EXPIRED, AuthError),
        (FaultKind.SERVER_ERROR, ServiceUnavailableError),
        (FaultKind.TIMEOUT, ServiceUnavailableError),
        (FaultKind.MALFORMED, InvalidReplyError),
        (FaultKind.CURSOR_EXPIRED, CursorExpiredError),
    ],
)
def test_faults_become_calsync_errors(
    provider: ExchangeMailbox, emulator: EwsEmulator, kind: FaultKind, error: type[ProviderError]
) -> None:
    cursor = provider.pull(None).cursor
    emulator.faults.arm(Fault(kind=kind, endpoint="SyncFolderItems", retry_after=2.5))
    with pytest.raises(error) as raised:
        provider.pull(cursor)
    assert raised.value.source == "mailbox"
    assert not isinstance(raised.value.__cause__, ProviderError)
    if kind is FaultKind.THROTTLE:
        assert isinstance(raised.value, ThrottledError) and raised.value.retry_after == 2.5


@pytest.mark.parametrize("endpoint", ["GetItem", "CreateItem", "FindItem", "UpdateItem"])
def test_every_call_translates(
    provider: ExchangeMailbox, emulator: EwsEmulator, endpoint: str
) -> None:
    item_id = emulator.seed_item(
        ALICE, subject="x", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR, endpoint=endpoint))
    item = CalendarItem(subject="y", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    calls = {
        "GetItem": lambda: provider.fetch([item_id]),
        "CreateItem": lambda: provider.write([Write.create(item)]),
        "FindItem": lambda: provider.find_by_counterpart(["00U1"]),
        "UpdateItem": lambda: provider.write([Write.update(item_id, item, frozenset({"subject"}))]),
    }
    with pytest.raises(ServiceUnavailableError):
        calls[endpoint]()


def test_a_wrong_password_is_auth_failed(emulator: EwsEmulator) -> None:
    provider = provider_for(emulator, ALICE, "wrong")
    with pytest.raises(AuthError, match="credentials"):
        provider.pull(None)
    provider.close()


def test_a_patient_policy_still_reports_refused_credentials_at_once(emulator: EwsEmulator) -> None:
    # Plain FaultTolerance would take the 401 for throttling and end in RateLimitError.
    provider = provider_for(emulator, ALICE, "wrong", max_wait=1)
    with pytest.raises(AuthError):
        provider.pull(None)
    assert emulator.counts == {"SyncFolderItems": 1}
    provider.close()


def test_a_patient_policy_waits_out_short_throttling(emulator: EwsEmulator) -> None:
    provider = provider_for(emulator, ALICE, PASSWORD, max_wait=5)
    emulator.faults.arm(
        Fault(kind=FaultKind.THROTTLE, endpoint="SyncFolderItems", retry_after=0.01)
    )
    assert provider.pull(None).full
    assert emulator.counts["SyncFolderItems"] == 2
    provider.close()


def _oauth(emulator: EwsEmulator, secret: str) -> OAuth2Credentials:
    emulator.add_application(tenant=TENANT, client_id="calsync-app", client_secret="app-secret")
    return OAuth2Credentials(client_id="calsync-app", client_secret=secret, tenant_id=TENANT)


def test_oauth_client_credentials_with_impersonation(emulator: EwsEmulator) -> None:
    from exchangelib import Identity

    credentials = _oauth(emulator, "app-secret")
    credentials.identity = Identity(primary_smtp_address=BOB)
    emulator.seed_item(BOB, subject="Bob's", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    provider = provider_for(
        emulator,
        BOB,
        "",
        credentials=credentials,
        auth=AuthType.OAUTH,
        access=AccessType.IMPERSONATION,
    )
    assert [i.subject for i in provider.pull(None).changed] == ["Bob's"]
    assert emulator.counts["oauth2/token"] == 1
    provider.close()


def test_a_wrong_client_secret_is_auth_failed(emulator: EwsEmulator) -> None:
    provider = provider_for(
        emulator,
        BOB,
        "",
        credentials=_oauth(emulator, "nope"),
        auth="oauth",
        access="impersonation",
    )
    with pytest.raises(AuthError, match="AADSTS7000215"):
        provider.pull(None)
    provider.close()


def test_a_throttled_token_endpoint_is_throttling(emulator: EwsEmulator) -> None:
    provider = provider_for(
        emulator,
        BOB,
        "",
        credentials=_oauth(emulator, "app-secret"),
        auth="oauth",
        access="impersonation",
    )
    emulator.faults.arm(Fault(kind=FaultKind.THROTTLE, endpoint="oauth2/token"))
    with pytest.raises(ThrottledError):
        provider.pull(None)
    provider.close()


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (ews.UnauthorizedError("401"), AuthError),
        (ews.ErrorImpersonateUserDenied("no"), AuthError),
        (ews.ErrorNonExistentMailbox("no"), AuthError),
        (ErrorServerBusy("busy", back_off=4), ThrottledError),
        (
            ErrorServerBusy("Reraised from ErrorInternalServerTransientError(x)", back_off=10),
            ServiceUnavailableError,
        ),
        (ews.RateLimitError("Max timeout reached", wait=30), ThrottledError),
        (ews.ErrorTimeoutExpired("slow"), ServiceUnavailableError),
        (ews.ErrorInvalidSyncStateData("old"), CursorExpiredError),
        (ews.MalformedResponseError("garbage"), InvalidReplyError),
        (ews.SOAPError("garbage"), InvalidReplyError),
        (ews.TransportError("broken"), ServiceUnavailableError),
        (requests.exceptions.ConnectionError("refused"), ServiceUnavailableError),
        (oauth.InvalidClientError(description="bad secret"), AuthError),
        (oauth.ServerError(description="down"), ServiceUnavailableError),
        (oauth.MissingTokenError(), InvalidReplyError),
        (ews.ErrorSchemaValidation("bad request"), ProviderError),
        (KeyError("Start"), InvalidReplyError),
    ],
)
def test_translation_table(raised: Exception, expected: type[ProviderError]) -> None:
    with pytest.raises(expected) as caught, ERRORS.boundary("test"):
        raise raised
    assert caught.value.__cause__ is raised
    assert type(caught.value) is expected


def test_calsync_errors_and_other_exceptions_pass_through() -> None:
    with pytest.raises(CursorExpiredError), ERRORS.boundary("test"):
        raise CursorExpiredError("as it is")
    with pytest.raises(RuntimeError), ERRORS.boundary("test"):
        raise RuntimeError("a bug is not a service error")


def test_per_item_errors_get_catalogue_codes() -> None:
    assert item_failure(ews.ErrorTimeZone("x")).code == "UNSUPPORTED_TIME_ZONE"
    busy = item_failure(ErrorServerBusy("x", back_off=3))
    assert (busy.code, busy.retry_after) == ("THROTTLED", 3)
    other = item_failure(ews.ErrorCalendarDurationIsTooLong("too long"))
    assert other.code == "INTERNAL_ERROR" and "ErrorCalendarDurationIsTooLong" in other.message
