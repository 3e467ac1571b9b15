"""The base classes a provider's test module subclasses to run the whole suite.

::

    # tests/test_conformance.py of calsync-example
    from calsync_conformance import MailboxProviderConformance

    class TestExampleConformance(MailboxProviderConformance):
        provider = "example"                       # its HarnessSpec is found by this name

(with ``pytest_plugins = ["calsync_conformance.plugin"]`` in the root ``conftest.py``).
Override the ``harness`` fixture to build the harness yourself, and set ``suite_config``
to declare known gaps.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from calsync.harness import CrmHarness, Harness, MailboxHarness
from calsync.plugins import load_registry
from calsync.providers import Role
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync_conformance.config import SuiteConfig
from calsync_conformance.partial import record_partial
from calsync_conformance.prechecks import PreCheck, RuleBroken
from calsync_conformance.registry import Case
from calsync_conformance.scenario import Scenario

__all__ = ["CrmProviderConformance", "MailboxProviderConformance", "ProviderConformance"]


class ProviderConformance:
    """The suite for one provider; not collected itself (its name does not start with Test)."""

    #: Mailbox or CRM.
    role: ClassVar[Role]
    #: The provider's name; its harness is looked up among the installed plugins.
    provider: ClassVar[str] = ""
    #: Known gaps with their reasons.
    suite_config: ClassVar[SuiteConfig] = SuiteConfig()

    @pytest.fixture
    def harness(self, request: pytest.FixtureRequest) -> Harness:
        """The harness of the provider under test: offline (an emulator) unless ``--live``."""
        if not self.provider:
            raise NotImplementedError('set `provider = "<name>"` or override the `harness` fixture')
        registry = load_registry()
        spec = registry.harnesses.get((self.role, self.provider))
        if spec is None:
            pytest.fail(
                f"no conformance harness registered for {self.role} provider {self.provider!r}"
            )
        if request.config.getoption("--live"):
            if spec.live is None:
                pytest.skip(f"{self.provider} has no live harness")
            harness = spec.live()
        else:
            harness = spec.offline()
        return harness

    def test_precheck(
        self, precheck: PreCheck, harness: Harness, tmp_path: Path, request: pytest.FixtureRequest
    ) -> None:
        """Check one rule of the contracts; runs before the cases (pytest keeps this order)."""
        scenario = self._start(precheck, harness, tmp_path)
        broken = None
        try:
            precheck.check(scenario)
        except RuleBroken as exc:
            broken = str(exc)  # failed outside the handler: one message, no chained one
        finally:
            scenario.close()
        if broken is not None:
            pytest.fail(broken, pytrace=False)
        record_partial(request.node, scenario.skipped)

    def test_case(
        self, case: Case, harness: Harness, tmp_path: Path, request: pytest.FixtureRequest
    ) -> None:
        """Run one case with the provider under test and the sandbox as its counterpart."""
        scenario = self._start(case, harness, tmp_path)
        try:
            case.run(scenario)
        except Exception as exc:
            if not scenario.unwritten or isinstance(exc, NotImplementedError):
                raise
            # A pass records a provider's NotImplementedError as INTERNAL_ERROR and goes on
            # (EX-24): the case then fails on what followed; name the unwritten part instead.
            raise scenario.unwritten[0] from exc
        finally:
            scenario.close()
        record_partial(request.node, scenario.skipped)

    def _start(self, check: Case | PreCheck, harness: Harness, tmp_path: Path) -> Scenario:
        """The scenario for ``check``, or a skip naming what the provider lacks for it."""
        capabilities = load_registry().provider(self.role, harness.provider_name).capabilities
        missing = check.missing(self.role, capabilities)
        if missing:
            harness.close()
            pytest.skip(
                f"not applicable: {harness.provider_name} lacks {', '.join(sorted(missing))}"
            )
        mail: MailboxHarness = (
            harness if isinstance(harness, MailboxHarness) else SandboxMailboxHarness()
        )
        crm: CrmHarness = harness if isinstance(harness, CrmHarness) else SandboxCrmHarness()
        return Scenario(role=self.role, mail=mail, crm=crm, workdir=tmp_path)


class MailboxProviderConformance(ProviderConformance):
    """The suite for a mailbox provider (the sandbox CRM is its counterpart)."""

    role = Role.MAILBOX


class CrmProviderConformance(ProviderConformance):
    """The suite for a CRM provider (the sandbox mailbox is its counterpart)."""

    role = Role.CRM
