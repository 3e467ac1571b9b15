"""``calsync demo``: the whole product on the embedded emulators."""

from __future__ import annotations

from pathlib import Path

import click

from calsync.cli import web
from calsync.cli.output import EXIT_ISSUES, console, print_json, table
from calsync.demo import DemoResult, run_demo
from calsync.demo.run import Served


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--keep",
    type=click.Path(path_type=Path),
    help="Keep the generated configuration and state here.",
)
@click.option(
    "--web", "serve_web", is_flag=True, help="Then serve the admin console on the demo's state."
)
@click.option(
    "--listen", default=web.DEFAULT_LISTEN, show_default=True, help="With --web: HOST:PORT."
)
def command(as_json: bool, keep: Path | None, serve_web: bool, listen: str) -> None:
    """Run calsync on an organisation seeded into the embedded emulators.

    Seeds the Exchange, Google and Salesforce emulators, serves them on 127.0.0.1 and runs
    calsync against them through real sockets, as a user would. Exits 1 if a documented
    scenario did not show its outcome.
    """

    def say(line: str) -> None:
        if not as_json:
            console.print(f"[dim]>[/] {line}", highlight=False)

    def show(result: DemoResult, served: Served) -> None:
        if as_json:
            print_json(result.as_json())
        else:
            _show(result)
        if serve_web:
            web.serve_demo(served.config, listen)
        elif not as_json:
            console.print(
                "To open the admin console on this organisation: `calsync demo --web`",
                highlight=False,
            )

    if serve_web:
        web.web_module()  # without calsync[web], say so before the demo runs
    result = run_demo(keep, progress=say, then=show)
    if not result.ok:
        raise SystemExit(EXIT_ISSUES)


def _show(result: DemoResult) -> None:
    console.print()
    console.print(
        table(
            f"Mailboxes ({result.items_seeded} items seeded)",
            ["mailbox", "provider", "status", "mailbox → CRM", "CRM → mailbox", "in sync"],
            [
                (
                    m["name"],
                    m["provider"],
                    m["status"] + (f" ({m['suspended_by']})" if m["suspended_by"] else ""),
                    m["synced_up"],
                    m["synced_down"],
                    m["records_in_sync"],
                )
                for m in result.mailboxes
            ],
        )
    )
    console.print(
        table(
            "Open issues",
            ["code", "count", "what to do"],
            [(i["code"], i["count"], i["advice"]) for i in result.issues],
        )
    )
    console.print(
        table(
            f"Markers people see ({len(result.markers)})",
            ["mailbox", "item", "issue"],
            [(m["mailbox"], m["subject"], m["code"]) for m in result.markers],
        )
    )
    console.print(
        table(
            "Documented exceptions",
            ["", "entry", "expected", "observed"],
            [
                (
                    "[green]✓[/]" if s["ok"] else "[red]✗[/]",
                    f"{s['ex']} {s['title']}",
                    s["expected"],
                    s["detail"],
                )
                for s in result.scenarios
            ],
        )
    )
    second = result.second_run
    console.print(
        f"A last run synced {second['synced_up']} up and {second['synced_down']} down; "
        f"items with two counterparts: {result.duplicates}."
    )
    console.print(f"The generated configuration: {result.config}")
