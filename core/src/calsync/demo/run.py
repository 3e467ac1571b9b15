"""Running the demo: seed, serve, configure, sync, edit, sync, check, summarise."""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calsync.api import Calsync
from calsync.demo.organisation import Organisation
from calsync.demo.scenarios import SCENARIOS, View
from calsync.demo.served import Progress, Served, environment, open_organisation
from calsync.engine import PassReport
from calsync.issues import definition

__all__ = ["DemoResult", "Served", "open_organisation", "run_demo"]


@dataclass(slots=True, kw_only=True)
class DemoResult:
    """What the demo did, as ``calsync demo --json`` prints it."""

    mailboxes: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    markers: list[dict[str, Any]] = field(default_factory=list)
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    #: The last round, run after everything settled: it must sync nothing.
    second_run: dict[str, int] = field(default_factory=dict)
    #: Items that have more than one counterpart (must be 0).
    duplicates: int = 0
    items_seeded: int = 0
    #: The generated configuration, when it was kept (``--keep``); "" when it was removed.
    config: str = ""

    @property
    def ok(self) -> bool:
        """Whether every scenario showed its documented outcome and the last round wrote nothing."""
        return (
            all(s["ok"] for s in self.scenarios)
            and not any(self.second_run.values())
            and not self.duplicates
        )

    def as_json(self) -> dict[str, Any]:
        """The JSON document of ``calsync demo --json``."""
        return {
            "mailboxes": self.mailboxes,
            "issues": self.issues,
            "markers": self.markers,
            "scenarios": self.scenarios,
            "second_run": self.second_run,
            "duplicates": self.duplicates,
            "items_seeded": self.items_seeded,
            "config": self.config,
            "ok": self.ok,
        }


def run_demo(
    workdir: Path | None = None,
    progress: Progress = lambda _: None,
    then: Callable[[DemoResult, Served], None] | None = None,
) -> DemoResult:
    """Run the whole demo; ``workdir`` keeps the generated configuration and state.

    :param then: called with the result while the emulators still run and their
        credentials are still set (``calsync demo --web`` serves the console from it).
    """
    with ExitStack() as stack:
        directory = workdir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="calsync-demo-"))
        )
        served = open_organisation(stack, directory, seed=True, progress=progress)
        org, config_path, seeded = served.org, served.config, served.items_seeded
        stack.enter_context(environment(served.environment))
        # A configuration in a temporary folder is gone when the demo ends: not worth naming.
        kept = str(config_path) if workdir is not None else ""
        result = DemoResult(items_seeded=seeded, config=kept)
        synced: dict[str, Counter[str]] = defaultdict(Counter)
        rounds = [
            ("first sync", None),
            ("people edit their calendars, then sync", _edits),
            ("sync again", None),
        ]
        for title, before in rounds:
            if before is not None:
                before(org)
            progress(title)
            for report in _sync(config_path, progress):
                synced[report.mailbox]["up"] += report.synced_up
                synced[report.mailbox]["down"] += report.synced_down
        progress("a last run: everything is in step, so it must sync nothing")
        last = _sync(config_path, progress)
        result.second_run = {
            "synced_up": sum(r.synced_up for r in last),
            "synced_down": sum(r.synced_down for r in last),
        }
        _summarise(result, org, config_path, synced)
        if then is not None:
            then(result, served)
        return result


def _edits(org: Organisation) -> None:
    for scenario in SCENARIOS:
        if scenario.edit is not None:
            scenario.edit(org)


def _sync(config_path: Path, progress: Progress) -> list[PassReport]:
    app = Calsync.from_file(config_path)
    try:
        reports = []
        for mailbox in app.config.mailboxes:
            reports += app.sync(mailbox.name)
            report = reports[-1]
            progress(
                f"  {mailbox.name}: {report.outcome}, up {report.synced_up}, down {report.synced_down}"
            )
        return reports
    finally:
        app.close()


def _summarise(
    result: DemoResult, org: Organisation, config_path: Path, synced: dict[str, Counter[str]]
) -> None:
    app = Calsync.from_file(config_path)
    try:
        status = {m.name: m for m in app.status().mailboxes}
        issues = app.issues()
    finally:
        app.close()
    for mailbox in org.mailboxes.values():
        view = status[mailbox.name]
        result.mailboxes.append(
            {
                "name": mailbox.name,
                "provider": mailbox.provider,
                "address": mailbox.address,
                "status": str(view.status),
                "enabled": view.effectively_enabled,
                "suspended_by": view.suspended_by,
                "synced_up": synced[mailbox.name]["up"],
                "synced_down": synced[mailbox.name]["down"],
                "records_in_sync": view.records_in_sync,
            }
        )
    counts = Counter((i.code, i.advice) for i in issues)
    result.issues = [
        {"code": code, "count": count, "title": definition(code).title, "advice": advice}
        for (code, advice), count in sorted(counts.items())
    ]
    for mailbox in org.mailboxes.values():
        harness = org.harness(mailbox.name)
        for item in harness.items(mailbox.address):
            if item.ref is not None and harness.marker(mailbox.address, item.ref.id).flagged:
                code = next(
                    (
                        i.code
                        for i in issues
                        if i.item_id == item.ref.id or item.ref.id in i.related_ids
                    ),
                    "?",
                )
                result.markers.append(
                    {"mailbox": mailbox.name, "subject": item.subject, "code": code}
                )
    references: Counter[str] = Counter(
        e.counterpart_id for e in org.crm.items() if e.counterpart_id and e.series_id is None
    )
    for mailbox in org.mailboxes.values():
        harness = org.harness(mailbox.name)
        references.update(
            i.counterpart_id
            for i in harness.items(mailbox.address)
            if i.counterpart_id and i.series_id is None
        )
    result.duplicates = sum(n - 1 for n in references.values() if n > 1)
    seen = View(org, issues, status)
    for scenario in SCENARIOS:
        try:
            verdict = scenario.verify(seen)
            ok, detail = verdict.ok, verdict.detail
        except Exception as exc:
            ok, detail = False, f"check failed: {type(exc).__name__}: {exc}"
        result.scenarios.append(
            {
                "ex": scenario.ex,
                "title": scenario.title,
                "expected": scenario.expected,
                "ok": ok,
                "detail": detail,
            }
        )
