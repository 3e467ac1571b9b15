"""``calsync sync``: run passes."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

import click
from rich.progress import Progress, SpinnerColumn, TextColumn

from calsync.api import Calsync
from calsync.cli.common import config_option, json_option, mailbox_option, open_app
from calsync.cli.output import EXIT_ISSUES, EXIT_OK, console, print_json, table
from calsync.engine import PassReport

OK = {"ok"}


@click.command("sync")
@config_option
@mailbox_option()
@click.option(
    "--watch",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help="Keep running, one round every SECONDS.",
)
@click.option(
    "--allow-mass-delete", is_flag=True, help="Make deletions held back by the mass-delete guard."
)
@json_option
def command(
    config_path: Path,
    mailbox: str | None,
    watch: float | None,
    allow_mass_delete: bool,
    as_json: bool,
) -> None:
    """Run one pass per mailbox (or for --mailbox). Exits 1 when a mailbox finished with issues."""
    app = open_app(config_path)
    try:
        while True:
            reports = _round(app, mailbox, allow_mass_delete, quiet=as_json)
            if as_json:
                print_json([asdict(r) for r in reports])
            else:
                _show(reports)
            if watch is None:
                break
            time.sleep(watch)
    except KeyboardInterrupt:  # --watch is stopped with Ctrl-C
        pass
    finally:
        app.close()
    raise SystemExit(EXIT_OK if all(r.outcome in OK for r in reports) else EXIT_ISSUES)


def _round(
    app: Calsync, mailbox: str | None, allow_mass_delete: bool, *, quiet: bool
) -> list[PassReport]:
    names = (
        [app.config.mailbox(mailbox).name] if mailbox else [m.name for m in app.config.mailboxes]
    )
    reports: list[PassReport] = []
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        disable=quiet,
    ) as progress:
        task = progress.add_task("syncing", total=len(names))
        for name in names:
            progress.update(task, description=f"syncing {name}")
            reports += app.sync(name, allow_mass_delete=allow_mass_delete)
            progress.advance(task)
    return reports


def _show(reports: list[PassReport]) -> None:
    rows = [
        (r.mailbox, r.outcome, r.synced_up, r.synced_down, ", ".join(r.issues), r.detail)
        for r in reports
    ]
    console.print(
        table("Sync", ["mailbox", "outcome", "up", "down", "open issues", "detail"], rows)
    )
