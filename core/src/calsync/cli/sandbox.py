"""``calsync sandbox serve``: the embedded emulators on 127.0.0.1, for trying calsync by hand."""

from __future__ import annotations

import shlex
import threading
from contextlib import ExitStack
from pathlib import Path

import click

from calsync.cli.output import console


@click.group("sandbox")
def group() -> None:
    """The embedded emulators of the installed plugins."""


@group.command("serve")
@click.option(
    "--seed",
    type=click.Choice(["none", "demo"]),
    default="none",
    show_default=True,
    help="`demo` seeds the demo organisation (its people, calendars and scenarios).",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=Path("calsync-sandbox"),
    show_default=True,
    help="Where the generated configuration (and the state of syncs run with it) goes.",
)
def serve(seed: str, directory: Path) -> None:
    """Serve the Exchange, Google and Salesforce emulators and print a configuration for them.

    Runs until interrupted (Ctrl-C). In another shell, export the printed variables and run
    `calsync sync --config <dir>/calsync-demo.toml`.
    """
    from calsync.demo.run import open_organisation

    with ExitStack() as stack:
        served = open_organisation(
            stack, directory, seed=seed == "demo", progress=lambda line: console.print(line)
        )
        console.print("\n[bold]Endpoints[/]")
        for name, endpoint in served.endpoints.items():
            console.print(f"  {name:<11} {endpoint.url}", highlight=False)
        console.print(f"\n[bold]Configuration[/]: {served.config}\n", highlight=False)
        console.print(served.config.read_text(encoding="utf-8"), markup=False, highlight=False)
        console.print(
            "[bold]The emulators' own credentials[/] (not anyone's secrets): export them first:"
        )
        for name, value in sorted(served.environment.items()):
            console.print(
                f"export {name}={shlex.quote(value)}", markup=False, highlight=False, soft_wrap=True
            )
        console.print("\nServing; Ctrl-C stops.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print("stopped")
