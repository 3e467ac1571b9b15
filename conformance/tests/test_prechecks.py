"""Each pre-check catches the one rule it names: the sandbox with that rule broken fails it.

Every broken provider or harness here breaks one rule the way a newcomer's plugin would; the
pre-check must fail with a message naming the rule and the guide's section, and every other
pre-check must still pass (a failure points at one cause).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from broken_sandbox import (
    CrmWithProvider,
    ForgetsExpiry,
    NeedsTarget,
    SharedTokens,
    ShowsMarkers,
    SortedItems,
    TextOnlyEdits,
    provider_harness,
)

from calsync.harness import CrmHarness, MailboxHarness
from calsync.providers import Role
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync_conformance.prechecks import PRECHECKS, RuleBroken, prechecks_for
from calsync_conformance.runner import _Collector, render_markdown
from calsync_conformance.scenario import Scenario

BROKEN: list[tuple[str, type[MailboxHarness] | type[CrmHarness], str]] = [
    (
        "PRE-tokens",
        provider_harness(SharedTokens),
        r"items mbx-\d+, mbx-\d+ share the change token",
    ),
    ("PRE-order", SortedItems, r"items\(\) listed \['Alpha \(order\)', 'Bravo \(order\)'"),
    (
        "PRE-markers",
        ShowsMarkers,
        r"the harness's read\(\) shows the marker: categories \(\) before",
    ),
    ("PRE-edit", TextOnlyEdits, r"edit\(zone='America/New_York'\) read back as zone"),
    ("PRE-occurrence", provider_harness(NeedsTarget), r"write\(\) refused the update"),
    ("PRE-cursor", provider_harness(ForgetsExpiry), r"answered the expired cursor \(without"),
    ("PRE-cursor", CrmWithProvider, r"answered the expired cursor \(without"),
]


def outcomes(
    make: Callable[[], MailboxHarness | CrmHarness], tmp_path: Path, checks: Sequence[str]
) -> dict[str, str]:
    """Each pre-check's message ("" when it passed), run as the suite runs it."""
    found = {}
    for check_id in checks:
        harness = make()
        mail = harness if isinstance(harness, MailboxHarness) else SandboxMailboxHarness()
        crm = harness if isinstance(harness, CrmHarness) else SandboxCrmHarness()
        workdir = tmp_path / check_id
        workdir.mkdir(parents=True)
        scenario = Scenario(role=harness.role, mail=mail, crm=crm, workdir=workdir)
        try:
            PRECHECKS[check_id].check(scenario)
            found[check_id] = ""
        except RuleBroken as exc:
            found[check_id] = str(exc)
        except pytest.skip.Exception:
            found[check_id] = "n/a"
        finally:
            scenario.close()
    return found


@pytest.mark.parametrize(
    ("check_id", "harness_type", "detail"),
    BROKEN,
    ids=[f"{c}-{h.role}" for c, h, _ in BROKEN],
)
def test_each_precheck_catches_its_broken_rule_and_only_that(
    check_id: str,
    harness_type: type[MailboxHarness] | type[CrmHarness],
    detail: str,
    tmp_path: Path,
) -> None:
    check = PRECHECKS[check_id]
    found = outcomes(harness_type, tmp_path, [p.id for p in prechecks_for(harness_type.role)])
    message = found.pop(check_id)
    pattern = (
        rf"^{check_id}: {re.escape(check.rule)} — .*{detail}.* "
        rf"\(see docs/writing-a-provider\.md#{check.anchor}\)$"
    )
    assert re.match(pattern, message), message
    assert "\n" not in message, "one line, as the matrix shows it"
    assert found == dict.fromkeys(found, ""), "only the broken rule fails"


def test_the_sandbox_keeps_every_rule(tmp_path: Path) -> None:
    for harness in (SandboxMailboxHarness, SandboxCrmHarness):
        checks = [p.id for p in prechecks_for(harness.role)]
        assert outcomes(harness, tmp_path / harness.role, checks) == dict.fromkeys(checks, "")


def test_a_harness_that_raises_fails_the_rule_with_what_it_raised(tmp_path: Path) -> None:
    class Refuses(SandboxMailboxHarness):
        def edit(self, address: str, item_id: str, **changes: Any) -> None:
            if "zone" in changes:
                raise TypeError("edit() got an unexpected keyword argument 'zone'")
            super().edit(address, item_id, **changes)

    [message] = outcomes(Refuses, tmp_path, ["PRE-edit"]).values()
    assert "it raised TypeError: edit() got an unexpected keyword argument 'zone'" in message


def test_every_rule_has_an_anchor_and_mailbox_and_crm_rules() -> None:
    mailbox, crm = prechecks_for(Role.MAILBOX), prechecks_for(Role.CRM)
    assert [p.id for p in mailbox] == list(PRECHECKS)
    assert {p.id for p in crm} == {"PRE-tokens", "PRE-order", "PRE-cursor", "PRE-wire"}
    assert all(re.fullmatch(r"[a-z0-9-]+", p.anchor) for p in mailbox)


SORTED = """
import pytest
from broken_sandbox import SortedItems
from calsync_conformance import MailboxProviderConformance


class Testsorted_mailbox(MailboxProviderConformance):
    @pytest.fixture
    def harness(self):
        return SortedItems()
"""


def test_a_failed_precheck_runs_first_and_the_matrix_names_its_rule(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        'pytest_plugins = ["calsync_conformance.plugin"]\n'
    )
    pytester.makepyfile(test_sorted=SORTED)
    collector = _Collector()
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-k", "PRE-order or EX-02", plugins=[collector]
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*A pre-check failed*fix it first*"])
    first, second = collector.results
    assert (first.case, first.outcome, second.case) == ("PRE-order", "fail", "EX-02")
    table = render_markdown([{"name": "sorted", "role": "mailbox"}], collector.results)
    assert "- PRE-order sorted (mailbox), fail: PRE-order: the harness's items() lists" in table
    assert table.rstrip().endswith("(see docs/writing-a-provider.md#item-order)")


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "writing-a-provider.md"


def test_every_precheck_points_at_a_section_of_the_guide() -> None:
    headings = re.findall(r"^#+ (.+)$", GUIDE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    # GitHub's anchors: lower case, punctuation dropped, spaces as hyphens.
    anchors = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}
    assert {p.anchor for p in PRECHECKS.values()} <= anchors
