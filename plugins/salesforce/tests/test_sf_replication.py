"""getUpdated / getDeleted through ``sf.Event.updated`` and ``sf.Event.deleted``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sf_helpers import NOW, timed
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from calsync_salesforce.emulator import SalesforceEmulator


def test_updated_and_deleted_windows(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    clock = emulator.clock
    first = sf.Event.create(timed())["id"]
    clock.advance(timedelta(minutes=10))  # type: ignore[attr-defined]
    second = sf.Event.create(timed())["id"]
    clock.advance(timedelta(minutes=10))  # type: ignore[attr-defined]
    sf.Event.update(first, {"Subject": "touched"})
    sf.Event.delete(second)
    clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]

    everything = sf.Event.updated(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    assert everything["ids"] == [first]  # the deleted one is no longer "updated"
    assert everything["latestDateCovered"] == "2026-03-02T09:25:00.000+0000"  # capped at now

    # An offset in the window (the '+' arrives percent-encoded) is understood.
    berlin = timezone(timedelta(hours=1))
    early = sf.Event.updated(
        NOW.astimezone(berlin), (NOW + timedelta(minutes=15)).astimezone(berlin)
    )
    assert early["ids"] == []  # first was touched at 09:20, outside [09:00, 09:15)

    deleted = sf.Event.deleted(NOW, NOW + timedelta(hours=1))
    assert deleted["deletedRecords"] == [
        {"id": second, "deletedDate": "2026-03-02T09:20:00.000+0000"}
    ]
    # Nothing was purged yet: the org's creation less the 15 days the bin keeps records.
    assert deleted["earliestDateAvailable"] == "2026-02-15T09:00:00.000+0000"
    assert emulator.counts["sobjects.updated"] == 2
    assert emulator.counts["sobjects.deleted"] == 1


def test_times_are_truncated_to_the_minute(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]
    event_id = sf.Event.create(timed())["id"]  # SystemModstamp 09:00:30
    emulator.clock.advance(timedelta(minutes=3))  # type: ignore[attr-defined]
    # start 09:00:45 truncates to 09:00, so the 09:00:30 change is inside.
    assert sf.Event.updated(NOW + timedelta(seconds=45), NOW + timedelta(minutes=2))["ids"] == [
        event_id
    ]


def test_replication_window_rules(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    for call in (
        lambda: sf.Event.updated(NOW - timedelta(days=31), NOW),
        lambda: sf.Event.deleted(NOW - timedelta(days=31), NOW),
        lambda: sf.Event.updated(NOW, NOW - timedelta(hours=1)),
    ):
        with pytest.raises(SalesforceMalformedRequest) as raised:
            call()
        assert raised.value.content[0]["errorCode"] == "INVALID_REPLICATION_DATE"
    assert sf.Event.updated(NOW - timedelta(days=29), NOW)["ids"] == []
    assert datetime(2026, 3, 2, tzinfo=UTC) < NOW


def _deleted_ids(sf: Salesforce) -> list[str]:
    now = sf.Event.deleted(NOW, NOW + timedelta(days=3))
    return [d["id"] for d in now["deletedRecords"]]


def _query_all_ids(sf: Salesforce) -> list[str]:
    return [r["Id"] for r in sf.query_all("SELECT Id FROM Event", include_deleted=True)["records"]]


def test_a_full_recycle_bin_purges_its_oldest_records(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    """Over capacity, entries at least two hours old go, oldest first; queryAll keeps them a
    day more; earliestDateAvailable moves to the newest purged deletion (emptyRecycleBin(),
    sObject Get Deleted and GetDeletedResult in Salesforce's API guides)."""
    clock = emulator.clock
    emulator.org.configure(recycle_bin_capacity=2)
    ids = [sf.Event.create(timed())["id"] for _ in range(5)]
    for event_id in ids[:3]:
        clock.advance(timedelta(minutes=10))  # type: ignore[attr-defined]
        sf.Event.delete(event_id)  # deleted at 09:10, 09:20, 09:30
    clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]  # getDeleted ends at now
    # Over capacity, but nothing has been in the bin for two hours yet.
    assert _deleted_ids(sf) == ids[:3]
    clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]  # 11:31
    sf.Event.delete(ids[3])  # four in the bin: the two oldest (over two hours) are purged
    clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    assert _deleted_ids(sf) == ids[2:4]
    log = sf.Event.deleted(NOW, NOW + timedelta(days=3))
    assert log["earliestDateAvailable"] == "2026-03-02T09:20:00.000+0000"
    # Purged records stay visible to queryAll for about a day, then they are gone.
    assert _query_all_ids(sf) == ids
    clock.advance(timedelta(hours=23))  # type: ignore[attr-defined]
    assert _query_all_ids(sf) == ids
    clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    assert _query_all_ids(sf) == ids[2:]
    assert emulator.org.store.get("Event", ids[0]) is None


def test_the_recycle_bin_keeps_records_fifteen_days(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    event_id = sf.Event.create(timed())["id"]
    sf.Event.delete(event_id)
    emulator.clock.advance(timedelta(days=15, minutes=1))  # type: ignore[attr-defined]
    log = sf.Event.deleted(NOW + timedelta(days=1), NOW + timedelta(days=16))
    assert log["earliestDateAvailable"] == "2026-03-02T09:00:00.000+0000"
    emulator.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    assert _query_all_ids(sf) == []


def test_an_emptied_recycle_bin_moves_the_earliest_date_at_once(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    """emptyRecycleBin(): the records leave the bin (getDeleted) now and queryAll a day
    later, whatever their age (SOAP API Developer Guide, emptyRecycleBin())."""
    clock = emulator.clock
    ids = [sf.Event.create(timed())["id"] for _ in range(2)]
    clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    sf.Event.delete(ids[0])  # 09:05
    emulator.org.empty_recycle_bin()
    clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    log = sf.Event.deleted(NOW, NOW + timedelta(hours=1))
    assert log["deletedRecords"] == []
    assert log["earliestDateAvailable"] == "2026-03-02T09:05:00.000+0000"
    assert _query_all_ids(sf) == ids
    clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    assert _query_all_ids(sf) == ids[1:]
