"""calsync hook implementations of the salesforce plugin (the ``calsync`` entry point)."""

from __future__ import annotations

from collections.abc import Iterator

from calsync.plugins import HarnessSpec, ProviderSpec, hookimpl
from calsync.providers import Role
from calsync_salesforce.provider import SalesforceCrm


@hookimpl
def calsync_providers() -> Iterator[ProviderSpec]:
    """The Salesforce CRM provider."""
    yield ProviderSpec(
        provider=SalesforceCrm, description="Salesforce events via simple-salesforce"
    )


@hookimpl
def calsync_harnesses() -> Iterator[HarnessSpec]:
    """A harness over a fresh in-process Salesforce emulator."""
    from calsync_salesforce.harness import SalesforceCrmHarness

    yield HarnessSpec(provider="salesforce", role=Role.CRM, offline=SalesforceCrmHarness)
