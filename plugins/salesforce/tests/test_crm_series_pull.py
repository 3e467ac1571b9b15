"""Series read back: Classic headers, occurrences and exceptions; Lightning event series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sfp_support import weekly

from calsync.emulation import FrozenClock
from calsync.model import ItemKind
from calsync.providers import Removal
from calsync.recurrence import RecurrenceModel
from calsync_salesforce.harness import SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm

MONDAY = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
STARTS = [
    MONDAY,
    MONDAY + timedelta(days=2),
    datetime(2026, 3, 30, 7, tzinfo=UTC),
    datetime(2026, 4, 1, 7, tzinfo=UTC),
]


def occurrence_ids(harness: SalesforceCrmHarness, header: str) -> list[str]:
    return [
        str(e["Id"])
        for e in harness.org.events()
        if e["RecurrenceActivityId"] == header and e["Id"] != header
    ]


def test_a_classic_series_reads_as_a_header_and_its_occurrences(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    header = harness.seed(owner, weekly(counterpart_id="mbx-s"))
    changed = crm.pull(None, owner=owner).changed
    [master] = [i for i in changed if i.kind is ItemKind.SERIES]
    assert master.ref is not None and master.ref.id == header
    assert master.recurrence is not None
    assert master.recurrence.model is RecurrenceModel.CRM_CLASSIC
    assert master.recurrence.zone == master.zone == "Europe/Berlin"
    assert master.recurrence.rule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;UNTIL=20260401T215959Z"
    assert master.recurrence.exclusions == ()
    assert master.counterpart_id == "mbx-s"
    assert (master.start, master.end) == (MONDAY, MONDAY + timedelta(minutes=15))
    occurrences = [i for i in changed if i.kind is ItemKind.OCCURRENCE]
    assert [o.original_start for o in occurrences] == STARTS
    assert {o.series_id for o in occurrences} == {header}
    assert list(master.recurrence.starts(master.start)) == STARTS


def test_edited_and_moved_occurrences_are_exceptions(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    header = harness.seed(owner, weekly())
    _, second, third, _ = occurrence_ids(harness, header)
    cursor = crm.pull(None, owner=owner).cursor
    clock.advance(10)
    harness.edit(second, subject="Special")
    harness.edit(
        third, start=STARTS[2] + timedelta(days=1), end=STARTS[2] + timedelta(days=1, minutes=15)
    )
    delta = crm.pull(cursor, owner=owner)
    by_id = {i.ref.id: i for i in delta.changed if i.ref}
    assert set(by_id) == {second, third}
    assert by_id[second].kind is ItemKind.EXCEPTION and by_id[second].original_start == STARTS[1]
    assert by_id[third].kind is ItemKind.EXCEPTION and by_id[third].original_start == STARTS[2]
    assert by_id[third].start == STARTS[2] + timedelta(days=1)
    assert by_id[third].series_id == header


def test_a_deleted_occurrence_is_an_exclusion_of_its_listed_header(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    header = harness.seed(owner, weekly())
    second = occurrence_ids(harness, header)[1]
    cursor = crm.pull(None, owner=owner).cursor
    clock.advance(10)
    harness.remove(second)
    delta = crm.pull(cursor, owner=owner)
    assert delta.removed == (Removal(id=second, series_id=header, original_start=STARTS[1]),)
    [master] = delta.changed
    assert master.kind is ItemKind.SERIES and master.recurrence is not None
    assert master.recurrence.exclusions == (STARTS[1],)
    assert crm.fetch([header])[header].recurrence.exclusions == (STARTS[1],)  # type: ignore[union-attr]


def test_a_deleted_series_is_one_removal(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    header = harness.seed(owner, weekly())
    cursor = crm.pull(None, owner=owner).cursor
    clock.advance(10)
    harness.remove(header)
    delta = crm.pull(cursor, owner=owner)
    assert delta.removed == (Removal(id=header),)
    assert delta.changed == ()


def test_a_pattern_change_replaces_occurrences_without_cancelling_them(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    header = harness.seed(owner, weekly())
    cursor = crm.pull(None, owner=owner).cursor
    clock.advance(10)
    harness.edit(header, recurrence=weekly("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=6").recurrence)
    delta = crm.pull(cursor, owner=owner)
    assert delta.removed == ()
    [master] = [i for i in delta.changed if i.kind is ItemKind.SERIES]
    assert master.recurrence is not None and "BYDAY=MO,WE,FR" in master.recurrence.rule
    assert len([i for i in delta.changed if i.kind is ItemKind.OCCURRENCE]) == 6


def test_lightning_series_read_as_the_newer_model(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    first = harness.seed(owner, weekly(model=RecurrenceModel.CRM_EVENT_SERIES))
    changed = crm.pull(None, owner=owner).changed
    # Four occurrence records; the series' pattern record (GroupEventType 3) is no event.
    assert len(changed) == 4
    [master] = [i for i in changed if i.kind is ItemKind.SERIES]
    assert master.ref is not None and master.ref.id == first
    assert master.recurrence is not None
    assert master.recurrence.model is RecurrenceModel.CRM_EVENT_SERIES
    assert master.recurrence.rule == "FREQ=WEEKLY;BYDAY=MO,WE;INTERVAL=1;COUNT=4"
    assert all(i.series_id == first for i in changed if i.kind is ItemKind.OCCURRENCE)


def test_lightning_members_changed_alone_still_know_their_series(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    # The series started a week ago: its second occurrence (Wednesday 25 February) is past.
    start = datetime(2026, 2, 23, 8, tzinfo=UTC)
    first = harness.seed(owner, weekly(model=RecurrenceModel.CRM_EVENT_SERIES, start=start))
    cursor = crm.pull(None, owner=owner).cursor
    clock.advance(10)
    second = next(
        e["Id"]
        for e in harness.org.events()
        if e["StartDateTime"] == start + timedelta(days=2) and e.get("GroupEventType") != "3"
    )
    harness.edit(second, subject="Past, edited")
    [item] = crm.pull(cursor, owner=owner).changed
    assert item.kind is ItemKind.EXCEPTION and item.series_id == first
