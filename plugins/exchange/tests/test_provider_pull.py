"""Pulls: SyncFolderItems deltas with batched GetItem; series, exceptions, paging, expiry."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from ews_testing import ALICE, BOB
from provider_testing import berlin, by_subject, utc

from calsync.emulation import FaultKind
from calsync.errors import CursorExpiredError
from calsync.model import (
    AttendeeRole,
    ItemKind,
    Privacy,
    ResponseStatus,
    ShowAs,
)
from calsync_exchange import ExchangeMailbox
from calsync_exchange.emulator import (
    Attendee,
    EwsEmulator,
    Person,
    Recurrence,
    WeeklyPattern,
)


def _weekly(emulator: EwsEmulator, count: int = 5, **fields: object) -> str:
    recurrence = Recurrence(
        pattern=WeeklyPattern(weekdays=("Monday",)), start_date=date(2025, 3, 3), count=count
    )
    return emulator.seed_item(
        ALICE,
        subject="Weekly",
        start=datetime(2025, 3, 3, 9),
        end=datetime(2025, 3, 3, 10),
        recurrence=recurrence,
        **fields,
    )


def test_a_full_pull_lists_everything_with_its_change_key(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    single = emulator.seed_item(
        ALICE,
        subject="Kickoff",
        start=utc(2025, 3, 10, 8),
        end=utc(2025, 3, 10, 9),
        body="Agenda",
        location="Room 1",
        sensitivity="Private",
        free_busy="Tentative",
        categories=("Blue", "Sync Error", "Sync Error: no zone"),
        extended={"CalsyncCounterpart": "00U000000000001"},
    )
    delta = provider.pull(None)
    assert delta.full and delta.cursor and delta.removed == ()
    [item] = delta.changed
    stored = emulator.item(ALICE, single)
    assert stored is not None
    assert item.ref is not None
    assert (item.ref.provider, item.ref.id, item.ref.change_token) == (
        "exchange",
        single,
        stored["change_key"],
    )
    assert (item.kind, item.subject, item.body, item.location) == (
        ItemKind.SINGLE,
        "Kickoff",
        "Agenda",
        "Room 1",
    )
    assert (item.start, item.end) == (utc(2025, 3, 10, 8), utc(2025, 3, 10, 9))
    assert item.zone == "W. Europe Standard Time"
    assert (item.privacy, item.show_as) == (Privacy.PRIVATE, ShowAs.TENTATIVE)
    assert item.categories == ("Blue",)  # marker labels are not the person's
    assert (item.counterpart_id, item.owner, item.uid) == (
        "00U000000000001",
        ALICE,
        stored["uid"],
    )
    assert (item.organizer, item.attendees, item.attendee_copy) == (None, (), False)
    # One SyncFolderItems page, one GetItem for it; no folder lookups.
    assert emulator.counts == {"SyncFolderItems": 1, "GetItem": 1}


def test_later_pulls_return_changes_since_the_cursor(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    first = emulator.seed_item(
        ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    second = emulator.seed_item(
        ALICE, subject="Two", start=utc(2025, 3, 4, 9), end=utc(2025, 3, 4, 10)
    )
    cursor = provider.pull(None).cursor
    empty = provider.pull(cursor)
    assert (empty.changed, empty.removed, empty.full) == ((), (), False)
    emulator.update_item(ALICE, first, subject="One v2")
    emulator.delete_item(ALICE, second)
    emulator.seed_item(ALICE, subject="Three", start=utc(2025, 3, 5, 9), end=utc(2025, 3, 5, 10))
    delta = provider.pull(empty.cursor)
    assert set(by_subject(delta)) == {"One v2", "Three"}
    assert [r.id for r in delta.removed] == [second]
    assert not delta.full


def test_a_series_reports_its_rule_exclusions_and_exceptions(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    master = _weekly(emulator)
    moved = emulator.modify_occurrence(
        ALICE,
        master,
        index=2,
        subject="Moved",
        start=datetime(2025, 3, 10, 14),
        end=datetime(2025, 3, 10, 15),
    )
    emulator.delete_occurrence(ALICE, master, index=4)
    delta = provider.pull(None)
    items = by_subject(delta)
    series, exception = items["Weekly"], items["Moved"]
    assert series.kind is ItemKind.SERIES and series.recurrence is not None
    assert series.recurrence.rule == "FREQ=WEEKLY;BYDAY=MO;COUNT=5"
    assert series.recurrence.zone == "W. Europe Standard Time"
    assert series.recurrence.exclusions == (berlin(2025, 3, 24, 9),)
    assert series.start == berlin(2025, 3, 3, 9)
    assert exception.kind is ItemKind.EXCEPTION
    assert exception.ref is not None and exception.ref.id == moved
    assert (exception.series_id, exception.original_start) == (master, berlin(2025, 3, 10, 9))
    assert exception.start == berlin(2025, 3, 10, 14)
    # The occurrences that follow the pattern are not returned.
    assert len(delta.changed) == 2
    # The page's items in one GetItem, the exceptions of every master in one more.
    assert emulator.counts["GetItem"] == 2


def test_changing_an_occurrence_brings_its_master_and_exceptions_back(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    master = _weekly(emulator)
    cursor = provider.pull(None).cursor
    emulator.modify_occurrence(ALICE, master, index=3, subject="Special")
    delta = provider.pull(cursor)
    assert set(by_subject(delta)) == {"Weekly", "Special"}
    emulator.delete_occurrence(ALICE, master, index=5)
    delta = provider.pull(delta.cursor)
    series = by_subject(delta)["Weekly"]
    assert series.recurrence is not None
    assert series.recurrence.exclusions == (berlin(2025, 3, 31, 9),)


def test_more_than_512_items_come_in_pages_of_512(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    start = utc(2025, 1, 1, 8)
    for n in range(600):
        emulator.seed_item(
            ALICE,
            subject=f"Item {n:03d}",
            start=start + timedelta(hours=n),
            end=start + timedelta(hours=n, minutes=30),
        )
    delta = provider.pull(None)
    assert sorted(i.subject for i in delta.changed) == [f"Item {n:03d}" for n in range(600)]
    assert emulator.counts == {"SyncFolderItems": 2, "GetItem": 2}
    assert provider.pull(delta.cursor).changed == ()


def test_an_expired_sync_state_is_cursor_expired_and_a_full_pull_recovers(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    emulator.seed_item(ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    cursor = provider.pull(None).cursor
    emulator.invalidate_sync_states(ALICE)
    with pytest.raises(CursorExpiredError):
        provider.pull(cursor)
    delta = provider.pull(None)
    assert delta.full and [i.subject for i in delta.changed] == ["One"]
    emulator.faults.inject(FaultKind.CURSOR_EXPIRED, endpoint="SyncFolderItems")
    with pytest.raises(CursorExpiredError):
        provider.pull(delta.cursor)
    with pytest.raises(CursorExpiredError):
        provider.pull("not-a-sync-state")


def test_meetings_report_people_responses_and_attendee_copies(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    emulator.seed_item(
        ALICE,
        subject="Mine",
        start=utc(2025, 3, 10, 8),
        end=utc(2025, 3, 10, 9),
        required=[
            Attendee(person=Person(email="carol@example.com", name="Carol"), response="Accept")
        ],
        optional=[Attendee(person=Person(email="dave@example.com"), response="Decline")],
        resources=["room-1@example.com"],
    )
    emulator.seed_item(
        ALICE,
        subject="Bob's",
        start=utc(2025, 3, 11, 8),
        end=utc(2025, 3, 11, 9),
        organizer=Person(email=BOB, name="Bob"),
        required=[ALICE],
        my_response_type="Tentative",
    )
    items = by_subject(provider.pull(None))
    mine, theirs = items["Mine"], items["Bob's"]
    assert mine.organizer is not None and mine.organizer.address == ALICE
    assert not mine.attendee_copy
    assert [(a.address, a.name, a.role, a.response) for a in mine.attendees] == [
        ("carol@example.com", "Carol", AttendeeRole.REQUIRED, ResponseStatus.ACCEPTED),
        ("dave@example.com", "", AttendeeRole.OPTIONAL, ResponseStatus.DECLINED),
        ("room-1@example.com", "", AttendeeRole.RESOURCE, ResponseStatus.NONE),
    ]
    assert theirs.organizer is not None and theirs.organizer.address == BOB
    assert theirs.attendee_copy
    assert theirs.uid


def test_fetch_returns_current_items_and_exceptions_with_their_series(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    master = _weekly(emulator)
    moved = emulator.modify_occurrence(ALICE, master, index=2, subject="Moved")
    single = emulator.seed_item(
        ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    gone = emulator.seed_item(
        ALICE, subject="Gone", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    emulator.delete_item(ALICE, gone)
    found = provider.fetch([single, moved, gone, "AAMkbm90LWFuLWlk"])
    assert set(found) == {single, moved}
    assert found[moved].kind is ItemKind.EXCEPTION
    assert (found[moved].series_id, found[moved].original_start) == (master, berlin(2025, 3, 10, 9))
    assert provider.fetch([]) == {}
