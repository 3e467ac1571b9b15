"""The CRM cross-reference: an extended property, found with one FindItem per batch."""

from __future__ import annotations

from datetime import date, datetime

from ews_testing import ALICE
from provider_testing import utc

from calsync.model import CalendarItem, ItemKind
from calsync.providers import Write
from calsync_exchange import ExchangeMailbox
from calsync_exchange.emulator import EwsEmulator, Recurrence, WeeklyPattern


def _seed(emulator: EwsEmulator, counterpart: str, subject: str = "x", **fields: object) -> str:
    return emulator.seed_item(
        ALICE,
        subject=subject,
        start=utc(2025, 3, 3, 9),
        end=utc(2025, 3, 3, 10),
        extended={"CalsyncCounterpart": counterpart},
        **fields,
    )


def test_items_are_found_by_the_id_they_carry(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    first = _seed(emulator, "00U000000000001", "First")
    _seed(emulator, "00U000000000002", "Second")
    found = provider.find_by_counterpart(["00U000000000001", "00U000000000003"])
    assert set(found) == {"00U000000000001"}
    item = found["00U000000000001"]
    assert item.ref is not None and item.ref.id == first and item.subject == "First"
    assert emulator.counts == {"FindItem": 1, "GetItem": 1}
    assert provider.find_by_counterpart([]) == {}


def test_ids_that_differ_by_case_only_are_told_apart(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    # Exchange compares restriction values case-insensitively; 15-character Salesforce
    # ids can differ by case only.
    lower = _seed(emulator, "00U5e00000abcde", "lower")
    upper = _seed(emulator, "00U5e00000ABCDE", "upper")
    found = provider.find_by_counterpart(["00U5e00000ABCDE"])
    assert {k: v.ref.id for k, v in found.items()} == {"00U5e00000ABCDE": upper}  # type: ignore[union-attr]
    found = provider.find_by_counterpart(["00U5e00000abcde", "00U5e00000ABCDE"])
    assert {k: v.ref.id for k, v in found.items()} == {  # type: ignore[union-attr]
        "00U5e00000abcde": lower,
        "00U5e00000ABCDE": upper,
    }


def test_a_series_is_found_by_its_master(provider: ExchangeMailbox, emulator: EwsEmulator) -> None:
    recurrence = Recurrence(
        pattern=WeeklyPattern(weekdays=("Monday",)), start_date=date(2025, 3, 3), count=3
    )
    master = emulator.seed_item(
        ALICE,
        subject="Weekly",
        start=datetime(2025, 3, 3, 9),
        end=datetime(2025, 3, 3, 10),
        recurrence=recurrence,
        extended={"CalsyncCounterpart": "a0Z1"},
    )
    emulator.modify_occurrence(ALICE, master, index=2, subject="Changed")  # keeps the property
    found = provider.find_by_counterpart(["a0Z1"])
    assert [(i.kind, i.ref.id) for i in found.values()] == [(ItemKind.SERIES, master)]  # type: ignore[union-attr]


def test_one_find_per_hundred_ids(provider: ExchangeMailbox, emulator: EwsEmulator) -> None:
    for n in range(5):
        _seed(emulator, f"crm-{n}")
    found = provider.find_by_counterpart([f"crm-{n}" for n in range(250)])
    assert sorted(found) == [f"crm-{n}" for n in range(5)]
    assert emulator.counts == {"FindItem": 3, "GetItem": 1}


def test_a_written_counterpart_is_found_again(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    item = CalendarItem(
        subject="Synced", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10), counterpart_id="00UXYZ"
    )
    [created] = provider.write([Write.create(item)])
    assert created.ref is not None
    assert emulator.extended_property(ALICE, created.ref.id, "CalsyncCounterpart") == "00UXYZ"
    assert provider.find_by_counterpart(["00UXYZ"])["00UXYZ"].ref == created.ref
    [updated] = provider.write(
        [
            Write.update(
                created.ref.id, item.evolve(counterpart_id=None), frozenset({"counterpart_id"})
            )
        ]
    )
    assert updated.ok
    assert emulator.extended_property(ALICE, created.ref.id, "CalsyncCounterpart") is None
    assert provider.find_by_counterpart(["00UXYZ"]) == {}
