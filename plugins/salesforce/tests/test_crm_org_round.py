"""The organisation's round through the Salesforce provider: the CRM read once for every owner.

Judged by what the emulated org received (its per-endpoint counters and request log) and
what the mailboxes hold; the mailbox side is core's sandbox mailbox.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.emulation import FaultKind, FrozenClock
from calsync.engine import PassReport
from calsync.engine.org_round import RECORDS_FRESH
from calsync.model import CalendarItem, CrmLinks, Participant, Privacy
from calsync.plugins import load_registry
from calsync.sandbox.harness import SandboxMailboxHarness
from calsync.state import State
from calsync_salesforce.emulator import SalesforceEmulator
from calsync_salesforce.harness import SalesforceCrmHarness

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)


def address(n: int) -> str:
    return f"person{n}@example.com"


class Org:
    """A Salesforce org and ``size`` sandbox mailboxes, each with a CRM user."""

    def __init__(self, tmp_path: Path, size: int) -> None:
        self.clock = FrozenClock(NOW)
        self.crm = SalesforceCrmHarness(SalesforceEmulator(clock=self.clock))
        self.mail = SandboxMailboxHarness()
        self.users = [self.crm.add_user(address(n), zone="Europe/Berlin") for n in range(size)]
        self.sleeps: list[float] = []
        db = f"sqlite:///{tmp_path / 'state.db'}"
        data = {
            "state": db,
            "crm": {"provider": "salesforce"},
            "mailboxes": [
                {"name": f"person{n}", "provider": "sandbox", "address": address(n)}
                for n in range(size)
            ],
        }
        config = parse_config(data, registry=load_registry(["sandbox", "salesforce"]))
        self.app = Calsync(
            config,
            state=State(db),
            clock=self.clock.now,
            sleep=self.sleeps.append,
            crm=self.crm.open_crm(),
            mailboxes={f"person{n}": self.mail.open_mailbox(address(n)) for n in range(size)},
            notifiers=[],
        )

    def sync(self, name: str | None = None) -> list[PassReport]:
        self.clock.advance(600)
        return self.app.sync(name)

    def counted(self, name: str | None = None) -> dict[str, int]:
        """The CRM calls one round made, by endpoint (counted by the emulated org)."""
        self.crm.emulator.reset_counts()
        reports = self.sync(name)
        assert all(r.outcome == "ok" for r in reports), reports
        return dict(self.crm.emulator.counts)


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    organisation = Org(tmp_path, 6)
    yield organisation
    organisation.app.close()


def meeting(subject: str, *, days: int = 1, **fields: Any) -> CalendarItem:
    start = NOW + timedelta(days=days)
    values: dict[str, Any] = {"start": start, "end": start + timedelta(hours=1), "subject": subject}
    values.update(zone="Europe/Berlin", **fields)
    return CalendarItem(**values)


def settled(org: Org) -> None:
    for n in range(len(org.users)):
        org.mail.seed(address(n), meeting(f"Mailbox {n}"))
        org.crm.seed(org.users[n], meeting(f"CRM {n}", days=2))
    org.sync()  # the initial round
    org.sync()  # reads its own burst back


def test_an_idle_round_reads_the_crm_once_for_every_mailbox(tmp_path: Path) -> None:
    figures = []
    for size in (3, 9):
        (tmp_path / str(size)).mkdir()
        org = Org(tmp_path / str(size), size)
        settled(org)
        figures.append(org.counted())
        org.app.close()
    small, large = figures
    assert small == large, "an idle round's CRM calls grow with the number of mailboxes"
    # one delta query and the delete log's horizon (describe and the users were read in an
    # earlier round and are reused for an hour)
    assert large == {"queryAll": 1, "sobjects.deleted": 1}


def test_the_initial_round_lists_every_owner_at_once(org: Org) -> None:
    for n in range(6):
        org.crm.seed(org.users[n], meeting(f"CRM {n}"))
    calls = org.counted()
    assert calls.get("queryAll", 0) == 0 and calls["query"] <= 3, calls
    for n in range(6):
        assert [i.subject for i in org.mail.items(address(n))] == [f"CRM {n}"]


def test_each_pass_gets_its_owners_changes_and_removals(org: Org) -> None:
    settled(org)
    events = {e.subject: e for e in org.crm.items()}
    org.crm.edit(events["CRM 1"].ref.id, location="Room 1")  # type: ignore[union-attr]
    org.crm.remove(events["CRM 4"].ref.id)  # type: ignore[union-attr]
    calls = org.counted()
    assert calls["queryAll"] == 1, calls
    mine = {i.subject: i for i in org.mail.items(address(1))}
    assert mine["CRM 1"].location == "Room 1"
    assert "CRM 4" not in {i.subject for i in org.mail.items(address(4))}
    assert {i.subject for i in org.mail.items(address(4))} == {"Mailbox 4"}
    # nobody else received a share of them
    assert all("CRM 1" not in {i.subject for i in org.mail.items(address(n))} for n in (0, 2, 3, 5))


def test_a_mailbox_away_for_a_round_reads_by_itself_then_rejoins(org: Org) -> None:
    settled(org)
    org.app.disable("person2")
    events = {e.subject: e for e in org.crm.items()}
    org.crm.edit(events["CRM 2"].ref.id, location="Room 2")  # type: ignore[union-attr]
    org.sync()  # person2 is left out: its cursor stays behind
    org.app.enable("person2")  # a pass of its own, reading its owner itself
    assert {i.subject: i for i in org.mail.items(address(2))}["CRM 2"].location == "Room 2"
    org.crm.edit(events["CRM 2"].ref.id, location="Room 3")
    org.crm.emulator.reset_counts()
    org.sync()  # person2's cursor differs from the others': it reads by itself once more
    assert {i.subject: i for i in org.mail.items(address(2))}["CRM 2"].location == "Room 3"
    org.crm.edit(events["CRM 2"].ref.id, location="Room 4")
    calls = org.counted()  # ... and is one of the many again
    assert calls["queryAll"] == 1, calls
    assert {i.subject: i for i in org.mail.items(address(2))}["CRM 2"].location == "Room 4"


def test_sync_of_one_mailbox_reads_its_owner_alone(org: Org) -> None:
    settled(org)
    events = {e.subject: e for e in org.crm.items()}
    org.crm.edit(events["CRM 3"].ref.id, location="Room 3")
    org.crm.edit(events["CRM 0"].ref.id, location="Room 0")
    org.crm.emulator.reset_counts()
    [report] = org.sync("person3")
    assert report.outcome == "ok" and report.synced_down == 1
    asked = [r for r in org.crm.received() if "FROM+Event" in r or "FROM Event" in r]
    assert asked and all(org.users[3] in r for r in asked), asked
    assert {i.subject: i for i in org.mail.items(address(0))}["CRM 0"].location != "Room 0"
    org.sync()  # the round: person3 reads by itself (its cursor moved on), the rest share
    assert {i.subject: i for i in org.mail.items(address(0))}["CRM 0"].location == "Room 0"
    assert {i.subject: i for i in org.mail.items(address(3))}["CRM 3"].location == "Room 3"


def test_a_throttled_organisation_read_waits_as_told(org: Org) -> None:
    settled(org)
    events = {e.subject: e for e in org.crm.items()}
    org.crm.edit(events["CRM 5"].ref.id, location="Room 5")
    org.crm.inject(FaultKind.THROTTLE, endpoint="queryAll", retry_after=7)
    reports = org.sync()
    assert all(r.outcome == "ok" for r in reports), reports
    assert 7 in org.sleeps
    assert {i.subject: i for i in org.mail.items(address(5))}["CRM 5"].location == "Room 5"


def test_rounds_slow_down_before_the_daily_api_allowance_runs_out(org: Org) -> None:
    settled(org)
    used = org.crm.emulator.org.usage.used(org.clock.now())
    # calsync's calls now reach into the 20 % kept for the org's other integrations
    org.crm.org.configure(daily_api_requests=used + 3)
    before = sum(org.crm.emulator.counts.values())
    reports = org.sync()
    assert {r.outcome for r in reports} == {"waiting"}, reports
    assert sum(org.crm.emulator.counts.values()) - before <= 2  # the changes were read, no more
    [issue] = org.app.issues()
    assert (issue.mailbox, issue.code) == ("(organisation)", "API_ALLOWANCE_LOW")
    figures = org.app.status().organisation
    assert figures.api_allowed == used + 3 and figures.api_used is not None
    assert figures.api_used >= used
    org.crm.org.configure(daily_api_requests=100_000)  # the allowance frees up (or is raised)
    events = {e.subject: e for e in org.crm.items()}
    org.crm.edit(events["CRM 0"].ref.id, location="Room 0")  # type: ignore[union-attr]
    reports = org.sync()
    assert {r.outcome for r in reports} == {"ok"}, reports
    assert org.app.issues() == []
    assert {i.subject: i for i in org.mail.items(address(0))}["CRM 0"].location == "Room 0"
    assert org.app.status().organisation.api_allowed == 100_000


def test_workers_share_one_read_of_the_organisation(org: Org) -> None:
    """The API a pool of workers uses: the round's read travels (pickled) to each pass."""
    settled(org)
    events = {e.subject: e for e in org.crm.items()}
    org.crm.edit(events["CRM 1"].ref.id, location="Room 1")  # type: ignore[union-attr]
    org.clock.advance(600)
    read = pickle.loads(pickle.dumps(org.app.read_organisation()))
    org.crm.emulator.reset_counts()
    reports = [org.app.sync_mailbox(f"person{n}", org=read) for n in range(6)]
    assert {r.outcome for r in reports} == {"ok"}, reports
    assert org.crm.emulator.counts.get("queryAll", 0) == 0  # every pass took its share
    assert {i.subject: i for i in org.mail.items(address(1))}["CRM 1"].location == "Room 1"


def fetches(org: Org, since: int) -> list[str]:
    """The queries after request ``since`` that read events by their ids (a fetch)."""
    return [r for r in org.crm.received()[since:] if "WHERE Id IN" in r]


def test_the_records_of_every_mailboxs_changes_are_fetched_at_once(org: Org) -> None:
    settled(org)
    changed = range(4)
    for n in changed:
        [item] = [i for i in org.mail.items(address(n)) if i.subject == f"Mailbox {n}"]
        org.mail.edit(address(n), item.ref.id, location=f"Room {n}")  # type: ignore[union-attr]
    since = len(org.crm.received())
    calls = org.counted()
    # one fetch for the four passes' updates (not one each), then their writes
    assert calls["query"] == 1, calls
    [fetch] = fetches(org, since)
    crm = {e.subject: e for e in org.crm.items()}
    assert all(crm[f"Mailbox {n}"].ref.id in fetch for n in changed)  # type: ignore[union-attr]
    for n in range(6):
        assert crm[f"Mailbox {n}"].location == (f"Room {n}" if n in changed else "")


def test_a_record_made_private_in_the_crm_is_not_written_over_by_a_round(org: Org) -> None:
    settled(org)
    crm = {e.subject: e for e in org.crm.items()}
    org.crm.edit(crm["Mailbox 1"].ref.id, privacy=Privacy.PRIVATE)  # type: ignore[union-attr]
    for n in (1, 2):
        [item] = [i for i in org.mail.items(address(n)) if i.subject == f"Mailbox {n}"]
        org.mail.edit(address(n), item.ref.id, location=f"Room {n}")  # type: ignore[union-attr]
    org.sync()
    crm = {e.subject: e for e in org.crm.items()}
    assert crm["Mailbox 1"].location == "" and crm["Mailbox 2"].location == "Room 2"


def test_sync_of_one_mailbox_fetches_its_own_records(org: Org) -> None:
    settled(org)
    [item] = [i for i in org.mail.items(address(2)) if i.subject == "Mailbox 2"]
    org.mail.edit(address(2), item.ref.id, location="Room 2")  # type: ignore[union-attr]
    since = len(org.crm.received())
    [report] = org.sync("person2")
    assert report.outcome == "ok" and report.synced_up == 1
    [fetch] = fetches(org, since)
    assert item.ref.id not in fetch  # type: ignore[union-attr]
    assert {e.subject: e for e in org.crm.items()}["Mailbox 2"].location == "Room 2"


def test_when_the_rounds_fetch_fails_each_pass_fetches_its_own(org: Org) -> None:
    settled(org)
    for n in (0, 1):
        [item] = [i for i in org.mail.items(address(n)) if i.subject == f"Mailbox {n}"]
        org.mail.edit(address(n), item.ref.id, location=f"Room {n}")  # type: ignore[union-attr]
    org.crm.inject(FaultKind.MALFORMED, endpoint="query")
    since = len(org.crm.received())
    assert all(r.outcome == "ok" for r in org.sync())
    crm = {e.subject: e for e in org.crm.items()}
    assert [crm[f"Mailbox {n}"].location for n in (0, 1)] == ["Room 0", "Room 1"]
    ids = [crm[f"Mailbox {n}"].ref.id for n in (0, 1)]  # type: ignore[union-attr]
    # the round's fetch of both, which failed, then each pass's own
    assert [sum(i in r for i in ids) for r in fetches(org, since)] == [2, 1, 1]


# -- the round's fetch of the records is used only while fresh -----------------------------------


def edit_after_the_rounds_fetch(org: Org, monkeypatch: pytest.MonkeyPatch, edit: Any) -> None:
    """Make the next fetch of records (the round's) be followed by ``edit`` in the CRM and
    more than RECORDS_FRESH passing: a person's edit while 2,000 passes run."""
    provider = org.app.engine.crm()
    fetch = provider.fetch
    done: list[bool] = []

    def fetched(ids: Any) -> Any:
        found = fetch(ids)
        if not done:
            done.append(True)
            edit()
            org.clock.advance(RECORDS_FRESH + timedelta(seconds=1))
        return found

    monkeypatch.setattr(provider, "fetch", fetched)


def test_crm_associations_added_after_the_rounds_fetch_are_kept(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    carol = org.crm.add_contact("carol@customer.com", name="Carol")
    dan = org.crm.add_contact("dan@customer.com", name="Dan")
    erin = org.crm.add_contact("erin@customer.com", name="Erin")
    account = org.crm.add_account("ACME")
    review = org.mail.seed(
        address(1),
        meeting(
            "Review",
            organizer=Participant(address=address(1)),
            attendees=(Participant(address="carol@customer.com"),),
        ),
    )
    settled(org)
    [event] = [e for e in org.crm.items() if e.subject == "Review"]
    assert event.ref is not None and event.links.who_ids == (carol,)
    # the person invites Erin; calsync will link her to the CRM event too
    org.mail.edit(
        address(1),
        review,
        attendees=(
            Participant(address="carol@customer.com"),
            Participant(address="erin@customer.com"),
        ),
    )
    for n in (0, 2):  # other mailboxes change too: the round fetches their records with it
        [item] = [i for i in org.mail.items(address(n)) if i.subject == f"Mailbox {n}"]
        org.mail.edit(address(n), item.ref.id, location=f"Room {n}")  # type: ignore[union-attr]
    ref = event.ref.id
    edit_after_the_rounds_fetch(
        org,
        monkeypatch,
        lambda: org.crm.edit(ref, links=CrmLinks(who_ids=(carol, dan), what_id=account)),
    )
    assert all(r.outcome == "ok" for r in org.sync())
    org.sync()  # the next round does not take calsync's write for the person's
    kept = org.crm.read(ref)
    assert kept is not None and kept.links.what_id == account
    assert set(kept.links.who_ids) == {carol, dan, erin}


def test_an_event_made_private_after_the_rounds_fetch_is_not_written_over(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    settled(org)
    crm = {e.subject: e.ref.id for e in org.crm.items() if e.ref is not None}
    for n in (1, 2):
        [item] = [i for i in org.mail.items(address(n)) if i.subject == f"Mailbox {n}"]
        org.mail.edit(address(n), item.ref.id, location=f"Room {n}")  # type: ignore[union-attr]
    edit_after_the_rounds_fetch(
        org, monkeypatch, lambda: org.crm.edit(crm["Mailbox 1"], privacy=Privacy.PRIVATE)
    )
    assert all(r.outcome == "ok" for r in org.sync())
    org.sync()
    private = org.crm.read(crm["Mailbox 1"])
    assert private is not None and private.privacy is Privacy.PRIVATE
    assert private.location == ""
    assert {e.subject: e for e in org.crm.items()}["Mailbox 2"].location == "Room 2"


def test_a_shared_read_handed_to_a_later_pass_fetches_the_records_afresh(org: Org) -> None:
    """As the workers run passes: the round's read travels with them, and may wait."""
    contact = org.crm.add_contact("carol@customer.com", name="Carol")
    account = org.crm.add_account("ACME")
    settled(org)
    [item] = [i for i in org.mail.items(address(3)) if i.subject == "Mailbox 3"]
    org.mail.edit(
        address(3),
        item.ref.id,
        attendees=(Participant(address="carol@customer.com"),),  # type: ignore[union-attr]
    )
    org.clock.advance(600)
    read = pickle.loads(pickle.dumps(org.app.read_organisation()))
    assert read.records is not None
    [event] = [e for e in org.crm.items() if e.subject == "Mailbox 3"]
    assert event.ref is not None
    org.crm.edit(event.ref.id, links=CrmLinks(what_id=account))  # while the task waits
    org.clock.advance(RECORDS_FRESH)
    reports = [org.app.sync_mailbox(f"person{n}", org=read) for n in range(6)]
    assert {r.outcome for r in reports} == {"ok"}, reports
    kept = org.crm.read(event.ref.id)
    assert kept is not None and kept.links.what_id == account
    assert kept.links.who_ids == (contact,)


def test_the_passes_with_changes_run_first_while_the_rounds_fetch_is_fresh(org: Org) -> None:
    settled(org)
    changed = (4, 5)  # last in the configured order
    for n in changed:
        [item] = [i for i in org.mail.items(address(n)) if i.subject == f"Mailbox {n}"]
        org.mail.edit(address(n), item.ref.id, location=f"Room {n}")  # type: ignore[union-attr]
    [down] = [e for e in org.crm.items() if e.subject == "CRM 3"]
    org.crm.edit(down.ref.id, location="Room 3")  # type: ignore[union-attr]
    org.clock.advance(600)
    org.crm.emulator.reset_counts()
    turns: list[str] = []

    def turn(name: str) -> None:
        # Time passes with every pass: behind the four idle ones, the fetch would be stale.
        turns.append(name)
        org.clock.advance(RECORDS_FRESH / 4)

    reports = org.app.engine.run(progress=turn)
    assert {r.outcome for r in reports} == {"ok"}, reports
    # the changes, the delete log, one fetch for both passes, their writes (as before)
    calls = dict(org.crm.emulator.counts)
    assert calls == {
        "queryAll": 1,
        "sobjects.deleted": 1,
        "query": 1,
        "composite.sobjects.update": 2,
    }, calls
    crm = {e.subject: e for e in org.crm.items()}
    assert [crm[f"Mailbox {n}"].location for n in changed] == ["Room 4", "Room 5"]
    # the passes the round read changes for (the CRM's or the mailbox's), then the idle ones
    assert turns == ["person3", "person4", "person5", "person0", "person1", "person2"]
    assert {i.subject: i for i in org.mail.items(address(3))}["CRM 3"].location == "Room 3"
    assert [r.mailbox for r in reports] == [f"person{n}" for n in range(6)]  # as configured


def test_a_stale_fetch_is_refreshed_once_for_the_passes_still_to_come(org: Org) -> None:
    """Passes with changes that outlast RECORDS_FRESH: one fetch per stale window, not per pass.

    Each pass starts 0.8 s after the one before (a cloud API's latency), so the round's
    fetch is fresh for the first two passes (0.8 s, 1.6 s); the third (2.4 s) fetches its
    own records and those of the three after it at once; the next two compare with that
    (0.8 s, 1.6 s old), and the last (2.4 s) refreshes again. A record made private in the
    CRM after the first refresh is seen by the pass it belongs to, whose read is then stale.
    """
    settled(org)
    for n in range(6):
        [item] = [i for i in org.mail.items(address(n)) if i.subject == f"Mailbox {n}"]
        org.mail.edit(address(n), item.ref.id, location=f"Room {n}")  # type: ignore[union-attr]
    crm = {e.subject: e.ref.id for e in org.crm.items() if e.ref is not None}
    org.clock.advance(600)
    since = len(org.crm.received())

    def turn(name: str) -> None:
        org.clock.advance(RECORDS_FRESH * 2 / 5)
        if name == "person4":  # after the first refresh, before the last pass's
            org.crm.edit(crm["Mailbox 5"], privacy=Privacy.PRIVATE)

    reports = org.app.engine.run(progress=turn)
    assert {r.outcome for r in reports} == {"ok"}, reports
    ids = [crm[f"Mailbox {n}"] for n in range(6)]
    # the round's fetch of all six, the third pass's refresh of its own and the three after
    # it, the last pass's of its own (one per window, not one per pass after the first two)
    fetched = [[n for n, i in enumerate(ids) if i in f] for f in fetches(org, since)]
    assert fetched == [[0, 1, 2, 3, 4, 5], [2, 3, 4, 5], [5]], fetched
    now = {e.subject: e for e in org.crm.items()}
    assert [now[f"Mailbox {n}"].location for n in range(5)] == [f"Room {n}" for n in range(5)]
    private = org.crm.read(crm["Mailbox 5"])
    assert private is not None and private.privacy is Privacy.PRIVATE
    assert private.location == ""
