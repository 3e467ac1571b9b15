"""Writes: batched creates, patches and deletes, occurrences, replays, failures, sendUpdates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gapi_support import ALICE
from provider_support import at, event_writes, single, weekly

from calsync.emulation import Fault, FaultKind, HttpRequest
from calsync.identity import derived_id
from calsync.markers import Marker, MarkerChange
from calsync.model import ItemKind, Participant, Privacy, Recurrence, ShowAs
from calsync.providers import Write
from calsync_gmail import ids
from calsync_gmail.convert import private_properties
from calsync_gmail.emulator import GoogleEmulator
from calsync_gmail.harness import GmailHarness
from calsync_gmail.provider import GmailMailbox
from calsync_gmail.settings import GmailSettings

MEETING = single(
    "Kickoff",
    counterpart_id="00U0000001",
    attendees=(Participant(address="bob@example.com"), Participant(address="carol@other.org")),
    privacy=Privacy.PRIVATE,
    show_as=ShowAs.FREE,
    body="Agenda",
    location="Room 1",
)


def test_creates_in_one_batch_never_notify_guests(
    mailbox: GmailMailbox, emulator: GoogleEmulator, wire: list[HttpRequest]
) -> None:
    results = mailbox.write(
        [Write.create(MEETING), Write.create(weekly("Weekly", counterpart_id="a1"))]
    )

    assert all(r.ok for r in results)
    meeting, series = (r.ref for r in results)
    assert meeting is not None and series is not None
    assert meeting.id == derived_id("00U0000001")
    stored = emulator.event(ALICE, meeting.id)
    assert stored is not None
    assert meeting.change_token == stored["etag"]
    assert stored["summary"] == "Kickoff" and stored["description"] == "Agenda"
    assert (stored["visibility"], stored["transparency"]) == ("private", "transparent")
    assert [a["email"] for a in stored["attendees"]] == ["bob@example.com", "carol@other.org"]
    assert stored["extendedProperties"]["private"] == {
        ids.COUNTERPART: "00U0000001",
        ids.COUNTERPART_OF: meeting.id,
    }
    stored_series = emulator.event(ALICE, series.id)
    assert stored_series is not None
    assert stored_series["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=5"]
    assert stored_series["start"]["timeZone"] == "Europe/Copenhagen"
    assert emulator.counts["batch"] == 1
    assert emulator.notifications_requested == 0
    writes = event_writes(wire)
    assert len(writes) == 2 and all(r.query.get("sendUpdates") == ["none"] for r in writes)


def test_a_replayed_create_adopts_the_first_one(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    (first,) = mailbox.write([Write.create(MEETING)])
    (again,) = mailbox.write([Write.create(MEETING.evolve(subject="Kickoff v2"))])
    assert first.ref is not None and again.ref is not None
    assert again.ok and again.ref.id == first.ref.id
    assert [e["summary"] for e in emulator.events(ALICE)] == ["Kickoff v2"]
    assert again.ref.change_token == emulator.event(ALICE, first.ref.id)["etag"]  # type: ignore[index]


def test_recreating_what_the_person_deleted_restores_the_same_event(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    (first,) = mailbox.write([Write.create(MEETING)])
    assert first.ref is not None
    harness.remove(ALICE, first.ref.id)
    (again,) = mailbox.write([Write.create(MEETING)])
    assert again.ref is not None and again.ref.id == first.ref.id
    stored = emulator.event(ALICE, first.ref.id)
    assert stored is not None and stored["status"] == "confirmed"
    assert emulator.notifications_requested == 0


def test_a_taken_id_is_a_failure_not_an_adoption(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    emulator.seed_event(ALICE, {"id": derived_id("x99"), **_body("Someone else's")})
    (result,) = mailbox.write([Write.create(single("Mine", counterpart_id="x99"))])
    assert result.failure is not None and result.failure.code == "INTERNAL_ERROR"
    assert [e["summary"] for e in emulator.events(ALICE)] == ["Someone else's"]


def _body(summary: str) -> dict[str, object]:
    return {
        "summary": summary,
        "start": {"dateTime": "2025-03-10T09:00:00+01:00"},
        "end": {"dateTime": "2025-03-10T10:00:00+01:00"},
    }


def test_updates_patch_only_the_fields_asked_for(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator, wire: list[HttpRequest]
) -> None:
    event_id = harness.seed(ALICE, single("Old", body="Keep me", location="Here"))
    wanted = single("New", body="ignored", location="ignored")
    (result,) = mailbox.write([Write.update(event_id, wanted, frozenset({"subject"}))])
    assert result.ok and result.ref is not None
    stored = emulator.event(ALICE, event_id)
    assert stored is not None
    assert (stored["summary"], stored["description"], stored["location"]) == (
        "New",
        "Keep me",
        "Here",
    )
    assert result.ref.change_token == stored["etag"]
    (patch,) = event_writes(wire)
    assert patch.method == "PATCH" and patch.query["sendUpdates"] == ["none"]
    assert patch.body == b'{"summary": "New"}'


def test_moving_an_item_and_storing_the_counterpart(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    event_id = harness.seed(ALICE, single("Meeting"))
    moved = single("Meeting", day=12, hour=15, counterpart_id="00U7")
    (result,) = mailbox.write(
        [Write.update(event_id, moved, frozenset({"start", "end", "counterpart_id"}))]
    )
    assert result.ok
    read = harness.read(ALICE, event_id)
    assert read is not None
    assert (read.start, read.end, read.counterpart_id) == (at(12, 15), at(12, 16), "00U7")
    (cleared,) = mailbox.write(
        [Write.update(event_id, moved.evolve(counterpart_id=None), frozenset({"counterpart_id"}))]
    )
    assert cleared.ok
    stored = emulator.event(ALICE, event_id)
    assert stored is not None and private_properties(stored) == {}


def test_occurrences_addressed_by_series_and_original_start(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    series = harness.seed(ALICE, weekly("Weekly"))
    cursor = mailbox.pull(None).cursor
    occurrence = weekly("Weekly").evolve(
        kind=ItemKind.EXCEPTION,
        recurrence=None,
        series_id=series,
        original_start=at(17, 9),
        start=at(17, 11),
        end=at(17, 12),
        subject="Moved",
    )
    cancelled = occurrence.evolve(original_start=at(24, 9), start=at(24, 9), end=at(24, 10))
    results = mailbox.write(
        [
            Write.update(None, occurrence, frozenset({"subject", "start", "end"})),
            Write.delete(None, cancelled),
        ]
    )
    assert all(r.ok for r in results)
    exception_id = f"{series}_20250317T080000Z"
    assert results[0].ref is not None and results[0].ref.id == exception_id
    stored = emulator.event(ALICE, exception_id)
    assert stored is not None
    assert (stored["summary"], stored["recurringEventId"]) == ("Moved", series)
    assert emulator.event(ALICE, f"{series}_20250324T080000Z")["status"] == "cancelled"  # type: ignore[index]
    delta = mailbox.pull(cursor)
    masters = [i for i in delta.changed if i.kind is ItemKind.SERIES]
    assert masters and masters[0].recurrence is not None
    assert masters[0].recurrence.exclusions == (at(24, 9),)
    assert emulator.notifications_requested == 0


def test_deleting_what_is_gone_succeeds(mailbox: GmailMailbox, harness: GmailHarness) -> None:
    event_id = harness.seed(ALICE, single("Gone"))
    harness.remove(ALICE, event_id)  # a second delete answers 410
    results = mailbox.write([Write.delete(event_id), Write.delete("nosuchevent")])  # 410, 404
    assert [r.ok for r in results] == [True, True]


def test_a_batch_with_one_failing_part(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    keep = harness.seed(ALICE, single("Keep"))
    emulator.faults.arm(Fault(kind=FaultKind.PARTIAL_FAILURE, endpoint="batch"))
    results = mailbox.write(
        [
            Write.create(single("Lost", counterpart_id="lost")),
            Write.update("nosuchevent", single("Nobody"), frozenset({"subject"})),
            Write.update(keep, single("Kept"), frozenset({"subject"})),
            Write.create(single("Made", counterpart_id="made")),
        ]
    )
    assert [r.failure.code if r.failure else "ok" for r in results] == [
        "SERVICE_UNAVAILABLE",
        "INTERNAL_ERROR",
        "ok",
        "ok",
    ]
    assert sorted(e["summary"] for e in emulator.events(ALICE)) == ["Kept", "Made"]


def test_a_throttled_part_carries_retry_after(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    emulator.faults.arm(
        Fault(
            kind=FaultKind.THROTTLE, endpoint="calendar.events.insert", detail="429", retry_after=7
        )
    )
    first, second = mailbox.write([Write.create(single("A")), Write.create(single("B", day=11))])
    assert first.failure is not None and first.failure.code == "THROTTLED"
    assert first.failure.retry_after == 7
    assert second.ok


def test_writes_go_in_batches_of_the_configured_size(
    harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    harness.settings = GmailSettings(batch_size=50)
    provider = harness.open_mailbox(ALICE)
    results = provider.write(
        [Write.create(single(f"N{n}", counterpart_id=f"n{n}")) for n in range(120)]
    )
    assert all(r.ok for r in results)
    assert emulator.counts["batch"] == 3
    assert emulator.counts["calendar.events.insert"] == 120
    assert len(emulator.events(ALICE)) == 120


def test_series_with_exclusions_and_until_round_trip(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    item = weekly("Bounded").evolve(
        recurrence=Recurrence(
            rule="FREQ=WEEKLY;UNTIL=20250407T235959",
            exclusions=(at(17, 9), at(31, 9)),
            zone="Europe/Copenhagen",
        )
    )
    (result,) = mailbox.write([Write.create(item)])
    assert result.ref is not None
    stored = emulator.event(ALICE, result.ref.id)
    assert stored is not None
    assert stored["recurrence"] == [
        "RRULE:FREQ=WEEKLY;UNTIL=20250407T215959Z",
        "EXDATE;TZID=Europe/Copenhagen:20250317T090000,20250331T090000",
    ]
    assert [i["start"]["dateTime"][:10] for i in emulator.instances(ALICE, result.ref.id)] == [
        "2025-03-10",
        "2025-03-24",
        "2025-04-07",
    ]
    (read,) = mailbox.pull(None).changed
    assert read.recurrence is not None
    assert read.recurrence.exclusions == (at(17, 9), at(31, 9))


def test_a_body_update_keeps_the_marker_block(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    event_id = harness.seed(ALICE, single("Marked", body="old"))
    mailbox.set_markers([MarkerChange(item_id=event_id, marker=Marker(code="X", detail="Broken"))])
    (result,) = mailbox.write(
        [Write.update(event_id, single("Marked", body="new"), frozenset({"body"}))]
    )
    stored = emulator.event(ALICE, event_id)
    assert stored is not None and result.ref is not None
    assert stored["description"].startswith("new\n\n")
    assert harness.marker(ALICE, event_id).detail == "Sync Error: Broken"
    assert result.ref.change_token == stored["etag"]
    read = harness.read(ALICE, event_id)
    assert read is not None and read.body == "new"


@pytest.mark.parametrize("hours", [1, 30])
def test_created_items_read_back_equal(
    mailbox: GmailMailbox, harness: GmailHarness, hours: int
) -> None:
    item = MEETING.evolve(end=MEETING.start + timedelta(hours=hours))
    (result,) = mailbox.write([Write.create(item)])
    assert result.ref is not None
    read = harness.read(ALICE, result.ref.id)
    assert read is not None
    for name in (
        "subject",
        "body",
        "location",
        "start",
        "end",
        "zone",
        "privacy",
        "show_as",
        "attendees",
        "counterpart_id",
    ):
        assert getattr(read, name) == getattr(item.evolve(zone="Europe/Copenhagen"), name), name
    assert read.organizer is not None and read.organizer.address == ALICE
    assert not read.attendee_copy
