"""An idle pass costs its state database a few statements, whatever the database.

With 2,000 mailboxes a round on PostgreSQL over a network, every statement of an idle pass
is 2,000 round trips a round: these bounds keep the count from growing back (the figures
themselves are in bench/idle_passes.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from calsync.state import State

from .conftest import Org, meeting

ALICE, BOB = "alice@example.com", "bob@example.com"
#: An idle pass: its start (status, lease, its rows, status marked) and its end (status,
#: history, lease). Ten; each cursor that moved (Salesforce's, Graph's) adds an UPDATE.
PASS_STATEMENTS = 12
#: Its start and its end.
PASS_TRANSACTIONS = 2
#: A round's share per mailbox: its pass and nothing more (the round reads every status and
#: cursor at once, and asks whether a pass was throttled only if it ended with it open).
ROUND_STATEMENTS_PER_MAILBOX = PASS_STATEMENTS
#: The round's own: every status, every cursor, the organisation's issues and history row.
ROUND_STATEMENTS = 6
_WRITE = re.compile(r"^(?:INSERT INTO|UPDATE|DELETE FROM) (\w+)", re.IGNORECASE)


class Counted:
    """Statements (SQLite's ``BEGIN`` left out) and transactions sent to ``state``."""

    def __init__(self, state: State) -> None:
        self.statements: list[str] = []
        self.transactions = 0

        @event.listens_for(state.engine, "before_cursor_execute")
        def _sent(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not statement.lstrip().upper().startswith("BEGIN"):
                self.statements.append(" ".join(statement.split()))

        @event.listens_for(state.engine, "commit")
        def _committed(conn: Any) -> None:
            self.transactions += 1

    def written(self) -> set[str]:
        """The tables written to."""
        return {m.group(1) for s in self.statements if (m := _WRITE.match(s))}


@pytest.fixture
def idle(tmp_path: Path, database_url: str) -> Iterator[Org]:
    org = Org(tmp_path, {"alice": ALICE, "bob": BOB}, db=database_url)
    org.mail.seed(ALICE, meeting("Kickoff"))
    org.crm.seed(org.users["bob"], meeting("Demo for Bob", days=2))
    org.settle()
    yield org
    org.app.close()


def test_an_idle_pass_sends_a_few_statements_and_rewrites_nothing_unchanged(idle: Org) -> None:
    counted = Counted(idle.app.state)
    report = idle.app.engine.run_mailbox(idle.app.engine.roster.named("alice"))
    assert (report.outcome, report.synced_up, report.synced_down) == ("ok", 0, 0)
    assert len(counted.statements) <= PASS_STATEMENTS, counted.statements
    assert counted.transactions <= PASS_TRANSACTIONS
    # Each read once: the pass's rows with one statement each, its issues among them.
    reads = [s for s in counted.statements if s.startswith("SELECT")]
    assert len(reads) == len(set(reads)), reads
    # Its status, its history row and its lease; links, cursors, issues, outbox untouched.
    assert counted.written() == {"mailboxes", "passes", "leases"}


def test_an_idle_round_costs_each_mailbox_a_few_statements(idle: Org) -> None:
    counted = Counted(idle.app.state)
    reports = idle.sync()
    assert all(r.outcome == "ok" and not r.synced_up + r.synced_down for r in reports)
    bound = ROUND_STATEMENTS + ROUND_STATEMENTS_PER_MAILBOX * len(reports)
    assert len(counted.statements) <= bound, counted.statements
