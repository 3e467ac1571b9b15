"""calsync hooks of the graph plugin: the ``graph`` mailbox provider and its harness.

The harness runs on an in-process emulator. Registered through the ``calsync`` entry-point
group; the classes are imported when a hook is called.
"""

from __future__ import annotations

from calsync.plugins import ProviderPlugin

PLUGIN = ProviderPlugin(
    provider="calsync_graph.provider:GraphMailbox",
    description="Microsoft 365 calendars (Microsoft Graph, MSAL)",
    harness="calsync_graph.harness:GraphHarness",
)
calsync_providers = PLUGIN.calsync_providers
calsync_harnesses = PLUGIN.calsync_harnesses
