"""``calsync discover`` run as an admin would: the CRM's users, checked and written."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path

from .conftest import Ran

Run = Callable[..., Ran]

CONFIG = """\
state = "sqlite:///calsync.db"
[crm]
provider = "sandbox"
settings = { world = "discover", users = ["alice@example.com", "bob@example.com", "carol@example.com"] }
[mailbox_defaults]
provider = "sandbox"
settings = { world = "discover" }
[[mailboxes]]
address = "alice@example.com"
[notify]
channels = ["log"]
"""


def test_new_users_are_listed_checked_and_written(tmp_path: Path, run_calsync: Run) -> None:
    path = tmp_path / "calsync.toml"
    path.write_text(CONFIG)
    ran = run_calsync("discover", "--config", str(path), "--json")
    assert ran.code == 0, ran.err
    rows = {r["address"]: r for r in json.loads(ran.out)["users"]}
    assert {a: r["calsync"] for a, r in rows.items()} == {
        "alice@example.com": "synced",
        "bob@example.com": "new",
        "carol@example.com": "new",
    }
    ran = run_calsync("discover", "--config", str(path), "--connect", "--write", "--json")
    assert ran.code == 0, ran.err
    result = json.loads(ran.out)
    assert result["written"] == ["bob@example.com", "carol@example.com"]
    assert all("calendar of" in r["mailbox"] for r in result["users"] if r["calsync"] == "new")
    written = tomllib.loads(path.read_text())["mailboxes"]
    assert [m["address"] for m in written] == [
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
    ]
    assert run_calsync("check", "--config", str(path)).code == 0
    ran = run_calsync("discover", "--config", str(path), "--json")
    assert {r["calsync"] for r in json.loads(ran.out)["users"]} == {"synced"}


def test_connect_needs_the_mailbox_defaults(tmp_path: Path, run_calsync: Run) -> None:
    path = tmp_path / "calsync.toml"
    path.write_text(
        CONFIG.replace(
            '[mailbox_defaults]\nprovider = "sandbox"\n', "[mailbox_defaults]\n"
        ).replace(
            'address = "alice@example.com"\n',
            'address = "alice@example.com"\nprovider = "sandbox"\n',
        )
    )
    ran = run_calsync("discover", "--config", str(path), "--connect")
    assert ran.code == 2
    assert "mailbox_defaults.provider: required by --connect and --write" in ran.err


GROUP_CONFIG = CONFIG.replace(
    '"carol@example.com"] }',
    '"carol@example.com"], permission_sets = { Calendar_Sync = ["bob@example.com"] } }',
).replace("[mailbox_defaults]\n", '[mailbox_defaults]\npermission_set = "Calendar_Sync"\n')


def test_the_users_of_the_synced_permission_set_are_synced(
    tmp_path: Path, run_calsync: Run
) -> None:
    path = tmp_path / "calsync.toml"
    path.write_text(GROUP_CONFIG)
    ran = run_calsync("discover", "--config", str(path), "--json")
    assert ran.code == 0, ran.err
    rows = {r["address"]: r["calsync"] for r in json.loads(ran.out)["users"]}
    assert rows == {
        "alice@example.com": "synced",
        "bob@example.com": "synced",  # by the permission set
        "carol@example.com": "new",
    }
    ran = run_calsync("discover", "--config", str(path), "--permission-set", "Calendar_Sync")
    assert ran.code == 0, ran.err
    assert "bob@example.com" in ran.out and "carol@example.com" not in ran.out
    ran = run_calsync("check", "--config", str(path), "--connect")
    assert ran.code == 0, ran.err + ran.out
    assert "permission set Calendar_Sync: 1 user(s) synced" in ran.out
    ran = run_calsync("sync", "--config", str(path), "--json")
    assert ran.code == 0, ran.err
    assert "bob@example.com" in ran.out and "carol@example.com" not in ran.out


def test_discover_takes_one_group(tmp_path: Path, run_calsync: Run) -> None:
    path = tmp_path / "calsync.toml"
    path.write_text(CONFIG)
    ran = run_calsync("discover", "--config", str(path), "--permission-set", "A", "--profile", "B")
    assert ran.code == 2
    assert "--permission-set, --profile: give one group of users, not both" in ran.err


def test_a_permission_set_nobody_has_is_a_setup_mistake(tmp_path: Path, run_calsync: Run) -> None:
    """Usually a label given for the API name: exit 2 saying so, not an empty list and 0."""
    path = tmp_path / "calsync.toml"
    path.write_text(GROUP_CONFIG)
    before = path.read_text()
    ran = run_calsync("discover", "--config", str(path), "--permission-set", "Calendar Sync")
    assert ran.code == 2, ran.out
    assert (
        "--permission-set Calendar Sync: no active CRM user is in this permission set "
        "Calendar Sync; is that its API name?" in ran.err
    )
    ran = run_calsync("discover", "--config", str(path), "--profile", "Nobody", "--write")
    assert ran.code == 2 and "--profile Nobody: no active CRM user" in ran.err
    assert path.read_text() == before and "Traceback" not in ran.err


def test_write_leaves_a_file_that_cannot_take_the_entries_as_it_was(
    tmp_path: Path, run_calsync: Run
) -> None:
    """A file listing its mailboxes inline (``mailboxes = [...]``) cannot take [[mailboxes]]."""
    path = tmp_path / "calsync.toml"
    inline = 'mailboxes = [{ address = "alice@example.com" }]\n' + CONFIG.replace(
        '[[mailboxes]]\naddress = "alice@example.com"\n', ""
    )
    path.write_text(inline)
    assert run_calsync("check", "--config", str(path)).code == 0
    ran = run_calsync("discover", "--config", str(path), "--write")
    assert ran.code == 2, ran.out
    assert f"{path} cannot take [[mailboxes]] entries" in ran.err
    assert "it was left as it was" in ran.err and "Traceback" not in ran.err
    assert path.read_text() == inline
    assert run_calsync("check", "--config", str(path)).code == 0


def test_write_to_a_read_only_file_is_named(tmp_path: Path) -> None:
    """Found from outside: a PermissionError reached the user as an internal error."""
    from .conftest import calsync

    path = tmp_path / "calsync.toml"
    path.write_text(CONFIG)
    path.chmod(0o444)
    ran = calsync("discover", "--config", str(path), "--write", file_permissions=True)
    assert ran.code == 2, ran.out + ran.err
    assert f"--write: {path}: Permission denied; give the user running calsync write access" in (
        ran.err
    )
    assert path.read_text() == CONFIG
