"""A skeleton from ``calsync new-provider`` runs the suite and fails only where it is unwritten.

The plugin, a mailbox or a CRM provider, is written into a temporary folder and registered
in-process, as ``pip install -e`` would: its ``src`` folder on ``sys.path`` with a
``.dist-info`` naming its entry point.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from calsync.plugins import load_registry
from calsync.providers import Role
from calsync.scaffold import GUIDE, write_plugin


def _install(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``pip install -e`` leaves for importlib.metadata to find, without pip."""
    info = root / "src" / "calsync_skel-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: calsync-skel\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[calsync]\nskel = calsync_skel.hooks\n")
    monkeypatch.syspath_prepend(str(root / "src"))


@pytest.fixture(params=[Role.MAILBOX, Role.CRM], ids=str)
def role(request: pytest.FixtureRequest) -> Role:
    return Role(request.param)


@pytest.fixture
def skeleton(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, role: Role) -> Path:
    root = pytester.path / "calsync-skel"
    write_plugin("skel", root, role)
    _install(root, monkeypatch)
    yield root
    for module in [m for m in sys.modules if m.startswith("calsync_skel")]:
        del sys.modules[module]


def test_the_skeleton_registers_its_provider_and_harness(skeleton: Path, role: Role) -> None:
    registry = load_registry(["skel"])
    described = {Role.MAILBOX: "Skel calendars", Role.CRM: "Skel CRM events"}
    assert registry.provider(role, "skel").description == described[role]
    assert (role, "skel") in registry.harnesses


def test_the_suite_fails_only_on_what_is_not_written_yet_and_names_the_section(
    pytester: pytest.Pytester, skeleton: Path, monkeypatch: pytest.MonkeyPatch, role: Role
) -> None:
    # In a process of its own: an in-process run would unload the modules it imported
    # first (pytester restores sys.modules), leaving this process two copies of some.
    monkeypatch.setenv("PYTHONPATH", str(skeleton / "src"))
    report = pytester.path / "report.xml"
    pytester.runpytest_subprocess(
        str(skeleton / "tests"), "-p", "no:cacheprovider", f"--junitxml={report}"
    )
    cases = ElementTree.parse(report).getroot().iter("testcase")
    outcomes = {
        case.get("name", ""): next(((o.tag, o.get("message", "")) for o in case), ("passed", ""))
        for case in cases
    }
    assert outcomes and not [n for n, (tag, _) in outcomes.items() if tag in ("passed", "error")], (
        "nothing can pass yet, and nothing may break outside a case's run"
    )
    # Every failure is an unwritten part, named with the guide's section to read.
    failures = {n: message for n, (tag, message) in outcomes.items() if tag == "failure"}
    unexplained = {
        name: message
        for name, message in failures.items()
        if "is not implemented yet: see calsync's " + GUIDE + "#" not in message
    }
    assert failures and not unexplained, unexplained
    # The first thing most cases need is a seeded item.
    assert any("SkelHarness.seed is not implemented yet" in m for m in failures.values())
    # Cases needing a capability the skeleton does not declare are not applicable.
    skipped = [m for tag, m in outcomes.values() if tag == "skipped"]
    assert skipped and all("not applicable" in m for m in skipped)
    # A pre-check names its rule and section, then the part it met unwritten.
    pull = {Role.MAILBOX: "SkelMailbox.pull", Role.CRM: "SkelCrm.pull"}[role]
    cursor = failures["test_precheck[PRE-cursor]"]
    assert cursor.startswith("Failed: PRE-cursor: ") and f"{pull} is not implemented" in cursor
    assert cursor.endswith(f"(see {GUIDE}#cursors-and-expiry)")
    if role is Role.CRM:
        # A pass records the provider's NotImplementedError as INTERNAL_ERROR and goes on;
        # the case that then fails names it (EX-24 seeds in the sandbox mailbox alone).
        assert "SkelCrm.features is not implemented yet" in failures["test_case[EX-24]"]
