"""enable, disable, reset and status as an admin meets them, found by trying calsync from outside.

While the CRM refuses calsync's shared credentials the whole organisation waits, but each
mailbox's own status stays "active": ``reset`` and ``disable`` used to say nothing of the wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from calsync.api import Calsync
from calsync.cli import main
from calsync.sandbox.world import Sandbox
from calsync.status import OrgView, StatusView

WORLD = "outside-admin"
CONFIG = f"""\
state = "sqlite:///calsync.db"
[crm]
provider = "sandbox"
settings = {{ world = "{WORLD}", users = ["alice@example.com", "bob@example.com"] }}
[mailbox_defaults]
provider = "sandbox"
settings = {{ world = "{WORLD}" }}
[[mailboxes]]
address = "alice@example.com"
[[mailboxes]]
address = "bob@example.com"
"""


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Path]:
    Sandbox.forget(WORLD)
    path = tmp_path / "calsync.toml"
    path.write_text(CONFIG, encoding="utf-8")
    yield path
    Sandbox.forget(WORLD)


def test_reset_and_disable_say_that_the_organisation_waits(config: Path) -> None:
    run = CliRunner()
    assert run.invoke(main, ["sync", "--config", str(config)]).exit_code == 0
    Sandbox.named(WORLD).crm.revoked = True  # the shared CRM credential is refused
    ran = run.invoke(main, ["sync", "--config", str(config)])
    assert ran.exit_code == 1, ran.output
    for command in ("reset", "disable"):
        ran = run.invoke(main, [command, "--config", str(config), "--mailbox", "alice@example.com"])
        assert ran.exit_code == 0, ran.output
        assert "The organisation waits: the CRM refused the credentials calsync shares" in (
            ran.stdout
        )
        assert "calsync issues --code AUTH_FAILED" in ran.stdout
    Sandbox.named(WORLD).crm.revoked = False
    assert run.invoke(main, ["sync", "--config", str(config)]).exit_code == 0
    ran = run.invoke(main, ["reset", "--config", str(config), "--mailbox", "bob@example.com"])
    assert ran.exit_code == 0 and "organisation waits" not in ran.stdout


def test_status_writes_the_api_allowance_as_the_docs_show_it(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/operating.md: `CRM daily API allowance: 4,210 of 15,000 calls used`."""
    organisation = OrgView(
        last_sync_activity=None,
        synced_last_60_minutes=0,
        synced_last_24_hours=0,
        api_used=4210,
        api_allowed=15000,
    )
    monkeypatch.setattr(
        Calsync, "status", lambda self: StatusView(mailboxes=(), organisation=organisation)
    )
    ran = CliRunner().invoke(main, ["status", "--config", str(config)])
    assert ran.exit_code == 0, ran.output
    assert "CRM daily API allowance: 4,210 of 15,000 calls used" in ran.stdout


GROUP_WORLD = "outside-group"
GROUP = f"""\
state = "sqlite:///calsync.db"
[crm]
provider = "sandbox"
settings = {{ world = "{GROUP_WORLD}", users = ["alice@example.com", "bob@example.com"], \
permission_sets = {{ Calendar_Sync = ["alice@example.com", "bob@example.com"] }} }}
[mailbox_defaults]
provider = "sandbox"
settings = {{ world = "{GROUP_WORLD}" }}
permission_set = "Calendar_Sync"
"""


@pytest.fixture
def group(tmp_path: Path) -> Iterator[Path]:
    Sandbox.forget(GROUP_WORLD)
    path = tmp_path / "calsync.toml"
    path.write_text(GROUP, encoding="utf-8")
    yield path
    Sandbox.forget(GROUP_WORLD)


def test_a_group_the_crm_does_not_name_is_no_silent_empty_round(group: Path) -> None:
    """Every mailbox a member, and the CRM refusing calsync's credentials.

    Found from outside: `sync` printed an empty table and exited 0 (from the second run on),
    `sync --mailbox bob@...` said there was no such mailbox (exit 2) instead of the
    organisation waiting, and `status` listed nobody without a word.
    """
    run = CliRunner()
    ran = run.invoke(main, ["sync", "--config", str(group)])
    assert ran.exit_code == 0 and "bob@example.com" in ran.stdout, ran.output
    ran = run.invoke(main, ["sync", "--config", str(group), "--mailbox", "Bob@Example.com"])
    assert ran.exit_code == 0 and "bob@example.com\tok" in ran.stdout, ran.output
    Sandbox.named(GROUP_WORLD).crm.revoked = True
    for _ in range(2):  # the organisation's issue is new the first time only
        ran = run.invoke(main, ["sync", "--config", str(group)])
        assert ran.exit_code == 1, ran.output
        assert "calsync: no mailbox to sync" in ran.stderr
        assert "the CRM did not name the users of permission set Calendar_Sync: it refused" in (
            ran.stderr
        )
    ran = run.invoke(main, ["sync", "--config", str(group), "--mailbox", "bob@example.com"])
    assert ran.exit_code == 1, ran.output
    assert "bob@example.com\tsuspended" in ran.stdout and "every mailbox waits" in ran.stdout
    ran = run.invoke(main, ["sync", "--config", str(group), "--mailbox", "nobody"])
    assert ran.exit_code == 2
    assert "not a user of permission set Calendar_Sync (the CRM did not say who is: it refused" in (
        ran.stderr
    )
    ran = run.invoke(main, ["status", "--config", str(group)])
    assert ran.exit_code == 0
    assert "the users of permission set Calendar_Sync are not listed" in ran.stderr
    Sandbox.named(GROUP_WORLD).crm.revoked = False
    ran = run.invoke(main, ["sync", "--config", str(group)])
    assert ran.exit_code == 0 and "no mailbox to sync" not in ran.stderr, ran.output
