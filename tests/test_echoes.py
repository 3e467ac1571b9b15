"""calsync's writes to each mailbox service come back as echoes, known without a read-back.

A mailbox service answers a write with the item's new change token (EWS CreateItem and
UpdateItem: ``ItemId`` with its ``ChangeKey``; Graph and Google: the event), so nothing is
read back after writing: not even after cancelling a new series' excluded occurrences,
which changes the token again (the echo is then known by its content). The pass after
writes nothing; a person's edit made right after calsync's write syncs. Judged from the
emulators' request counts and from what both services hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from calsync.model import ItemKind
from calsync.plugins import load_registry
from calsync.providers import Role
from calsync.recurrence import Recurrence
from calsync_conformance.scenario import ZONE, Scenario

#: Per mailbox service: the endpoints that read one item by id.
READS = {
    "exchange": "GetItem",
    "graph": "events.get",
    "gmail": "calendar.events.get",
}


@pytest.fixture(params=sorted(READS))
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def s(provider: str, tmp_path: Path) -> Iterator[Scenario]:
    harnesses = load_registry().harnesses
    scenario = Scenario(
        role=Role.MAILBOX,
        mail=harnesses[(Role.MAILBOX, provider)].offline(),
        crm=harnesses[(Role.CRM, "salesforce")].offline(),
        workdir=tmp_path,
    )
    yield scenario
    scenario.close()


def counted_pass(s: Scenario) -> tuple[tuple[int, int], dict[str, int]]:
    """One pass: records synced (up, down) and the mailbox service's calls per endpoint."""
    emulator = s.mail.emulator  # type: ignore[attr-defined]
    emulator.reset_counts()
    [report] = s.sync()
    return (report.synced_up, report.synced_down), dict(emulator.counts)


def seed_crm(s: Scenario) -> None:
    """A single event and a weekly series with one cancelled occurrence, in the CRM."""
    user = s.users["alice"]
    s.crm.seed(user, s.item("Review", location="Room 1"))
    start = s.at(2)
    series = s.item(
        "Weekly",
        days=2,
        kind=ItemKind.SERIES,
        recurrence=Recurrence(
            rule="FREQ=WEEKLY;COUNT=5", zone=ZONE, exclusions=(start + timedelta(weeks=1),)
        ),
    )
    s.crm.seed(user, series)


def test_writes_are_not_read_back_and_their_echoes_write_nothing(
    s: Scenario, provider: str
) -> None:
    alice = s.add_mailbox("alice")
    seed_crm(s)
    synced, calls = counted_pass(s)
    assert synced == (0, 2)
    # The mailbox was empty: nothing was there to read, and nothing written is read back.
    assert READS[provider] not in calls, calls
    [series] = [i for i in s.mail.items(alice) if i.kind is ItemKind.SERIES]
    assert series.recurrence is not None and len(series.recurrence.exclusions) == 1
    before = s.snapshot()
    synced, _ = counted_pass(s)
    assert synced == (0, 0)
    assert s.snapshot() == before, "the echo of calsync's writes changed something"


def test_a_person_edit_right_after_the_write_syncs(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    seed_crm(s)
    counted_pass(s)
    # Before calsync's next pass sees its own writes come back, Alice edits both items.
    items = {i.subject: i for i in s.mail.items(alice) if i.kind is not ItemKind.OCCURRENCE}
    for subject in ("Review", "Weekly"):
        ref = items[subject].ref
        assert ref is not None
        s.mail.edit(alice, ref.id, subject=f"{subject} (Alice)")
    synced, _ = counted_pass(s)
    assert synced == (2, 0)
    subjects = {e.subject for e in s.crm_events("alice")}
    assert subjects == {"Review (Alice)", "Weekly (Alice)"}
    synced, _ = counted_pass(s)
    assert synced == (0, 0)
