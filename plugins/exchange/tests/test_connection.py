"""Connections: credentials from settings, no probing, one protocol per transport, clean close."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ews_testing import ALICE, PASSWORD
from exchangelib import DELEGATE, IMPERSONATION, Credentials, FailFast, OAuth2Credentials
from exchangelib.protocol import CachingProtocol, Protocol
from exchangelib.transport import BASIC, NTLM, OAUTH2
from provider_testing import provider_for, utc

from calsync.config.secrets import Secret
from calsync.config.values import HttpUrl
from calsync.emulation import FrozenClock
from calsync.providers import ProviderContext
from calsync_exchange import AccessType, AuthType, ExchangeMailbox, ExchangeSettings
from calsync_exchange.connection import Connection, build_credentials
from calsync_exchange.emulator import EwsEmulator
from calsync_exchange.policies import PatientPolicy


def test_basic_and_ntlm_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EWS_PASSWORD", "pw")
    basic = ExchangeSettings(password=Secret(env="EWS_PASSWORD"))
    credentials = build_credentials(basic, ALICE)
    assert isinstance(credentials, Credentials)
    assert (credentials.username, credentials.password) == (ALICE, "pw")
    ntlm = ExchangeSettings(
        auth=AuthType.NTLM, username="CORP\\alice", password=Secret(env="EWS_PASSWORD")
    )
    connection = Connection.open(ntlm, ALICE)
    config = connection.account.protocol.config
    assert (config.auth_type, config.credentials.username) == (NTLM, "CORP\\alice")
    assert str(config.version.build) == "15.1.2507.0"
    assert isinstance(config.retry_policy, FailFast)
    assert connection.account.access_type == DELEGATE
    connection.close()


def test_oauth_with_impersonation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_SECRET", "s3cret")
    settings = ExchangeSettings(
        auth=AuthType.OAUTH,
        access=AccessType.IMPERSONATION,
        tenant_id="contoso.onmicrosoft.com",
        client_id="app",
        client_secret=Secret(env="APP_SECRET"),
        max_wait=60,
        time_zone="Pacific/Kiritimati",
    )
    provider = ExchangeMailbox.from_context(
        ProviderContext(settings=settings, name="alice", address=ALICE)
    )
    account = provider.connection.account
    credentials = account.protocol.config.credentials
    assert isinstance(credentials, OAuth2Credentials)
    assert (credentials.client_id, credentials.tenant_id) == ("app", "contoso.onmicrosoft.com")
    assert credentials.identity.primary_smtp_address == ALICE
    assert account.protocol.config.auth_type == OAUTH2 and account.access_type == IMPERSONATION
    assert isinstance(account.protocol.config.retry_policy, PatientPolicy)
    assert account.default_timezone.ms_id == "Line Islands Standard Time"
    provider.close()


def test_providers_of_two_emulators_never_share_a_protocol(clock: FrozenClock) -> None:
    first, second = EwsEmulator(clock=clock), EwsEmulator(clock=clock)
    for n, emulator in enumerate((first, second)):
        emulator.add_mailbox(ALICE, password=PASSWORD)
        emulator.seed_item(
            ALICE, subject=f"In emulator {n}", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
        )
    one, two = provider_for(first, ALICE, PASSWORD), provider_for(second, ALICE, PASSWORD)
    assert [i.subject for i in one.pull(None).changed] == ["In emulator 0"]
    assert [i.subject for i in two.pull(None).changed] == ["In emulator 1"]
    assert one.connection.account.protocol is not two.connection.account.protocol
    assert one.connection.account.protocol.config.auth_type == BASIC
    one.close()
    two.close()


def test_close_drops_the_protocol_from_exchangelibs_cache(emulator: EwsEmulator) -> None:
    provider = provider_for(emulator, ALICE, PASSWORD)
    provider.pull(None)
    protocol = provider.connection.account.protocol
    config = protocol.config
    assert type(protocol)[config][0] is protocol
    # No stray protocol for the default transport was left behind either.
    with pytest.raises(KeyError):
        Protocol[config]
    provider.close()
    with pytest.raises(KeyError):
        type(protocol)[config]
    assert all(p is not protocol for p, _ in CachingProtocol._protocol_cache.values())
    provider.close()  # twice is harmless


def test_nothing_is_probed(emulator: EwsEmulator) -> None:
    provider = provider_for(emulator, ALICE, PASSWORD)
    assert emulator.total_requests == 0  # building sends nothing
    provider.pull(None)
    assert set(emulator.counts) == {"SyncFolderItems"}  # no autodiscover, version or folder probes
    provider.close()


ON_PREMISES = HttpUrl("https://mail.example.com/EWS/Exchange.asmx")


def test_settings_problems() -> None:
    on_premises = ExchangeSettings(endpoint=ON_PREMISES)
    assert on_premises.problems() == ["password is required with auth = 'basic'"]
    assert replace(on_premises, password=Secret(env="X"), server_version="15.x").problems() == [
        "server_version '15.x' is not like '15.1.2507.0'"
    ]
    assert replace(on_premises, password=Secret(env="X"), max_wait=-1).problems() == [
        "max_wait must not be negative"
    ]


@pytest.mark.parametrize("auth", [AuthType.BASIC, AuthType.NTLM])
def test_exchange_online_with_a_password_is_refused_with_the_ways_that_work(
    auth: AuthType,
) -> None:
    [problem] = ExchangeSettings(auth=auth, password=Secret(env="X")).problems()
    assert problem.startswith(f"auth = '{auth}' does not work with Exchange Online")
    assert "since 1 October 2026" in problem and "EWS allow list" in problem
    assert 'provider = "graph"' in problem
    oauth = ExchangeSettings(
        auth=AuthType.OAUTH, tenant_id="t", client_id="c", client_secret=Secret(env="X")
    )
    assert oauth.problems() == []
