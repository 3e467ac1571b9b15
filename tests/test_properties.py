"""Property tests: random edits on both sides, faults and killed passes; the sync converges.

The sandbox pair runs longer; the real plugins (through their client libraries and
emulators) run shorter for CI. CALSYNC_PROPERTY_EXAMPLES / _STEPS set long runs.
"""

from __future__ import annotations

from calsync.plugins import load_registry
from calsync.providers import Role
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync_conformance.machine import machine_for

_harnesses = load_registry().harnesses

TestSandbox = machine_for(SandboxMailboxHarness, SandboxCrmHarness, examples=25, steps=25)
TestExchangeSalesforce = machine_for(
    _harnesses[(Role.MAILBOX, "exchange")].offline,
    _harnesses[(Role.CRM, "salesforce")].offline,
    examples=6,
    steps=15,
)
TestGoogleSalesforce = machine_for(
    _harnesses[(Role.MAILBOX, "gmail")].offline,
    _harnesses[(Role.CRM, "salesforce")].offline,
    examples=6,
    steps=15,
)
TestGraphSalesforce = machine_for(
    _harnesses[(Role.MAILBOX, "graph")].offline,
    _harnesses[(Role.CRM, "salesforce")].offline,
    examples=6,
    steps=15,
)
