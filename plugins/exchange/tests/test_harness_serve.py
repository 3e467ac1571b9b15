"""The harness serves its emulator so a configuration file reaches it through sockets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from calsync.config import parse_config
from calsync.model import CalendarItem
from calsync.plugins import load_registry
from calsync.providers import ProviderContext, Role
from calsync_exchange.harness import ExchangeHarness


def test_served_settings_drive_the_provider_through_sockets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    harness = ExchangeHarness()
    harness.open_mailbox("alice@example.com", zone="Europe/Berlin")
    start = datetime(2027, 5, 3, 9, tzinfo=UTC)
    harness.seed(
        "alice@example.com",
        CalendarItem(start=start, end=start + timedelta(hours=1), subject="Served"),
    )
    endpoint = harness.serve()
    try:
        for name, value in endpoint.environment.items():
            monkeypatch.setenv(name, value)
        registry = load_registry(["exchange", "sandbox"])
        config = parse_config(
            {
                "crm": {"provider": "sandbox"},
                "mailboxes": [
                    {
                        "name": "alice",
                        "provider": "exchange",
                        "address": "alice@example.com",
                        "settings": endpoint.settings("alice@example.com"),
                    }
                ],
            },
            registry=registry,
        )
        mailbox = config.mailbox("alice")
        provider = registry.provider(Role.MAILBOX, "exchange").provider.from_context(
            ProviderContext(settings=mailbox.settings, name="alice", address=mailbox.address)
        )
        before = harness.emulator.total_requests
        try:
            assert [i.subject for i in provider.pull(None).changed] == ["Served"]
        finally:
            provider.close()
        assert harness.emulator.total_requests > before
        assert all(
            v not in str(endpoint.settings("alice@example.com"))
            for v in endpoint.environment.values()
        )
        with pytest.raises(KeyError, match="open the mailbox"):
            endpoint.settings("nobody@example.com")
    finally:
        endpoint.stop()
