"""Delta pulls: sync tokens, paging, 410, series with moved and cancelled instances."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from gapi_support import ALICE, all_day, timed
from provider_support import CPH, at, by_subject, single, weekly

from calsync.emulation import HttpRequest, HttpResponse
from calsync.errors import CursorExpiredError
from calsync.model import ItemKind
from calsync_gmail import ids, pull
from calsync_gmail.emulator import GoogleEmulator
from calsync_gmail.harness import GmailHarness
from calsync_gmail.provider import GmailMailbox


def test_full_pull_lists_singles_series_and_exceptions(
    harness: GmailHarness, mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    one = harness.seed(ALICE, single("One", counterpart_id="00U1"))
    series = harness.seed(ALICE, weekly("Weekly"))
    moved = harness.edit_occurrence(ALICE, series, at(17, 9), start=at(17, 14), end=at(17, 15))
    harness.remove_occurrence(ALICE, series, at(24, 9))

    delta = mailbox.pull(None)

    assert delta.full and delta.cursor and not delta.removed
    items = by_subject(i for i in delta.changed if i.kind is not ItemKind.EXCEPTION)
    assert set(items) == {"One", "Weekly"}
    kinds = sorted(i.kind for i in delta.changed)
    assert kinds == sorted([ItemKind.SERIES, ItemKind.SINGLE, ItemKind.EXCEPTION])
    stored = emulator.event(ALICE, one)
    assert stored is not None
    first = items["One"]
    assert (
        first.ref is not None and first.ref.id == one and first.ref.change_token == stored["etag"]
    )
    assert (first.zone, first.owner, first.counterpart_id) == ("Europe/Copenhagen", ALICE, "00U1")
    assert first.start == at(10, 9) and first.start.tzinfo == CPH
    master = items["Weekly"]
    assert master.recurrence is not None
    assert master.recurrence.rule == "FREQ=WEEKLY;COUNT=5"
    assert master.recurrence.zone == "Europe/Copenhagen"
    assert master.recurrence.exclusions == (at(24, 9),)
    (exception,) = [i for i in delta.changed if i.kind is ItemKind.EXCEPTION]
    assert exception.ref is not None and exception.ref.id == moved == f"{series}_20250317T080000Z"
    assert (exception.series_id, exception.original_start) == (series, at(17, 9))
    assert exception.start == at(17, 14)


def test_incremental_pull_reports_changes_and_removals(
    harness: GmailHarness, mailbox: GmailMailbox
) -> None:
    keep = harness.seed(ALICE, single("Keep"))
    gone = harness.seed(ALICE, single("Gone", day=11))
    series = harness.seed(ALICE, weekly("Weekly"))
    cursor = mailbox.pull(None).cursor
    assert mailbox.pull(cursor).changed == ()

    harness.edit(ALICE, keep, subject="Kept")
    harness.remove(ALICE, gone)
    delta = mailbox.pull(cursor)

    assert not delta.full and delta.cursor != cursor
    assert [i.subject for i in delta.changed] == ["Kept"]
    assert [(r.id, r.series_id) for r in delta.removed] == [(gone, None)]
    assert mailbox.pull(delta.cursor).changed == ()
    assert series


def test_a_cancelled_instance_is_a_removal_and_an_exclusion_on_the_master(
    harness: GmailHarness, mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    series = harness.seed(ALICE, weekly("Weekly"))
    harness.remove_occurrence(ALICE, series, at(17, 9))  # known before the first pull
    cursor = mailbox.pull(None).cursor

    harness.remove_occurrence(ALICE, series, at(31, 9))  # after DST: 31 March is UTC+2
    delta = mailbox.pull(cursor)

    (removal,) = delta.removed
    assert removal.id == ids.instance_id(series, at(31, 9)) == f"{series}_20250331T070000Z"
    assert (removal.series_id, removal.original_start) == (series, at(31, 9))
    (master,) = delta.changed
    assert master.ref is not None and master.ref.id == series
    assert master.recurrence is not None
    assert master.recurrence.exclusions == (at(17, 9), at(31, 9))
    # The master was re-read, and its cancelled instances read with the documented
    # events.instances(showDeleted=true), batched; never a search by iCalUID.
    assert emulator.counts["calendar.events.get"] == 1
    assert emulator.counts["calendar.events.instances"] == 1
    assert emulator.counts["calendar.events.list"] == 2  # the two pulls
    # Cancelling an instance leaves the master's etag alone; the token calsync sees must still
    # change, since the master it describes (its exclusions) did.
    stored_master = emulator.event(ALICE, series)
    assert stored_master is not None and master.ref.change_token.startswith(stored_master["etag"])
    assert master.ref.change_token != stored_master["etag"]


def test_a_moved_instance_comes_alone_as_an_exception(
    harness: GmailHarness, mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    series = harness.seed(ALICE, weekly("Weekly"))
    cursor = mailbox.pull(None).cursor
    moved = harness.edit_occurrence(ALICE, series, at(24, 9), start=at(25, 10), end=at(25, 11))

    delta = mailbox.pull(cursor)

    (exception,) = delta.changed
    assert delta.removed == ()
    assert exception.kind is ItemKind.EXCEPTION
    assert exception.ref is not None and exception.ref.id == moved
    assert (exception.series_id, exception.original_start) == (series, at(24, 9))
    assert (exception.start, exception.end) == (at(25, 10), at(25, 11))
    assert (
        emulator.event(ALICE, moved)["originalStartTime"]["dateTime"] == "2025-03-24T09:00:00+01:00"
    )  # type: ignore[index]


def test_deleting_a_series_removes_the_master_only(
    harness: GmailHarness, mailbox: GmailMailbox
) -> None:
    series = harness.seed(ALICE, weekly("Weekly"))
    harness.remove_occurrence(ALICE, series, at(17, 9))
    cursor = mailbox.pull(None).cursor
    harness.remove(ALICE, series)
    delta = mailbox.pull(cursor)
    assert [(r.id, r.series_id) for r in delta.removed] == [(series, None)]
    assert delta.changed == ()


def test_expired_sync_token_raises_and_a_full_pull_duplicates_nothing(
    harness: GmailHarness, mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    one = harness.seed(ALICE, single("One", counterpart_id="00U1"))
    first = mailbox.pull(None)
    emulator.expire_sync_tokens()
    with pytest.raises(CursorExpiredError):
        mailbox.pull(first.cursor)
    again = mailbox.pull(None)
    assert again.full
    assert [(i.ref.id, i.counterpart_id) for i in again.changed if i.ref] == [(one, "00U1")]


def test_a_410_in_the_middle_of_paging(
    harness: GmailHarness,
    mailbox: GmailMailbox,
    emulator: GoogleEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pull, "PAGE_SIZE", 2)
    seeded = [
        harness.seed(ALICE, single(f"S{n}", day=10 + n, counterpart_id=f"cp{n}")) for n in range(5)
    ]
    cursor = mailbox.pull(None).cursor
    for event_id in seeded:
        harness.edit(ALICE, event_id, location="Room 2")

    # Google forgets the token after serving the first page of the incremental listing.
    pages: list[HttpRequest] = []
    handle = emulator.handle

    def forget_after_first_page(request: HttpRequest) -> HttpResponse:
        answer = handle(request)
        if request.param("syncToken") and "/events" in request.path and request.method == "GET":
            pages.append(request)
            if len(pages) == 1:
                emulator.expire_sync_tokens()
        return answer

    emulator.handle = forget_after_first_page  # type: ignore[method-assign]
    with pytest.raises(CursorExpiredError):
        mailbox.pull(cursor)
    assert len(pages) == 2 and pages[1].param("pageToken")  # page 2 carried the token again
    emulator.handle = handle  # type: ignore[method-assign]

    full = mailbox.pull(None)
    assert full.full
    assert sorted(i.ref.id for i in full.changed if i.ref) == sorted(seeded)
    assert {i.counterpart_id for i in full.changed} == {f"cp{n}" for n in range(5)}
    assert all(i.location == "Room 2" for i in full.changed)


def test_paging_returns_the_sync_token_of_the_last_page_only(
    harness: GmailHarness,
    mailbox: GmailMailbox,
    emulator: GoogleEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pull, "PAGE_SIZE", 2)
    for n in range(5):
        harness.seed(ALICE, single(f"S{n}", day=10 + n))
    delta = mailbox.pull(None)
    assert len(delta.changed) == 5
    assert emulator.counts["calendar.events.list"] == 3
    assert mailbox.pull(delta.cursor).changed == ()


def test_initial_sync_requests_the_documented_parameters(
    mailbox: GmailMailbox, wire: list[HttpRequest]
) -> None:
    mailbox.pull(None)
    (listing,) = [r for r in wire if r.path.endswith("/events")]
    assert listing.query["singleEvents"] == ["false"]
    assert listing.query["showDeleted"] == ["true"]
    assert listing.query["maxResults"] == ["2500"]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_all_day_items_are_never_shifted(
    harness: GmailHarness, emulator: GoogleEmulator, zone: str
) -> None:
    address = f"far@{zone.split('/')[1].lower()}.example"
    provider = harness.open_mailbox(address, zone=zone)
    seeded = emulator.seed_event(address, all_day("2025-12-31", "2026-01-02", summary="Seeded"))
    from calsync.model import CalendarItem
    from calsync.providers import Write

    (written,) = provider.write(
        [
            Write.create(
                CalendarItem(start=date(2025, 1, 1), end=date(2025, 1, 2), subject="New Year")
            )
        ]
    )
    assert written.ref is not None
    stored = emulator.event(address, written.ref.id)
    assert stored is not None
    assert (stored["start"], stored["end"]) == ({"date": "2025-01-01"}, {"date": "2025-01-02"})

    items = by_subject(provider.pull(None).changed)
    assert (items["Seeded"].start, items["Seeded"].end) == (date(2025, 12, 31), date(2026, 1, 2))
    assert (items["New Year"].start, items["New Year"].end) == (date(2025, 1, 1), date(2025, 1, 2))
    assert items["Seeded"].zone is None and items["Seeded"].is_all_day
    read = harness.read(address, seeded)
    assert read is not None and read.start == date(2025, 12, 31)


def test_all_day_series_and_its_cancelled_day(
    harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    address = "far@kiritimati.example"
    provider = harness.open_mailbox(address, zone="Pacific/Kiritimati")
    body = all_day(
        "2025-03-03", "2025-03-04", summary="Daily", recurrence=["RRULE:FREQ=DAILY;COUNT=5"]
    )
    series = emulator.seed_event(address, body)
    emulator.delete_event(address, f"{series}_20250305")
    (master,) = provider.pull(None).changed
    assert master.recurrence is not None
    assert master.recurrence.zone is None
    assert master.recurrence.exclusions == (date(2025, 3, 5),)


def test_timed_values_without_a_zone_take_the_calendar_zone(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    emulator.seed_event(
        ALICE,
        {
            "start": {"dateTime": "2025-03-10T08:00:00Z"},
            "end": {"dateTime": "2025-03-10T09:00:00Z"},
        },
    )
    (item,) = mailbox.pull(None).changed
    assert item.zone == "Europe/Copenhagen"
    assert item.start == datetime(2025, 3, 10, 9, tzinfo=CPH)


def test_events_keep_their_own_zone(mailbox: GmailMailbox, emulator: GoogleEmulator) -> None:
    emulator.seed_event(
        ALICE,
        timed("2025-03-05T09:00:00-05:00", "2025-03-05T10:00:00-05:00", tz="America/New_York"),
    )
    (item,) = mailbox.pull(None).changed
    assert item.zone == "America/New_York"
    assert item.start.utcoffset().total_seconds() == -5 * 3600  # type: ignore[union-attr]
