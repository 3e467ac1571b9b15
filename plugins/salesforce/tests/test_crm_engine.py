"""Real engine passes with the Salesforce provider against the emulated org.

The mailbox side is core's sandbox mailbox; the CRM side is this plugin's provider and
harness. A settled pass is followed by a second one that must change nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.emulation import FaultKind, FrozenClock
from calsync.engine import PassReport
from calsync.model import CalendarItem, ItemKind, Participant
from calsync.plugins import load_registry
from calsync.recurrence import Recurrence, RecurrenceModel
from calsync.sandbox.harness import SandboxMailboxHarness
from calsync.state import State
from calsync_salesforce.emulator import SalesforceEmulator
from calsync_salesforce.harness import SalesforceCrmHarness

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)
ALICE = "alice@example.com"


class Org:
    """A Salesforce org and a sandbox mailbox with calsync over them."""

    def __init__(self, tmp_path: Path) -> None:
        self.clock = FrozenClock(NOW)
        self.crm = SalesforceCrmHarness(SalesforceEmulator(clock=self.clock))
        self.mail = SandboxMailboxHarness()
        self.alice = self.crm.add_user(ALICE, zone="Europe/Berlin")
        self.sleeps: list[float] = []
        db = f"sqlite:///{tmp_path / 'state.db'}"
        data = {
            "state": db,
            "crm": {"provider": "salesforce"},
            "mailboxes": [{"name": "alice", "provider": "sandbox", "address": ALICE}],
        }
        config = parse_config(data, registry=load_registry(["sandbox", "salesforce"]))
        self.app = Calsync(
            config,
            state=State(db),
            clock=self.clock.now,
            sleep=self.sleeps.append,
            crm=self.crm.open_crm(),
            mailboxes={"alice": self.mail.open_mailbox(ALICE)},
            notifiers=[],
        )

    def settle(self) -> PassReport:
        self.clock.advance(60)
        [first] = self.app.sync()
        before = self.snapshot()
        self.clock.advance(60)
        [second] = self.app.sync()
        assert (second.synced_up, second.synced_down) == (0, 0), second
        assert self.snapshot() == before, "a second pass changed something"
        return first

    def snapshot(self) -> tuple[Any, ...]:
        mail = sorted((i.ref.id, i.ref.change_token) for i in self.mail.items(ALICE))  # type: ignore[union-attr]
        crm = sorted((i.ref.id, i.ref.change_token) for i in self.crm.items())  # type: ignore[union-attr]
        issues = sorted((i.code, i.item_id) for i in self.app.issues())
        return (mail, crm, issues)

    def events(self) -> list[CalendarItem]:
        return [i for i in self.crm.items(self.alice) if i.series_id is None]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    organisation = Org(tmp_path)
    yield organisation
    organisation.app.close()


def meeting(subject: str = "Weekly call", *, days: int = 1, **fields: Any) -> CalendarItem:
    start = NOW + timedelta(days=days)
    values: dict[str, Any] = {"start": start, "end": start + timedelta(hours=1), "subject": subject}
    values["zone"] = "Europe/Berlin"
    values.update(fields)
    return CalendarItem(**values)


def test_items_go_up_and_down_once(org: Org) -> None:
    up = org.mail.seed(ALICE, meeting("Kick-off", body="Agenda", location="Room 1"))
    org.crm.seed(org.alice, meeting("Demo", days=2, body="From the CRM"))
    report = org.settle()
    assert (report.outcome, report.synced_up, report.synced_down) == ("ok", 1, 1)
    events = {e.subject: e for e in org.events()}
    assert set(events) == {"Kick-off", "Demo"}
    assert events["Kick-off"].counterpart_id == up and events["Kick-off"].owner == org.alice
    assert sorted(i.subject for i in org.mail.items(ALICE)) == ["Demo", "Kick-off"]


def test_changes_and_deletes_follow(org: Org) -> None:
    up = org.mail.seed(ALICE, meeting("Kick-off"))
    org.settle()
    org.mail.edit(
        ALICE,
        up,
        subject="Kick-off (moved)",
        start=NOW + timedelta(days=3),
        end=NOW + timedelta(days=3, hours=1),
    )
    org.settle()
    [event] = org.events()
    assert event.subject == "Kick-off (moved)" and event.start == NOW + timedelta(days=3)
    assert event.ref is not None
    org.crm.edit(event.ref.id, location="Room 9")
    org.settle()
    assert org.mail.read(ALICE, up).location == "Room 9"  # type: ignore[union-attr]
    org.crm.remove(event.ref.id)
    org.settle()
    assert org.mail.items(ALICE) == ()


def test_crm_deletions_purged_from_the_recycle_bin_still_reach_the_mailbox(org: Org) -> None:
    """A busy org's full recycle bin purges deletions older than two hours, and a day later
    queryAll no longer shows them: the next pass must still remove their mailbox copies."""
    org.crm.org.configure(recycle_bin_capacity=2)
    for subject in ("Kept", "Gone 1", "Gone 2"):
        org.crm.seed(org.alice, meeting(subject))
    org.settle()
    assert len(org.mail.items(ALICE)) == 3
    for event in org.events():
        if event.subject.startswith("Gone") and event.ref is not None:
            org.crm.remove(event.ref.id)
    bob = org.crm.add_user("bob@example.com")
    busy = [org.crm.seed(bob, meeting(f"Busy {n}")) for n in range(3)]
    org.crm.remove(busy[0])
    org.clock.advance(3 * 3600)
    client = org.crm.client()
    client.Event.delete(busy[1])  # someone keeps deleting: the bin is purged of the oldest
    org.clock.advance(25 * 3600)  # the service was down for a day
    report = org.settle()
    assert (report.outcome, report.synced_down) == ("ok", 2)
    assert [i.subject for i in org.mail.items(ALICE)] == ["Kept"]


def test_contacts_are_linked_and_all_day_dates_kept(org: Org) -> None:
    carol = org.crm.add_contact("carol@customer.com")
    org.mail.seed(
        ALICE,
        meeting(
            organizer=Participant(address=ALICE),
            attendees=(Participant(address="carol@customer.com"),),
        ),
    )
    org.mail.seed(ALICE, CalendarItem(start=date(2026, 5, 4), end=date(2026, 5, 6), subject="Fair"))
    org.settle()
    events = {e.subject: e for e in org.events()}
    assert events["Weekly call"].links.who_ids == (carol,)
    assert (events["Fair"].start, events["Fair"].end) == (date(2026, 5, 4), date(2026, 5, 6))


def test_a_series_goes_up_as_a_classic_series(org: Org) -> None:
    start = datetime(2026, 3, 9, 8, tzinfo=UTC)
    rule = Recurrence(rule="FREQ=WEEKLY;BYDAY=MO;COUNT=4", zone="Europe/Berlin")
    org.mail.seed(
        ALICE,
        CalendarItem(kind=ItemKind.SERIES, start=start, end=start + timedelta(minutes=30), subject="Stand-up",
                     zone="Europe/Berlin", recurrence=rule),
    )  # fmt: skip
    org.settle()
    [header] = org.events()
    assert header.recurrence is not None and header.recurrence.model is RecurrenceModel.CRM_CLASSIC
    assert len([i for i in org.crm.items(org.alice) if i.series_id == header.ref.id]) == 4  # type: ignore[union-attr]


def test_field_security_and_lightning_series_are_issues(org: Org) -> None:
    org.crm.deny_field("location")
    org.mail.seed(ALICE, meeting("Somewhere", location="Room 1"))
    start = NOW + timedelta(days=1)
    lightning = Recurrence(
        rule="FREQ=DAILY;COUNT=3", zone="Europe/Berlin", model=RecurrenceModel.CRM_EVENT_SERIES
    )
    org.crm.seed(
        org.alice,
        CalendarItem(kind=ItemKind.SERIES, start=start, end=start + timedelta(hours=1), subject="New model",
                     recurrence=lightning),
    )  # fmt: skip
    org.clock.advance(60)
    org.app.sync()
    codes = sorted(i.code for i in org.app.issues())
    assert codes == ["CRM_SERIES_NOT_DOWNSYNCED", "FIELD_ACCESS_DENIED"]
    assert org.mail.items(ALICE)[0].subject == "Somewhere"


def test_lost_credentials_suspend_the_mailbox(org: Org) -> None:
    org.settle()
    org.crm.revoke_credentials()
    org.clock.advance(60)
    [report] = org.app.sync()
    assert report.outcome == "suspended"
    org.crm.restore_credentials()


def _series(org: Org) -> tuple[str, str, datetime]:
    start = datetime(2026, 3, 9, 8, tzinfo=UTC)
    rule = Recurrence(rule="FREQ=WEEKLY;BYDAY=MO;COUNT=4", zone="Europe/Berlin")
    master = org.mail.seed(
        ALICE,
        CalendarItem(kind=ItemKind.SERIES, start=start, end=start + timedelta(minutes=30), subject="Stand-up",
                     zone="Europe/Berlin", recurrence=rule),
    )  # fmt: skip
    org.settle()
    [header] = org.events()
    assert header.ref is not None
    return master, header.ref.id, start


def test_occurrences_changed_in_the_crm_reach_the_mailbox(org: Org) -> None:
    master, header, start = _series(org)
    records = {i.original_start: i for i in org.crm.items(org.alice) if i.series_id == header}
    second, third = records[start + timedelta(days=7)], records[start + timedelta(days=14)]
    assert second.ref is not None and third.ref is not None
    org.crm.edit(second.ref.id, subject="Stand-up (demo)")
    org.crm.remove(third.ref.id)
    org.clock.advance(60)
    [report] = org.app.sync()
    assert report.outcome == "ok"
    items = org.mail.items(ALICE)
    [exception] = [i for i in items if i.kind is ItemKind.EXCEPTION]
    assert exception.subject == "Stand-up (demo)" and exception.original_start == start + timedelta(
        days=7
    )
    series = org.mail.read(ALICE, master)
    assert series is not None and series.recurrence is not None
    assert start + timedelta(days=14) in series.recurrence.exclusions


def test_occurrences_changed_in_the_mailbox_reach_the_crm(org: Org) -> None:
    master, header, start = _series(org)
    org.mail.edit_occurrence(ALICE, master, start + timedelta(days=7), subject="Moved", start=start + timedelta(days=8),
                             end=start + timedelta(days=8, minutes=30))  # fmt: skip
    org.mail.remove_occurrence(ALICE, master, start + timedelta(days=14))
    org.clock.advance(60)
    [report] = org.app.sync()
    assert report.outcome == "ok"
    records = [i for i in org.crm.items(org.alice) if i.series_id == header]
    # (Which subject the moved occurrence keeps is the engine's EX-06 business.)
    last = datetime(2026, 3, 30, 7, tzinfo=UTC)  # 09:00 in Berlin, summer time
    assert sorted(i.start for i in records) == [start, start + timedelta(days=8), last]
    moved = next(i for i in records if i.start == start + timedelta(days=8))
    assert moved.kind is ItemKind.EXCEPTION and moved.original_start == start + timedelta(days=7)


def test_a_429_is_waited_for_as_asked(org: Org) -> None:
    org.settle()
    org.mail.seed(ALICE, meeting("After the rush"))
    org.crm.inject(FaultKind.THROTTLE, detail="429", retry_after=2)
    org.clock.advance(60)
    [report] = org.app.sync()
    assert report.outcome == "ok" and org.sleeps == [2]
    assert [e.subject for e in org.events()] == ["After the rush"] and not org.app.issues()


def test_a_long_429_is_a_throttled_issue_not_an_internal_error(org: Org) -> None:
    org.settle()
    org.mail.seed(ALICE, meeting("Later"))
    org.crm.emulator.reset_counts()
    org.crm.inject(FaultKind.THROTTLE, detail="429", retry_after=3600, times=None)
    org.clock.advance(60)
    [report] = org.app.sync()
    assert report.outcome == "failed" and org.sleeps == []
    [issue] = org.app.issues()
    assert issue.code == "THROTTLED" and "2026-03-02T09:" in issue.message
    assert org.crm.emulator.total_requests == 1, "the pass stopped at the first refusal"
    org.crm.clear_faults()
    org.settle()
    assert [e.subject for e in org.events()] == ["Later"] and not org.app.issues()


def test_a_503_page_with_retry_after_is_waited_for(org: Org) -> None:
    org.settle()
    org.mail.seed(ALICE, meeting("After maintenance"))
    org.crm.inject(FaultKind.SERVER_ERROR, detail="503 html retry-after", retry_after=5)
    org.clock.advance(60)
    [report] = org.app.sync()
    assert report.outcome == "ok" and org.sleeps == [5]
    assert [e.subject for e in org.events()] == ["After maintenance"]


def test_an_error_page_is_one_line_in_the_issue(org: Org) -> None:
    org.settle()
    org.crm.inject(FaultKind.SERVER_ERROR, detail="502 html", times=None)
    org.clock.advance(60)
    [report] = org.app.sync()
    assert report.outcome == "failed"
    [issue] = org.app.issues()
    assert issue.code == "SERVICE_UNAVAILABLE"
    assert "Salesforce failed: HTTP 502 502 Bad Gateway" in issue.message
    assert "<" not in issue.message and "\n" not in issue.message
