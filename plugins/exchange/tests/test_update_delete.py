"""UpdateItem and DeleteItem: field updates, change keys, conflicts, occurrences, meetings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from ews_testing import ALICE, utc
from exchangelib import Account, CalendarItem, EWSDateTime
from exchangelib.errors import (
    ErrorIrresolvableConflict,
    ErrorItemNotFound,
    ErrorOccurrenceCrossingBoundary,
)

from calsync.emulation import FrozenClock
from calsync_exchange.emulator import EwsEmulator, Recurrence, WeeklyPattern


@pytest.fixture
def single(account: Account, emulator: EwsEmulator) -> CalendarItem:
    item_id = emulator.seed_item(
        ALICE,
        subject="Kickoff",
        start=utc(2025, 3, 10, 8),
        end=utc(2025, 3, 10, 9),
        location="Room 1",
        categories=("Synced",),
        extended={"CalsyncCrmId": "00U1"},
    )
    return account.calendar.get(id=item_id)


@pytest.fixture
def master_id(emulator: EwsEmulator) -> str:
    recurrence = Recurrence(
        pattern=WeeklyPattern(weekdays=("Monday",)), start_date=date(2025, 3, 3), count=4
    )
    return emulator.seed_item(
        ALICE,
        subject="Weekly",
        start=datetime(2025, 3, 3, 9),
        end=datetime(2025, 3, 3, 9, 30),
        recurrence=recurrence,
    )


def test_set_and_delete_item_fields_give_a_new_change_key(
    single: CalendarItem, emulator: EwsEmulator, clock: FrozenClock
) -> None:
    before = emulator.item(ALICE, single.id)
    assert before is not None
    clock.advance(60)
    single.subject = "Kickoff v2"
    single.categories = ["Synced", "Sync Error"]
    single.crm_id = "00U2"
    single.location = None
    single.save(update_fields=["subject", "categories", "crm_id", "location"])
    after = emulator.item(ALICE, single.id)
    assert after is not None
    assert after["subject"] == "Kickoff v2"
    assert after["categories"] == ["Synced", "Sync Error"]
    assert after["extended"] == {"PublicStrings:CalsyncCrmId:String": "00U2"}
    assert after["location"] is None
    assert after["change_key"] != before["change_key"] == before["change_key"]
    assert single.changekey == after["change_key"]
    assert after["last_modified"] == clock.now() != before["last_modified"]
    assert after["created"] == before["created"]


def test_deleting_an_extended_property(single: CalendarItem, emulator: EwsEmulator) -> None:
    single.crm_id = None
    single.save(update_fields=["crm_id"])
    assert emulator.extended_property(ALICE, single.id, "CalsyncCrmId") is None


def test_a_plain_save_resends_everything_and_changes_only_what_changed(
    single: CalendarItem, emulator: EwsEmulator
) -> None:
    single.subject = "Renamed"
    single.save()
    stored = emulator.item(ALICE, single.id)
    assert stored is not None
    assert (stored["subject"], stored["location"], stored["start"]) == (
        "Renamed",
        "Room 1",
        utc(2025, 3, 10, 8),
    )


def test_never_overwrite_with_a_stale_change_key_is_an_irresolvable_conflict(
    single: CalendarItem, emulator: EwsEmulator
) -> None:
    emulator.update_item(ALICE, single.id, subject="Changed in Outlook")
    single.subject = "Changed by the sync"
    with pytest.raises(ErrorIrresolvableConflict):
        single.save(update_fields=["subject"], conflict_resolution="NeverOverwrite")
    assert emulator.item(ALICE, single.id)["subject"] == "Changed in Outlook"  # type: ignore[index]


def test_auto_resolve_with_a_stale_change_key_overwrites(
    single: CalendarItem, emulator: EwsEmulator
) -> None:
    emulator.update_item(ALICE, single.id, subject="Changed in Outlook")
    single.subject = "Changed by the sync"
    single.save(update_fields=["subject"])  # exchangelib's default is AutoResolve
    assert emulator.item(ALICE, single.id)["subject"] == "Changed by the sync"  # type: ignore[index]


def test_updating_an_occurrence_makes_an_exception_and_changes_the_master(
    account: Account, emulator: EwsEmulator, master_id: str
) -> None:
    master_before = emulator.item(ALICE, master_id)
    assert master_before is not None
    occurrence = account.calendar.get(id=master_id).occurrence(2)
    occurrence.refresh()
    occurrence_id = occurrence.id
    occurrence.subject = "Special"
    occurrence.save(update_fields=["subject"])
    assert occurrence.id == occurrence_id  # an exception keeps the occurrence's id
    exception = emulator.item(ALICE, occurrence_id)
    assert exception is not None
    assert (exception["kind"], exception["subject"]) == ("Exception", "Special")
    assert exception["original_start"] == utc(2025, 3, 10, 8)
    master_after = emulator.item(ALICE, master_id)
    assert master_after is not None
    assert master_after["change_key"] != master_before["change_key"]
    assert [m["item_id"] for m in master_after["modified_occurrences"]] == [occurrence_id]
    assert master_after["subject"] == "Weekly"


def test_an_occurrence_may_not_jump_over_its_neighbour(
    account: Account, emulator: EwsEmulator, master_id: str
) -> None:
    occurrence = account.calendar.get(id=master_id).occurrence(2)
    occurrence.refresh()
    occurrence.start += timedelta(days=7)
    occurrence.end += timedelta(days=7)
    with pytest.raises(ErrorOccurrenceCrossingBoundary):
        occurrence.save(update_fields=["start", "end"])
    assert emulator.item(ALICE, master_id)["modified_occurrences"] == []  # type: ignore[index]


def test_changing_the_series_time_drops_its_exceptions(
    account: Account, emulator: EwsEmulator, master_id: str
) -> None:
    emulator.modify_occurrence(ALICE, master_id, index=2, subject="Special")
    emulator.delete_occurrence(ALICE, master_id, index=3)
    master = account.calendar.get(id=master_id)
    master.start += timedelta(hours=1)
    master.end += timedelta(hours=1)
    master.save(update_fields=["start", "end"])
    stored = emulator.item(ALICE, master_id)
    assert stored is not None
    assert (stored["modified_occurrences"], stored["deleted_occurrences"]) == ([], [])
    assert stored["start"] == utc(2025, 3, 3, 9)


def test_meeting_updates_are_counted(account: Account, emulator: EwsEmulator) -> None:
    item_id = emulator.seed_item(
        ALICE,
        subject="Sync",
        start=utc(2025, 3, 10, 8),
        end=utc(2025, 3, 10, 9),
        required=["bob@example.com"],
    )
    item = account.calendar.get(id=item_id)
    item.subject = "Sync (moved)"
    item.save(update_fields=["subject"])
    assert emulator.invitations_sent == 0
    item.subject = "Sync (moved again)"
    item.save(update_fields=["subject"], send_meeting_invitations="SendToAllAndSaveCopy")
    (message,) = emulator.meeting_messages()
    assert (message.kind, message.recipients) == ("update", ("bob@example.com",))


def test_an_attendee_copy_never_sends_updates(account: Account, emulator: EwsEmulator) -> None:
    item_id = emulator.seed_item(
        ALICE,
        subject="Bob's meeting",
        start=utc(2025, 3, 10, 8),
        end=utc(2025, 3, 10, 9),
        organizer="bob@example.com",
        required=[ALICE],
        my_response_type="Accept",
    )
    item = account.calendar.get(id=item_id)
    assert (item.organizer.email_address, item.my_response_type) == ("bob@example.com", "Accept")
    item.categories = ["Synced"]
    item.save(update_fields=["categories"], send_meeting_invitations="SendToAllAndSaveCopy")
    assert emulator.invitations_sent == 0


def test_delete_a_single_and_then_it_is_gone(single: CalendarItem, emulator: EwsEmulator) -> None:
    item_id = single.id
    single.delete()
    assert emulator.item(ALICE, item_id) is None
    assert emulator.items(ALICE) == []
    with pytest.raises(ErrorItemNotFound):
        CalendarItem(
            account=single.account, folder=single.folder, id=item_id, changekey="x"
        ).delete()


def test_deleting_an_occurrence_adds_a_deleted_occurrence(
    account: Account, emulator: EwsEmulator, master_id: str
) -> None:
    account.calendar.get(id=master_id).occurrence(3).delete()
    stored = emulator.item(ALICE, master_id)
    assert stored is not None
    assert stored["deleted_occurrences"] == [utc(2025, 3, 17, 8)]
    tz = account.default_timezone
    view = account.calendar.view(
        start=EWSDateTime(2025, 3, 1, tzinfo=tz), end=EWSDateTime(2025, 4, 1, tzinfo=tz)
    )
    assert [o.start for o in view] == [utc(2025, 3, 3, 8), utc(2025, 3, 10, 8), utc(2025, 3, 24, 8)]


def test_deleting_a_master_deletes_its_exceptions(
    account: Account, emulator: EwsEmulator, master_id: str
) -> None:
    emulator.modify_occurrence(ALICE, master_id, index=2, subject="Special")
    account.calendar.get(id=master_id).delete()
    assert emulator.items(ALICE) == []


def test_cancellations_are_counted_for_the_organizer(
    account: Account, emulator: EwsEmulator
) -> None:
    item_id = emulator.seed_item(
        ALICE,
        subject="Sync",
        start=utc(2025, 3, 10, 8),
        end=utc(2025, 3, 10, 9),
        required=["bob@example.com"],
    )
    account.calendar.get(id=item_id).delete(send_meeting_cancellations="SendToAllAndSaveCopy")
    (message,) = emulator.meeting_messages(ALICE)
    assert (message.kind, message.item_id) == ("cancellation", item_id)
