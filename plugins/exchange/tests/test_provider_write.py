"""Writes: batched create/update/delete, occurrences, exclusions, no meeting mail, failures."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ews_testing import ALICE
from provider_testing import berlin, utc

from calsync.emulation import Fault, FaultKind
from calsync.model import (
    AttendeeRole,
    CalendarItem,
    ItemKind,
    Participant,
    Privacy,
    ResponseStatus,
    ShowAs,
)
from calsync.providers import Write
from calsync.recurrence import Recurrence
from calsync_exchange import ExchangeMailbox
from calsync_exchange.emulator import EwsEmulator, WeeklyPattern
from calsync_exchange.emulator import Recurrence as EwsRecurrence


def _meeting(subject: str = "Kickoff", **fields: object) -> CalendarItem:
    values: dict[str, object] = {
        "subject": subject,
        "start": berlin(2025, 4, 1, 9),
        "end": berlin(2025, 4, 1, 10),
        "zone": "Europe/Berlin",
        "body": "Agenda",
        "location": "Room 1",
        "privacy": Privacy.PRIVATE,
        "show_as": ShowAs.FREE,
        "counterpart_id": "00U000000000042",
        "attendees": (
            Participant(
                address="carol@example.com", name="Carol", response=ResponseStatus.ACCEPTED
            ),
            Participant(address="room@example.com", role=AttendeeRole.RESOURCE),
        ),
    }
    values.update(fields)
    return CalendarItem(**values)  # type: ignore[arg-type]


def _series(**fields: object) -> CalendarItem:
    values: dict[str, object] = {
        "kind": ItemKind.SERIES,
        "subject": "Team sync",
        "start": berlin(2025, 3, 17, 10),
        "end": berlin(2025, 3, 17, 11),
        "zone": "Europe/Berlin",
        "recurrence": Recurrence(rule="FREQ=WEEKLY;COUNT=6", zone="Europe/Berlin"),
    }
    values.update(fields)
    return CalendarItem(**values)  # type: ignore[arg-type]


def test_creates_updates_and_deletes_go_out_in_one_call_each(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    old = emulator.seed_item(
        ALICE, subject="Old", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10)
    )
    doomed = emulator.seed_item(
        ALICE, subject="Doomed", start=utc(2025, 3, 4, 9), end=utc(2025, 3, 4, 10)
    )
    emulator.reset_counts()
    writes = [
        Write.create(_meeting("A")),
        Write.update(old, _meeting("Old v2"), frozenset({"subject", "counterpart_id"})),
        Write.create(_meeting("B")),
        Write.delete(doomed),
        Write.delete(doomed),  # already gone by the time it is applied: success too
    ]
    results = provider.write(writes)
    assert [r.ok for r in results] == [True] * 5
    created_a, updated, created_b = (r.ref for r in results[:3])
    assert results[3].ref is None and results[4].ref is None
    for ref in (created_a, updated, created_b):
        assert ref is not None and ref.provider == "exchange"
        stored = emulator.item(ALICE, ref.id)
        assert stored is not None and stored["change_key"] == ref.change_token
    assert updated is not None and updated.id == old
    assert emulator.item(ALICE, doomed) is None
    assert emulator.counts == {"GetItem": 1, "CreateItem": 1, "UpdateItem": 1, "DeleteItem": 1}
    assert emulator.invitations_sent == 0


def test_what_a_create_stores(provider: ExchangeMailbox, emulator: EwsEmulator) -> None:
    [result] = provider.write([Write.create(_meeting())])
    assert result.ref is not None
    stored = emulator.item(ALICE, result.ref.id)
    assert stored is not None
    assert (stored["subject"], stored["body"], stored["location"]) == (
        "Kickoff",
        "Agenda",
        "Room 1",
    )
    assert (stored["sensitivity"], stored["free_busy"]) == ("Private", "Free")
    assert stored["start"] == utc(2025, 4, 1, 7)
    assert stored["start_time_zone"] == "W. Europe Standard Time"
    assert [(a["email"], a["response"]) for a in stored["required_attendees"]] == [
        ("carol@example.com", "Accept")
    ]
    assert [a["email"] for a in stored["resources"]] == ["room@example.com"]
    assert stored["extended"] == {"PublicStrings:CalsyncCounterpart:String": "00U000000000042"}
    # A meeting written with attendees, and still nobody was invited.
    assert stored["is_meeting"] and emulator.invitations_sent == 0
    assert emulator.meeting_messages() == ()


def test_an_update_sets_only_the_fields_named(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    item_id = emulator.seed_item(
        ALICE,
        subject="Old",
        body="Keep me",
        location="Room 1",
        start=utc(2025, 3, 3, 9),
        end=utc(2025, 3, 3, 10),
        required=["carol@example.com"],
    )
    change = _meeting("New", body="Overwritten?", location="", attendees=())
    [result] = provider.write(
        [Write.update(item_id, change, frozenset({"subject", "location", "start", "end"}))]
    )
    assert result.ok
    stored = emulator.item(ALICE, item_id)
    assert stored is not None
    assert (stored["subject"], stored["body"], stored["location"]) == ("New", "Keep me", None)
    assert stored["start"] == utc(2025, 4, 1, 7)
    assert [a["email"] for a in stored["required_attendees"]] == ["carol@example.com"]
    assert emulator.invitations_sent == 0


def test_a_series_is_created_with_its_exclusions(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    recurrence = Recurrence(
        rule="FREQ=WEEKLY;COUNT=6",
        zone="Europe/Berlin",
        exclusions=(berlin(2025, 3, 24, 10), berlin(2025, 4, 7, 10)),
    )
    emulator.reset_counts()
    [result] = provider.write([Write.create(_series(recurrence=recurrence))])
    assert result.ref is not None
    # Nothing is read back: the answers' change keys, then the exclusions deleted.
    assert emulator.counts == {"CreateItem": 1, "DeleteItem": 1}
    stored = emulator.item(ALICE, result.ref.id)
    assert stored is not None
    assert stored["kind"] == "RecurringMaster"
    assert stored["recurrence"]["count"] == 6
    assert stored["recurrence"]["pattern"]["weekdays"] == ("Monday",)
    assert stored["deleted_occurrences"] == [utc(2025, 3, 24, 9), utc(2025, 4, 7, 8)]
    # Deleting the exclusions changed the key CreateItem answered, and DeleteItem answers
    # none: the token is unknown (the engine knows its write by what it wrote).
    assert result.ref.change_token == ""
    [pulled] = provider.pull(None).changed
    assert pulled.recurrence == recurrence.__class__(
        rule="FREQ=WEEKLY;COUNT=6",
        zone="W. Europe Standard Time",
        exclusions=pulled.recurrence.exclusions,  # type: ignore[union-attr]
    )
    assert pulled.recurrence is not None and set(pulled.recurrence.exclusions) == set(
        recurrence.exclusions
    )


def test_occurrences_are_addressed_by_series_and_original_start(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    [created] = provider.write([Write.create(_series())])
    assert created.ref is not None
    series_id = created.ref.id
    moved = CalendarItem(
        kind=ItemKind.EXCEPTION,
        series_id=series_id,
        original_start=berlin(2025, 3, 24, 10),
        subject="Moved",
        start=berlin(2025, 3, 24, 15),
        end=berlin(2025, 3, 24, 16),
        zone="Europe/Berlin",
    )
    cancelled = CalendarItem(
        kind=ItemKind.OCCURRENCE,
        series_id=series_id,
        original_start=berlin(2025, 4, 7, 10),
        start=berlin(2025, 4, 7, 10),
        end=berlin(2025, 4, 7, 11),
    )
    nowhere = moved.evolve(original_start=berlin(2025, 3, 25, 10))
    results = provider.write(
        [
            Write.update(None, moved, frozenset({"subject", "start", "end"})),
            Write.delete(None, cancelled),
            Write.delete(None, nowhere),  # no such occurrence: nothing to delete
            Write.update(None, nowhere),
        ]
    )
    assert [r.ok for r in results] == [True, True, True, False]
    assert results[0].ref is not None
    exception = emulator.item(ALICE, results[0].ref.id)
    assert exception is not None
    assert (exception["kind"], exception["subject"]) == ("Exception", "Moved")
    assert (exception["original_start"], exception["start"]) == (
        utc(2025, 3, 24, 9),
        utc(2025, 3, 24, 14),
    )
    assert exception["change_key"] == results[0].ref.change_token
    master = emulator.item(ALICE, series_id)
    assert master is not None and master["deleted_occurrences"] == [utc(2025, 4, 7, 8)]
    # Updating it again goes to the same exception.
    [again] = provider.write(
        [Write.update(None, moved.evolve(subject="Moved again"), frozenset({"subject"}))]
    )
    assert again.ref is not None and again.ref.id == results[0].ref.id
    assert emulator.item(ALICE, again.ref.id)["subject"] == "Moved again"  # type: ignore[index]


def test_an_occurrence_moved_across_a_daylight_saving_change(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    recurrence = EwsRecurrence(
        pattern=WeeklyPattern(weekdays=("Friday",)), start_date=date(2025, 3, 21), count=4
    )
    master = emulator.seed_item(
        ALICE,
        subject="Fridays",
        start=datetime(2025, 3, 21, 9),
        end=datetime(2025, 3, 21, 10),
        recurrence=recurrence,
    )
    # Friday 28 March 09:00 CET moves to Monday 31 March 09:00 CEST.
    occurrence = CalendarItem(
        kind=ItemKind.EXCEPTION,
        series_id=master,
        original_start=berlin(2025, 3, 28, 9),
        start=berlin(2025, 3, 31, 9),
        end=berlin(2025, 3, 31, 10),
        zone="W. Europe Standard Time",
    )
    [result] = provider.write([Write.update(None, occurrence, frozenset({"start", "end"}))])
    assert result.ref is not None
    stored = emulator.item(ALICE, result.ref.id)
    assert stored is not None
    assert (stored["original_start"], stored["start"]) == (utc(2025, 3, 28, 8), utc(2025, 3, 31, 7))
    pulled = provider.pull(None).changed
    assert sorted(i.kind for i in pulled) == [ItemKind.EXCEPTION, ItemKind.SERIES]
    exception = next(i for i in pulled if i.kind is ItemKind.EXCEPTION)
    assert (exception.original_start, exception.start) == (
        berlin(2025, 3, 28, 9),
        berlin(2025, 3, 31, 9),
    )


def test_changing_a_series_pattern_keeps_the_wanted_exclusions(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    [created] = provider.write(
        [
            Write.create(
                _series(
                    recurrence=Recurrence(
                        rule="FREQ=WEEKLY;COUNT=6",
                        zone="Europe/Berlin",
                        exclusions=(berlin(2025, 3, 24, 10),),
                    )
                )
            )
        ]
    )
    assert created.ref is not None
    moved = _series(
        start=berlin(2025, 3, 17, 12),
        end=berlin(2025, 3, 17, 13),
        recurrence=Recurrence(
            rule="FREQ=WEEKLY;COUNT=4", zone="Europe/Berlin", exclusions=(berlin(2025, 3, 31, 12),)
        ),
    )
    [result] = provider.write([Write.update(created.ref.id, moved)])
    assert result.ref is not None
    stored = emulator.item(ALICE, created.ref.id)
    assert stored is not None
    assert stored["recurrence"]["count"] == 4
    assert stored["deleted_occurrences"] == [utc(2025, 3, 31, 10)]
    assert result.ref.change_token == ""  # the key changed with the exclusion; not read back


def test_per_item_refusals_come_back_as_item_failures(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    too_long = _series(end=berlin(2025, 3, 26, 11))  # longer than a week: Exchange refuses
    hourly = _series(recurrence=Recurrence(rule="FREQ=HOURLY;COUNT=3"))
    results = provider.write(
        [
            Write.create(_meeting("Fine")),
            Write.create(too_long),
            Write.create(hourly),
            Write.update("AAMkbm90LWFuLWlk", _meeting("Nowhere")),
            Write.create(_meeting("Mars", zone="Mars/Olympus")),
        ]
    )
    assert results[0].ok
    failures = [r.failure for r in results[1:]]
    assert all(f is not None for f in failures)
    assert [f.code for f in failures] == ["INTERNAL_ERROR"] * 4  # type: ignore[union-attr]
    assert "ErrorCalendarDurationIsTooLong" in failures[0].message  # type: ignore[union-attr]
    assert "HOURLY" in failures[1].message  # type: ignore[union-attr]
    assert "Mars/Olympus" in failures[3].message  # type: ignore[union-attr]
    assert [i["subject"] for i in emulator.items(ALICE)] == ["Fine"]


def test_a_partial_batch_failure_fails_that_item_only(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    emulator.faults.arm(Fault(kind=FaultKind.PARTIAL_FAILURE, endpoint="CreateItem"))
    results = provider.write([Write.create(_meeting(f"Item {n}")) for n in range(3)])
    assert [r.ok for r in results] == [True, True, False]
    assert results[2].failure is not None and "ErrorItemSave" in results[2].failure.message
    assert sorted(i["subject"] for i in emulator.items(ALICE)) == ["Item 0", "Item 1"]


def test_an_empty_batch_sends_nothing(provider: ExchangeMailbox, emulator: EwsEmulator) -> None:
    assert provider.write([]) == []
    assert emulator.total_requests == 0


def test_many_writes_are_chunked_by_one_hundred(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    start = utc(2025, 5, 1, 8)
    writes = [
        Write.create(
            CalendarItem(
                subject=f"#{n}",
                start=start + timedelta(hours=n),
                end=start + timedelta(hours=n, minutes=30),
            )
        )
        for n in range(250)
    ]
    assert all(r.ok for r in provider.write(writes))
    assert emulator.counts == {"CreateItem": 3}
