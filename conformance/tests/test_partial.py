"""A case that a capability gate cut short reports ``partial``, on the terminal and in the matrix."""

from __future__ import annotations

import pytest

from calsync_conformance.runner import _Collector, render_json, render_markdown

NO_DESIGNATION = '''
import pytest
from calsync.providers import Capability
from calsync.sandbox.harness import SandboxMailboxHarness
from calsync.sandbox.mailbox import SandboxMailbox
from calsync_conformance import MailboxProviderConformance


class NoDesignation(SandboxMailbox):
    """A mailbox with no category a person could designate items with."""

    capabilities = SandboxMailbox.capabilities - {Capability.DESIGNATION}


class Harness(SandboxMailboxHarness):
    def open_mailbox(self, address, *, zone="UTC"):
        return NoDesignation(self.service, address)


class Testnodesignation_mailbox(MailboxProviderConformance):
    @pytest.fixture
    def harness(self):
        return Harness()
'''


@pytest.fixture
def run(pytester: pytest.Pytester) -> tuple[pytest.RunResult, _Collector]:
    pytester.makeconftest('pytest_plugins = ["calsync_conformance.plugin"]')
    pytester.makepyfile(test_gated=NO_DESIGNATION)
    collector = _Collector()
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-k", "EX-15 or EX-16 or PRE-order", plugins=[collector]
    )
    return result, collector


def test_a_gated_part_makes_the_case_partial_not_passed(
    run: tuple[pytest.RunResult, _Collector],
) -> None:
    result, _ = run
    assert result.ret == 0, "a partial case does not fail the build"
    outcomes = result.parseoutcomes()
    assert (outcomes["passed"], outcomes["partial"]) == (2, 1)
    result.stdout.fnmatch_lines(
        [
            "*calsync conformance: partial cases*",
            "*test_case[[]EX-15[]]: skipped Designate mode (needs designation)",
        ]
    )


def test_the_matrix_shows_partial_with_what_was_skipped(
    run: tuple[pytest.RunResult, _Collector],
) -> None:
    _, collector = run
    providers = [{"name": "nodesignation", "role": "mailbox"}]
    outcomes = {r.case: r.outcome for r in collector.results}
    assert outcomes == {"PRE-order": "pass", "EX-15": "partial", "EX-16": "pass"}
    table = render_markdown(providers, collector.results)
    assert table.splitlines()[2:5] == [
        "| PRE-order | pass |",
        "| EX-15 | partial |",
        "| EX-16 | pass |",
    ], "pre-checks first, as they run"
    assert (
        "- EX-15 nodesignation (mailbox), partial: skipped Designate mode (needs designation)"
        in table
    )
    assert '"outcome": "partial"' in render_json(providers, collector.results)
