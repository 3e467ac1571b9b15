"""The plugin registers through the calsync entry-point group, and only what it implements."""

from __future__ import annotations

from calsync.plugins import discover, load_registry


def test_the_plugin_is_found_and_loads() -> None:
    info = discover()["exchange"]
    assert info.distribution == "calsync-exchange"
    registry = load_registry(["exchange"])
    for (role, name), spec in registry.providers.items():
        assert name == "exchange", f"{role} provider {name!r} registered by the exchange plugin"
        assert spec.provider.capabilities, "a provider declares what it can do"
