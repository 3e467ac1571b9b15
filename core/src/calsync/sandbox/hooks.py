"""Registers the sandbox providers and their harnesses, like any other plugin."""

from __future__ import annotations

from collections.abc import Iterator

from calsync.plugins import HarnessSpec, ProviderSpec, hookimpl
from calsync.providers import Role
from calsync.sandbox.crm import SandboxCrm
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync.sandbox.mailbox import SandboxMailbox


@hookimpl
def calsync_providers() -> Iterator[ProviderSpec]:
    """The in-memory reference mailbox and CRM."""
    yield ProviderSpec(provider=SandboxMailbox, description="In-memory reference mailbox")
    yield ProviderSpec(provider=SandboxCrm, description="In-memory reference CRM")


@hookimpl
def calsync_harnesses() -> Iterator[HarnessSpec]:
    """Harnesses over a fresh in-memory world each."""
    yield HarnessSpec(provider="sandbox", role=Role.MAILBOX, offline=SandboxMailboxHarness)
    yield HarnessSpec(provider="sandbox", role=Role.CRM, offline=SandboxCrmHarness)
