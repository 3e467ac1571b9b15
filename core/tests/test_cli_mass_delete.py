"""``calsync sync`` holds a mailbox wiped at once, and ``--allow-mass-delete`` applies it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from calsync.cli import main
from calsync.model import CalendarItem
from calsync.sandbox.world import Sandbox

START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_wiped_mailbox_is_held_until_allowed(tmp_path: Path) -> None:
    Sandbox.forget("cli-mass")
    world = Sandbox.named("cli-mass")
    world.crm.add_user("alice@example.com")
    for day in range(6):
        start = START + timedelta(days=day)
        world.mailboxes.put(
            "alice@example.com",
            CalendarItem(start=start, end=start + timedelta(hours=1), subject=f"Visit {day}"),
        )
    config = tmp_path / "calsync.toml"
    config.write_text(
        f'state = "sqlite:///{tmp_path / "state.db"}"\n'
        '[crm]\nprovider = "sandbox"\nsettings = { world = "cli-mass" }\n'
        '[[mailboxes]]\nname = "alice"\nprovider = "sandbox"\naddress = "alice@example.com"\n'
        'settings = { world = "cli-mass" }\n'
    )
    assert run("sync", "--config", str(config))[0] == 0
    assert len(world.crm.org.events) == 6
    for item_id in list(world.mailboxes.calendar("alice@example.com").items):
        world.mailboxes.drop("alice@example.com", item_id)

    code, _ = run("sync", "--config", str(config))
    assert code == 1 and len(world.crm.org.events) == 6, "the wipe reached the CRM"
    _, out = run("issues", "--config", str(config), "--json")
    [issue] = json.loads(out)
    assert issue["code"] == "MASS_DELETE_HELD" and "6 deletions" in issue["message"]
    assert "calsync sync --mailbox alice --allow-mass-delete" in issue["advice"]

    code, _ = run("sync", "--config", str(config), "--mailbox", "alice", "--allow-mass-delete")
    assert code == 0 and world.crm.org.events == {}
    assert run("issues", "--config", str(config), "--json")[1].strip() == "[]"
