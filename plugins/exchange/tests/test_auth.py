"""Authorization: Basic users, OAuth client credentials, impersonation, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ews_testing import ALICE, BOB, PASSWORD, utc
from exchangelib import IMPERSONATION, FaultTolerance, Identity, OAuth2Credentials
from exchangelib.errors import (
    ErrorImpersonateUserDenied,
    ErrorInvalidExchangeImpersonationHeaderData,
    RateLimitError,
    UnauthorizedError,
)
from oauthlib.oauth2 import InvalidClientError

from calsync.emulation import FaultKind, FrozenClock
from calsync_exchange.emulator import EwsEmulator, in_process_account

TENANT = "contoso.onmicrosoft.com"


@pytest.fixture
def app(emulator: EwsEmulator) -> OAuth2Credentials:
    emulator.add_application(tenant=TENANT, client_id="calsync-app", client_secret="app-secret")
    return OAuth2Credentials(
        client_id="calsync-app",
        client_secret="app-secret",
        tenant_id=TENANT,
        identity=Identity(primary_smtp_address=BOB),
    )


def test_a_wrong_password_is_http_401(emulator: EwsEmulator) -> None:
    with (
        in_process_account(emulator, ALICE, password="wrong") as account,
        pytest.raises(UnauthorizedError),
    ):
        account.calendar  # noqa: B018
    assert emulator.counts == {"GetFolder": 1}


def test_a_changed_password_locks_out_an_open_account(emulator: EwsEmulator) -> None:
    with in_process_account(emulator, ALICE, password=PASSWORD) as account:
        calendar = account.calendar
        emulator.set_password(ALICE, "rotated")
        with pytest.raises(UnauthorizedError):
            list(calendar.all())


def test_an_application_impersonates_the_target_mailbox(
    emulator: EwsEmulator, app: OAuth2Credentials
) -> None:
    emulator.seed_item(BOB, subject="Bob's", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    with in_process_account(emulator, BOB, credentials=app, access_type=IMPERSONATION) as account:
        assert [i.subject for i in account.calendar.all()] == ["Bob's"]
    assert emulator.counts["oauth2/token"] == 1


def test_an_application_token_without_impersonation_is_refused(emulator: EwsEmulator) -> None:
    emulator.add_application(tenant=TENANT, client_id="calsync-app", client_secret="app-secret")
    credentials = OAuth2Credentials(
        client_id="calsync-app", client_secret="app-secret", tenant_id=TENANT
    )
    with in_process_account(emulator, BOB, credentials=credentials) as account:
        # DELEGATE access still sends X-AnchorMailbox, which is enough to route the request.
        assert account.calendar.name == "Calendar"
    from calsync_exchange.emulator import auth
    from calsync_exchange.emulator.errors import SoapFault

    identity = auth.Identity(
        "application", "calsync-app", emulator.store.applications["calsync-app"]
    )
    with pytest.raises(SoapFault) as raised:
        auth.acting_mailbox(emulator.store, identity, None, None)
    assert raised.value.code == ErrorInvalidExchangeImpersonationHeaderData.__name__


def test_an_application_limited_to_other_mailboxes_is_denied(emulator: EwsEmulator) -> None:
    emulator.add_application(
        tenant=TENANT, client_id="scoped", client_secret="s", mailboxes=[ALICE]
    )
    credentials = OAuth2Credentials(
        client_id="scoped",
        client_secret="s",
        tenant_id=TENANT,
        identity=Identity(primary_smtp_address=BOB),
    )
    with (
        in_process_account(
            emulator, BOB, credentials=credentials, access_type=IMPERSONATION
        ) as account,
        pytest.raises(ErrorImpersonateUserDenied),
    ):
        account.calendar  # noqa: B018


def test_a_wrong_client_secret_fails_at_the_token_endpoint(emulator: EwsEmulator) -> None:
    emulator.add_application(tenant=TENANT, client_id="calsync-app", client_secret="app-secret")
    credentials = OAuth2Credentials(
        client_id="calsync-app",
        client_secret="nope",
        tenant_id=TENANT,
        identity=Identity(primary_smtp_address=BOB),
    )
    with (
        in_process_account(
            emulator, BOB, credentials=credentials, access_type=IMPERSONATION
        ) as account,
        pytest.raises(InvalidClientError, match="AADSTS7000215"),
    ):
        account.calendar  # noqa: B018
    assert "GetFolder" not in emulator.counts


def test_an_expired_token_is_http_401(
    emulator: EwsEmulator, app: OAuth2Credentials, clock: FrozenClock
) -> None:
    with in_process_account(emulator, BOB, credentials=app, access_type=IMPERSONATION) as account:
        calendar = account.calendar
        clock.advance(timedelta(hours=2))
        with pytest.raises(UnauthorizedError):
            list(calendar.all())
        # exchangelib drops the failed session and its token; the next call fetches a new one.
        assert list(calendar.all()) == []
    assert emulator.counts["oauth2/token"] == 2


def test_auth_expired_fault_revokes_the_bearer_token(
    emulator: EwsEmulator, app: OAuth2Credentials
) -> None:
    with in_process_account(emulator, BOB, credentials=app, access_type=IMPERSONATION) as account:
        calendar = account.calendar
        emulator.faults.inject(FaultKind.AUTH_EXPIRED)
        with pytest.raises(UnauthorizedError):
            list(calendar.all())
        # The failed session is retired and a new one fetches a fresh token at once.
        assert [token.revoked for token in emulator.store.tokens.values()] == [True, False]
        assert list(calendar.all()) == []
    assert emulator.counts["oauth2/token"] == 2


def test_a_basic_account_may_impersonate_when_allowed(emulator: EwsEmulator) -> None:
    emulator.add_mailbox("svc@example.com", password="svc")
    emulator.seed_item(ALICE, subject="Alice's", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    credentials = _basic("svc@example.com", "svc")
    with (
        in_process_account(
            emulator, ALICE, credentials=credentials, access_type=IMPERSONATION
        ) as account,
        pytest.raises(ErrorImpersonateUserDenied),
    ):
        account.calendar  # noqa: B018
    emulator.allow_impersonation(ALICE, by="svc@example.com")
    with in_process_account(
        emulator, ALICE, credentials=credentials, access_type=IMPERSONATION
    ) as account:
        assert [i.subject for i in account.calendar.all()] == ["Alice's"]


def _basic(user: str, password: str) -> object:
    from exchangelib import Credentials

    return Credentials(user, password)


def test_fault_tolerance_mistakes_a_401_for_throttling(emulator: EwsEmulator) -> None:
    # exchangelib has no ErrorInvalidCredentials: a 401 is UnauthorizedError under FailFast,
    # but FaultTolerance retries it as "server busy" until it runs out of patience.
    policy = FaultTolerance(max_wait=1)
    with (
        in_process_account(emulator, ALICE, password="wrong", retry_policy=policy) as account,
        pytest.raises(RateLimitError),
    ):
        account.calendar  # noqa: B018
