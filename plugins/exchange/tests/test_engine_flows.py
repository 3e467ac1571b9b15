"""Real engine passes: an Exchange mailbox (exchangelib + emulator) against the sandbox CRM.

Each flow settles: a second pass finds nothing to do and changes nothing, which is only
true when the provider's change keys and conversions round-trip.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.emulation import FaultKind
from calsync.model import CalendarItem, ItemKind, Participant
from calsync.plugins import load_registry
from calsync.recurrence import Recurrence
from calsync.sandbox.harness import SandboxCrmHarness
from calsync.sandbox.world import Sandbox
from calsync.state import State
from calsync_exchange.emulator import CustomTimeZone, TransitionRule
from calsync_exchange.harness import ExchangeHarness

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
ALICE = "alice@example.com"
FIRST = datetime(2027, 2, 15, 10, tzinfo=BERLIN)


class Org:
    """The sandbox CRM, one Exchange mailbox, calsync between them."""

    def __init__(self, tmp_path: Path, zone: str = "Europe/Berlin") -> None:
        self.crm = SandboxCrmHarness(Sandbox())
        self.mail = ExchangeHarness()
        self.user = self.crm.add_user(ALICE)
        self.sleeps: list[float] = []
        db = f"sqlite:///{tmp_path / 'state.db'}"
        data = {
            "state": db,
            "crm": {"provider": "sandbox"},
            "mailboxes": [{"name": "alice", "provider": "exchange", "address": ALICE}],
        }
        config = parse_config(data, registry=load_registry(["sandbox", "exchange"]))
        self.app = Calsync(
            config,
            state=State(db),
            clock=lambda: NOW,
            sleep=self.sleeps.append,
            crm=self.crm.open_crm(),
            mailboxes={"alice": self.mail.open_mailbox(ALICE, zone=zone)},
        )

    def settle(self) -> Any:
        first = self.app.sync()
        before = self.snapshot()
        second = self.app.sync()
        assert all(r.synced_up == 0 and r.synced_down == 0 for r in second), second
        assert self.snapshot() == before, "a second pass changed something"
        return first

    def snapshot(self) -> tuple[Any, ...]:
        mail = sorted((i.ref.id, i.ref.change_token) for i in self.mail.items(ALICE))  # type: ignore[union-attr]
        crm = sorted((i.ref.id, i.ref.change_token) for i in self.crm.items())  # type: ignore[union-attr]
        return (mail, crm)

    def events(self) -> list[CalendarItem]:
        return [i for i in self.crm.items(self.user) if i.series_id is None]

    def codes(self) -> list[str]:
        return sorted(i.code for i in self.app.issues())


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    made = Org(tmp_path)
    yield made
    made.app.close()
    made.mail.close()


def meeting(subject: str, days: int = 1, **fields: Any) -> CalendarItem:
    start = NOW + timedelta(days=days)
    values = {
        "subject": subject,
        "start": start,
        "end": start + timedelta(hours=1),
        "zone": "Europe/Berlin",
    }
    return CalendarItem(**{**values, **fields})


def test_items_go_both_ways_once_and_changes_and_deletes_follow(org: Org) -> None:
    mine = org.mail.seed(ALICE, meeting("From mail", body="Agenda"))
    org.crm.seed(org.user, meeting("From CRM", days=2, body="CRM notes"))
    org.settle()
    events = {e.subject: e for e in org.events()}
    assert set(events) == {"From mail", "From CRM"}
    assert (
        events["From mail"].counterpart_id == mine and events["From mail"].zone == "Europe/Berlin"
    )
    items = {i.subject: i for i in org.mail.items(ALICE)}
    assert items["From CRM"].body == "CRM notes"
    assert items["From CRM"].counterpart_id == events["From CRM"].ref.id  # type: ignore[union-attr]
    org.mail.edit(
        ALICE,
        mine,
        subject="From mail (moved)",
        start=NOW + timedelta(days=3),
        end=NOW + timedelta(days=3, hours=1),
    )
    org.crm.edit(events["From CRM"].ref.id, location="Room 9")  # type: ignore[union-attr]
    org.settle()
    events = {e.subject: e for e in org.events()}
    assert events["From mail (moved)"].start == NOW + timedelta(days=3)
    assert {i.subject: i for i in org.mail.items(ALICE)}["From CRM"].location == "Room 9"
    org.mail.remove(ALICE, mine)
    org.crm.remove(events["From CRM"].ref.id)  # type: ignore[union-attr]
    org.settle()
    assert org.events() == [] and org.mail.items(ALICE) == ()
    assert org.mail.invitations_sent() == 0


def test_a_mailbox_series_with_a_moved_and_a_cancelled_occurrence(org: Org) -> None:
    series = CalendarItem(
        kind=ItemKind.SERIES,
        subject="Team sync",
        start=FIRST,
        end=FIRST + timedelta(hours=1),
        zone="Europe/Berlin",
        recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=6", zone="Europe/Berlin"),
        attendees=(Participant(address="carol@customer.com"),),
    )
    series_id = org.mail.seed(ALICE, series)
    org.settle()
    [header] = org.events()
    assert header.kind is ItemKind.SERIES
    moved = FIRST + timedelta(weeks=3)
    org.mail.edit_occurrence(
        ALICE, series_id, moved, start=moved + timedelta(hours=2), end=moved + timedelta(hours=3)
    )
    org.mail.remove_occurrence(ALICE, series_id, FIRST + timedelta(weeks=4))
    org.settle()
    rows = sorted(
        (e for e in org.crm.items() if e.series_id == header.ref.id), key=lambda e: e.start
    )  # type: ignore[union-attr, arg-type, return-value]
    assert len(rows) == 5
    assert moved + timedelta(hours=2) in {r.start for r in rows}
    assert org.mail.invitations_sent() == 0


def test_a_crm_series_comes_down_with_its_exceptions_and_cancellations(org: Org) -> None:
    header = org.crm.seed(
        org.user,
        CalendarItem(
            kind=ItemKind.SERIES,
            subject="CRM weekly",
            start=FIRST,
            end=FIRST + timedelta(hours=1),
            zone="Europe/Berlin",
            recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=6", zone="Europe/Berlin"),
        ),
    )
    rows = sorted((e for e in org.crm.items() if e.series_id == header), key=lambda e: e.start)  # type: ignore[arg-type, return-value]
    org.crm.edit(rows[4].ref.id, location="Moved room")  # type: ignore[union-attr]
    org.crm.remove(rows[5].ref.id)  # type: ignore[union-attr]
    org.settle()
    items = org.mail.items(ALICE)
    master = next(i for i in items if i.kind is ItemKind.SERIES)
    exception = next(i for i in items if i.kind is ItemKind.EXCEPTION)
    assert master.recurrence is not None and master.recurrence.rule == "FREQ=WEEKLY;COUNT=6"
    assert FIRST + timedelta(weeks=5) in master.recurrence.exclusions
    assert (exception.location, exception.original_start) == (
        "Moved room",
        FIRST + timedelta(weeks=4),
    )


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_all_day_items_keep_their_dates_both_ways(tmp_path: Path, zone: str) -> None:
    org = Org(tmp_path, zone=zone)
    org.mail.seed(
        ALICE, CalendarItem(subject="Holiday", start=date(2027, 3, 10), end=date(2027, 3, 11))
    )
    org.crm.seed(
        org.user, CalendarItem(subject="Offsite", start=date(2027, 3, 20), end=date(2027, 3, 22))
    )
    org.settle()
    events = {e.subject: e for e in org.events()}
    assert (events["Holiday"].start, events["Holiday"].end) == (
        date(2027, 3, 10),
        date(2027, 3, 11),
    )
    items = {i.subject: i for i in org.mail.items(ALICE)}
    assert (items["Offsite"].start, items["Offsite"].end) == (date(2027, 3, 20), date(2027, 3, 22))
    stored = next(d for d in org.mail.emulator.items(ALICE) if d["subject"] == "Offsite")
    assert (stored["start_date"], stored["end_date"]) == (date(2027, 3, 20), date(2027, 3, 22))
    org.app.close()
    org.mail.close()


def test_a_zone_the_crm_cannot_hold_is_an_issue_with_a_red_marker(org: Org) -> None:
    odd = CustomTimeZone(
        standard_offset=timedelta(hours=1),
        daylight_offset=timedelta(hours=2),
        daylight_start=TransitionRule(month=5, weekday="Sunday", occurrence=2, at=time(2)),
        standard_start=TransitionRule(month=9, weekday="Sunday", occurrence=1, at=time(3)),
    )
    item_id = org.mail.emulator.seed_item(
        ALICE,
        subject="Odd zone",
        start=datetime(2027, 3, 5, 9),
        end=datetime(2027, 3, 5, 10),
        time_zone=odd,
    )
    org.mail.seed(ALICE, meeting("Fine"))
    org.app.sync()
    assert org.codes() == ["UNSUPPORTED_TIME_ZONE"]
    assert [e.subject for e in org.events()] == ["Fine"]
    view = org.mail.marker(ALICE, item_id)
    assert view.flagged and view.detail is not None and "Customized Time Zone" in view.detail
    assert org.mail.emulator.master_categories(ALICE)["Sync Error"] == 0
    read = org.mail.read(ALICE, item_id)
    assert read is not None and read.categories == ()


def test_an_expired_cursor_is_pulled_again_without_duplicates(org: Org) -> None:
    org.mail.seed(ALICE, meeting("Kickoff"))
    org.crm.seed(org.user, meeting("Demo", days=2))
    org.settle()
    org.mail.inject(FaultKind.CURSOR_EXPIRED, endpoint="pull")
    org.mail.seed(ALICE, meeting("Later", days=4))
    org.settle()
    assert sorted(e.subject for e in org.events()) == ["Demo", "Kickoff", "Later"]
    assert sorted(i.subject for i in org.mail.items(ALICE)) == ["Demo", "Kickoff", "Later"]


def test_refused_credentials_suspend_the_mailbox_until_restored(org: Org) -> None:
    org.mail.seed(ALICE, meeting("Kickoff"))
    org.mail.revoke_credentials()
    [report] = org.app.sync()
    assert report.outcome != "ok" and "AUTH_FAILED" in {i.code for i in org.app.issues()}
    org.mail.restore_credentials()
    org.app.enable("alice")
    assert [e.subject for e in org.events()] == ["Kickoff"]


def test_a_503_with_retry_after_is_waited_for_within_the_cap(org: Org) -> None:
    org.settle()
    org.mail.seed(ALICE, meeting("After the outage"))
    before = dict(org.mail.emulator.counts)
    org.mail.inject(
        FaultKind.SERVER_ERROR, endpoint="SyncFolderItems", detail="503 retry-after", retry_after=3
    )
    [report] = org.app.sync()
    assert report.outcome == "ok" and org.sleeps == [3]
    assert [e.subject for e in org.events()] == ["After the outage"] and org.codes() == []
    pulls = org.mail.emulator.counts["SyncFolderItems"] - before["SyncFolderItems"]
    assert pulls == 2, "the refused pull, then the pass again"


def test_a_503_asking_for_longer_than_the_cap_ends_the_pass(org: Org) -> None:
    org.mail.seed(ALICE, meeting("Later"))
    org.mail.inject(
        FaultKind.SERVER_ERROR,
        endpoint="SyncFolderItems",
        detail="503 html retry-after",
        retry_after=3600,
    )
    [report] = org.app.sync()
    assert report.outcome == "failed" and org.sleeps == []
    [issue] = org.app.issues()
    assert issue.code == "SERVICE_UNAVAILABLE"
    assert "HTTP 503 Service Unavailable: Service Unavailable" in issue.message
    assert "<" not in issue.message and "\n" not in issue.message
    assert org.mail.emulator.counts["SyncFolderItems"] == 1
    org.settle()
    assert [e.subject for e in org.events()] == ["Later"] and org.codes() == []
