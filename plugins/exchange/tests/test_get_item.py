"""GetItem: the three id forms, per-message errors and the shapes exchangelib asks for."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from ews_testing import ALICE, post_soap, utc
from exchangelib import Account, CalendarItem
from exchangelib.errors import (
    ErrorCalendarCannotUseIdForRecurringMasterId,
    ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange,
    ErrorCalendarOccurrenceIsDeletedFromRecurrence,
    ErrorInvalidIdMalformed,
    ErrorItemNotFound,
)
from exchangelib.properties import ItemId
from lxml import etree

from calsync_exchange.emulator import EwsEmulator, Recurrence, WeeklyPattern
from calsync_exchange.emulator._xml import T


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
        categories=("Blue",),
    )


def test_occurrence_item_id_by_instance_index(account: Account, master_id: str) -> None:
    master = account.calendar.get(id=master_id)
    third = master.occurrence(3)
    third.refresh()
    assert third.type == "Occurrence"
    assert third.start == utc(2025, 3, 17, 8)
    assert third.original_start == utc(2025, 3, 17, 8)
    assert third.subject == "Weekly"
    assert third.categories == ["Blue"]
    assert third.id != master_id


def test_recurring_master_item_id_from_an_occurrence(account: Account, master_id: str) -> None:
    third = account.calendar.get(id=master_id).occurrence(3)
    third.refresh()
    master = third.recurring_master()
    master.refresh()
    assert master.id == master_id
    assert master.type == "RecurringMaster"


def test_recurring_master_of_a_single_is_refused(account: Account, emulator: EwsEmulator) -> None:
    single = emulator.seed_item(
        ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    item = account.calendar.get(id=single)
    with pytest.raises(ErrorCalendarCannotUseIdForRecurringMasterId):
        item.recurring_master().refresh()


def test_out_of_range_and_deleted_occurrences(
    account: Account, emulator: EwsEmulator, master_id: str
) -> None:
    master = account.calendar.get(id=master_id)
    with pytest.raises(ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange):
        master.occurrence(5).refresh()
    emulator.delete_occurrence(ALICE, master_id, index=2)
    with pytest.raises(ErrorCalendarOccurrenceIsDeletedFromRecurrence):
        master.occurrence(2).refresh()


def test_missing_and_malformed_ids_fail_per_message(
    account: Account, emulator: EwsEmulator
) -> None:
    kept = emulator.seed_item(
        ALICE, subject="Kept", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    gone = emulator.seed_item(
        ALICE, subject="Gone", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    emulator.delete_item(ALICE, gone)
    results = list(account.fetch([ItemId(kept), ItemId(gone), ItemId("not-an-id")]))
    assert isinstance(results[0], CalendarItem)
    assert results[0].subject == "Kept"
    assert isinstance(results[1], ErrorItemNotFound)
    assert isinstance(results[2], ErrorInvalidIdMalformed)
    assert emulator.counts["GetItem"] == 1


def test_only_simple_fields_are_requested_in_finditem_itself(
    account: Account, emulator: EwsEmulator
) -> None:
    emulator.seed_item(
        ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10), location="Here"
    )
    rows = list(account.calendar.all().only("subject", "start", "type"))
    assert [(r.subject, r.start, r.type) for r in rows] == [("One", utc(2025, 3, 3, 9), "Single")]
    # Unrequested properties are not returned.
    assert rows[0].location is None
    assert rows[0].end is None
    assert "GetItem" not in emulator.counts


def test_id_only_queries_return_ids_only(account: Account, emulator: EwsEmulator) -> None:
    item_id = emulator.seed_item(
        ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    ids = list(account.calendar.all().values_list("id", flat=True))
    assert ids == [item_id]


def test_fetch_asks_for_every_item_type_and_gets_calendar_properties(
    account: Account, emulator: EwsEmulator
) -> None:
    item_id = emulator.seed_item(
        ALICE, subject="One", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10), body="hi"
    )
    (item,) = account.fetch([ItemId(item_id)])
    assert (item.subject, item.body, item.text_body) == ("One", "hi", "hi")
    assert item.datetime_created == item.last_modified_time


def test_all_properties_shape_leaves_out_extended_properties(
    account: Account, emulator: EwsEmulator
) -> None:
    item_id = emulator.seed_item(
        ALICE,
        subject="One",
        start=utc(2025, 3, 3, 9),
        end=utc(2025, 3, 3, 10),
        extended={"CalsyncCrmId": "1"},
    )
    shape = "<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape>"
    answer = etree.fromstring(
        post_soap(
            account,
            f'<m:GetItem>{shape}<m:ItemIds><t:ItemId Id="{item_id}"/></m:ItemIds></m:GetItem>',
        ).content
    )
    item = answer.find(f".//{{{T}}}CalendarItem")
    assert item is not None
    names = [etree.QName(child).localname for child in item]
    assert {
        "Subject",
        "Start",
        "End",
        "UID",
        "Organizer",
        "CalendarItemType",
        "StartTimeZone",
    } <= set(names)
    assert "ExtendedProperty" not in names
    # In schema order: ItemId first, time zones after the calendar properties.
    assert names[0] == "ItemId"
    assert names.index("Subject") < names.index("Start") < names.index("StartTimeZone")
    id_only = "<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>"
    answer = etree.fromstring(
        post_soap(
            account,
            f'<m:GetItem>{id_only}<m:ItemIds><t:ItemId Id="{item_id}"/></m:ItemIds></m:GetItem>',
        ).content
    )
    item = answer.find(f".//{{{T}}}CalendarItem")
    assert item is not None
    assert [etree.QName(child).localname for child in item] == ["ItemId"]
