"""``calsync sandbox serve``: the embedded emulators on 127.0.0.1, for trying calsync by hand."""

from __future__ import annotations

import shlex
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from calsync.cli.common import json_option, writable_folder
from calsync.cli.output import console, print_json, say

if TYPE_CHECKING:
    from calsync.demo.run import Served


@click.group("sandbox")
def group() -> None:
    """The emulators of the installed plugins."""


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
    type=click.Path(file_okay=False, path_type=Path),
    callback=writable_folder,
    default=Path("calsync-sandbox"),
    show_default=True,
    help="Where the generated configuration (and the state of syncs run with it) goes.",
)
@json_option
def serve(seed: str, directory: Path, as_json: bool) -> None:
    """Serve the emulator of every installed plugin and print a configuration for them.

    Every plugin whose conformance harness can serve its service is served: the built-in
    Exchange, Microsoft 365, Google and Salesforce emulators and any other installed
    plugin's (its mailbox provider gets a person of its own in the configuration).

    Runs until interrupted (Ctrl-C). In another shell, export the printed variables and run
    `calsync sync --config <dir>/calsync-demo.toml`.
    """
    from calsync.demo.run import open_organisation

    with ExitStack() as stack:
        served = open_organisation(
            stack,
            directory,
            seed=seed == "demo",
            progress=(lambda _: None) if as_json else say,
        )
        if as_json:
            # One document, printed once everything listens: what a script needs to go on.
            print_json(
                {
                    "endpoints": {name: e.url for name, e in served.endpoints.items()},
                    "config": str(served.config),
                    "environment": served.environment,
                    "items_seeded": served.items_seeded,
                }
            )
        else:
            _describe(served)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            if not as_json:
                say("stopped")


def _describe(served: Served) -> None:
    console.print("\n[bold]Endpoints[/]")
    for name, endpoint in served.endpoints.items():
        say(f"  {name:<11} {endpoint.url}")
    console.print(f"\n[bold]Configuration[/]: {served.config}\n", highlight=False)
    say(served.config.read_text(encoding="utf-8"))
    console.print(
        "[bold]The emulators' own credentials[/] (not anyone's secrets): export them first:"
    )
    for name, value in sorted(served.environment.items()):
        say(f"export {name}={shlex.quote(value)}")
    say("\nServing; Ctrl-C stops.")
