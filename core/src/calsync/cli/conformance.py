"""``calsync conformance``: the conformance matrix, EX id x provider."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import click

from calsync.cli.output import fail


@click.command("conformance")
@click.option("--provider", "providers", multiple=True, help="Only this provider (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "--live", is_flag=True, help="Against real tenants, with credentials from the environment."
)
def command(providers: tuple[str, ...], fmt: str, live: bool) -> None:
    """Run the conformance suite and print pass / fail / gap / n/a per case and provider.

    Needs the calsync-conformance distribution. Exits 1 when a case fails.
    """
    # The suite is its own distribution (it needs pytest); core only starts it.
    if importlib.util.find_spec("calsync_conformance") is None:
        fail("calsync-conformance is not installed", ["pip install calsync-conformance"])
    args = [sys.executable, "-m", "calsync_conformance", "--format", fmt]
    for provider in providers:
        args += ["--provider", provider]
    if live:
        args.append("--live")
    raise SystemExit(subprocess.run(args, check=False).returncode)
