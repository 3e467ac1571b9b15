"""Event time derivations and limits: timed, all-day, multiday, 14 days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sf_helpers import timed
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from calsync_salesforce.emulator import SalesforceEmulator


def refused(sf: Salesforce, body: dict[str, object]) -> dict[str, object]:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.create(body)
    [error] = raised.value.content
    return error  # type: ignore[no-any-return]


def test_end_is_derived_from_duration_and_dates_from_the_owner_zone(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    # 23:30 UTC on 3 March is 00:30 on 4 March in Berlin (the owner's zone).
    event_id = sf.Event.create(timed("2026-03-03T23:30:00Z", 90))["id"]
    got = sf.Event.get(event_id)
    assert got["ActivityDateTime"] == got["StartDateTime"] == "2026-03-03T23:30:00.000+0000"
    assert got["EndDateTime"] == "2026-03-04T01:00:00.000+0000"
    assert got["ActivityDate"] == "2026-03-04"
    assert got["EndDate"] == "2026-03-04"


def test_duration_is_derived_from_the_end_and_offsets_are_accepted(sf: Salesforce) -> None:
    body = {
        "Subject": "x",
        "ActivityDateTime": "2026-03-03T10:00:00+01:00",
        "EndDateTime": "2026-03-03T09:45:00Z",
    }
    got = sf.Event.get(sf.Event.create(body)["id"])
    assert got["StartDateTime"] == "2026-03-03T09:00:00.000+0000"
    assert got["DurationInMinutes"] == 45


def test_inconsistent_or_missing_times_are_refused(sf: Salesforce) -> None:
    error = refused(sf, timed(ActivityDateTime="2026-03-03T10:00:00Z"))
    assert error["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert error["fields"] == ["ActivityDateTime"]
    error = refused(
        sf,
        {
            "Subject": "x",
            "StartDateTime": "2026-03-03T10:00:00Z",
            "EndDateTime": "2026-03-03T09:00:00Z",
        },
    )
    assert error["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert error["fields"] == ["EndDateTime"]
    error = refused(sf, {"Subject": "x", "StartDateTime": "2026-03-03T10:00:00Z"})
    assert error == {
        "message": "Required fields are missing: [EndDateTime]",
        "errorCode": "REQUIRED_FIELD_MISSING",
        "fields": ["EndDateTime"],
    }
    assert refused(sf, {"Subject": "x", "DurationInMinutes": 5})["fields"] == ["ActivityDateTime"]
    both = timed(EndDateTime="2026-03-03T09:30:00Z")  # 60 minutes said, 30 meant
    assert refused(sf, both)["fields"] == ["DurationInMinutes"]


def test_moving_the_start_keeps_the_duration(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    event_id = sf.Event.create(timed(minutes=30))["id"]
    sf.Event.update(event_id, {"StartDateTime": "2026-03-03T15:00:00Z"})
    stored = emulator.org.event(event_id)
    assert stored is not None
    assert stored["EndDateTime"] == datetime(2026, 3, 3, 15, 30, tzinfo=UTC)
    sf.Event.update(event_id, {"EndDateTime": "2026-03-03T17:00:00Z"})
    assert emulator.org.event(event_id)["DurationInMinutes"] == 120  # type: ignore[index]


def test_multiday_limits(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    assert sf.Event.create(timed(minutes=3 * 1440))["success"]
    assert sf.Event.create(timed(minutes=14 * 1440))["success"]
    assert refused(sf, timed(minutes=14 * 1440 + 1)) == {
        "message": "Duration must be between 0 and 20160 minutes",
        "errorCode": "FIELD_INTEGRITY_EXCEPTION",
        "fields": ["DurationInMinutes"],
    }
    emulator.org.configure(multiday_events=False)
    assert (
        refused(sf, timed(minutes=1441))["message"] == "Duration must be between 0 and 1440 minutes"
    )
    long_end = {
        "Subject": "x",
        "StartDateTime": "2026-03-03T09:00:00Z",
        "EndDateTime": "2026-03-04T10:00:00Z",
    }
    assert refused(sf, long_end)["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert sf.Event.create(timed(minutes=1440))["success"]


def test_all_day_single_and_multiday_dates(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    one = sf.Event.create(
        {"Subject": "Holiday", "IsAllDayEvent": True, "ActivityDate": "2026-05-04"}
    )["id"]
    got = sf.Event.get(one)
    assert got["StartDateTime"] == "2026-05-04T00:00:00.000+0000"
    assert got["EndDateTime"] == "2026-05-04T00:00:00.000+0000"  # inclusive last day
    assert got["DurationInMinutes"] == 1440
    assert got["ActivityDate"] == "2026-05-04"

    three = sf.Event.create(
        {
            "Subject": "Offsite",
            "IsAllDayEvent": True,
            "StartDateTime": "2026-05-04T00:00:00Z",
            "EndDateTime": "2026-05-06T00:00:00Z",
        }
    )["id"]
    stored = emulator.org.event(three)
    assert stored is not None
    assert stored["DurationInMinutes"] == 3 * 1440
    assert stored["EndDate"] == date(2026, 5, 6)

    by_duration = sf.Event.create(
        {
            "Subject": "x",
            "IsAllDayEvent": True,
            "ActivityDate": "2026-05-04",
            "DurationInMinutes": 2880,
        }
    )
    assert sf.Event.get(by_duration["id"])["EndDateTime"] == "2026-05-05T00:00:00.000+0000"


def test_all_day_limits(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    too_long = {
        "Subject": "x",
        "IsAllDayEvent": True,
        "ActivityDate": "2026-05-01",
        "EndDateTime": "2026-05-15T00:00:00Z",
    }
    assert refused(sf, too_long)["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"  # 15 days
    fourteen = {**too_long, "EndDateTime": "2026-05-14T00:00:00Z"}
    assert sf.Event.create(fourteen)["success"]
    emulator.org.configure(multiday_events=False)
    two_days = {**too_long, "EndDateTime": "2026-05-02T00:00:00Z"}
    assert refused(sf, two_days)["message"] == "Duration must be between 0 and 1440 minutes"
    assert refused(sf, {"Subject": "x", "IsAllDayEvent": True})["fields"] == ["ActivityDate"]


def test_switching_to_all_day_keeps_the_owner_date(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    event_id = sf.Event.create(timed("2026-03-03T23:30:00Z", 30))["id"]  # 4 March in Berlin
    sf.Event.update(event_id, {"IsAllDayEvent": True})
    stored = emulator.org.event(event_id)
    assert stored is not None
    assert stored["ActivityDate"] == date(2026, 3, 4)
    assert stored["StartDateTime"] == datetime(2026, 3, 4, tzinfo=UTC)
    assert stored["DurationInMinutes"] == 1440
