"""``calsync check``: validate a configuration, and everything a pass would need, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import make_url

from calsync.cli.output import EXIT_USAGE, console, fail, print_json
from calsync.config import Config, load_config
from calsync.errors import ConfigError
from calsync.preflight import offline


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

    Offline, without calling any service: the file's values, every secret it refers to
    (readable and not empty; never printed), the state database (it can be opened and
    written, its schema is this calsync's; nothing is created), and every provider built
    from its settings as a pass would build it.
    """
    config: Config | None = None
    try:
        config = load_config(config_path)
        problems, built = offline(config)
        built.close()
    except ConfigError as exc:
        problems = exc.problems
    summary: dict[str, Any] = {"config": str(config_path), "ok": not problems}
    if config is not None:
        summary |= {
            "state": make_url(config.state).render_as_string(hide_password=True),
            "crm": config.crm.provider,
            "mailboxes": [
                {"name": m.name, "provider": m.provider, "address": m.address}
                for m in config.mailboxes
            ],
            "secrets": len(config.secrets()),
        }
    summary["problems"] = problems
    if as_json:
        print_json(summary)
    if problems:
        fail("configuration error", problems, EXIT_USAGE)
    if as_json:
        return
    assert config is not None
    console.print(
        f"[green]ok[/] {config_path}: CRM {config.crm.provider}, {len(config.mailboxes)} mailbox(es)"
    )
    for mailbox in config.mailboxes:
        console.print(f"  {mailbox.name}: {mailbox.provider} {mailbox.address}", highlight=False)
