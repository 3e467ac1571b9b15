"""Conversions through a real pull: meetings, privacy, free/busy, event types, cross-references."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from gapi_support import ALICE, BOB, timed
from provider_support import CPH, at, weekly

from calsync.identity import derived_id
from calsync.model import AttendeeRole, EventType, ItemKind, Privacy, ResponseStatus, ShowAs
from calsync_gmail import ids
from calsync_gmail.emulator import GoogleEmulator
from calsync_gmail.harness import GmailHarness
from calsync_gmail.marker_text import DELIMITER, detail_of, strip_marker, with_marker
from calsync_gmail.provider import GmailMailbox
from calsync_gmail.rules import parse_recurrence, recurrence_lines

SLOT = ("2025-03-10T09:00:00+01:00", "2025-03-10T10:00:00+01:00")


def _pull_one(mailbox: GmailMailbox) -> object:
    (item,) = mailbox.pull(None).changed
    return item


def test_an_invitation_is_an_attendee_copy_with_responses(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    emulator.seed_event(
        ALICE,
        timed(
            *SLOT,
            summary="Bob's meeting",
            iCalUID="meeting-42@bob.example",
            organizer={"email": BOB, "displayName": "Bob"},
            attendees=[
                {"email": BOB, "organizer": True, "responseStatus": "accepted"},
                {"email": ALICE, "responseStatus": "tentative"},
                {"email": "carol@other.org", "optional": True, "responseStatus": "declined"},
                {"email": "room@resource.example", "resource": True, "responseStatus": "accepted"},
                {"email": "dave@other.org"},
            ],
        ),
    )
    item = _pull_one(mailbox)
    assert item.attendee_copy  # type: ignore[attr-defined]
    assert item.organizer.address == BOB and item.organizer.response is ResponseStatus.ORGANIZER  # type: ignore[attr-defined]
    people = {p.address: (p.role, p.response) for p in item.attendees}  # type: ignore[attr-defined]
    assert people == {
        ALICE: (AttendeeRole.REQUIRED, ResponseStatus.TENTATIVE),
        "carol@other.org": (AttendeeRole.OPTIONAL, ResponseStatus.DECLINED),
        "room@resource.example": (AttendeeRole.RESOURCE, ResponseStatus.ACCEPTED),
        "dave@other.org": (AttendeeRole.REQUIRED, ResponseStatus.NONE),
    }


def test_own_events_are_not_attendee_copies(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    emulator.seed_event(ALICE, timed(*SLOT, attendees=[{"email": BOB}]))
    item = _pull_one(mailbox)
    assert not item.attendee_copy and item.organizer.address == ALICE  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fields", "privacy", "show_as"),
    [
        ({}, Privacy.NORMAL, ShowAs.BUSY),
        ({"visibility": "public", "transparency": "opaque"}, Privacy.NORMAL, ShowAs.BUSY),
        ({"visibility": "private"}, Privacy.PRIVATE, ShowAs.BUSY),
        (
            {"visibility": "confidential", "transparency": "transparent"},
            Privacy.CONFIDENTIAL,
            ShowAs.FREE,
        ),
    ],
)
def test_visibility_and_transparency(
    mailbox: GmailMailbox,
    emulator: GoogleEmulator,
    fields: dict[str, str],
    privacy: Privacy,
    show_as: ShowAs,
) -> None:
    emulator.seed_event(ALICE, timed(*SLOT, **fields))
    item = _pull_one(mailbox)
    assert (item.privacy, item.show_as) == (privacy, show_as)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("google", "kind", "show_as"),
    [
        ("outOfOffice", EventType.OUT_OF_OFFICE, ShowAs.OUT_OF_OFFICE),
        ("focusTime", EventType.FOCUS_TIME, ShowAs.BUSY),
        ("workingLocation", EventType.WORKING_LOCATION, ShowAs.WORKING_ELSEWHERE),
        ("fromGmail", EventType.FROM_GMAIL, ShowAs.BUSY),
        ("birthday", EventType.BIRTHDAY, ShowAs.BUSY),
    ],
)
def test_special_event_types(
    mailbox: GmailMailbox,
    harness: GmailHarness,
    emulator: GoogleEmulator,
    google: str,
    kind: EventType,
    show_as: ShowAs,
) -> None:
    emulator.seed_event(ALICE, timed(*SLOT, eventType=google))
    item = _pull_one(mailbox)
    assert (item.event_type, item.show_as) == (kind, show_as)  # type: ignore[attr-defined]
    # and back: the harness seeds the type through the same conversion
    seeded = harness.seed(ALICE, item.evolve(ref=None))  # type: ignore[attr-defined]
    assert (emulator.event(ALICE, seeded) or {})["eventType"] == google


def test_an_exception_does_not_claim_the_masters_counterpart(
    harness: GmailHarness, mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    series = harness.seed(ALICE, weekly("Weekly", counterpart_id="00U9"))
    moved = harness.edit_occurrence(ALICE, series, at(17, 9), start=at(17, 11), end=at(17, 12))
    props = (emulator.event(ALICE, moved) or {})["extendedProperties"]["private"]
    assert props[ids.COUNTERPART] == "00U9"  # inherited from the master, as Google does
    items = {i.kind: i for i in mailbox.pull(None).changed}
    assert items[ItemKind.SERIES].counterpart_id == "00U9"
    assert items[ItemKind.EXCEPTION].counterpart_id is None
    found = mailbox.find_by_counterpart(["00U9", "unknown"])
    assert list(found) == ["00U9"] and found["00U9"].ref.id == series  # type: ignore[union-attr]


def test_fetch_reads_masters_with_exclusions_and_leaves_gone_ids_out(
    harness: GmailHarness, mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    series = harness.seed(ALICE, weekly("Weekly"))
    harness.remove_occurrence(ALICE, series, at(17, 9))
    gone = harness.seed(ALICE, weekly("Gone"))
    harness.remove(ALICE, gone)
    found = mailbox.fetch([series, gone, "nosuchevent"])
    assert list(found) == [series]
    assert found[series].recurrence is not None
    assert found[series].recurrence.exclusions == (at(17, 9),)
    assert emulator.counts["batch"] == 2  # the gets, then the series listings


def test_recurrence_lines_both_ways() -> None:
    start = at(10, 9)
    lines = [
        "RRULE:FREQ=DAILY;COUNT=10",
        "EXDATE;TZID=Europe/Copenhagen:20250311T090000,20250312T090000",
        "EXDATE:20250313T080000Z",
        "EXDATE;VALUE=DATE:20250314",
    ]
    recurrence = parse_recurrence(lines, start, "Europe/Copenhagen", [at(15, 9)])
    assert recurrence.rule == "FREQ=DAILY;COUNT=10"
    assert recurrence.exclusions == tuple(at(d, 9) for d in (11, 12, 13, 14, 15))
    assert recurrence_lines(recurrence, start, "Europe/Copenhagen") == [
        "RRULE:FREQ=DAILY;COUNT=10",
        "EXDATE;TZID=Europe/Copenhagen:20250311T090000,20250312T090000,20250313T090000,"
        "20250314T090000,20250315T090000",
    ]


def test_extra_dates_and_exclusion_rules_are_kept_as_what_crms_cannot_hold(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    lines = [
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "RDATE;TZID=Europe/Copenhagen:20250312T090000",
        "EXRULE:FREQ=MONTHLY;COUNT=1",
    ]
    emulator.seed_event(ALICE, timed(*SLOT, recurrence=lines))
    item = _pull_one(mailbox)
    recurrence = item.recurrence  # type: ignore[attr-defined]
    assert recurrence.rule == "FREQ=WEEKLY;COUNT=4"
    assert recurrence.unsupported_lines == tuple(lines[1:])
    assert recurrence_lines(recurrence, at(10, 9), "Europe/Copenhagen") == lines


def test_all_day_recurrence_lines() -> None:
    recurrence = parse_recurrence(
        ["RRULE:FREQ=DAILY;UNTIL=20250320", "EXDATE;VALUE=DATE:20250312"], date(2025, 3, 10), None
    )
    assert recurrence.zone is None and recurrence.exclusions == (date(2025, 3, 12),)
    assert recurrence_lines(recurrence, date(2025, 3, 10), "UTC") == [
        "RRULE:FREQ=DAILY;UNTIL=20250320",
        "EXDATE;VALUE=DATE:20250312",
    ]


def test_until_becomes_utc_for_timed_series() -> None:
    from calsync.model import Recurrence

    recurrence = Recurrence(rule="FREQ=DAILY;UNTIL=20250320T090000", zone="Europe/Copenhagen")
    assert recurrence_lines(recurrence, at(10, 9), "Europe/Copenhagen") == [
        "RRULE:FREQ=DAILY;UNTIL=20250320T080000Z"
    ]


def test_marker_text_is_stripped_even_after_the_web_ui_made_it_html() -> None:
    text = with_marker("Agenda", "Sync Error: Broken")
    assert text == f"Agenda\n\n{DELIMITER}\nSync Error: Broken"
    assert strip_marker(text) == "Agenda"
    assert detail_of(text) == "Sync Error: Broken"
    html = f"Agenda<br><br>{DELIMITER}<br>Sync Error: Broken"
    assert strip_marker(html) == "Agenda"
    assert detail_of(html) == "Sync Error: Broken"
    assert with_marker(text, "Sync Error: Other") == f"Agenda\n\n{DELIMITER}\nSync Error: Other"
    assert strip_marker("No marker") == "No marker" and detail_of("No marker") is None


def test_ids() -> None:
    assert ids.instance_id("abc", datetime(2025, 3, 10, 9, tzinfo=CPH)) == "abc_20250310T080000Z"
    assert ids.instance_id("abc", date(2025, 3, 10)) == "abc_20250310"
    made = derived_id("00U5g00000XyZ12AB")
    assert made == derived_id("00U5g00000XyZ12AB")
    assert set(made) <= set("0123456789abcdefghijklmnopqrstuv") and 5 <= len(made) <= 1024
    assert derived_id("a") != derived_id("A")
    assert len(derived_id("a")) >= 5 and len(derived_id(None)) == 32
    assert datetime(2025, 3, 10, 8, tzinfo=UTC) == datetime(2025, 3, 10, 9, tzinfo=CPH)
