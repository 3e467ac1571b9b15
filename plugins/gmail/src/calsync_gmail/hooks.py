"""calsync hook implementations of the gmail plugin: the provider and its harness.

Registered through the ``calsync`` entry-point group; the classes are imported when a hook
is called.
"""

from __future__ import annotations

from calsync.plugins import ProviderPlugin

PLUGIN = ProviderPlugin(
    provider="calsync_gmail.provider:GmailMailbox",
    description="Google Calendar + Gmail (google-api-python-client)",
    harness="calsync_gmail.harness:GmailHarness",
)
calsync_providers = PLUGIN.calsync_providers
calsync_harnesses = PLUGIN.calsync_harnesses
