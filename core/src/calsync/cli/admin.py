"""``calsync status``, ``issues``, ``enable``, ``disable``, ``reset``: looking after mailboxes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from calsync.api import Calsync
from calsync.cli.broker import queue_passes, workers_ready
from calsync.cli.common import (
    config_option,
    json_option,
    mailbox_option,
    names_of,
    open_app,
    selection_options,
)
from calsync.cli.outcome import exit_code, misconfigured, new_issues
from calsync.cli.output import EXIT_ATTENTION, complain, iso, print_json, say, show_table
from calsync.issues import CATALOGUE, ORGANISATION, Issue
from calsync.status import MailboxView

#: The organisation's issue that holds every pass (the CRM refused calsync's credentials).
ORG_AUTH_FAILED = "AUTH_FAILED"
ORG_WAITING = (
    "The organisation waits: the CRM refused the credentials calsync shares for it "
    "(`calsync issues --code AUTH_FAILED`); no pass runs until it accepts them again, "
    "then every round resumes by itself."
)


def _mailbox_json(m: MailboxView) -> dict[str, Any]:
    return {**asdict(m), "label": m.label}


@click.command("status")
@config_option
@json_option
def status(config_path: Path, as_json: bool) -> None:
    """Each mailbox's status and the organisation's sync activity."""
    app = open_app(config_path)
    try:
        view = app.status()
    finally:
        app.close()
    roster = app.engine.roster
    if roster.unresolved and roster.config.members is not None:
        # Otherwise the group's members would be missing from the table without a word.
        complain(
            f"the users of {roster.config.members.group} are not listed",
            [f"the CRM did not name them: {roster.unresolved}"],
        )
    if as_json:
        print_json(
            {
                "mailboxes": [_mailbox_json(m) for m in view.mailboxes],
                "organisation": asdict(view.organisation),
            }
        )
        return
    show_table(
        "Mailboxes",
        [
            "name",
            "provider",
            "status",
            "up (mailbox → CRM)",
            "down (CRM → mailbox)",
            "in sync",
            "issues",
            "last success",
        ],
        [
            (
                m.name,
                m.provider,
                m.label,
                m.up,
                m.down,
                m.records_in_sync,
                m.open_issues,
                iso(m.last_success_at),
            )
            for m in view.mailboxes
        ],
    )
    for m in view.mailboxes:
        if m.syncing_on:
            say(f"{m.name}: being synced now by {m.syncing_on}")
    org = view.organisation
    say(
        f"Last sync activity: {iso(org.last_sync_activity)}   records synced in the last "
        f"60 minutes: {org.synced_last_60_minutes}, 24 hours: {org.synced_last_24_hours}"
    )
    for code in org.issues:
        say(f"Organisation: {code} is open; see `calsync issues --code {code}`")
    if org.api_allowed:
        say(
            f"CRM daily API allowance: {org.api_used:,} of {org.api_allowed:,} calls used "
            f"(as of {iso(org.api_as_of)})"
        )


def issue_json(issue: Issue) -> dict[str, Any]:
    """An issue for ``--json``: its row, its advice in its own words, the catalogue's facts."""
    return {
        **asdict(issue),
        "advice": issue.advice,
        "disposition": str(issue.definition.disposition),
        "needs_person": issue.definition.needs_person,
    }


@click.command("issues")
@config_option
@mailbox_option()
@click.option("--code", type=click.Choice(sorted(CATALOGUE)), help="Only issues with this code.")
@click.option("--all", "include_resolved", is_flag=True, help="Resolved issues too.")
@json_option
def issues(
    config_path: Path,
    mailboxes: tuple[str, ...],
    code: str | None,
    include_resolved: bool,
    as_json: bool,
) -> None:
    """The issue log, newest first, with what to do about each.

    Exits 1 when an open issue needs a person (see docs/operating.md), 0 otherwise.
    """
    app = open_app(config_path)
    try:
        chosen = set(names_of(app, mailboxes))
        # Issues about the whole organisation (a shared credential) concern every mailbox.
        chosen |= {ORGANISATION} if not mailboxes else set()
        found = [
            i for i in app.issues(code=code, open_only=not include_resolved) if i.mailbox in chosen
        ]
    finally:
        app.close()
    if as_json:
        print_json([issue_json(i) for i in found])
    else:
        show_table(
            "Issues",
            ["mailbox", "code", "side", "item", "message", "seen", "last seen", "state"],
            [
                (
                    i.mailbox,
                    i.code,
                    i.side,
                    i.item_id or "",
                    i.message,
                    i.count,
                    iso(i.last_seen),
                    "resolved" if i.resolved_at else "open",
                )
                for i in found
            ],
        )
        for code_, advice in sorted({(i.code, i.advice) for i in found}):
            say(f"{code_}: {advice}")
    if any(i.is_open and i.definition.needs_person for i in found):
        raise SystemExit(EXIT_ATTENTION)


def _select(app: Calsync, mailboxes: tuple[str, ...], every: bool, code: str | None) -> list[str]:
    """The mailboxes ``--mailbox`` / ``--all`` / ``--code`` choose."""
    if not (mailboxes or every or code):
        raise click.UsageError(
            "say which mailboxes: --mailbox NAME (repeatable), --all or --code CODE"
        )
    if mailboxes and every:
        raise click.UsageError("--mailbox and --all exclude each other")
    names = names_of(app, mailboxes)
    if code is not None:
        having = {i.mailbox for i in app.issues(code=code)}
        names = [n for n in names if n in having]
    return names


def _states(app: Calsync, names: list[str]) -> dict[str, MailboxView]:
    return {m.name: m for m in app.status().mailboxes if m.name in names}


@click.command("enable")
@config_option
@selection_options
@json_option
def enable(
    config_path: Path, mailboxes: tuple[str, ...], every: bool, code: str | None, as_json: bool
) -> None:
    """Enable mailboxes (lifting a suspension), run a pass each and say where they ended.

    Exits like `calsync sync`: 1 when something still needs a person. With workers
    (CALSYNC_BROKER_URL set) the passes are queued for them instead.
    """
    if workers_ready():
        names, after, waiting = _change(config_path, mailboxes, every, code, Calsync.mark_enabled)
        queue_passes(names, done=f"enabled {', '.join(names)}")
        _report(names, after, as_json, code, "enabled; its pass is queued for the workers", waiting)
        return
    app = open_app(config_path)
    try:
        names = _select(app, mailboxes, every, code)
        since = app.clock()
        reports = [app.enable(name) for name in names]
        opened = new_issues(app.issues(), since, names)
        after = _states(app, names)
    finally:
        app.close()
    if as_json:
        print_json([{**asdict(r), "status": after[r.mailbox].label} for r in reports])
    else:
        if not names:
            say(f"no mailbox has an open {code} issue")
        for r in reports:
            say(
                f"{r.mailbox}: enabled; pass {r.outcome} (up {r.synced_up}, down {r.synced_down}); "
                f"now {after[r.mailbox].label}" + (f" — {r.detail}" if r.detail else "")
            )
    if problems := misconfigured(reports):
        complain("configuration error", problems)
    raise SystemExit(exit_code(reports, opened))


@click.command("disable")
@config_option
@selection_options
@json_option
def disable(
    config_path: Path, mailboxes: tuple[str, ...], every: bool, code: str | None, as_json: bool
) -> None:
    """Stop syncing mailboxes until they are enabled again."""
    names, after, waiting = _change(config_path, mailboxes, every, code, Calsync.disable)
    _report(names, after, as_json, code, "disabled", waiting)


@click.command("reset")
@config_option
@selection_options
@json_option
def reset(
    config_path: Path, mailboxes: tuple[str, ...], every: bool, code: str | None, as_json: bool
) -> None:
    """Mark mailboxes for reset: their next pass lists both sides in full and adopts what exists."""
    # With workers (CALSYNC_BROKER_URL set), the reset pass is queued now, not at the next round.
    queued = workers_ready()
    names, after, waiting = _change(config_path, mailboxes, every, code, Calsync.reset)
    if queued:
        queue_passes(names, done=f"marked {', '.join(names)} for reset")
    _report(
        names,
        after,
        as_json,
        code,
        "marked for reset; its pass is queued for the workers"
        if queued
        else "marked for reset; the next `calsync sync` re-adopts its items without duplicating them",
        waiting,
    )


def _change(
    config_path: Path,
    mailboxes: tuple[str, ...],
    every: bool,
    code: str | None,
    change: Callable[[Calsync, str], None],
) -> tuple[list[str], dict[str, MailboxView], bool]:
    """Apply ``change`` to each selected mailbox: names, statuses after, whether the org waits.

    The organisation waits while the CRM refuses the credentials calsync shares for it.
    """
    app = open_app(config_path)
    try:
        names = _select(app, mailboxes, every, code)
        for name in names:
            change(app, name)
        view = app.status()
    finally:
        app.close()
    after = {m.name: m for m in view.mailboxes if m.name in names}
    return names, after, ORG_AUTH_FAILED in view.organisation.issues


def _report(
    names: list[str],
    after: dict[str, MailboxView],
    as_json: bool,
    code: str | None,
    done: str,
    waiting: bool = False,
) -> None:
    if as_json:
        print_json([{"mailbox": n, "status": after[n].label} for n in names])
        return
    if not names:
        say(f"no mailbox has an open {code} issue")
    for name in names:
        label = after[name].label
        say(f"{name}: {done}" + ("" if label == done else f"; now {label}"))
    if waiting and names:
        # The mailbox's own status says nothing of it: the organisation's issue holds every pass.
        say(ORG_WAITING)
