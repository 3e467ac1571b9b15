"""A skeleton from ``calsync new-provider`` runs the suite and fails only where it is unwritten.

The plugin is written into a temporary folder and registered in-process, as ``pip install
-e`` would: its ``src`` folder on ``sys.path`` with a ``.dist-info`` naming its entry point.
"""

from __future__ import annotations

import sys
from pathlib import Path

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


@pytest.fixture
def skeleton(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = pytester.path / "calsync-skel"
    write_plugin("skel", root)
    _install(root, monkeypatch)
    yield root
    for module in [m for m in sys.modules if m.startswith("calsync_skel")]:
        del sys.modules[module]


def test_the_skeleton_registers_its_provider_and_harness(skeleton: Path) -> None:
    registry = load_registry(["skel"])
    assert registry.provider(Role.MAILBOX, "skel").description == "Skel calendars"
    assert (Role.MAILBOX, "skel") in registry.harnesses


def test_the_suite_fails_only_on_what_is_not_written_yet_and_names_the_section(
    pytester: pytest.Pytester, skeleton: Path
) -> None:
    reports = pytester.inline_run(str(skeleton / "tests"), "-p", "no:cacheprovider")
    ran = [r for r in reports.getreports("pytest_runtest_logreport") if r.when == "call"]
    failed = [r for r in ran if r.failed]
    assert ran and not [r.nodeid for r in ran if r.passed], "nothing can pass yet"
    assert not [
        r for r in reports.getreports("pytest_runtest_logreport") if r.when != "call" and r.failed
    ], "a case errored outside its run: the skeleton is broken"
    # Every failure is an unwritten part, named with the guide's section to read.
    reasons = {r.nodeid: r.longreprtext for r in failed}
    unexplained = {
        node: reason
        for node, reason in reasons.items()
        if "is not implemented yet: see calsync's " + GUIDE + "#" not in reason
    }
    assert failed and not unexplained, unexplained
    # The first thing every case needs is a seeded item.
    assert any("SkelHarness.seed is not implemented yet" in r for r in reasons.values())
    # Cases needing a capability the skeleton does not declare are not applicable.
    skipped = [r for r in reports.getreports("pytest_runtest_logreport") if r.skipped]
    assert skipped and all("not applicable" in str(r.longrepr) for r in skipped)
