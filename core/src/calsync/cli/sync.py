"""``calsync sync``: run passes."""

from __future__ import annotations

import signal
import threading
from dataclasses import asdict
from pathlib import Path

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from calsync.api import Calsync
from calsync.cli.common import config_option, json_option, mailbox_option, names_of, open_app
from calsync.cli.outcome import exit_code, misconfigured, new_issues
from calsync.cli.output import (
    EXIT_ATTENTION,
    complain,
    console,
    print_json,
    print_json_line,
    show_table,
)
from calsync.engine import PassReport
from calsync.issues import ORGANISATION


@click.command("sync")
@config_option
@mailbox_option()
@click.option(
    "--watch",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help="Keep running, one round every SECONDS (SIGTERM or Ctrl-C stops it; with --json, "
    "one JSON line per round).",
)
@click.option(
    "--allow-mass-delete", is_flag=True, help="Make deletions held back by the mass-delete guard."
)
@json_option
def command(
    config_path: Path,
    mailboxes: tuple[str, ...],
    watch: float | None,
    allow_mass_delete: bool,
    as_json: bool,
) -> None:
    """Run one pass per mailbox (or for each --mailbox).

    Exits 0 when every pass did its job, 1 when something needs a person (a suspended
    mailbox, a failed pass, a new issue someone must act on), 2 for usage or configuration
    errors (also a mailbox whose configuration its pass could not use; the others sync).
    See docs/operating.md.
    """
    app = open_app(config_path)
    status = 0
    stop = threading.Event()
    if watch is not None:
        # systemd stops a service with SIGTERM: the round under way finishes, then it exits.
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.is_set():
            names = names_of(app, mailboxes)  # each round: a CRM group's users may change
            since = app.clock()
            reports = _round(app, names, allow_mass_delete, quiet=as_json)
            # The organisation's issues count too (the CRM refusing calsync's credentials):
            # with every mailbox a group's member, the round may have no pass to report it.
            opened = new_issues(app.issues(), since, [*names, ORGANISATION])
            status = exit_code(reports, opened)
            if not names and app.engine.roster.unresolved:
                status = max(status, EXIT_ATTENTION)  # nothing synced: someone has to look
            if as_json and watch is not None:
                print_json_line([asdict(r) for r in reports])  # one round per line
            elif as_json:
                print_json([asdict(r) for r in reports])
            else:
                _show(reports)
                if not names and app.engine.roster.unresolved:
                    complain(
                        "no mailbox to sync",
                        [f"the CRM did not name the users of {_group(app)}: {_why(app)}"],
                    )
            if problems := misconfigured(reports):
                complain("configuration error", problems)
            if watch is None:
                break
            stop.wait(watch)
    except KeyboardInterrupt:  # --watch is stopped with Ctrl-C
        pass
    finally:
        app.close()
    raise SystemExit(status)


def _round(
    app: Calsync, names: list[str], allow_mass_delete: bool, *, quiet: bool
) -> list[PassReport]:
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    ) as progress:
        task = progress.add_task("syncing", total=len(names))
        begun: list[str] = []

        def turn(name: str) -> None:
            progress.update(task, completed=len(begun), description=f"syncing {name}")
            begun.append(name)

        # One round for all of them: the CRM is read once for every pass (docs/operating.md).
        reports = app.engine.run(names, allow_mass_delete=allow_mass_delete, progress=turn)
        progress.update(task, completed=len(names))
    return reports


def _show(reports: list[PassReport]) -> None:
    show_table(
        "Sync",
        ["mailbox", "outcome", "up", "down", "open issues", "seconds", "detail"],
        [
            (
                r.mailbox,
                r.outcome,
                r.synced_up,
                r.synced_down,
                ", ".join(r.issues),
                f"{r.seconds:.2f}",
                r.detail,
            )
            for r in reports
        ],
    )


def _group(app: Calsync) -> str:
    members = app.engine.roster.config.members
    return str(members.group) if members else "the group"


def _why(app: Calsync) -> str:
    return app.engine.roster.unresolved
