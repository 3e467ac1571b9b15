"""The plugin registers through the calsync entry-point group, and only what it implements."""

from __future__ import annotations

from calsync.plugins import discover, load_registry


def test_the_plugin_is_found_and_loads() -> None:
    info = discover()["gmail"]
    assert info.distribution == "calsync-gmail"
    registry = load_registry(["gmail"])
    for (role, name), spec in registry.providers.items():
        assert name == "gmail", f"{role} provider {name!r} registered by the gmail plugin"
        assert spec.provider.capabilities, "a provider declares what it can do"
