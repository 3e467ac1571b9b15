"""Running the suite for installed providers and reporting the matrix EX id x provider.

Rows: the pre-checks (``PRE-<rule>``, run first), then the cases. Outcomes: ``pass``,
``partial`` (it ran, but a capability gate skipped the parts named in the reason), ``fail``,
``gap`` (a declared known gap, with its reason) and ``n/a`` (the provider lacks a capability
the case needs, named in the reason).
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, final

import pytest

from calsync.plugins import load_registry
from calsync.providers import Role
from calsync_conformance.partial import PARTIAL, partial_of
from calsync_conformance.prechecks import PRECHECKS

__all__ = ["Result", "render_json", "render_markdown", "run"]


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """One cell of the matrix."""

    case: str
    provider: str
    role: str
    outcome: str
    reason: str = ""


class _Collector:
    """A pytest plugin that records each case's outcome."""

    def __init__(self) -> None:
        self.results: list[Result] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            provider, role = report.nodeid.split("::")[1].removeprefix("Test").rsplit("_", 1)
            case = report.nodeid.rsplit("[", 1)[1].rstrip("]")
            if hasattr(report, "wasxfail"):
                outcome, reason = (
                    ("gap", report.wasxfail.removeprefix("known gap: "))
                    if report.skipped
                    else ("fail", "a declared gap now passes: remove it")
                )
            elif report.skipped:
                outcome, reason = (
                    "n/a",
                    str(report.longrepr[2]).removeprefix("Skipped: ")
                    if isinstance(report.longrepr, tuple)
                    else "",
                )
            elif report.failed:
                outcome, reason = (
                    "fail",
                    report.longreprtext.strip().splitlines()[-1] if report.longreprtext else "",
                )
            elif (skipped := partial_of(report)) is not None:
                outcome, reason = PARTIAL, f"skipped {skipped}"
            else:
                outcome, reason = "pass", ""
            self.results.append(
                Result(
                    case=case, provider=provider, role=role, outcome=outcome, reason=reason[:300]
                )
            )


def run(
    providers: Sequence[str] | None = None, *, live: bool = False
) -> tuple[list[dict[str, str]], list[Result]]:
    """Run the suite for every provider with a harness (or those named)."""
    registry = load_registry()
    chosen = sorted(
        (role, name) for role, name in registry.harnesses if not providers or name in providers
    )
    if not chosen:
        raise SystemExit(
            f"no conformance harness for {', '.join(providers or [])}; installed: "
            + ", ".join(sorted({n for _, n in registry.harnesses}))
        )
    classes = "\n".join(
        f"class Test{name}_{role}({'Mailbox' if role is Role.MAILBOX else 'Crm'}ProviderConformance):\n"
        f"    provider = {name!r}\n"
        for role, name in chosen
    )
    module = (
        "from calsync_conformance import CrmProviderConformance, MailboxProviderConformance\n\n"
        + classes
    )
    collector = _Collector()
    with tempfile.TemporaryDirectory(prefix="calsync-conformance-") as workdir:
        root = Path(workdir)
        (root / "conftest.py").write_text('pytest_plugins = ["calsync_conformance.plugin"]\n')
        (root / "test_matrix.py").write_text(textwrap.dedent(module))
        args = [
            str(root),
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(root),
            "-o",
            "addopts=",
            "--no-header",
            "-W",
            "ignore",
        ]
        if live:
            args.append("--live")
        # pytest's own report goes to stderr: stdout carries the matrix (maybe JSON).
        with contextlib.redirect_stdout(sys.stderr):
            pytest.main(args, plugins=[collector])
    return [{"name": name, "role": str(role)} for role, name in chosen], collector.results


def render_json(providers: list[dict[str, str]], results: list[Result]) -> str:
    """``{"providers": [...], "results": [{case, provider, role, outcome, reason}]}``."""
    return json.dumps({"providers": providers, "results": [asdict(r) for r in results]}, indent=2)


def render_markdown(providers: list[dict[str, str]], results: list[Result]) -> str:
    """A Markdown table: one row per case, one column per provider."""
    columns = [(p["name"], p["role"]) for p in providers]
    cells = {(r.case, r.provider, r.role): r for r in results}
    lines = [
        "| case | " + " | ".join(f"{n} ({r})" for n, r in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    notes: list[str] = []
    for case in sorted({r.case for r in results}, key=_row_order):
        row = []
        for name, role in columns:
            cell = cells.get((case, name, role))
            text = "n/a" if cell is None else cell.outcome
            if cell is not None and cell.outcome != "pass" and cell.reason:
                notes.append(f"- {case} {name} ({role}), {cell.outcome}: {cell.reason}")
            row.append(text)
        lines.append(f"| {case} | " + " | ".join(row) + " |")
    return "\n".join(lines + (["", *notes] if notes else [])) + "\n"


def _row_order(case: str) -> tuple[int, str]:
    """Pre-checks first, in the order they run; then the cases by id."""
    order = list(PRECHECKS)
    return (order.index(case), "") if case in order else (len(order), case)


def main_args(argv: Sequence[str]) -> dict[str, Any]:
    """Parse ``[--provider NAME]... [--format json|markdown] [--live]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m calsync_conformance")
    parser.add_argument("--provider", action="append", dest="providers")
    parser.add_argument("--format", choices=("json", "markdown"), default="markdown")
    parser.add_argument("--live", action="store_true")
    return vars(parser.parse_args(argv))
