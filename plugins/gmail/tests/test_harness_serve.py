"""The harness serves its emulator so a configuration file reaches it through sockets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from calsync.config import parse_config
from calsync.model import CalendarItem
from calsync.plugins import load_registry
from calsync.providers import ProviderContext, Role
from calsync_gmail.harness import GmailHarness


def test_served_settings_drive_the_provider_through_sockets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    harness = GmailHarness()
    harness.open_mailbox("carol@example.com", zone="Europe/Berlin")
    start = datetime(2027, 5, 3, 9, tzinfo=UTC)
    harness.seed(
        "carol@example.com",
        CalendarItem(start=start, end=start + timedelta(hours=1), subject="Served"),
    )
    endpoint = harness.serve()
    try:
        for name, value in endpoint.environment.items():
            monkeypatch.setenv(name, value)
        registry = load_registry(["gmail", "sandbox"])
        config = parse_config(
            {
                "crm": {"provider": "sandbox"},
                "mailboxes": [
                    {
                        "name": "carol",
                        "provider": "gmail",
                        "address": "carol@example.com",
                        "settings": endpoint.settings("carol@example.com"),
                    }
                ],
            },
            registry=registry,
        )
        mailbox = config.mailbox("carol")
        spec = registry.provider(Role.MAILBOX, "gmail")
        provider = spec.provider.from_context(
            ProviderContext(settings=mailbox.settings, name="carol", address=mailbox.address)
        )
        before = harness.emulator.total_requests
        try:
            assert [i.subject for i in provider.pull(None).changed] == ["Served"]
        finally:
            provider.close()
        assert harness.emulator.total_requests > before
        assert all(
            value not in str(endpoint.settings("carol@example.com"))
            for value in endpoint.environment.values()
        )
    finally:
        endpoint.stop()
