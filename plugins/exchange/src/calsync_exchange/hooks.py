"""calsync hooks of the exchange plugin: the ``exchange`` mailbox provider and its harness.

The harness runs on an in-process emulator. Registered through the ``calsync`` entry-point
group; the classes are imported when a hook is called.
"""

from __future__ import annotations

from calsync.plugins import ProviderPlugin

PLUGIN = ProviderPlugin(
    provider="calsync_exchange.provider:ExchangeMailbox",
    description="Exchange / Office 365 calendars (EWS, exchangelib)",
    harness="calsync_exchange.harness:ExchangeHarness",
)
calsync_providers = PLUGIN.calsync_providers
calsync_harnesses = PLUGIN.calsync_harnesses
