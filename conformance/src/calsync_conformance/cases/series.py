"""B. Recurring series: EX-06, EX-07, EX-08."""

from __future__ import annotations

from datetime import datetime, timedelta

from calsync.model import CalendarItem, CrmLinks, ItemKind
from calsync.policy import RecurrenceStrategy
from calsync.providers import Capability
from calsync.recurrence import Recurrence
from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario


def weekly(
    s: Scenario, subject: str, *, count: int = 6, weeks_ago: int = 2, **fields: object
) -> CalendarItem:
    """A weekly series that started ``weeks_ago`` weeks ago."""
    start = s.at(-7 * weeks_ago + 0.5)
    values: dict[str, object] = {
        "start": start,
        "end": start + timedelta(hours=1),
        "subject": subject,
        "zone": "Europe/Berlin",
        "kind": ItemKind.SERIES,
        "recurrence": Recurrence(rule=f"FREQ=WEEKLY;COUNT={count}", zone="Europe/Berlin"),
    }
    values.update(fields)
    return CalendarItem(**values)  # type: ignore[arg-type]


def occurrences(s: Scenario, header_id: str) -> list[CalendarItem]:
    """The CRM's occurrence records of a series, in order."""
    return sorted((e for e in s.crm.items() if e.series_id == header_id), key=lambda e: e.start)  # type: ignore[arg-type, return-value]


@case("EX-06", "A series changed in the mailbox", requires={Capability.RECURRENCE})
def series_changed(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    series = s.mail.seed(alice, weekly(s, "Team sync", location="Room 1"))
    s.settle()
    [header] = s.crm_events()
    assert header.kind is ItemKind.SERIES and header.ref is not None
    account = s.crm.add_account("ACME")
    s.crm.edit(header.ref.id, links=CrmLinks(what_id=account))
    s.settle()
    s.mail.edit(alice, series, location="Room 2", body="New agenda")
    s.settle()
    now = datetime.now(tz=s.now.tzinfo)
    rows = occurrences(s, header.ref.id)
    past = [r for r in rows if r.start < now]  # type: ignore[operator]
    future = [r for r in rows if r.start >= now]  # type: ignore[operator]
    assert past and future, "the series has past and future occurrences"
    assert {r.location for r in past} == {"Room 1"}, "past CRM occurrences keep their values"
    assert {r.location for r in future} == {"Room 2"} and {r.body for r in future} == {"New agenda"}
    assert {r.links.what_id for r in future} == {account}, (
        "the related record is reset from the series"
    )
    moved_from = future[-1].original_start
    assert moved_from is not None and isinstance(moved_from, datetime)
    s.mail.edit_occurrence(
        alice,
        series,
        moved_from,
        start=moved_from + timedelta(hours=2),
        end=moved_from + timedelta(hours=3),
    )
    s.mail.remove_occurrence(alice, series, future[0].original_start)  # type: ignore[arg-type]
    s.settle()
    rows = {r.original_start: r for r in occurrences(s, header.ref.id)}
    assert rows[moved_from].start == moved_from + timedelta(hours=2), (
        "a moved occurrence moves in the CRM"
    )
    assert future[0].original_start not in rows, "a cancelled occurrence goes from the CRM"


@case("EX-07", "Single <-> series conversion", requires={Capability.RECURRENCE})
def conversion(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    single = s.mail.seed(alice, s.item("One-off"))
    series = s.mail.seed(alice, weekly(s, "Series"))
    s.settle()
    s.mail.edit(
        alice,
        single,
        kind=ItemKind.SERIES,
        recurrence=Recurrence(rule="FREQ=DAILY;COUNT=3", zone="Europe/Berlin"),
    )
    s.mail.edit(alice, series, kind=ItemKind.SINGLE, recurrence=None, subject="Series now single")
    s.settle()
    kinds = {e.subject: e.kind for e in s.crm_events()}
    assert kinds == {"One-off": ItemKind.SINGLE, "Series": ItemKind.SERIES}, (
        "the CRM counterparts are left unchanged"
    )
    assert s.codes() == ["SERIES_CONVERSION_UNSUPPORTED"] * 2
    assert s.flagged(single) and s.flagged(series)


@case("EX-08", "Series or separate occurrences", requires={Capability.RECURRENCE})
def strategy(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.configure(recurrence=RecurrenceStrategy.INSTANCES)
    series = s.mail.seed(alice, weekly(s, "Standup", count=4, weeks_ago=0))
    start = s.at(0.5)
    s.mail.edit_occurrence(alice, series, start + timedelta(weeks=1), subject="Special")
    s.settle()
    events = sorted(s.crm_events(), key=lambda e: e.start)  # type: ignore[arg-type, return-value]
    assert [e.kind for e in events] == [ItemKind.SINGLE] * 4
    assert [e.start for e in events] == [start + timedelta(weeks=n) for n in range(4)]
    assert [e.subject for e in events] == ["Standup", "Special", "Standup", "Standup"]
    s.mail.remove_occurrence(alice, series, start + timedelta(weeks=2))
    s.settle()
    assert len(s.crm_events()) == 3, "each occurrence has exactly one counterpart"


def moved_series(s: Scenario) -> tuple[str, str, datetime]:
    """A weekly series in the mailbox, synced, whose third occurrence moved by two hours."""
    alice = s.add_mailbox("alice")
    series = s.mail.seed(alice, weekly(s, "Planning", weeks_ago=0, location="Room 1"))
    moved = s.at(0.5) + timedelta(weeks=2)
    s.mail.edit_occurrence(
        alice, series, moved, start=moved + timedelta(hours=2), end=moved + timedelta(hours=3)
    )
    s.settle()
    return alice, series, moved


@case(
    "EX-06-moved",
    "A series changed in the mailbox resets its moved occurrence once",
    requires={Capability.RECURRENCE},
)
def series_change_with_a_moved_occurrence(s: Scenario) -> None:
    alice, series, moved = moved_series(s)
    mailbox_before = {(o.original_start, o.location) for o in s.mail.items(alice) if o.series_id}
    s.mail.edit(alice, series, location="Room 2")
    [report] = s.settle()  # the pass after the edit writes it; no later pass writes anything
    assert report.synced_down == 0, "nothing goes back to the mailbox"
    [header] = s.crm_events()
    assert header.ref is not None
    rows = {r.original_start: r for r in occurrences(s, header.ref.id)}
    assert rows[moved].start == moved + timedelta(hours=2), "the moved occurrence stays moved"
    now = datetime.now(tz=s.now.tzinfo)
    assert {r.location for r in rows.values() if r.start >= now} == {"Room 2"}, (  # type: ignore[operator]
        "EX-06 resets the location of every future occurrence, the moved one included"
    )
    held = s.mail.items(alice)
    assert {(o.original_start, o.location) for o in held if o.series_id} <= mailbox_before | {
        (o.original_start, "Room 2") for o in held if o.series_id
    }, "calsync wrote nothing to the mailbox's occurrences"


@case(
    "EX-06-instances",
    "Separate occurrences: a series change resets the moved one too",
    requires={Capability.RECURRENCE},
)
def instances_change_with_a_moved_occurrence(s: Scenario) -> None:
    s.configure(recurrence=RecurrenceStrategy.INSTANCES)
    alice, series, moved = moved_series(s)
    s.mail.edit(alice, series, location="Room 2", body="New agenda")
    [report] = s.settle()
    assert report.synced_down == 0, "nothing goes back to the mailbox"
    events = {e.start: e for e in s.crm_events()}
    assert len(events) == 6, "each occurrence has exactly one counterpart"
    shifted = events[moved + timedelta(hours=2)]
    assert (shifted.location, shifted.body) == ("Room 2", "New agenda"), (
        "EX-06 resets description and location of every future occurrence, the moved one included"
    )
    now = datetime.now(tz=s.now.tzinfo)
    assert {e.location for e in events.values() if e.start >= now} == {"Room 2"}  # type: ignore[operator]
