"""The suite itself: complete against the docs, and able to catch a broken provider."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calsync.providers import Role
from calsync_conformance import CASES, SuiteConfig, cases_for
from calsync_conformance.prechecks import prechecks_for

DOC = Path(__file__).resolve().parents[2] / "docs" / "exceptions.md"


def test_every_documented_exception_has_a_case_and_every_case_a_documented_exception() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = re.findall(r"^### (EX-\d\d|[A-Z][A-Z_]+) ", text, flags=re.MULTILINE)
    cases_for(Role.MAILBOX)  # registers every case
    assert sorted({c.entry for c in CASES.values()}) == sorted(documented)
    # The promises users meet most are checked from the service side in cases of their own.
    assert {"EX-01-trace", "EX-01-flip", "MASS_DELETE_HELD-mailbox", "MASS_DELETE_HELD-crm"} <= set(
        CASES
    )


def test_every_case_applies_to_a_role_and_most_to_both() -> None:
    mailbox, crm = {c.id for c in cases_for(Role.MAILBOX)}, {c.id for c in cases_for(Role.CRM)}
    assert mailbox | crm == set(CASES)
    # Only EX-04 is about one side's own data model (the CRM's newer series).
    assert set(CASES) - mailbox == {"EX-04"} and crm == set(CASES)


def test_gaps_need_a_case_id_and_a_reason() -> None:
    with pytest.raises(ValueError, match="not a case id"):
        SuiteConfig(known_gaps={"private": "a long enough reason for users"})
    with pytest.raises(ValueError, match="say why"):
        SuiteConfig(known_gaps={"EX-01": "todo"})


BROKEN = '''
from calsync.model import Privacy
from calsync.sandbox.harness import SandboxMailboxHarness
from calsync.sandbox.mailbox import SandboxMailbox
import pytest
from calsync_conformance import MailboxProviderConformance, SuiteConfig


class LeakyMailbox(SandboxMailbox):
    """Reports private items as normal ones: they would leak to the CRM."""

    def _visible(self, item):
        return super()._visible(item).evolve(privacy=Privacy.NORMAL)


class LeakyHarness(SandboxMailboxHarness):
    def open_mailbox(self, address, *, zone="UTC"):
        return LeakyMailbox(self.service, address)


class TestLeaky(MailboxProviderConformance):
    suite_config = SuiteConfig(known_gaps=GAPS)

    @pytest.fixture
    def harness(self):
        return LeakyHarness()
'''


def run_broken(pytester: pytest.Pytester, gaps: dict[str, str]) -> pytest.RunResult:
    pytester.makeconftest('pytest_plugins = ["calsync_conformance.plugin"]')
    pytester.makepyfile(test_broken=BROKEN.replace("GAPS", repr(gaps)))
    return pytester.runpytest("-q", "-p", "no:cacheprovider")


EX01_CASES = ("EX-01", "EX-01-flip", "EX-01-trace")
#: The tests of the suite for a mailbox provider: its pre-checks and its cases.
MAILBOX_TESTS = len(prechecks_for(Role.MAILBOX)) + len(cases_for(Role.MAILBOX))


def test_a_provider_that_leaks_private_items_fails_exactly_ex01(pytester: pytest.Pytester) -> None:
    result = run_broken(pytester, {})
    result.assert_outcomes(passed=MAILBOX_TESTS - 3, failed=3)
    result.stdout.fnmatch_lines(
        [f"*FAILED test_broken.py::TestLeaky::test_case[[]{case}[]]*" for case in EX01_CASES],
        consecutive=False,
    )


def test_a_declared_gap_is_an_expected_failure(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester, {"EX-01": "private items are reported as normal until the API tells them apart"}
    )
    # The gap covers every case checking an aspect of EX-01; one it does not touch (a private
    # CRM event) may pass without failing the build.
    result.assert_outcomes(passed=MAILBOX_TESTS - 4, xfailed=3, xpassed=1)


def test_a_gap_that_passes_fails_the_build(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester, {"EX-14": "declared by mistake, but this provider handles appointments"}
    )
    result.assert_outcomes(passed=MAILBOX_TESTS - 4, failed=4)
    result.stdout.fnmatch_lines(["*EX-14*XPASS(strict)*"])
