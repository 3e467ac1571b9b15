"""Classic recurring events and Lightning event series."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sf_helpers import Person
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from calsync_salesforce.emulator import SalesforceEmulator, connect


def refused(call: Callable[[], object]) -> dict[str, object]:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        call()
    [error] = raised.value.content
    return error  # type: ignore[no-any-return]


def classic(**fields: object) -> dict[str, object]:
    """Mondays and Wednesdays at 09:00 Berlin time, from 23 March to 1 April 2026."""
    body: dict[str, object] = {
        "Subject": "Stand-up",
        "IsRecurrence": True,
        "RecurrenceStartDateTime": "2026-03-23T08:00:00Z",
        "RecurrenceEndDateOnly": "2026-04-01",
        "RecurrenceType": "RecursWeekly",
        "RecurrenceInterval": 1,
        "RecurrenceDayOfWeekMask": 2 + 8,
        "RecurrenceTimeZoneSidKey": "Europe/Berlin",
        "DurationInMinutes": 15,
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def occurrences(emulator: SalesforceEmulator, header: str) -> list[dict[str, object]]:
    return [
        e
        for e in emulator.org.events()
        if e["RecurrenceActivityId"] == header and e["Id"] != header
    ]


def test_classic_series_expands_at_local_wall_time(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    header = sf.Event.create(classic())["id"]
    stored = emulator.org.event(header)
    assert stored is not None
    assert stored["IsRecurrence"] is True
    assert stored["RecurrenceActivityId"] == header
    starts = [e["StartDateTime"] for e in occurrences(emulator, header)]
    # Berlin moves to summer time on 29 March: 09:00 local is 08:00Z before, 07:00Z after.
    assert starts == [
        datetime(2026, 3, 23, 8, tzinfo=UTC),
        datetime(2026, 3, 25, 8, tzinfo=UTC),
        datetime(2026, 3, 30, 7, tzinfo=UTC),
        datetime(2026, 4, 1, 7, tzinfo=UTC),
    ]
    assert all(
        e["IsRecurrence"] is False and e["DurationInMinutes"] == 15
        for e in occurrences(emulator, header)
    )
    rows = sf.query(
        f"SELECT Id FROM Event WHERE RecurrenceActivityId = '{header}' AND IsRecurrence = false"
    )
    assert rows["totalSize"] == 4


def test_classic_monthly_on_the_31st_falls_back_to_the_last_day(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    body = classic(
        RecurrenceType="RecursMonthly",
        RecurrenceDayOfWeekMask=None,
        RecurrenceDayOfMonth=31,
        RecurrenceStartDateTime="2026-01-31T10:00:00Z",
        RecurrenceEndDateOnly="2026-04-30",
        RecurrenceTimeZoneSidKey="GMT",
    )
    header = sf.Event.create(body)["id"]
    days = [e["StartDateTime"].day for e in occurrences(emulator, header)]  # type: ignore[attr-defined]
    assert days == [31, 28, 31, 30]


def test_classic_pattern_refusals(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    error = refused(lambda: sf.Event.create(classic(RecurrenceDayOfWeekMask=None)))
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert error["fields"] == ["RecurrenceDayOfWeekMask"]
    assert (
        refused(lambda: sf.Event.create(classic(RecurrenceDayOfMonth=3)))["errorCode"]
        == "FIELD_INTEGRITY_EXCEPTION"
    )
    assert refused(lambda: sf.Event.create(classic(RecurrenceTimeZoneSidKey="Asia/Tehran")))[
        "errorCode"
    ] == ("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
    too_many = classic(
        RecurrenceType="RecursDaily",
        RecurrenceDayOfWeekMask=None,
        RecurrenceEndDateOnly="2026-08-01",
    )
    assert refused(lambda: sf.Event.create(too_many))["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert refused(lambda: sf.Event.create(classic(DurationInMinutes=1441)))["fields"] == [
        "DurationInMinutes"
    ]
    no_series = {
        "Subject": "x",
        "StartDateTime": "2026-03-03T09:00:00Z",
        "DurationInMinutes": 5,
        "RecurrenceType": "RecursDaily",
    }
    assert refused(lambda: sf.Event.create(no_series))["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    emulator.org.configure(recurring_events=False)
    error = refused(lambda: sf.Event.create(classic()))
    assert error["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert error["fields"] == ["IsRecurrence"]
    assert emulator.org.events() == []


def test_classic_pattern_change_replaces_occurrences(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    header = sf.Event.create(classic())["id"]
    before = {e["Id"] for e in occurrences(emulator, header)}
    assert sf.Event.update(header, {"RecurrenceEndDateOnly": "2026-04-08"}) == 204
    after = occurrences(emulator, header)
    assert len(after) == 6
    assert before.isdisjoint({e["Id"] for e in after})
    assert before <= set(emulator.org.deleted_ids("Event"))
    error = refused(lambda: sf.Event.update(header, {"IsRecurrence": False}))
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    sf.Event.delete(header)
    assert emulator.org.events() == []


def lightning(
    pattern: str = "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3", **fields: object
) -> dict[str, object]:
    return {
        "Subject": "Weekly sync",
        "StartDateTime": "2026-03-03T09:00:00Z",
        "DurationInMinutes": 30,
        "IsRecurrence2": True,
        "Recurrence2PatternText": pattern,
        **fields,
    }


def series_of(emulator: SalesforceEmulator, series_id: object) -> list[dict[str, object]]:
    return [e for e in emulator.org.events() if e["ActivityRecurrence2Id"] == series_id]


def test_lightning_series_creates_occurrences_and_a_pattern_record(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    first = sf.Event.create(lightning("FREQ=WEEKLY;BYDAY=TU;COUNT=3", Calsync_Ref__c="g-1"))["id"]
    stored = emulator.org.event(first)
    assert stored is not None
    assert stored["Recurrence2PatternText"] == "RRULE:FREQ=WEEKLY;BYDAY=TU;INTERVAL=1;COUNT=3"
    assert stored["Recurrence2PatternTimeZone"] == "Europe/Berlin"
    assert stored["Recurrence2PatternStartDate"] == datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert stored["Calsync_Ref__c"] == "g-1"
    members = series_of(emulator, stored["ActivityRecurrence2Id"])
    pattern = [m for m in members if m["GroupEventType"] == "3"]
    occurrences_ = [m for m in members if m["GroupEventType"] != "3"]
    assert len(pattern) == 1
    assert [o["StartDateTime"].day for o in occurrences_] == [3, 10, 17]  # type: ignore[attr-defined]
    assert all(o["IsRecurrence2"] for o in members)
    assert [o["Calsync_Ref__c"] for o in occurrences_] == ["g-1", None, None]


@pytest.mark.parametrize(
    ("pattern", "code"),
    [
        ("RRULE:FREQ=HOURLY;COUNT=3", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=DAILY;COUNT=1000", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=DAILY;BYHOUR=9;COUNT=3", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=DAILY;COUNT=3\nEXDATE:20260304T090000Z", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=DAILY;COUNT=3;UNTIL=20260310T000000Z", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=WEEKLY;COUNT=3", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=WEEKLY;BYDAY=1TU;COUNT=3", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=MONTHLY;BYDAY=1TU,2WE;COUNT=3", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=MONTHLY;BYDAY=MO,WE;COUNT=3", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=3", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=3", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=DAILY", "FIELD_INTEGRITY_EXCEPTION"),
        ("RRULE:FREQ=DAILY;COUNT=2;" + "WKST=MO;" * 70, "STRING_TOO_LONG"),
    ],
)
def test_lightning_pattern_subset(sf: Salesforce, pattern: str, code: str) -> None:
    error = refused(lambda: sf.Event.create(lightning(pattern)))
    assert error["errorCode"] == code
    assert error["fields"] == ["Recurrence2PatternText"]


def test_lightning_patterns_inside_the_subset(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    monthly = sf.Event.create(lightning("RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20260601T000000Z"))[
        "id"
    ]
    stored = emulator.org.event(monthly)
    assert stored is not None
    days = [
        e["StartDateTime"].date().isoformat()
        for e in series_of(emulator, stored["ActivityRecurrence2Id"])
        if e["GroupEventType"] != "3"
    ]  # type: ignore[attr-defined]
    assert days == ["2026-03-27", "2026-04-24", "2026-05-29"]
    weekdays = sf.Event.create(
        lightning("RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;COUNT=2")
    )
    assert weekdays["success"]


def test_lightning_pattern_is_create_only_and_needs_api_52(
    emulator: SalesforceEmulator, sf: Salesforce, ann: Person
) -> None:
    first = sf.Event.create(lightning())["id"]
    error = refused(
        lambda: sf.Event.update(first, {"Recurrence2PatternText": "RRULE:FREQ=DAILY;COUNT=2"})
    )
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert error["fields"] == ["Recurrence2PatternText"]
    old_client = connect(emulator, ann.session, version="51.0")
    assert (
        refused(lambda: old_client.Event.create(lightning()))["errorCode"]
        == "INVALID_FIELD_FOR_INSERT_UPDATE"
    )
    emulator.org.configure(recurring_events=False)
    assert refused(lambda: sf.Event.create(lightning()))["fields"] == ["IsRecurrence2"]


def test_lightning_edits_of_future_and_past_occurrences(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    first = sf.Event.create(lightning("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3"))["id"]
    series_id = emulator.org.event(first)["ActivityRecurrence2Id"]  # type: ignore[index]
    ids = [e["Id"] for e in series_of(emulator, series_id)]
    second = ids[1]
    sf.Event.update(second, {"Subject": "Renamed series", "Location": "Room 9"})
    members = series_of(emulator, series_id)
    assert [m["Id"] for m in members] == ids  # no ids changed
    assert {m["Subject"] for m in members} == {"Renamed series"}

    emulator.clock.set(datetime(2026, 3, 5, tzinfo=UTC))  # type: ignore[attr-defined]
    sf.Event.update(first, {"Subject": "Only the first (past)"})
    stored = emulator.org.event(first)
    assert stored is not None
    assert stored["IsRecurrence2Exception"] is True
    assert emulator.org.event(second)["Subject"] == "Renamed series"  # type: ignore[index]


def test_lightning_start_change_recreates_occurrences_with_new_ids(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    first = sf.Event.create(lightning("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3", Calsync_Ref__c="g-1"))[
        "id"
    ]
    old_series = emulator.org.event(first)["ActivityRecurrence2Id"]  # type: ignore[index]
    old_ids = {e["Id"] for e in series_of(emulator, old_series)}
    assert sf.Event.update(first, {"StartDateTime": "2026-03-03T10:00:00Z"}) == 204
    assert series_of(emulator, old_series) == []
    assert old_ids <= set(emulator.org.deleted_ids("Event"))
    [new_first] = [e for e in emulator.org.events() if e["Calsync_Ref__c"] == "g-1"]
    assert new_first["Id"] not in old_ids
    members = [
        m
        for m in series_of(emulator, new_first["ActivityRecurrence2Id"])
        if m["GroupEventType"] != "3"
    ]
    assert [m["StartDateTime"] for m in members] == [
        datetime(2026, 3, d, 10, tzinfo=UTC) for d in (3, 10, 17)
    ]


def test_lightning_deletes(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    first = sf.Event.create(lightning("RRULE:FREQ=DAILY;COUNT=4"))["id"]
    series_id = emulator.org.event(first)["ActivityRecurrence2Id"]  # type: ignore[index]
    ids = [e["Id"] for e in series_of(emulator, series_id) if e["GroupEventType"] != "3"]
    sf.Event.delete(ids[3])
    assert len(series_of(emulator, series_id)) == 4  # three occurrences and the pattern
    sf.restful(f"sobjects/Event/{ids[1]}/fromThisEventOnwards", method="DELETE")
    assert [e["Id"] for e in series_of(emulator, series_id) if e["GroupEventType"] != "3"] == [
        ids[0]
    ]
    sf.Event.delete(first)
    assert series_of(emulator, series_id) == []
    plain = sf.Event.create(
        {"Subject": "x", "StartDateTime": "2026-03-03T09:00:00Z", "DurationInMinutes": 5}
    )["id"]
    with pytest.raises(SalesforceMalformedRequest):
        sf.restful(f"sobjects/Event/{plain}/fromThisEventOnwards", method="DELETE")
