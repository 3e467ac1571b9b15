"""calsync.plugins.ProviderPlugin: a plugin's hooks written as data."""

from __future__ import annotations

import pluggy

from calsync import hookspecs
from calsync.plugins import PROJECT, ProviderPlugin, Registry
from calsync.providers import Role

PLUGIN = ProviderPlugin(
    provider="calsync.sandbox.mailbox:SandboxMailbox",
    description="a sandbox mailbox, registered as a plugin would",
    harness="calsync.sandbox.harness:SandboxMailboxHarness",
    known_gaps={"EX-99": "not yet"},
)


def _registry(plugin: object) -> Registry:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(plugin, name="example")
    return Registry(pm)


def test_the_provider_and_its_harness_register() -> None:
    registry = _registry(PLUGIN)
    spec = registry.provider(Role.MAILBOX, "sandbox")
    assert spec.description == "a sandbox mailbox, registered as a plugin would"
    harness = registry.harnesses[(Role.MAILBOX, "sandbox")]
    assert harness.offline.__name__ == "SandboxMailboxHarness"
    assert harness.known_gaps == {"EX-99": "not yet"}


def test_a_plugin_without_a_harness_registers_none() -> None:
    bare = ProviderPlugin(provider="calsync.sandbox.mailbox:SandboxMailbox", description="x")
    assert _registry(bare).harnesses == {}
