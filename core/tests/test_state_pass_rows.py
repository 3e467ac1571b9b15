"""A pass's rows: read once, kept up to date by its own writes, never ahead of the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from calsync.issues import Issue, Source
from calsync.state import Link, LinkKind, OutboxEntry, PassRecord, Side, State
from calsync.state.history import PRUNE_EVERY

NOW = datetime(2027, 1, 1, tzinfo=UTC)


class Statements:
    """The statements sent to ``state``'s database (SQLite's ``BEGIN`` left out)."""

    def __init__(self, state: State) -> None:
        self.sent: list[str] = []

        @event.listens_for(state.engine, "before_cursor_execute")
        def _sent(conn: object, cursor: object, statement: str, *args: object) -> None:
            if not statement.lstrip().upper().startswith("BEGIN"):
                self.sent.append(" ".join(statement.split()))

    def take(self) -> list[str]:
        taken, self.sent = self.sent, []
        return taken


@pytest.fixture
def state(database_url: str) -> Iterator[State]:
    opened = State(database_url)
    yield opened
    opened.close()


def _issue(code: str = "FIELD_TOO_LONG", item_id: str = "i1") -> Issue:
    return Issue(
        code=code,
        mailbox="alice",
        side=Source.MAILBOX,
        item_id=item_id,
        message="m",
        first_seen=NOW,
        last_seen=NOW,
    )


def _resolved(issue: Issue) -> Issue:
    return replace(issue, resolved_at=NOW)


def test_a_pass_reads_its_rows_once_and_its_writes_keep_them(state: State) -> None:
    state.set_cursor("alice", Side.MAILBOX, "c1", NOW)
    state.save_links(
        [Link(mailbox="alice", kind=LinkKind.SINGLE, mailbox_key="m", crm_key="c", synced_at=NOW)]
    )
    resolved = state.save_issue(_issue("OLD", "gone"))
    state.save_issue(_resolved(resolved))
    counted = Statements(state)
    with state.pass_rows("alice"):
        assert state.cursors("alice") == {Side.MAILBOX: "c1"}
        assert len(counted.take()) == 4  # cursors, links, outbox, open or marked issues
        [link] = state.links("alice")
        assert state.outbox("alice") == [] and state.issues("alice") == []
        assert state.marker_issues("alice") == []
        assert counted.take() == []

        link.crm_token = "changed, not saved"
        assert state.links("alice")[0].crm_token == ""  # what is handed out is a copy
        link.crm_token = "saved"
        state.save_links([link])
        opened = state.save_issue(_issue())
        [entry_id] = state.add_outbox(
            [
                OutboxEntry(
                    mailbox="alice",
                    side=Side.CRM,
                    operation="create",
                    source_key="k",
                    created_at=NOW,
                )
            ]
        )
        assert len(counted.take()) == 3
        assert state.links("alice")[0].crm_token == "saved"
        assert state.issues("alice") == [opened] == state.issues("alice", code=opened.code)
        assert [e.id for e in state.outbox("alice")] == [entry_id]
        state.clear_outbox([entry_id])
        state.save_issue(_resolved(opened))
        counted.take()
        assert state.outbox("alice") == [] and state.issues("alice") == []
        # What the pass does not keep (resolved issues, other mailboxes) is read as before.
        assert len(state.issues("alice", open_only=False)) == 2
        assert state.cursors("bob") == {}
        assert len(counted.take()) == 2
    assert state.links("alice")[0].crm_token == "saved"  # and it is all in the database


def test_a_cursor_is_written_only_when_it_moved(state: State) -> None:
    state.set_cursor("alice", Side.MAILBOX, "c1", NOW)
    counted = Statements(state)
    with state.pass_rows("alice"):
        state.cursors("alice")
        counted.take()
        state.set_cursor("alice", Side.MAILBOX, "c1", NOW + timedelta(minutes=5))
        assert counted.take() == []
        state.set_cursor("alice", Side.MAILBOX, "c2", NOW)
        state.set_cursor("alice", Side.CRM, "k1", NOW)
        assert [s.split(" ")[0] for s in counted.take()] == ["UPDATE", "INSERT"]
        state.set_cursor("alice", Side.CRM, None, NOW)
        assert state.cursors("alice") == {Side.MAILBOX: "c2"}
    assert state.cursors("alice") == {Side.MAILBOX: "c2"}


def test_writes_rolled_back_are_not_kept(state: State) -> None:
    def killed_midway() -> None:
        with state.atomic():
            state.set_cursor("alice", Side.CRM, "c", NOW)
            state.save_issue(_issue())
            raise RuntimeError("killed midway")

    with state.pass_rows("alice"):
        assert state.cursors("alice") == {}
        with pytest.raises(RuntimeError):
            killed_midway()
        assert state.cursors("alice") == {} and state.issues("alice") == []


def test_an_atomic_block_that_writes_nothing_sends_nothing(state: State) -> None:
    counted = Statements(state)
    with state.atomic():
        state.save_links([])
        state.delete_links([])
        assert state.add_outbox([]) == []
        state.clear_outbox([])
    assert counted.take() == []


def test_old_passes_are_pruned_once_an_hour_not_with_every_pass(state: State) -> None:
    state.keep_passes = timedelta(days=1)
    counted = Statements(state)

    def a_pass(at: datetime) -> list[str]:
        state.record_pass(PassRecord(mailbox="a", started_at=at, finished_at=at, outcome="ok"))
        return [s.split(" ")[0] for s in counted.take()]

    assert a_pass(NOW) == ["INSERT", "DELETE"]
    assert a_pass(NOW + PRUNE_EVERY / 2) == ["INSERT"]
    assert a_pass(NOW + PRUNE_EVERY) == ["INSERT", "DELETE"]
