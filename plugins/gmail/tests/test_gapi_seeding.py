"""The seed/read API the conformance harness uses, and reset/snapshot."""

from __future__ import annotations

import json
from typing import Any

import pytest
from gapi_support import ALICE, BOB, all_day, timed

from calsync_gmail.emulator import GoogleEmulator


def test_seeded_events_are_what_the_wire_returns(cal: Any, emulator: GoogleEmulator) -> None:
    event_id = emulator.seed_event(
        ALICE,
        timed(
            "2025-03-10T09:00:00+01:00",
            "2025-03-10T10:00:00+01:00",
            organizer={"email": BOB},
            created="2024-12-01T08:00:00.000Z",
            updated="2024-12-02T08:00:00.000Z",
        ),
    )
    wire = cal.events().get(calendarId="primary", eventId=event_id).execute()
    assert emulator.event(ALICE, event_id) == wire
    assert (wire["created"], wire["updated"]) == (
        "2024-12-01T08:00:00.000Z",
        "2024-12-02T08:00:00.000Z",
    )
    assert wire["organizer"] == {"email": BOB}
    assert emulator.event(ALICE, "doesnotexist") is None


def test_seeding_applies_googles_rules(emulator: GoogleEmulator) -> None:
    from calsync_gmail.emulator import ApiError

    with pytest.raises(ApiError, match="Missing time zone definition"):
        emulator.seed_event(
            ALICE,
            {
                "start": {"dateTime": "2025-03-10T09:00:00Z"},
                "end": {"dateTime": "2025-03-10T10:00:00Z"},
                "recurrence": ["RRULE:FREQ=DAILY"],
            },
        )
    with pytest.raises(ValueError, match="exists"):
        emulator.add_user(ALICE.upper())
    with pytest.raises(KeyError):
        emulator.add_user("x@example.com", time_zone="Mars/Olympus")


def test_instances_patch_and_delete_helpers(emulator: GoogleEmulator) -> None:
    master = emulator.seed_event(
        ALICE, all_day("2025-03-03", "2025-03-04", recurrence=["RRULE:FREQ=DAILY;COUNT=3"])
    )
    emulator.patch_event(
        ALICE,
        f"{master}_20250304",
        {"summary": "moved", "start": {"date": "2025-03-08"}, "end": {"date": "2025-03-09"}},
    )
    emulator.delete_event(ALICE, f"{master}_20250305")
    assert [i["start"]["date"] for i in emulator.instances(ALICE, master)] == [
        "2025-03-03",
        "2025-03-08",
    ]
    everything = emulator.instances(ALICE, master, include_cancelled=True)
    assert [i["status"] for i in everything] == ["confirmed", "confirmed", "cancelled"]
    assert {e["id"] for e in emulator.events(ALICE)} == {master, f"{master}_20250304"}


def test_secondary_calendars(cal: Any, emulator: GoogleEmulator) -> None:
    team = emulator.add_calendar(ALICE, "Team", time_zone="Asia/Tokyo")
    created = (
        cal.events()
        .insert(
            calendarId=team, body=timed("2025-03-10T09:00:00Z", "2025-03-10T10:00:00Z", tz="UTC")
        )
        .execute()
    )
    assert created["organizer"] == {"email": team, "displayName": "Team"}
    assert created["start"]["dateTime"] == "2025-03-10T18:00:00+09:00"
    assert [e["id"] for e in emulator.events(ALICE, calendar=team)] == [created["id"]]
    assert emulator.events(ALICE) == []


def test_messages_and_labels_seeding(emulator: GoogleEmulator) -> None:
    label = emulator.seed_label(ALICE, "Parent/Child", labelListVisibility="labelHide")
    assert (
        next(lb for lb in emulator.labels(ALICE) if lb["id"] == label)["labelListVisibility"]
        == "labelHide"
    )
    message_id = emulator.seed_message(ALICE, labels=["INBOX", label], subject="Hi", to=[BOB])
    message = emulator.message(ALICE, message_id)
    assert message is not None
    assert message["labelIds"] == ["INBOX", label]
    assert {"name": "To", "value": BOB} in message["payload"]["headers"]
    assert [m["id"] for m in emulator.messages(ALICE)] == [message_id]
    with pytest.raises(KeyError):
        emulator.seed_message(ALICE, labels=["Label_404"])


def test_snapshot_is_json_and_reset_forgets_everything(cal: Any, emulator: GoogleEmulator) -> None:
    event = (
        cal.events()
        .insert(
            calendarId="primary",
            body=timed("2025-03-10T09:00:00Z", "2025-03-10T10:00:00Z", attendees=[{"email": BOB}]),
            sendUpdates="all",
        )
        .execute()
    )
    emulator.seed_message(ALICE)
    snapshot = json.loads(json.dumps(emulator.snapshot()))
    assert [e["id"] for e in snapshot["users"][ALICE]["calendars"][ALICE]["events"]] == [
        event["id"]
    ]
    assert len(snapshot["users"][ALICE]["messages"]) == 1
    assert snapshot["notifications"][0]["recipients"] == [BOB]
    emulator.reset()
    assert emulator.snapshot() == {
        "users": {},
        "sequence": snapshot["sequence"],
        "notifications": [],
    }
    assert emulator.counts == {}
    assert emulator.notifications_requested == 0
