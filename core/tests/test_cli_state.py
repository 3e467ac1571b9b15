"""The state database seen from the command line: every failure is a message and exit 2.

Each command runs in a new process with no terminal, as from cron.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from calsync.state import State

from .conftest import Ran

CONFIG = """\
state = {state}
[crm]
provider = "sandbox"
[[mailboxes]]
name = "alice"
provider = "sandbox"
address = "alice@example.com"
"""

Run = Callable[..., Ran]


def write_config(folder: Path, state: str = '"sqlite:///calsync.db"') -> Path:
    path = folder / "calsync.toml"
    path.write_text(CONFIG.format(state=state))
    return path


def test_a_write_lock_held_past_the_busy_timeout_stops_sync_with_what_to_do(
    tmp_path: Path, run_calsync: Run
) -> None:
    config = write_config(tmp_path, '{ url = "sqlite:///calsync.db", busy_timeout_seconds = 0.5 }')
    assert run_calsync("status", "--config", str(config)).code == 0
    other = sqlite3.connect(tmp_path / "calsync.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a backup, a shell, another writer: mid-write
    try:
        ran = run_calsync("sync", "--config", str(config))
    finally:
        other.rollback()
        other.close()
    assert ran.code == 2
    assert f"{tmp_path / 'calsync.db'} stayed locked by another process for more than 0.5 s" in (
        ran.err.replace("\n", " ")
    )
    assert "try again later" in ran.err


def test_a_read_only_database_starts_no_pass(tmp_path: Path, run_calsync: Run) -> None:
    config = write_config(tmp_path)
    State(f"sqlite:///{tmp_path / 'calsync.db'}").close()
    (tmp_path / "calsync.db").chmod(0o444)
    ran = run_calsync("sync", "--config", str(config), file_permissions=True)
    assert ran.code == 2
    assert f"the state database {tmp_path / 'calsync.db'} is read-only for this user" in (
        " ".join(ran.err.split())
    )


def test_a_truncated_database_is_an_error_with_what_to_do(tmp_path: Path, run_calsync: Run) -> None:
    config = write_config(tmp_path)
    assert run_calsync("sync", "--config", str(config)).code in (0, 1)
    file = tmp_path / "calsync.db"
    file.write_bytes(file.read_bytes()[:100])
    ran = run_calsync("status", "--config", str(config))
    assert ran.code == 2
    assert "is not a usable calsync state database" in " ".join(ran.err.split())


def test_a_database_of_a_newer_calsync_is_an_error_with_what_to_do(
    tmp_path: Path, run_calsync: Run
) -> None:
    config = write_config(tmp_path)
    with sqlite3.connect(tmp_path / "calsync.db") as db:
        db.execute("CREATE TABLE calsync_meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO calsync_meta VALUES ('schema_version', '99')")
    ran = run_calsync("sync", "--config", str(config))
    assert ran.code == 2
    assert "has schema version 99" in ran.err and "upgrade calsync" in ran.err


def test_a_relative_sqlite_file_sits_beside_the_configuration(
    tmp_path: Path, run_calsync: Run
) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "elsewhere").mkdir()
    config = write_config(tmp_path / "etc")
    run_calsync("sync", "--config", str(config), cwd=tmp_path)
    assert (tmp_path / "etc" / "calsync.db").exists()
    assert not (tmp_path / "calsync.db").exists()
    status = run_calsync("status", "--config", str(config), "--json", cwd=tmp_path / "elsewhere")
    [alice] = json.loads(status.out)["mailboxes"]
    assert alice["last_pass_at"] is not None  # the database the pass wrote, not a new one
    assert not (tmp_path / "elsewhere" / "calsync.db").exists()
