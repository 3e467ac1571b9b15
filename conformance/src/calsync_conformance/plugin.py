"""The pytest plugin: enable it with ``pytest_plugins = ["calsync_conformance.plugin"]``.

It adds ``--live`` (run against real tenants with credentials from the environment) and
parametrizes the suite's ``test_precheck`` with every pre-check (``PRE-<rule>``) and its
``test_case`` with every case (``EX-nn``) that applies to the class's role; declared gaps
become strict expected failures. A case that a capability gate cut short reports
``partial`` (``P``) instead of passing silently.
"""

from __future__ import annotations

import pytest

from calsync_conformance.base import ProviderConformance
from calsync_conformance.config import SuiteConfig
from calsync_conformance.partial import PARTIAL, partial_of
from calsync_conformance.prechecks import prechecks_for
from calsync_conformance.registry import cases_for


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--live``."""
    group = parser.getgroup("calsync-conformance")
    group.addoption(
        "--live",
        action="store_true",
        default=False,
        help="run the conformance cases against real tenants (credentials from the environment)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per case for conformance classes; inert elsewhere."""
    cls = metafunc.cls
    if cls is None or not issubclass(cls, ProviderConformance):
        return
    if "precheck" in metafunc.fixturenames:
        checks = prechecks_for(cls.role)
        metafunc.parametrize("precheck", checks, ids=[p.id for p in checks])
    if "case" not in metafunc.fixturenames:
        return
    gaps = dict(cls.suite_config.known_gaps)
    if cls.provider:
        from calsync.plugins import load_registry

        spec = load_registry().harnesses.get((cls.role, cls.provider))
        if spec is not None:
            gaps = {**SuiteConfig(known_gaps=spec.known_gaps).known_gaps, **gaps}
    params = []
    for case in cases_for(cls.role):
        marks = []
        if case.entry in gaps:
            # A gap in an entry covers every case checking an aspect of it; the entry's own
            # case must fail (strict), an aspect the gap does not touch may pass.
            marks.append(
                pytest.mark.xfail(
                    reason=f"known gap: {gaps[case.entry]}", strict=case.id == case.entry
                )
            )
        params.append(pytest.param(case, id=case.id, marks=marks))
    metafunc.parametrize("case", params)


def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    """A case a capability gate cut short: ``P`` / ``PARTIAL``, counted as ``partial``."""
    if partial_of(report) is None:
        return None
    return PARTIAL, "P", ("PARTIAL", {"yellow": True})


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name what each partial case skipped; point at a failed pre-check before the cases."""
    failed = [r for r in terminalreporter.stats.get("failed", []) if "test_precheck[" in r.nodeid]
    if failed:
        terminalreporter.section("calsync conformance: pre-checks", sep="-", red=True)
        terminalreporter.line(
            "A pre-check failed: fix it first; a case failing after it may fail for the same cause."
        )
    reports = terminalreporter.stats.get(PARTIAL, [])
    if reports:
        terminalreporter.section("calsync conformance: partial cases", sep="-", yellow=True)
        for report in reports:
            terminalreporter.line(f"{report.nodeid}: skipped {partial_of(report)}")
