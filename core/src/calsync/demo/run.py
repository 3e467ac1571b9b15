"""Running the demo: seed, serve, configure, sync, edit, sync, check, summarise."""

from __future__ import annotations

import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from calsync.api import Calsync
from calsync.demo.organisation import MAILBOXES, Organisation
from calsync.demo.scenarios import SCENARIOS, View, prepare
from calsync.engine import PassReport
from calsync.errors import CalsyncError
from calsync.harness import CrmHarness, Endpoint, MailboxHarness
from calsync.issues import definition
from calsync.plugins import load_registry
from calsync.providers import Role

__all__ = ["DemoResult", "Served", "open_organisation", "run_demo"]

#: The providers the demo uses: (role, plugin).
PROVIDERS = (
    (Role.CRM, "salesforce"),
    (Role.MAILBOX, "exchange"),
    (Role.MAILBOX, "gmail"),
    (Role.MAILBOX, "graph"),
)


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


Progress = Callable[[str], None]


@dataclass(slots=True, kw_only=True)
class Served:
    """The organisation's emulators, served on 127.0.0.1, and the configuration reaching them."""

    org: Organisation
    endpoints: dict[str, Endpoint]
    config: Path
    #: The values of the secret references in the configuration (the emulators' own).
    environment: dict[str, str]
    items_seeded: int


def open_organisation(
    stack: ExitStack, directory: Path, *, seed: bool, progress: Progress
) -> Served:
    """Start the emulators, seed the demo organisation if asked, serve them, write the config.

    Everything started is stopped when ``stack`` closes; the configuration is
    ``calsync-demo.toml`` in ``directory``.
    """
    registry = load_registry()
    missing = [
        f"{role} provider {name!r}"
        for role, name in PROVIDERS
        if (role, name) not in registry.harnesses
    ]
    if missing:
        raise CalsyncError(
            "the demo needs the plugins calsync-exchange, calsync-gmail, calsync-graph and "
            "calsync-salesforce; "
            f"missing: {', '.join(missing)}"
        )
    directory.mkdir(parents=True, exist_ok=True)
    crm = registry.harnesses[(Role.CRM, "salesforce")].offline()
    mail = {
        name: registry.harnesses[(Role.MAILBOX, name)].offline()
        for name in ("exchange", "gmail", "graph")
    }
    stack.callback(crm.close)
    for harness in mail.values():
        stack.callback(harness.close)
    assert isinstance(crm, CrmHarness)
    org = Organisation(
        crm, {k: h for k, h in mail.items() if isinstance(h, MailboxHarness)}, datetime.now(UTC)
    )
    progress("seeding the organisation: Salesforce users, contacts, leads, accounts, mailboxes")
    org.people()
    seeded = 0
    if seed:
        prepare(org)
        seeded = org.everyday_calendars()
        for scenario in SCENARIOS:
            scenario.seed(org)
        seeded += len(org.ids)
    progress("serving the emulators on 127.0.0.1")
    endpoints = {"salesforce": crm.serve(), **{name: h.serve() for name, h in mail.items()}}
    for endpoint in endpoints.values():
        stack.callback(endpoint.stop)
    config_path = _write_config(directory, org, endpoints)
    return Served(
        org=org,
        endpoints=endpoints,
        config=config_path,
        environment=_secrets(org, endpoints),
        items_seeded=seeded,
    )


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
        stack.enter_context(_environment(served.environment))
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


def _write_config(directory: Path, org: Organisation, endpoints: dict[str, Endpoint]) -> Path:
    document = {
        "state": f"sqlite:///{directory / 'calsync-demo.db'}",
        "policy": {
            "mode": "sync-all",
            "private_items": "skip",
            "recurring_items": "on",
            "recurrence": "series",
        },
        "crm": {"provider": "salesforce", "settings": endpoints["salesforce"].settings(None)},
        "mailboxes": [
            {
                "name": m.name,
                "provider": m.provider,
                "address": m.address,
                "settings": endpoints[m.provider].settings(m.address),
                "policy": m.policy,
            }
            for m in MAILBOXES
        ],
        "notify": {"channels": ["log"]},
    }
    path = directory / "calsync-demo.toml"
    header = "# Generated by `calsync demo`: the embedded emulators, served on 127.0.0.1.\n"
    path.write_text(header + tomli_w.dumps(document), encoding="utf-8")
    return path


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if set(value) == {"env"}:
            yield value["env"]
        for inner in value.values():
            yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def _secrets(org: Organisation, endpoints: dict[str, Endpoint]) -> dict[str, str]:
    """The environment the configuration's secret references read; erin's are wrong (EX-22)."""
    values: dict[str, str] = {}
    for endpoint in endpoints.values():
        values.update(endpoint.environment)
    used_by: dict[str, set[str]] = defaultdict(set)
    for mailbox in MAILBOXES:
        for name in _references(endpoints[mailbox.provider].settings(mailbox.address)):
            used_by[name].add(mailbox.name)
    for mailbox in MAILBOXES:
        if mailbox.wrong_credentials:
            for name, users in used_by.items():
                if users == {mailbox.name}:
                    values[name] = "not-the-password"
    return values


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _summarise(
    result: DemoResult, org: Organisation, config_path: Path, synced: dict[str, Counter[str]]
) -> None:
    app = Calsync.from_file(config_path)
    try:
        status = {m.name: m for m in app.status().mailboxes}
        issues = app.issues()
    finally:
        app.close()
    for mailbox in MAILBOXES:
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
    for mailbox in MAILBOXES:
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
    for mailbox in MAILBOXES:
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
