"""The harness serves the org so a configuration file reaches it through sockets."""

from __future__ import annotations

import pytest

from calsync.config import parse_config
from calsync.plugins import load_registry
from calsync.providers import ProviderContext, Role
from calsync_salesforce.harness import SalesforceCrmHarness


def test_served_settings_drive_the_provider_through_sockets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    harness = SalesforceCrmHarness()
    user = harness.add_user("alice@example.com")
    endpoint = harness.serve()
    try:
        for name, value in endpoint.environment.items():
            monkeypatch.setenv(name, value)
        registry = load_registry(["salesforce", "sandbox"])
        config = parse_config(
            {
                "crm": {"provider": "salesforce", "settings": endpoint.settings(None)},
                "mailboxes": [
                    {"name": "alice", "provider": "sandbox", "address": "alice@example.com"}
                ],
            },
            registry=registry,
        )
        provider = registry.provider(Role.CRM, "salesforce").provider.from_context(
            ProviderContext(settings=config.crm.settings, name="crm")
        )
        before = harness.emulator.total_requests
        try:
            assert provider.users(["alice@example.com"]) == {"alice@example.com": user}
        finally:
            provider.close()
        assert harness.emulator.total_requests > before
    finally:
        endpoint.stop()
