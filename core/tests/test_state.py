"""The state database: created on first use, refused with a clear message when it does not fit."""

from __future__ import annotations

import socket
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text

from calsync.config import MAX_NAME_LENGTH
from calsync.errors import StateError
from calsync.state import Link, LinkKind, MailboxState, OutboxEntry, PassRecord, Side, State
from calsync.state.lease import Holder

NOW = datetime(2027, 1, 1, tzinfo=UTC)


def test_a_new_database_is_created_and_reopened(database_url: str) -> None:
    url = database_url
    state = State(url)
    link = Link(
        mailbox="a",
        kind=LinkKind.SINGLE,
        mailbox_key="m1",
        crm_key="c1",
        synced_at=NOW,
        exclusions=["x"],
    )
    state.save_links([link])
    state.set_cursor("a", Side.MAILBOX, "cursor-1", NOW)
    state.close()
    again = State(url)
    [stored] = again.links("a")
    assert (stored.mailbox_key, stored.crm_key, stored.exclusions, stored.synced_at) == (
        "m1",
        "c1",
        ["x"],
        NOW,
    )
    assert again.cursors("a") == {Side.MAILBOX: "cursor-1"}
    again.close()


def test_another_schema_version_is_refused_with_what_to_do(database_url: str) -> None:
    url = database_url
    _sql(url, "UPDATE calsync_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(
        StateError,
        match=r"schema version 99, this calsync needs version 3; upgrade calsync to the version "
        r"that wrote it, or point `state` at a new database",
    ):
        State(url)


def test_a_version_1_database_is_brought_up_to_date_keeping_what_it_holds(
    database_url: str,
) -> None:
    url = database_url
    state = State(url)
    state.set_cursor("a", Side.MAILBOX, "cursor-1", NOW)
    state.close()
    # As calsync 0.1 left it: no leases table (nor the notices table of version 3).
    _sql(
        url,
        "DROP TABLE leases",
        "DROP TABLE notices",
        "UPDATE calsync_meta SET value = '1' WHERE key = 'schema_version'",
    )
    again = State(url)
    assert again.cursors("a") == {Side.MAILBOX: "cursor-1"}
    assert again.take_lease("a", Holder("h", 1), now=NOW, ttl=timedelta(hours=1)) is None
    with again.engine.connect() as conn:
        version = conn.execute(
            text("SELECT value FROM calsync_meta WHERE key = 'schema_version'")
        ).scalar()
    assert version == "3"
    again.close()


def test_a_lease_is_refused_to_others_until_released_or_expired(database_url: str) -> None:
    state = State(database_url)
    first, second = Holder("host-a", 10), Holder("host-b", 20)
    hour = timedelta(hours=1)
    assert state.take_lease("alice", first, now=NOW, ttl=hour) is None
    assert state.take_lease("alice", first, now=NOW, ttl=hour) is None  # renewing is fine
    in_the_way = state.take_lease("alice", second, now=NOW + hour / 2, ttl=hour)
    assert in_the_way is not None and in_the_way.holder == first
    assert state.take_lease("bob", second, now=NOW, ttl=hour) is None  # one lease per mailbox
    state.release_lease("alice", second)  # not its lease: nothing happens
    assert state.take_lease("alice", second, now=NOW, ttl=hour) is not None
    state.release_lease("alice", first)
    assert state.take_lease("alice", second, now=NOW, ttl=hour) is None
    assert state.take_lease("bob", first, now=NOW + hour, ttl=hour) is None  # bob's expired
    state.close()


def test_a_lease_of_a_process_that_died_on_this_host_is_taken_over(tmp_path: Path) -> None:
    state = State(f"sqlite:///{tmp_path / 's.db'}")
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = Holder(socket.gethostname(), int(child.stdout))
    assert state.take_lease("alice", dead, now=NOW, ttl=timedelta(hours=1)) is None
    assert state.take_lease("alice", Holder.this_process(), now=NOW, ttl=timedelta(hours=1)) is None
    lease = state.lease("alice")
    assert lease is not None and lease.holder == Holder.this_process()


def test_a_database_with_other_tables_of_the_same_names_is_refused(database_url: str) -> None:
    url = database_url
    # Someone else's tables, made without calsync (psycopg 3 named, as SQLAlchemy needs).
    theirs = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with theirs.begin() as conn:
        conn.execute(text("CREATE TABLE links (id INTEGER)"))
    theirs.dispose()
    with pytest.raises(StateError, match="holds tables that are not calsync's"):
        State(url)


def test_atomic_groups_writes_and_rolls_them_back_together(database_url: str) -> None:
    state = State(database_url)

    def killed_midway() -> None:
        with state.atomic():
            entry = OutboxEntry(
                mailbox="a", side=Side.CRM, operation="create", source_key="k", created_at=NOW
            )
            state.add_outbox([entry])
            state.set_cursor("a", Side.CRM, "c", NOW)
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        killed_midway()
    assert state.outbox("a") == [] and state.cursors("a") == {}
    state.close()


def test_unreachable_databases_are_a_clear_error() -> None:
    with pytest.raises(
        StateError,
        match=r"cannot open the state database /nonexistent/dir/state\.db: its folder "
        r"/nonexistent/dir does not exist",
    ):
        State("sqlite:////nonexistent/dir/state.db")


def test_a_missing_driver_is_named_with_what_to_install() -> None:
    with pytest.raises(
        StateError, match=r"driver 'psycopg2' is not installed .*calsync\[postgresql\]"
    ):
        State("postgresql+psycopg2://calsync@db.example.com/calsync")


def _sql(url: str, *statements: str) -> None:
    """Run ``statements`` on a calsync database, as an admin at a SQL prompt would."""
    state = State(url)
    with state.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    state.close()


def _hold_write_lock(file: Path) -> sqlite3.Connection:
    """Another program's connection in the middle of a write (holds SQLite's write lock)."""
    other = sqlite3.connect(file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_lease_is_never_granted_under_a_held_write_lock(tmp_path: Path) -> None:
    file = tmp_path / "s.db"
    state = State(f"sqlite:///{file}", busy_timeout=0.2)
    other = _hold_write_lock(file)
    try:
        with pytest.raises(
            StateError, match=rf"{file} stayed locked by another process for more than 0.2 s"
        ):
            state.take_lease("alice", Holder("h", 1), now=NOW, ttl=timedelta(hours=1))
        assert state.lease("alice") is None  # reading goes on meanwhile (write-ahead log)
    finally:
        other.rollback()
        other.close()
    assert state.take_lease("alice", Holder("h", 1), now=NOW, ttl=timedelta(hours=1)) is None
    state.close()


#: A calsync process that asks for alice's lease when told, says whether it got it, and
#: lives on (keeping it) until told again.
RACER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from calsync.state import State
    from calsync.state.lease import Holder
    state = State(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    lease = state.take_lease(
        "alice", Holder.this_process(), now=datetime.now(UTC), ttl=timedelta(days=1)
    )
    print("granted" if lease is None else "refused", flush=True)
    sys.stdin.readline()
    """
)


def test_a_lease_is_granted_to_exactly_one_of_several_processes(database_url: str) -> None:
    State(database_url).close()  # created once, as the first run would
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    try:
        for racer in racers:
            assert racer.stdout is not None and racer.stdout.readline() == "ready\n"
        for racer in racers:  # all at once
            assert racer.stdin is not None
            racer.stdin.write("\n")
            racer.stdin.flush()
        answers = sorted(r.stdout.readline().strip() for r in racers if r.stdout)
    finally:
        for racer in racers:
            racer.communicate("\n", timeout=60)
    assert answers == ["granted", "refused", "refused", "refused"]


def test_sqlite_runs_with_a_write_ahead_log_and_creates_its_file_for_its_owner_only(
    tmp_path: Path,
) -> None:
    file = tmp_path / "s.db"
    state = State(f"sqlite:///{file}")
    state.set_cursor("a", Side.MAILBOX, "c", NOW)
    with state.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    for made in (file, tmp_path / "s.db-wal"):
        assert stat.S_IMODE(made.stat().st_mode) == 0o600, made
    state.close()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda f: f.write_bytes(f.read_bytes()[:100]), id="truncated"),
        pytest.param(lambda f: f.write_text("name,address\nalice,a@x\n"), id="not-sqlite"),
    ],
)
def test_a_damaged_or_foreign_file_is_refused_with_what_to_do(
    tmp_path: Path, damage: Callable[[Path], object]
) -> None:
    file = tmp_path / "s.db"
    state = State(f"sqlite:///{file}")
    state.set_cursor("a", Side.MAILBOX, "c", NOW)
    state.close()
    damage(file)
    with pytest.raises(
        StateError,
        match=rf"{file} is not a usable calsync state database .* restore it from a backup, "
        "or point `state` at a new file",
    ):
        State(f"sqlite:///{file}")


def test_another_programs_sqlite_database_is_left_alone(tmp_path: Path) -> None:
    file = tmp_path / "crm-export.db"
    with sqlite3.connect(file) as theirs:
        theirs.execute("CREATE TABLE contacts (name TEXT)")
    with pytest.raises(StateError, match=r"holds tables that are not calsync's \(contacts\)"):
        State(f"sqlite:///{file}")
    with sqlite3.connect(file) as theirs:
        tables = theirs.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("contacts",)]


def test_passes_older_than_the_history_kept_are_pruned(database_url: str) -> None:
    state = State(database_url, keep_passes=timedelta(days=2))

    def a_pass(mailbox: str, day: int) -> PassRecord:
        at = NOW + timedelta(days=day)
        return PassRecord(mailbox=mailbox, started_at=at, finished_at=at, outcome="ok")

    state.record_pass(a_pass("bob", 0))
    state.record_pass(a_pass("alice", 1))
    state.record_pass(a_pass("alice", 3))
    assert [p.finished_at for p in state.recent_passes("alice")] == [
        NOW + timedelta(days=3),
        NOW + timedelta(days=1),
    ]
    assert state.recent_passes("bob") == []  # a mailbox no longer synced is pruned too
    state.close()


def test_the_longest_names_and_addresses_the_configuration_accepts_fit(database_url: str) -> None:
    """What `check` lets through never overflows a column (PostgreSQL enforces lengths)."""
    name = "m" * MAX_NAME_LENGTH
    address = f"{'a' * 64}@{'d' * 255}"
    host = Holder("h" * 253, 4194304)  # the longest host name, the largest Linux pid
    state = State(database_url)
    state.save_mailbox(MailboxState(name=name, address=address, provider="p" * 64))
    assert state.take_lease(name, host, now=NOW, ttl=timedelta(hours=1)) is None
    state.set_cursor(name, Side.MAILBOX, "c", NOW)
    state.record_pass(PassRecord(mailbox=name, started_at=NOW, finished_at=NOW, outcome="ok"))
    stored = state.mailbox(name)
    assert stored is not None and stored.address == address
    state.close()


def test_every_status_and_cursor_of_a_round_is_read_a_thousand_mailboxes_at_a_time(
    database_url: str,
) -> None:
    state = State(database_url)
    names = [f"m{n:04d}" for n in range(2500)]
    with state.atomic():
        for name in names[::2]:
            state.save_mailbox(MailboxState(name=name, address=f"{name}@x", provider="p"))
            state.set_cursor(name, Side.CRM, f"c-{name}", NOW)
    statements: list[str] = []
    event.listen(
        state.engine, "before_cursor_execute", lambda _c, _k, sql, *_: statements.append(sql)
    )
    stored = state.mailboxes(names)
    cursors = state.cursors_of(names)
    assert sorted(stored) == names[::2] and stored["m0000"].address == "m0000@x"
    assert cursors["m0002"] == {Side.CRM: "c-m0002"} and cursors["m0001"] == {}
    assert len([s for s in statements if s.lstrip().startswith("SELECT")]) == 6
    state.close()
