"""SyncFolderItems: creates, updates, deletes, occurrences as master updates, paging, bad states."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from ews_testing import ALICE, utc
from exchangelib import Account
from exchangelib.errors import ErrorInvalidSyncStateData, ErrorSchemaValidation
from exchangelib.properties import ItemId
from exchangelib.services import SyncFolderItems

from calsync.emulation import FaultKind
from calsync_exchange.emulator import EwsEmulator, Recurrence, WeeklyPattern


def _sync(account: Account, **options: object) -> list[tuple[str, object]]:
    return list(account.calendar.sync_items(sync_state=account.calendar.item_sync_state, **options))


def test_first_sync_creates_then_deltas(account: Account, emulator: EwsEmulator) -> None:
    first = emulator.seed_item(
        ALICE, subject="First", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    second = emulator.seed_item(
        ALICE, subject="Second", start=utc(2025, 3, 4, 9), end=utc(2025, 3, 4, 10)
    )
    changes = _sync(account)
    assert [(kind, item.subject) for kind, item in changes] == [
        ("create", "First"),
        ("create", "Second"),
    ]
    assert _sync(account) == []
    emulator.update_item(ALICE, first, subject="First v2")
    emulator.delete_item(ALICE, second)
    third = emulator.seed_item(
        ALICE, subject="Third", start=utc(2025, 3, 5, 9), end=utc(2025, 3, 5, 10)
    )
    changes = _sync(account)
    kinds = {(kind, item.id if kind == "delete" else item.subject) for kind, item in changes}
    assert kinds == {("delete", second), ("update", "First v2"), ("create", "Third")}
    deleted = next(item for kind, item in changes if kind == "delete")
    assert isinstance(deleted, ItemId)
    emulator.delete_item(ALICE, third)
    emulator.seed_item(ALICE, subject="Brief", start=utc(2025, 3, 6, 9), end=utc(2025, 3, 6, 10))
    # Created and deleted between two syncs: never reported.
    assert [(k, getattr(i, "subject", None)) for k, i in _sync(account)] == [
        ("delete", None),
        ("create", "Brief"),
    ]


def test_occurrence_changes_appear_as_updates_of_the_master(
    account: Account, emulator: EwsEmulator
) -> None:
    recurrence = Recurrence(
        pattern=WeeklyPattern(weekdays=("Monday",)), start_date=date(2025, 3, 3), count=4
    )
    master = emulator.seed_item(
        ALICE,
        subject="Weekly",
        start=datetime(2025, 3, 3, 9),
        end=datetime(2025, 3, 3, 10),
        recurrence=recurrence,
    )
    assert [k for k, _ in _sync(account)] == ["create"]
    emulator.modify_occurrence(ALICE, master, index=2, subject="Special")
    changes = _sync(account)
    assert [(kind, item.id, item.type) for kind, item in changes] == [
        ("update", master, "RecurringMaster")
    ]
    assert [m.start for m in changes[0][1].modified_occurrences] == [utc(2025, 3, 10, 8)]
    occurrence = account.calendar.get(id=master).occurrence(3)
    occurrence.delete()
    changes = _sync(account)
    assert [(kind, item.id) for kind, item in changes] == [("update", master)]
    assert [d.start for d in changes[0][1].deleted_occurrences] == [utc(2025, 3, 17, 8)]


def test_paging_over_more_than_512_changes(account: Account, emulator: EwsEmulator) -> None:
    start = utc(2025, 1, 1, 8)
    for n in range(600):
        emulator.seed_item(
            ALICE,
            subject=f"Item {n:03d}",
            start=start + timedelta(hours=n),
            end=start + timedelta(hours=n, minutes=30),
        )
    changes = list(account.calendar.sync_items(max_changes_returned=512, only_fields=["subject"]))
    assert len(changes) == 600
    assert {kind for kind, _ in changes} == {"create"}
    assert sorted(item.subject for _, item in changes) == [f"Item {n:03d}" for n in range(600)]
    # 512, then the 88 left with IncludesLastItemInRange=true.
    assert emulator.counts["SyncFolderItems"] == 2
    assert _sync(account, max_changes_returned=512) == []


def test_each_page_says_whether_it_holds_the_last_change(
    account: Account, emulator: EwsEmulator
) -> None:
    start = utc(2025, 1, 1, 8)
    for n in range(5):
        emulator.seed_item(
            ALICE,
            subject=f"Item {n}",
            start=start + timedelta(hours=n),
            end=start + timedelta(hours=n, minutes=30),
        )
    service = SyncFolderItems(account=account)
    pages = []
    state = None
    while True:
        changes = list(
            service.call(
                folder=account.calendar,
                shape="IdOnly",
                additional_fields=[],
                sync_state=state,
                ignore=None,
                max_changes_returned=2,
                sync_scope=None,
            )
        )
        pages.append((len(changes), service.includes_last_item_in_range))
        state = service.sync_state
        if service.includes_last_item_in_range:
            break
    assert pages == [(2, False), (2, False), (1, True)]


def test_more_than_512_changes_per_page_is_a_schema_error(account: Account) -> None:
    with pytest.raises(ErrorSchemaValidation, match="MaxChangesReturned"):
        list(account.calendar.sync_items(max_changes_returned=513))


def test_a_garbled_state_is_invalid_sync_state_data(
    account: Account, emulator: EwsEmulator
) -> None:
    emulator.seed_item(ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    with pytest.raises(ErrorInvalidSyncStateData):
        list(account.calendar.sync_items(sync_state="H4sIAAAAAAAEAO29B2AcSZYlJi9tynt/SvVK1+B0"))


def test_a_state_from_another_mailbox_is_invalid(account: Account, emulator: EwsEmulator) -> None:
    list(account.calendar.sync_items())
    state = account.calendar.item_sync_state
    from ews_testing import BOB, PASSWORD

    from calsync_exchange.emulator import in_process_account

    with (
        in_process_account(emulator, BOB, password=PASSWORD) as bob,
        pytest.raises(ErrorInvalidSyncStateData),
    ):
        list(bob.calendar.sync_items(sync_state=state))


def test_expired_states_are_refused_and_a_fresh_sync_recovers(
    account: Account, emulator: EwsEmulator
) -> None:
    emulator.seed_item(ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    _sync(account)
    emulator.invalidate_sync_states(ALICE)
    with pytest.raises(ErrorInvalidSyncStateData):
        _sync(account)
    account.calendar.item_sync_state = None  # a full resync, as a client must do
    assert [(k, i.subject) for k, i in account.calendar.sync_items()] == [("create", "One")]


def test_cursor_expired_fault(account: Account, emulator: EwsEmulator) -> None:
    emulator.seed_item(ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    _sync(account)
    emulator.faults.inject(FaultKind.CURSOR_EXPIRED, endpoint="SyncFolderItems")
    with pytest.raises(ErrorInvalidSyncStateData):
        _sync(account)
    # The old state stays expired after the fault is used up.
    with pytest.raises(ErrorInvalidSyncStateData):
        _sync(account)
    account.calendar.item_sync_state = None
    assert [k for k, _ in account.calendar.sync_items()] == ["create"]
