"""Calendar v3 single-event operations through the real googleapiclient, in process."""

from __future__ import annotations

from typing import Any

import pytest
from gapi_support import ALICE, BOB, all_day, error_of, timed
from googleapiclient.errors import HttpError

from calsync.emulation import FrozenClock
from calsync_gmail.emulator import GoogleEmulator

KICKOFF = timed(
    "2025-03-10T09:00:00+01:00",
    "2025-03-10T10:00:00+01:00",
    summary="Kickoff",
    colorId="11",
    extendedProperties={"private": {"sfId": "00U000000000001", "src": "sf"}},
    attendees=[{"email": BOB}, {"email": "carol@outside.example"}],
)


def test_calendar_and_colours(cal: Any) -> None:
    primary = cal.calendars().get(calendarId="primary").execute()
    assert primary["kind"] == "calendar#calendar"
    assert primary["id"] == ALICE
    assert primary["timeZone"] == "Europe/Copenhagen"
    colors = cal.colors().get().execute()
    assert colors["event"]["11"] == {"background": "#dc2127", "foreground": "#1d1d1d"}
    assert sorted(colors["event"], key=int) == [str(i) for i in range(1, 12)]
    assert len(colors["calendar"]) == 24


def test_insert_get_and_store(cal: Any, emulator: GoogleEmulator) -> None:
    created = cal.events().insert(calendarId="primary", body=KICKOFF).execute()
    assert len(created["id"]) == 26
    assert set(created["id"]) <= set("abcdefghijklmnopqrstuv0123456789")
    assert created["status"] == "confirmed"
    assert created["iCalUID"] == f"{created['id']}@google.com"
    assert created["sequence"] == 0
    assert created["created"] == created["updated"] == "2025-03-01T12:00:00.000Z"
    assert created["organizer"] == {"email": ALICE, "self": True}
    assert created["attendees"][0] == {"email": BOB, "responseStatus": "needsAction"}
    fetched = cal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert fetched == created
    stored = emulator.event(ALICE, created["id"])
    assert stored is not None
    assert stored["colorId"] == "11"
    assert stored["extendedProperties"]["private"]["sfId"] == "00U000000000001"


def test_datetimes_are_rendered_in_the_calendar_zone_keeping_their_own_zone(cal: Any) -> None:
    body = timed("2025-03-10T09:00:00-04:00", "2025-03-10T10:00:00-04:00", tz="America/New_York")
    created = cal.events().insert(calendarId="primary", body=body).execute()
    assert created["start"] == {
        "dateTime": "2025-03-10T14:00:00+01:00",
        "timeZone": "America/New_York",
    }
    as_new_york = (
        cal.events()
        .get(calendarId="primary", eventId=created["id"], timeZone="America/New_York")
        .execute()
    )
    assert as_new_york["start"]["dateTime"] == "2025-03-10T09:00:00-04:00"


def test_attendee_self_is_computed_for_the_caller(cal: Any, emulator: GoogleEmulator) -> None:
    seeded = emulator.seed_event(
        ALICE,
        timed(
            "2025-03-11T09:00:00+01:00",
            "2025-03-11T10:00:00+01:00",
            organizer={"email": BOB},
            attendees=[{"email": BOB}, {"email": ALICE, "responseStatus": "accepted"}],
        ),
    )
    event = cal.events().get(calendarId="primary", eventId=seeded).execute()
    assert event["organizer"] == {"email": BOB}
    assert event["attendees"] == [
        {"email": BOB, "responseStatus": "needsAction", "organizer": True},
        {"email": ALICE, "responseStatus": "accepted", "self": True},
    ]


def test_client_ids_are_validated_and_unique(cal: Any) -> None:
    body = {**KICKOFF, "id": "abc12345v"}
    assert cal.events().insert(calendarId="primary", body=body).execute()["id"] == "abc12345v"
    with pytest.raises(HttpError) as duplicate:
        cal.events().insert(calendarId="primary", body=body).execute()
    assert duplicate.value.resp.status == 409
    assert error_of(duplicate.value)["errors"][0]["reason"] == "duplicate"
    for bad in ("abc", "ABCDEFG", "abcdw123", "abc_12345"):
        with pytest.raises(HttpError) as refused:
            cal.events().insert(calendarId="primary", body={**KICKOFF, "id": bad}).execute()
        assert refused.value.resp.status == 400, bad
        assert error_of(refused.value)["message"] == "Invalid resource id value."


def test_deleted_ids_cannot_be_reused(cal: Any) -> None:
    cal.events().insert(calendarId="primary", body={**KICKOFF, "id": "reused01"}).execute()
    cal.events().delete(calendarId="primary", eventId="reused01").execute()
    with pytest.raises(HttpError) as duplicate:
        cal.events().insert(calendarId="primary", body={**KICKOFF, "id": "reused01"}).execute()
    assert duplicate.value.resp.status == 409


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {
                **timed("2025-03-10T09:00:00", "2025-03-10T10:00:00"),
                "recurrence": ["RRULE:FREQ=DAILY"],
            }
            | {"start": {"dateTime": "2025-03-10T09:00:00+01:00"}},
            "Missing time zone definition for start time.",
        ),
        (
            {
                "start": {"dateTime": "2025-03-10T09:00:00"},
                "end": {"dateTime": "2025-03-10T10:00:00Z"},
            },
            "Missing time zone definition for start time.",
        ),
        (
            timed("2025-03-10T10:00:00+01:00", "2025-03-10T09:00:00+01:00"),
            "The specified time range is empty.",
        ),
        (all_day("2025-03-10", "2025-03-10"), "The specified time range is empty."),
        (
            {"start": {"date": "2025-03-10"}, "end": {"dateTime": "2025-03-10T10:00:00Z"}},
            "Start and end times must either both be date or both be dateTime.",
        ),
        ({**KICKOFF, "colorId": "12"}, "Invalid value for: colorId"),
        ({**KICKOFF, "visibility": "secret"}, "Invalid value for: visibility"),
        ({**KICKOFF, "eventType": "fromGmail"}, "Event type cannot be created: fromGmail."),
        ({**KICKOFF, "attendees": [{"displayName": "No Mail"}]}, "Missing attendee email."),
        ({**KICKOFF, "recurrence": ["RRULE:FREQ=SOMETIMES"]}, "Invalid recurrence rule."),
        ({"end": KICKOFF["end"]}, "Missing start time."),
    ],
)
def test_insert_refusals(
    cal: Any, emulator: GoogleEmulator, body: dict[str, Any], message: str
) -> None:
    with pytest.raises(HttpError) as refused:
        cal.events().insert(calendarId="primary", body=body).execute()
    assert refused.value.resp.status == 400
    assert error_of(refused.value)["message"] == message
    assert emulator.events(ALICE, include_cancelled=True) == []


def test_special_event_types_insert_and_cannot_change(cal: Any, emulator: GoogleEmulator) -> None:
    focus = (
        cal.events()
        .insert(calendarId="primary", body={**KICKOFF, "eventType": "focusTime"})
        .execute()
    )
    assert focus["eventType"] == "focusTime"
    with pytest.raises(HttpError) as refused:
        cal.events().patch(
            calendarId="primary", eventId=focus["id"], body={"eventType": "default"}
        ).execute()
    assert error_of(refused.value)["errors"][0]["reason"] == "eventTypeRestriction"
    from_gmail = emulator.seed_event(ALICE, {**KICKOFF, "eventType": "fromGmail"})
    assert (
        cal.events().get(calendarId="primary", eventId=from_gmail).execute()["eventType"]
        == "fromGmail"
    )


def test_patch_merges_objects_replaces_arrays_and_null_removes(
    cal: Any, emulator: GoogleEmulator, clock: FrozenClock
) -> None:
    created = (
        cal.events().insert(calendarId="primary", body={**KICKOFF, "location": "Room 1"}).execute()
    )
    clock.advance(60)
    patched = (
        cal.events()
        .patch(
            calendarId="primary",
            eventId=created["id"],
            body={
                "extendedProperties": {"private": {"sfId": "00U2", "src": None, "new": "x"}},
                "attendees": [{"email": "dave@example.com"}],
                "location": None,
                "start": {"dateTime": "2025-03-10T09:30:00+01:00"},
            },
        )
        .execute()
    )
    assert patched["extendedProperties"] == {"private": {"sfId": "00U2", "new": "x"}}
    assert [a["email"] for a in patched["attendees"]] == ["dave@example.com"]
    assert "location" not in patched
    assert patched["summary"] == "Kickoff"
    # start merged: the new dateTime, the old timeZone kept.
    assert patched["start"] == {
        "dateTime": "2025-03-10T09:30:00+01:00",
        "timeZone": "Europe/Copenhagen",
    }
    assert patched["sequence"] == 1
    assert patched["updated"] == "2025-03-01T12:01:00.000Z"
    assert patched["etag"] != created["etag"]
    stored = emulator.event(ALICE, created["id"])
    assert stored == patched


def test_update_replaces_the_whole_event(cal: Any, emulator: GoogleEmulator) -> None:
    created = cal.events().insert(calendarId="primary", body=KICKOFF).execute()
    replacement = timed("2025-03-10T09:00:00+01:00", "2025-03-10T10:00:00+01:00", summary="Renamed")
    updated = (
        cal.events().update(calendarId="primary", eventId=created["id"], body=replacement).execute()
    )
    assert updated["summary"] == "Renamed"
    for gone in ("colorId", "extendedProperties", "attendees"):
        assert gone not in updated
    assert updated["id"] == created["id"]
    assert updated["created"] == created["created"]
    assert updated["iCalUID"] == created["iCalUID"]
    assert updated["sequence"] == 0  # same times: no sequence bump
    stored = emulator.event(ALICE, created["id"])
    assert stored is not None
    assert "colorId" not in stored


def test_delete_then_second_delete_is_gone(cal: Any, emulator: GoogleEmulator) -> None:
    created = cal.events().insert(calendarId="primary", body=KICKOFF).execute()
    assert cal.events().delete(calendarId="primary", eventId=created["id"]).execute() == ""
    assert emulator.events(ALICE) == []
    tombstone = emulator.event(ALICE, created["id"])
    assert tombstone is not None
    assert tombstone["status"] == "cancelled"
    with pytest.raises(HttpError) as gone:
        cal.events().delete(calendarId="primary", eventId=created["id"]).execute()
    assert gone.value.resp.status == 410
    assert error_of(gone.value) == {
        "errors": [
            {"domain": "global", "reason": "deleted", "message": "Resource has been deleted"}
        ],
        "code": 410,
        "message": "Resource has been deleted",
    }
    with pytest.raises(HttpError) as missing:
        cal.events().delete(calendarId="primary", eventId="neverexisted").execute()
    assert missing.value.resp.status == 404


def test_unknown_calendar_is_404(cal: Any) -> None:
    with pytest.raises(HttpError) as missing:
        cal.events().list(calendarId="nobody@example.com").execute()
    assert missing.value.resp.status == 404
    assert error_of(missing.value)["errors"][0]["reason"] == "notFound"


def test_send_updates_is_counted_never_sent(cal: Any, emulator: GoogleEmulator) -> None:
    created = cal.events().insert(calendarId="primary", body=KICKOFF, sendUpdates="none").execute()
    cal.events().patch(calendarId="primary", eventId=created["id"], body={"summary": "x"}).execute()
    assert emulator.notifications_requested == 0
    cal.events().patch(
        calendarId="primary", eventId=created["id"], body={"colorId": "4"}, sendUpdates="all"
    ).execute()
    cal.events().patch(
        calendarId="primary",
        eventId=created["id"],
        body={"colorId": "5"},
        sendUpdates="externalOnly",
    ).execute()
    lonely = (
        cal.events()
        .insert(
            calendarId="primary",
            body=timed("2025-03-12T09:00:00Z", "2025-03-12T10:00:00Z"),
            sendUpdates="all",
        )
        .execute()
    )
    cal.events().delete(calendarId="primary", eventId=created["id"], sendUpdates="all").execute()
    assert emulator.notifications_requested == 3
    all_, external, deleted = emulator.notifications
    assert all_.recipients == (BOB, "carol@outside.example")
    assert external.recipients == ("carol@outside.example",)  # bob is a Google user here
    assert (deleted.method, deleted.event_id) == ("calendar.events.delete", created["id"])
    assert lonely["id"] not in {n.event_id for n in emulator.notifications}
