"""calsync hook implementations of the graph plugin.

Registered through the ``calsync`` entry-point group: the ``graph`` mailbox provider and
its conformance harness (offline: an in-process Graph emulator).
"""

from __future__ import annotations

from collections.abc import Iterator

from calsync.plugins import HarnessSpec, ProviderSpec, hookimpl
from calsync.providers import Role


@hookimpl
def calsync_providers() -> Iterator[ProviderSpec]:
    """The Microsoft 365 mailbox provider."""
    from calsync_graph.provider import GraphMailbox

    yield ProviderSpec(
        provider=GraphMailbox, description="Microsoft 365 calendars (Microsoft Graph, MSAL)"
    )


@hookimpl
def calsync_harnesses() -> Iterator[HarnessSpec]:
    """A harness over a fresh in-process Graph emulator; no live mode."""
    from calsync_graph.harness import GraphHarness

    yield HarnessSpec(provider="graph", role=Role.MAILBOX, offline=GraphHarness)
