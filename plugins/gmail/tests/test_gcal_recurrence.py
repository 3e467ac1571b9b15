"""Recurring events: expansion, instance ids, exceptions, all-day series in extreme zones."""

from __future__ import annotations

from typing import Any

import pytest
from gapi_support import ALICE, all_day, error_of, timed
from googleapiclient.errors import HttpError

from calsync_gmail.emulator import GoogleEmulator, authorized_http, calendar_service

WEEKLY = timed(
    "2025-03-17T09:00:00+01:00",
    "2025-03-17T10:00:00+01:00",
    summary="Standup",
    recurrence=["RRULE:FREQ=WEEKLY;COUNT=4"],
    extendedProperties={"private": {"sfId": "00U9"}},
)


def _instances(cal: Any, master_id: str, **params: Any) -> list[dict[str, Any]]:
    return (
        cal.events().instances(calendarId="primary", eventId=master_id, **params).execute()["items"]
    )


def test_instances_follow_dst_in_the_series_zone(cal: Any) -> None:
    master = cal.events().insert(calendarId="primary", body=WEEKLY).execute()
    items = _instances(cal, master["id"])
    # Copenhagen leaves CET on 2025-03-30: 09:00 local is 08:00Z, then 07:00Z.
    assert [i["id"] for i in items] == [
        f"{master['id']}_20250317T080000Z",
        f"{master['id']}_20250324T080000Z",
        f"{master['id']}_20250331T070000Z",
        f"{master['id']}_20250407T070000Z",
    ]
    assert [i["start"]["dateTime"] for i in items] == [
        "2025-03-17T09:00:00+01:00",
        "2025-03-24T09:00:00+01:00",
        "2025-03-31T09:00:00+02:00",
        "2025-04-07T09:00:00+02:00",
    ]
    third = items[2]
    assert third["recurringEventId"] == master["id"]
    assert third["originalStartTime"] == {
        "dateTime": "2025-03-31T09:00:00+02:00",
        "timeZone": "Europe/Copenhagen",
    }
    assert third["end"]["dateTime"] == "2025-03-31T10:00:00+02:00"
    assert third["iCalUID"] == master["iCalUID"]
    assert third["extendedProperties"] == master["extendedProperties"]
    assert "recurrence" not in third


def test_single_events_list_expands_and_get_reads_an_instance(cal: Any) -> None:
    master = cal.events().insert(calendarId="primary", body=WEEKLY).execute()
    expanded = cal.events().list(calendarId="primary", singleEvents=True).execute()["items"]
    assert len(expanded) == 4
    assert all(i["recurringEventId"] == master["id"] for i in expanded)
    collapsed = cal.events().list(calendarId="primary").execute()["items"]
    assert [i["id"] for i in collapsed] == [master["id"]]
    got = (
        cal.events().get(calendarId="primary", eventId=f"{master['id']}_20250324T080000Z").execute()
    )
    assert got["start"]["dateTime"] == "2025-03-24T09:00:00+01:00"
    with pytest.raises(HttpError) as missing:  # not an occurrence
        cal.events().get(calendarId="primary", eventId=f"{master['id']}_20250325T080000Z").execute()
    assert missing.value.resp.status == 404


def test_exdate_removes_an_occurrence(cal: Any) -> None:
    body = {
        **WEEKLY,
        "recurrence": [
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/Copenhagen:20250324T090000",
        ],
    }
    master = cal.events().insert(calendarId="primary", body=body).execute()
    assert [i["originalStartTime"]["dateTime"][:10] for i in _instances(cal, master["id"])] == [
        "2025-03-17",
        "2025-03-31",
        "2025-04-07",
    ]


def test_a_moved_and_a_cancelled_instance(cal: Any, emulator: GoogleEmulator) -> None:
    master = cal.events().insert(calendarId="primary", body=WEEKLY).execute()
    moved_id, cancelled_id = f"{master['id']}_20250324T080000Z", f"{master['id']}_20250331T070000Z"
    moved = (
        cal.events()
        .patch(
            calendarId="primary",
            eventId=moved_id,
            body={
                "start": {"dateTime": "2025-03-25T14:00:00+01:00"},
                "end": {"dateTime": "2025-03-25T15:00:00+01:00"},
            },
        )
        .execute()
    )
    assert moved["id"] == moved_id
    assert moved["recurringEventId"] == master["id"]
    assert moved["originalStartTime"]["dateTime"] == "2025-03-24T09:00:00+01:00"  # immutable
    assert moved["start"]["dateTime"] == "2025-03-25T14:00:00+01:00"
    assert cal.events().delete(calendarId="primary", eventId=cancelled_id).execute() == ""

    items = _instances(cal, master["id"])
    assert [i["id"] for i in items] == [
        f"{master['id']}_20250317T080000Z",
        moved_id,
        f"{master['id']}_20250407T070000Z",
    ]
    assert items[1]["start"]["dateTime"] == "2025-03-25T14:00:00+01:00"
    with_deleted = _instances(cal, master["id"], showDeleted=True)
    assert [i.get("status") for i in with_deleted] == [
        "confirmed",
        "confirmed",
        "cancelled",
        "confirmed",
    ]
    assert with_deleted[2]["originalStartTime"]["dateTime"] == "2025-03-31T09:00:00+02:00"

    collapsed = cal.events().list(calendarId="primary", showDeleted=True).execute()["items"]
    assert {i["id"]: i["status"] for i in collapsed} == {
        master["id"]: "confirmed",
        moved_id: "confirmed",
        cancelled_id: "cancelled",
    }
    # The store holds the exceptions as events of their own.
    stored = {e["id"]: e for e in emulator.events(ALICE, include_cancelled=True)}
    assert stored[cancelled_id]["status"] == "cancelled"
    assert stored[moved_id]["start"]["dateTime"] == "2025-03-25T14:00:00+01:00"
    with pytest.raises(HttpError) as gone:
        cal.events().delete(calendarId="primary", eventId=cancelled_id).execute()
    assert gone.value.resp.status == 410


def test_changing_the_master_time_cancels_orphaned_exceptions(cal: Any) -> None:
    master = cal.events().insert(calendarId="primary", body=WEEKLY).execute()
    exception_id = f"{master['id']}_20250324T080000Z"
    cal.events().patch(
        calendarId="primary", eventId=exception_id, body={"summary": "special"}
    ).execute()
    moved = (
        cal.events()
        .patch(
            calendarId="primary",
            eventId=master["id"],
            body={
                "start": {"dateTime": "2025-03-17T11:00:00+01:00"},
                "end": {"dateTime": "2025-03-17T12:00:00+01:00"},
            },
        )
        .execute()
    )
    assert moved["sequence"] == 1
    orphan = cal.events().get(calendarId="primary", eventId=exception_id).execute()
    assert orphan["status"] == "cancelled"
    assert [i["start"]["dateTime"][11:16] for i in _instances(cal, master["id"])] == ["11:00"] * 4


def test_instance_cannot_get_a_recurrence(cal: Any) -> None:
    master = cal.events().insert(calendarId="primary", body=WEEKLY).execute()
    with pytest.raises(HttpError) as refused:
        cal.events().patch(
            calendarId="primary",
            eventId=f"{master['id']}_20250317T080000Z",
            body={"recurrence": ["RRULE:FREQ=DAILY"]},
        ).execute()
    assert refused.value.resp.status == 400


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_all_day_dates_never_shift(emulator: GoogleEmulator, zone: str) -> None:
    user = f"far-{zone.split('/')[1].lower()}@example.com"
    emulator.add_user(user, time_zone=zone)
    cal = calendar_service(authorized_http(emulator, emulator.user_credentials(user)))
    single = (
        cal.events()
        .insert(calendarId="primary", body=all_day("2025-03-10", "2025-03-12", summary="Off"))
        .execute()
    )
    assert single["start"] == {"date": "2025-03-10"}
    assert single["end"] == {"date": "2025-03-12"}
    series = (
        cal.events()
        .insert(
            calendarId="primary",
            body=all_day(
                "2025-03-03",
                "2025-03-04",
                recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"],
                summary="Holiday",
            ),
        )
        .execute()
    )
    instances = (
        cal.events().instances(calendarId="primary", eventId=series["id"]).execute()["items"]
    )
    assert [i["id"] for i in instances] == [
        f"{series['id']}_{d}" for d in ("20250303", "20250310", "20250317")
    ]
    assert [(i["start"], i["end"]) for i in instances] == [
        ({"date": "2025-03-03"}, {"date": "2025-03-04"}),
        ({"date": "2025-03-10"}, {"date": "2025-03-11"}),
        ({"date": "2025-03-17"}, {"date": "2025-03-18"}),
    ]
    assert instances[1]["originalStartTime"] == {"date": "2025-03-10"}
    # Viewed from the opposite side of the date line, the dates are still the dates.
    other = "Pacific/Pago_Pago" if zone == "Pacific/Kiritimati" else "Pacific/Kiritimati"
    seen = (
        cal.events()
        .list(calendarId="primary", singleEvents=True, timeZone=other, orderBy="startTime")
        .execute()
    )
    # (Two items start on 03-10: their relative order is by id, hence sorted here.)
    assert sorted((i["start"]["date"], i["end"]["date"]) for i in seen["items"]) == [
        ("2025-03-03", "2025-03-04"),
        ("2025-03-10", "2025-03-11"),
        ("2025-03-10", "2025-03-12"),
        ("2025-03-17", "2025-03-18"),
    ]
    # Deleting one all-day instance uses the date-form id.
    cal.events().delete(calendarId="primary", eventId=f"{series['id']}_20250310").execute()
    stored = emulator.event(user, f"{series['id']}_20250310")
    assert stored is not None
    assert stored["status"] == "cancelled"
    assert stored["originalStartTime"] == {"date": "2025-03-10"}


def test_all_day_window_uses_the_calendar_zone(emulator: GoogleEmulator) -> None:
    emulator.add_user("kiri@example.com", time_zone="Pacific/Kiritimati")
    cal = calendar_service(authorized_http(emulator, emulator.user_credentials("kiri@example.com")))
    cal.events().insert(calendarId="primary", body=all_day("2025-03-10", "2025-03-11")).execute()
    # 2025-03-10 in Kiritimati (UTC+14) is 2025-03-09T10:00Z .. 2025-03-10T10:00Z.
    hit = (
        cal.events()
        .list(calendarId="primary", timeMin="2025-03-10T09:00:00Z", timeMax="2025-03-10T09:30:00Z")
        .execute()
    )
    miss = (
        cal.events()
        .list(calendarId="primary", timeMin="2025-03-10T10:00:00Z", timeMax="2025-03-10T12:00:00Z")
        .execute()
    )
    assert len(hit["items"]) == 1
    assert miss["items"] == []


def test_recurring_all_day_until_is_inclusive(cal: Any) -> None:
    body = all_day("2025-03-10", "2025-03-11", recurrence=["RRULE:FREQ=DAILY;UNTIL=20250312"])
    master = cal.events().insert(calendarId="primary", body=body).execute()
    assert [i["start"]["date"] for i in _instances(cal, master["id"])] == [
        "2025-03-10",
        "2025-03-11",
        "2025-03-12",
    ]


def test_instances_of_a_deleted_series_is_gone(cal: Any) -> None:
    master = cal.events().insert(calendarId="primary", body=WEEKLY).execute()
    cal.events().delete(calendarId="primary", eventId=master["id"]).execute()
    with pytest.raises(HttpError) as gone:
        _instances(cal, master["id"])
    assert error_of(gone.value)["code"] == 410
    assert cal.events().list(calendarId="primary", singleEvents=True).execute()["items"] == []


def test_update_of_an_instance_replaces_it_as_an_exception(
    cal: Any, emulator: GoogleEmulator
) -> None:
    master = cal.events().insert(calendarId="primary", body=WEEKLY).execute()
    instance_id = f"{master['id']}_20250324T080000Z"
    body = timed(
        "2025-03-24T15:00:00+01:00",
        "2025-03-24T16:00:00+01:00",
        summary="Replaced",
        visibility="private",
    )
    replaced = cal.events().update(calendarId="primary", eventId=instance_id, body=body).execute()
    assert replaced["recurringEventId"] == master["id"]
    assert replaced["originalStartTime"]["dateTime"] == "2025-03-24T09:00:00+01:00"
    assert (replaced["summary"], replaced["visibility"]) == ("Replaced", "private")
    assert "extendedProperties" not in replaced  # a full replace drops what was not sent
    assert emulator.event(ALICE, instance_id) == replaced
    assert (
        cal.events().get(calendarId="primary", eventId=master["id"]).execute()["summary"]
        == "Standup"
    )
