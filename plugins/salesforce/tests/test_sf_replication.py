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
    assert deleted["earliestDateAvailable"] == "2026-03-02T09:00:00.000+0000"
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
