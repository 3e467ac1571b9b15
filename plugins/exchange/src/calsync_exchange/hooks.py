"""calsync hook implementations of the exchange plugin.

Registered through the ``calsync`` entry-point group: the ``exchange`` mailbox provider
and its conformance harness (offline: an in-process EWS emulator).
"""

from __future__ import annotations

from collections.abc import Iterator

from calsync.plugins import HarnessSpec, ProviderSpec, hookimpl
from calsync.providers import Role


@hookimpl
def calsync_providers() -> Iterator[ProviderSpec]:
    """The Exchange / Office 365 mailbox provider."""
    from calsync_exchange.provider import ExchangeMailbox

    yield ProviderSpec(
        provider=ExchangeMailbox, description="Exchange / Office 365 calendars (EWS, exchangelib)"
    )


@hookimpl
def calsync_harnesses() -> Iterator[HarnessSpec]:
    """A harness over a fresh in-process EWS emulator; no live mode."""
    from calsync_exchange.harness import ExchangeHarness

    yield HarnessSpec(provider="exchange", role=Role.MAILBOX, offline=ExchangeHarness)
