"""``calsync demo``: the whole product on the embedded emulators."""

from __future__ import annotations

from pathlib import Path

import click

from calsync.cli import web
from calsync.cli.common import writable_folder
from calsync.cli.output import EXIT_ATTENTION, console, print_json, say, show_table
from calsync.demo import DemoResult, run_demo
from calsync.demo.run import Served


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    callback=writable_folder,
    help="Keep the generated configuration and state in DIR (removed at the end otherwise).",
)
@click.option(
    "--web", "serve_web", is_flag=True, help="Then serve the admin console on the demo's state."
)
@click.option(
    "--listen", default=web.DEFAULT_LISTEN, show_default=True, help="With --web: HOST:PORT."
)
def command(as_json: bool, keep: Path | None, serve_web: bool, listen: str) -> None:
    """Run calsync on an organisation seeded into the embedded emulators.

    Seeds the emulators of the installed plugins, serves them on 127.0.0.1 and runs
    calsync against them through real sockets, as a user would. Exits 1 if a documented
    scenario did not show its outcome.
    """

    def progress(line: str) -> None:
        if not as_json:
            say(f"> {line}")

    def show(result: DemoResult, served: Served) -> None:
        if as_json:
            print_json(result.as_json())
        else:
            _show(result)
        if serve_web:
            web.serve_demo(served.config, listen)
        elif not as_json:
            say("To open the admin console on this organisation: `calsync demo --web`")

    if serve_web:
        web.web_module()  # without calsync[web], say so before the demo runs
    result = run_demo(keep, progress=progress, then=show)
    if not result.ok:
        raise SystemExit(EXIT_ATTENTION)


def _show(result: DemoResult) -> None:
    console.print()
    show_table(
        f"Mailboxes ({result.items_seeded} items seeded)",
        ["mailbox", "provider", "status", "mailbox → CRM", "CRM → mailbox", "in sync"],
        [
            (
                m["name"],
                m["provider"],
                m["status"] + (f" ({m['suspended_by']})" if m["status"] == "suspended" else ""),
                m["synced_up"],
                m["synced_down"],
                m["records_in_sync"],
            )
            for m in result.mailboxes
        ],
    )
    show_table(
        "Open issues",
        ["code", "count", "what to do"],
        [(i["code"], i["count"], i["advice"]) for i in result.issues],
    )
    show_table(
        f"Markers people see ({len(result.markers)})",
        ["mailbox", "item", "issue"],
        [(m["mailbox"], m["subject"], m["code"]) for m in result.markers],
    )
    show_table(
        "Documented exceptions",
        ["", "entry", "expected", "observed"],
        [
            ("✓" if s["ok"] else "✗", f"{s['ex']} {s['title']}", s["expected"], s["detail"])
            for s in result.scenarios
        ],
    )
    second = result.second_run
    say(
        f"A last run synced {second['synced_up']} up and {second['synced_down']} down; "
        f"items with two counterparts: {result.duplicates}."
    )
    if result.config:
        say(f"The generated configuration (kept): {result.config}")
    else:
        say(
            "The generated configuration and state are removed when the demo ends; "
            "`calsync demo --keep DIR` keeps them, `calsync sandbox serve --seed demo` keeps "
            "the emulators running."
        )
