"""``calsync conformance``: the conformance matrix, EX id x provider."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import click

from calsync.cli.output import EXIT_USAGE, fail


@click.command("conformance")
@click.option("--provider", "providers", multiple=True, help="Only this provider (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines (--format json).")
@click.option(
    "--live", is_flag=True, help="Against real tenants, with credentials from the environment."
)
def command(providers: tuple[str, ...], fmt: str, as_json: bool, live: bool) -> None:
    """Run the conformance suite and print pass / fail / gap / n/a per case and provider.

    Needs the calsync-conformance distribution. Exits 1 when a case fails or when no case
    ran (every one skipped, as `--live` does without credentials), 2 for a provider with no
    conformance harness.
    """
    # The suite is its own distribution (it needs pytest); core only starts it.
    if importlib.util.find_spec("calsync_conformance") is None:
        fail("calsync-conformance is not installed", ["pip install calsync-conformance"])
    from calsync.plugins import load_registry

    installed = sorted({name for _, name in load_registry().harnesses})
    unknown = [p for p in providers if p not in installed]
    if unknown:
        fail(
            f"no conformance harness for {', '.join(unknown)}",
            [f"installed: {', '.join(installed)}"],
            code=EXIT_USAGE,
        )
    args = [sys.executable, "-m", "calsync_conformance", "--format", "json" if as_json else fmt]
    for provider in providers:
        args += ["--provider", provider]
    if live:
        args.append("--live")
    raise SystemExit(subprocess.run(args, check=False).returncode)
