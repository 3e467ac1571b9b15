"""``calsync status``, ``issues``, ``enable``, ``disable``, ``reset``: looking after mailboxes."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from calsync.cli.common import config_option, json_option, mailbox_option, open_app
from calsync.cli.output import EXIT_ISSUES, console, print_json, table
from calsync.issues import CATALOGUE, definition


def _when(value: Any) -> str:
    return value.isoformat(timespec="seconds") if value else "-"


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
    if as_json:
        print_json(
            {
                "mailboxes": [asdict(m) for m in view.mailboxes],
                "organisation": asdict(view.organisation),
            }
        )
        return
    rows = [
        (
            m.name,
            m.provider,
            m.status if m.effectively_enabled else f"{m.status} ({m.suspended_by or 'disabled'})",
            m.up,
            m.down,
            m.records_in_sync,
            m.open_issues,
            _when(m.last_success_at),
        )
        for m in view.mailboxes
    ]
    console.print(
        table(
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
            rows,
        )
    )
    for m in view.mailboxes:
        if m.syncing_on:
            console.print(f"{m.name}: being synced now by {m.syncing_on}")
    org = view.organisation
    console.print(
        f"Last sync activity: {_when(org.last_sync_activity)}   "
        f"records synced in the last 60 minutes: {org.synced_last_60_minutes}, 24 hours: {org.synced_last_24_hours}"
    )


@click.command("issues")
@config_option
@mailbox_option()
@click.option("--code", type=click.Choice(sorted(CATALOGUE)), help="Only issues with this code.")
@click.option("--all", "include_resolved", is_flag=True, help="Resolved issues too.")
@json_option
def issues(
    config_path: Path, mailbox: str | None, code: str | None, include_resolved: bool, as_json: bool
) -> None:
    """The issue log, newest first, with what to do about each. Exits 1 when issues are open."""
    app = open_app(config_path)
    try:
        found = app.issues(mailbox, code=code, open_only=not include_resolved)
    finally:
        app.close()
    if as_json:
        print_json(
            [
                {
                    **asdict(i),
                    "advice": i.definition.advice,
                    "disposition": str(i.definition.disposition),
                }
                for i in found
            ]
        )
    else:
        rows = [
            (
                i.mailbox,
                i.code,
                i.side,
                i.item_id or "",
                i.message,
                i.count,
                _when(i.last_seen),
                "resolved" if i.resolved_at else "open",
            )
            for i in found
        ]
        console.print(
            table(
                "Issues",
                ["mailbox", "code", "side", "item", "message", "seen", "last seen", "state"],
                rows,
            )
        )
        for code_ in sorted({i.code for i in found}):
            console.print(f"[bold]{code_}[/]: {definition(code_).advice}", highlight=False)
    if any(i.is_open for i in found):
        raise SystemExit(EXIT_ISSUES)


@click.command("enable")
@config_option
@mailbox_option(required=True)
@json_option
def enable(config_path: Path, mailbox: str, as_json: bool) -> None:
    """Enable a mailbox (lifting a suspension) and run a pass."""
    app = open_app(config_path)
    try:
        report = app.enable(mailbox)
    finally:
        app.close()
    if as_json:
        print_json(asdict(report))
    else:
        console.print(
            f"{mailbox}: enabled; pass {report.outcome} (up {report.synced_up}, down {report.synced_down})"
        )
    if report.outcome != "ok":
        raise SystemExit(EXIT_ISSUES)


@click.command("disable")
@config_option
@mailbox_option(required=True)
def disable(config_path: Path, mailbox: str) -> None:
    """Stop syncing a mailbox until it is enabled again."""
    app = open_app(config_path)
    try:
        app.disable(mailbox)
    finally:
        app.close()
    console.print(f"{mailbox}: disabled")


@click.command("reset")
@config_option
@mailbox_option(required=True)
def reset(config_path: Path, mailbox: str) -> None:
    """Mark a mailbox for reset: its next pass lists both sides in full and adopts what exists."""
    app = open_app(config_path)
    try:
        app.reset(mailbox)
    finally:
        app.close()
    console.print(
        f"{mailbox}: marked for reset; the next `calsync sync` re-adopts its items without duplicating them"
    )
