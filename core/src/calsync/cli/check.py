"""``calsync check``: validate a configuration, and everything a pass would need, offline."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import make_url

from calsync import preflight
from calsync.cli.common import config_option
from calsync.cli.output import (
    EXIT_ATTENTION,
    EXIT_OK,
    EXIT_USAGE,
    fail_config,
    print_json,
    say,
    show_table,
)
from calsync.config import Config, load_config
from calsync.errors import ConfigError
from calsync.preflight import Connections, Reached, offline


@click.command("check")
@config_option
@click.option(
    "--connect",
    is_flag=True,
    help="Also reach each service once and report each mailbox (nothing is written).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def command(config_path: Path, connect: bool, as_json: bool) -> None:
    """Validate a configuration file; exit 2 listing every problem with its path.

    Offline, without calling any service: the file's values, every secret it refers to
    (readable and not empty; never printed), the state database (it can be opened and
    written, its schema is this calsync's; nothing is created), and every provider built
    from its settings as a pass would build it.

    With --connect, when all that is fine: signs in to each service once and reports per
    mailbox whether its calendar is reached and its address is a CRM user. Exit 0 when
    every mailbox would sync, 1 when a service is down or throttling, 2 for a setup
    mistake (refused credentials, a calendar not found, an address not linked).
    """
    config: Config | None = None
    connections: Connections | None = None
    try:
        config = load_config(config_path)
        problems, built = offline(config)
        try:
            if connect and not problems:
                connections = preflight.connect(config, built)
        finally:
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
    if connections is not None:
        summary["ok"] = not connections.failures
        summary["connections"] = asdict(connections)
    if as_json:
        print_json(summary)
    if problems:
        fail_config(config_path, problems)
    if connections is not None:
        if not as_json:
            _show(connections)
        raise SystemExit(_exit_code(connections))
    if as_json:
        return
    assert config is not None
    say(f"ok {config_path}: CRM {config.crm.provider}, {len(config.mailboxes)} mailbox(es)")
    for mailbox in config.mailboxes:
        say(f"  {mailbox.name}: {mailbox.provider} {mailbox.address}")
    if config.members is not None:
        say(f"  and every user of {config.members.group}: {config.members.provider}")


def _exit_code(connections: Connections) -> int:
    failures = connections.failures
    if not failures:
        return EXIT_OK
    return EXIT_ATTENTION if all(f.transient for f in failures) else EXIT_USAGE


def _mark(reached: Reached) -> str:
    mark = {True: "ok", False: "FAILED", None: "not checked"}[reached.ok]
    # A detail may say it itself ("not checked: the CRM was not reached").
    return reached.detail if reached.detail.startswith(mark) else f"{mark}: {reached.detail}"


def _show(connections: Connections) -> None:
    say(f"CRM: {_mark(connections.crm)}")
    if connections.members is not None:
        say(f"users synced: {_mark(connections.members)}")
    rows = [(m.name, m.address, _mark(m.mailbox), _mark(m.crm_user)) for m in connections.mailboxes]
    show_table("Connections", ["mailbox", "address", "calendar", "CRM user"], rows)
