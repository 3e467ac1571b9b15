"""The state database: created on first use, refused with a clear message when it does not fit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from calsync.errors import StateError
from calsync.state import Link, LinkKind, OutboxEntry, Side, State

NOW = datetime(2027, 1, 1, tzinfo=UTC)


def test_a_new_database_is_created_and_reopened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    state = State(url)
    link = Link(mailbox="a", kind=LinkKind.SINGLE, mailbox_key="m1", crm_key="c1", synced_at=NOW, exclusions=["x"])
    state.save_links([link])
    state.set_cursor("a", Side.MAILBOX, "cursor-1", NOW)
    state.close()
    again = State(url)
    [stored] = again.links("a")
    assert (stored.mailbox_key, stored.crm_key, stored.exclusions, stored.synced_at) == ("m1", "c1", ["x"], NOW)
    assert again.cursors("a") == {Side.MAILBOX: "cursor-1"}


def test_another_schema_version_is_refused_with_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    State(url).close()
    with create_engine(url).begin() as conn:
        conn.execute(text("UPDATE calsync_meta SET value = '99' WHERE key = 'schema_version'"))
    with pytest.raises(StateError, match=r"schema version 99, this calsync needs version 1; point `state` at a new database"):
        State(url)


def test_a_database_with_other_tables_of_the_same_names_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with create_engine(url).begin() as conn:
        conn.execute(text("CREATE TABLE links (id INTEGER)"))
    with pytest.raises(StateError, match="holds tables that are not calsync's"):
        State(url)


def test_atomic_groups_writes_and_rolls_them_back_together(tmp_path: Path) -> None:
    state = State(f"sqlite:///{tmp_path / 's.db'}")
    with pytest.raises(RuntimeError), state.atomic():
        state.add_outbox([OutboxEntry(mailbox="a", side=Side.CRM, operation="create", source_key="k", created_at=NOW)])
        state.set_cursor("a", Side.CRM, "c", NOW)
        raise RuntimeError("killed")
    assert state.outbox("a") == [] and state.cursors("a") == {}


def test_unreachable_databases_are_a_clear_error() -> None:
    with pytest.raises(StateError, match="cannot use the state database"):
        State("sqlite:////nonexistent/dir/state.db")
