"""The conformance harness: seeds and reads the emulator store directly, drives faults."""

from __future__ import annotations

from datetime import date

import pytest
from gapi_support import ALICE, BOB
from provider_support import at, single, weekly

from calsync.emulation import FaultKind
from calsync.errors import ThrottledError
from calsync.markers import Marker, MarkerChange
from calsync.model import ItemKind, Participant
from calsync.plugins import load_registry
from calsync.providers import Role
from calsync_gmail.emulator import GoogleEmulator
from calsync_gmail.harness import GmailHarness


def test_the_registered_harness_starts_its_own_emulator() -> None:
    spec = load_registry(["gmail"]).harnesses[(Role.MAILBOX, "gmail")]
    harness = spec.offline()
    assert isinstance(harness, GmailHarness)
    provider = harness.open_mailbox("zed@example.com", zone="W. Europe Standard Time")
    assert harness.emulator.store.user("zed@example.com").primary.time_zone == "Europe/Berlin"
    item_id = harness.seed("zed@example.com", single("Hello"))
    assert [i.ref.id for i in provider.pull(None).changed if i.ref] == [item_id]
    harness.close()


def test_seed_read_edit_remove(harness: GmailHarness, emulator: GoogleEmulator) -> None:
    meeting = single(
        "Meeting",
        organizer=Participant(address=BOB),
        attendees=(Participant(address=ALICE),),
        counterpart_id="00U1",
    )
    item_id = harness.seed(ALICE, meeting)
    read = harness.read(ALICE, item_id)
    assert read is not None and read.attendee_copy and read.counterpart_id == "00U1"
    assert (emulator.event(ALICE, item_id) or {})["organizer"]["email"] == BOB
    harness.edit(ALICE, item_id, subject="Renamed", start=at(11, 9), end=at(11, 10))
    read = harness.read(ALICE, item_id)
    assert read is not None and (read.subject, read.start) == ("Renamed", at(11, 9))
    harness.remove(ALICE, item_id)
    assert harness.read(ALICE, item_id) is None
    assert harness.items(ALICE) == ()


def test_occurrences(harness: GmailHarness) -> None:
    series = harness.seed(ALICE, weekly("Weekly"))
    moved = harness.edit_occurrence(ALICE, series, at(17, 9), subject="Special")
    harness.remove_occurrence(ALICE, series, at(24, 9))
    master, listed = harness.items(ALICE)  # singles, masters and exceptions, as created
    assert master.recurrence is not None and master.recurrence.exclusions == (at(24, 9),)
    assert listed.ref is not None and listed.ref.id == moved
    exception = harness.read(ALICE, moved)
    assert exception is not None and exception.kind is ItemKind.EXCEPTION
    assert (exception.subject, exception.series_id, exception.original_start) == (
        "Special",
        series,
        at(17, 9),
    )
    # seeding an exception item goes through the instance id too
    again = harness.seed(
        ALICE, exception.evolve(ref=None, original_start=at(31, 9), start=at(31, 9), end=at(31, 10))
    )
    assert again == f"{series}_20250331T070000Z"


def test_all_day_seed_in_a_far_zone(harness: GmailHarness, emulator: GoogleEmulator) -> None:
    harness.open_mailbox("far@example.com", zone="Pacific/Kiritimati")
    from calsync.model import CalendarItem

    item_id = harness.seed(
        "far@example.com", CalendarItem(start=date(2025, 1, 1), end=date(2025, 1, 2))
    )
    stored = emulator.event("far@example.com", item_id) or {}
    assert stored["start"] == {"date": "2025-01-01"} and stored["end"] == {"date": "2025-01-02"}


def test_generic_fault_names(harness: GmailHarness) -> None:
    provider = harness.open_mailbox(ALICE)
    harness.inject(FaultKind.THROTTLE, endpoint="pull")
    with pytest.raises(ThrottledError):
        provider.pull(None)
    harness.inject(FaultKind.THROTTLE, endpoint="pull", times=None)
    harness.clear_faults()
    assert provider.pull(None).full
    assert harness.invitations_sent() == 0


def test_cleared_faults_include_a_partial_failure_a_plain_request_declined(
    harness: GmailHarness,
) -> None:
    provider = harness.open_mailbox(ALICE)
    item_id = harness.seed(ALICE, single("Kickoff"))
    harness.inject(FaultKind.PARTIAL_FAILURE)
    provider.pull(None)  # a plain request declines it: it waits, armed, for the next batch
    assert harness.emulator.faults.armed
    harness.clear_faults()
    [result] = provider.set_markers(
        [MarkerChange(item_id=item_id, marker=Marker(code="UNSUPPORTED_TIME_ZONE", detail="x"))]
    )
    assert result.ok and harness.marker(ALICE, item_id).flagged
