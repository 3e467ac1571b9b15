"""Real plugins on both sides: the conformance cases with the Salesforce provider as the CRM.

The conformance suite pairs each provider with the sandbox; here Exchange, Google and
Microsoft 365 mailboxes sync with the Salesforce provider, each through its own client
library and emulator.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calsync.plugins import load_registry
from calsync.providers import Role
from calsync_conformance import cases_for
from calsync_conformance.registry import Case
from calsync_conformance.scenario import Scenario

MAILBOX_CASES = cases_for(Role.MAILBOX)


@pytest.mark.parametrize("mailbox", ["exchange", "gmail", "graph"])
@pytest.mark.parametrize("case", MAILBOX_CASES, ids=[c.id for c in MAILBOX_CASES])
def test_case_with_salesforce(mailbox: str, case: Case, tmp_path: Path) -> None:
    registry = load_registry()
    mail_caps = registry.provider(Role.MAILBOX, mailbox).capabilities
    crm_caps = registry.provider(Role.CRM, "salesforce").capabilities
    missing = case.missing(Role.MAILBOX, mail_caps) | case.missing(Role.CRM, crm_caps)
    if missing:
        pytest.skip(f"not applicable: lacks {', '.join(sorted(missing))}")
    mail = registry.harnesses[(Role.MAILBOX, mailbox)].offline()
    crm = registry.harnesses[(Role.CRM, "salesforce")].offline()
    scenario = Scenario(role=Role.MAILBOX, mail=mail, crm=crm, workdir=tmp_path)  # type: ignore[arg-type]
    try:
        case.run(scenario)
    finally:
        scenario.close()
