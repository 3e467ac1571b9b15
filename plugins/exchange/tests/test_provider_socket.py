"""The provider over real sockets, built from settings as a TOML file gives them."""

from __future__ import annotations

import tomllib

import pytest
from ews_testing import ALICE, PASSWORD
from provider_testing import utc

from calsync.config import parse_config
from calsync.config.structure import structure
from calsync.emulation.server import EmulatorServer
from calsync.errors import ConfigError
from calsync.markers import Marker, MarkerChange
from calsync.model import CalendarItem
from calsync.plugins import load_registry
from calsync.providers import ProviderContext, Write
from calsync_exchange import AuthType, ExchangeMailbox, ExchangeSettings
from calsync_exchange.emulator import EwsEmulator

TABLE = """
endpoint = "{url}/EWS/Exchange.asmx"
auth = "basic"
password = {{ env = "ALICE_EWS_PASSWORD" }}
time_zone = "Europe/Berlin"
"""


def test_from_context_over_sockets(emulator: EwsEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALICE_EWS_PASSWORD", PASSWORD)
    emulator.seed_item(ALICE, subject="Seeded", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    with EmulatorServer(emulator) as server:
        table = tomllib.loads(TABLE.format(url=server.url))
        settings, problems = structure(table, ExchangeSettings, "mailboxes[0].settings")
        assert problems == [] and settings is not None
        assert settings.auth is AuthType.BASIC and "s3cret" not in repr(settings)
        provider = ExchangeMailbox.from_context(
            ProviderContext(settings=settings, name="alice", address=ALICE.upper())
        )
        try:
            assert provider.address == ALICE
            delta = provider.pull(None)
            assert [i.subject for i in delta.changed] == ["Seeded"]
            item = CalendarItem(
                subject="Over the wire", start=utc(2025, 3, 4, 9), end=utc(2025, 3, 4, 10)
            )
            [created] = provider.write([Write.create(item)])
            assert created.ref is not None
            provider.set_markers(
                [MarkerChange(item_id=created.ref.id, marker=Marker(code="X", detail="flagged"))]
            )
            changed = provider.pull(delta.cursor).changed
            assert [i.subject for i in changed] == ["Over the wire"]
            assert changed[0].ref == provider.fetch([created.ref.id])[created.ref.id].ref
        finally:
            provider.close()
    stored = emulator.item(ALICE, created.ref.id)
    assert stored is not None and stored["categories"] == ["Sync Error", "Sync Error: flagged"]
    assert emulator.counts["SyncFolderItems"] == 2 and "GetFolder" not in emulator.counts


def test_the_settings_table_in_a_whole_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    data = {
        "crm": {"provider": "sandbox"},
        "mailboxes": [
            {
                "name": "alice",
                "provider": "exchange",
                "address": ALICE,
                "settings": {
                    "auth": "oauth",
                    "access": "impersonation",
                    "tenant_id": "contoso.onmicrosoft.com",
                    "client_id": "app",
                    "client_secret": {"file": "/run/secrets/app"},
                    "max_wait": 30,
                },
            }
        ],
    }
    config = parse_config(data, registry=load_registry(["sandbox", "exchange"]))
    settings = config.mailboxes[0].settings
    assert isinstance(settings, ExchangeSettings) and settings.problems() == []
    assert [path for path, _ in config.secrets()] == ["mailboxes[0].settings.client_secret"]
    data["mailboxes"][0]["settings"] = {"auth": "oauht", "password": "plain"}  # type: ignore[index]
    with pytest.raises(ConfigError) as raised:
        parse_config(data, registry=load_registry(["sandbox", "exchange"]))
    text = str(raised.value)
    assert "did you mean 'oauth'" in text and "secrets are never written in the file" in text


def test_incomplete_settings_are_refused_when_built() -> None:
    context = ProviderContext(
        settings=ExchangeSettings(auth=AuthType.OAUTH), name="alice", address=ALICE
    )
    with pytest.raises(ConfigError, match="client_secret is required"):
        ExchangeMailbox.from_context(context)
    with pytest.raises(ConfigError, match="needs its address"):
        ExchangeMailbox.from_context(ProviderContext(settings=None, name="alice"))
