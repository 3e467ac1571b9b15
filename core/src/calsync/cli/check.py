"""``calsync check``: validate a configuration file."""

from __future__ import annotations

from pathlib import Path

import click

from calsync.cli.output import console, fail, print_json
from calsync.config import load_config


@click.command("check")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    required=True,
    help="The configuration file (TOML).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def command(config_path: Path, as_json: bool) -> None:
    """Validate a configuration file; exit 2 listing every problem with its path.

    Also checks that every secret it refers to can be read (without printing it).
    """
    config = load_config(config_path)
    problems = [
        f"{path}: {problem}" for path, secret in config.secrets() if (problem := secret.problem())
    ]
    if problems:
        fail("configuration error", problems)
    summary = {
        "config": str(config_path),
        "state": config.state,
        "crm": config.crm.provider,
        "mailboxes": [
            {"name": m.name, "provider": m.provider, "address": m.address} for m in config.mailboxes
        ],
        "secrets": len(config.secrets()),
    }
    if as_json:
        print_json(summary)
        return
    console.print(
        f"[green]ok[/] {config_path}: CRM {config.crm.provider}, {len(config.mailboxes)} mailbox(es)"
    )
    for mailbox in config.mailboxes:
        console.print(f"  {mailbox.name}: {mailbox.provider} {mailbox.address}", highlight=False)
