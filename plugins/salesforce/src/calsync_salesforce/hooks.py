"""calsync hook implementations of the salesforce plugin: the CRM provider and its harness.

Registered through the ``calsync`` entry-point group; the classes are imported when a hook
is called.
"""

from __future__ import annotations

from calsync.plugins import ProviderPlugin

PLUGIN = ProviderPlugin(
    provider="calsync_salesforce.provider:SalesforceCrm",
    description="Salesforce events via simple-salesforce",
    harness="calsync_salesforce.harness:SalesforceCrmHarness",
)
calsync_providers = PLUGIN.calsync_providers
calsync_harnesses = PLUGIN.calsync_harnesses
