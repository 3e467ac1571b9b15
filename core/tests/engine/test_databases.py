"""The same passes on each state database calsync supports: SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from calsync.model import Participant

from .conftest import NOW, Org, meeting
from .test_series import weekly_series

ALICE, BOB = "alice@example.com", "bob@example.com"


@pytest.fixture
def org_on(tmp_path: Path, database_url: str) -> Iterator[Org]:
    organisation = Org(tmp_path, {"alice": ALICE, "bob": BOB}, db=database_url)
    yield organisation
    organisation.app.close()


def test_a_working_day_of_two_mailboxes(org_on: Org) -> None:
    org = org_on
    kickoff = org.mail.seed(ALICE, meeting("Kickoff", location="Room 1"))
    series = org.mail.seed(ALICE, weekly_series("Standup"))
    tehran = org.mail.seed(ALICE, meeting("Call Tehran", zone="Asia/Tehran", days=3))
    org.crm.seed(org.users["bob"], meeting("Demo for Bob", days=2))
    copy = org.mail.seed(
        BOB,
        meeting(
            "Kickoff",
            location="Room 1",
            organizer=Participant(address=ALICE),
            attendee_copy=True,
            uid="kickoff-uid",
        ),
    )
    org.mail.edit(ALICE, kickoff, uid="kickoff-uid")
    reports = org.settle()
    assert [(r.mailbox, r.outcome) for r in reports] == [("alice", "issues"), ("bob", "ok")]
    assert sorted(e.subject for e in org.crm_events("alice")) == ["Kickoff", "Standup"]
    assert [item.subject for item in org.mail.items(BOB) if item.ref.id != copy] == [  # type: ignore[union-attr]
        "Demo for Bob"
    ]
    assert org.issue_codes("alice") == ["UNSUPPORTED_TIME_ZONE"]
    assert org.mail.marker(ALICE, tehran).flagged and series

    org.mail.edit(
        ALICE, kickoff, start=NOW + timedelta(days=1, hours=2), end=NOW + timedelta(days=1, hours=3)
    )
    org.mail.remove(ALICE, tehran)
    org.settle()
    [event] = [e for e in org.crm_events("alice") if e.subject == "Kickoff"]
    assert event.start == NOW + timedelta(days=1, hours=2)
    assert org.issue_codes() == []
    [status] = [m for m in org.app.status().mailboxes if m.name == "alice"]
    assert status.records_in_sync >= 2
