"""The state database: created on first use, refused with a clear message when it does not fit."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from calsync.errors import StateError
from calsync.state import Link, LinkKind, OutboxEntry, Side, State
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
        match=r"schema version 99, this calsync needs version 2; point `state` at a new database",
    ):
        State(url)


def test_a_version_1_database_is_brought_up_to_date_keeping_what_it_holds(
    database_url: str,
) -> None:
    url = database_url
    state = State(url)
    state.set_cursor("a", Side.MAILBOX, "cursor-1", NOW)
    state.close()
    # As calsync 0.1 left it: no leases table.
    _sql(
        url, "DROP TABLE leases", "UPDATE calsync_meta SET value = '1' WHERE key = 'schema_version'"
    )
    again = State(url)
    assert again.cursors("a") == {Side.MAILBOX: "cursor-1"}
    assert again.take_lease("a", Holder("h", 1), now=NOW, ttl=timedelta(hours=1)) is None
    with again.engine.connect() as conn:
        version = conn.execute(
            text("SELECT value FROM calsync_meta WHERE key = 'schema_version'")
        ).scalar()
    assert version == "2"
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
    with pytest.raises(StateError, match="cannot use the state database"):
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
