"""Pulling a user's events: the full listing, deltas, the cursor, and conversions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sfp_support import T0, all_day, stored, timed

from calsync.emulation import FrozenClock
from calsync.errors import CursorExpiredError
from calsync.model import CrmLinks, ItemKind, Privacy, ShowAs
from calsync.providers import Removal
from calsync_salesforce.harness import SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm


def test_a_full_pull_lists_every_event_the_user_owns(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    other = harness.add_user("someone@acme.test")
    contact, second = harness.add_contact("c@x.test"), harness.add_contact("d@x.test")
    account = harness.add_account("Client Ltd")
    event_id = harness.seed(
        owner,
        timed(
            subject="Review",
            body="Notes",
            location="Room 2",
            show_as=ShowAs.OUT_OF_OFFICE,
            counterpart_id="mbx-1",
            links=CrmLinks(who_ids=(contact, second), what_id=account),
        ),
    )
    harness.seed(owner, timed(subject="Private", privacy=Privacy.PRIVATE))
    harness.seed(other, timed(subject="Not mine"))
    delta = crm.pull(None, owner=owner)
    assert delta.full and delta.removed == ()
    assert sorted(i.subject for i in delta.changed) == ["Private", "Review"]
    review = next(i for i in delta.changed if i.subject == "Review")
    assert review.ref is not None and review.ref.id == event_id
    assert review.ref.provider == "salesforce"
    assert review.ref.change_token == "2026-03-02T09:00:00.000+0000"
    assert (review.start, review.end) == (T0, T0 + timedelta(hours=1))
    assert review.zone == "Europe/Berlin"  # the owner's TimeZoneSidKey
    assert (review.body, review.location, review.show_as) == (
        "Notes",
        "Room 2",
        ShowAs.OUT_OF_OFFICE,
    )
    assert review.links == CrmLinks(who_ids=(contact, second), what_id=account)
    assert (review.counterpart_id, review.owner, review.attendee_copy) == ("mbx-1", owner, False)
    assert review.kind is ItemKind.SINGLE
    private = next(i for i in delta.changed if i.subject == "Private")
    assert private.privacy is Privacy.PRIVATE


def test_all_day_events_read_as_floating_dates(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.org.insert_event(
        {
            "Subject": "Fair",
            "IsAllDayEvent": True,
            "ActivityDate": "2026-03-05",
            "EndDateTime": "2026-03-06T00:00:00Z",
        },
        owner=owner,
    )
    [item] = crm.pull(None, owner=owner).changed
    assert (item.start, item.end, item.zone) == (date(2026, 3, 5), date(2026, 3, 7), None)
    assert item.is_all_day


def test_attendee_copies_are_marked(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    bob = harness.add_user("bob@acme.test", zone="America/New_York")
    harness.seed(owner, timed(subject="Meeting"), invitees=(bob,))
    [copy] = crm.pull(None, owner=bob).changed
    assert copy.attendee_copy and copy.owner == bob and copy.zone == "America/New_York"
    [original] = crm.pull(None, owner=owner).changed
    assert not original.attendee_copy


def test_deltas_report_changes_once_and_deletions(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    kept = harness.seed(owner, timed(subject="Kept"))
    gone = harness.seed(owner, timed(subject="Gone"))
    cursor = crm.pull(None, owner=owner).cursor
    assert crm.pull(cursor, owner=owner).changed == ()  # nothing new, despite the overlap
    clock.advance(30)
    harness.edit(kept, subject="Changed")
    harness.remove(gone)
    delta = crm.pull(cursor, owner=owner)
    assert not delta.full
    assert [i.subject for i in delta.changed] == ["Changed"]
    assert delta.changed[0].ref is not None
    assert delta.changed[0].ref.change_token == "2026-03-02T09:00:30.000+0000"
    assert delta.removed == (Removal(id=gone),)
    # Reported once: the next pull from the new cursor has nothing, though within the overlap.
    later = crm.pull(delta.cursor, owner=owner)
    assert later.changed == () and later.removed == ()


def test_a_change_stamped_before_the_mark_is_not_missed(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    clock.advance(60)
    harness.seed(owner, timed(subject="First"))
    cursor = crm.pull(None, owner=owner).cursor
    # A transaction that started earlier commits now, with an older SystemModstamp.
    clock.set(datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC))
    harness.seed(owner, timed(subject="Late"))
    assert [i.subject for i in crm.pull(cursor, owner=owner).changed] == ["Late"]


def test_old_or_foreign_cursors_are_refused(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    cursor = crm.pull(None, owner=owner).cursor
    with pytest.raises(CursorExpiredError):
        crm.pull("not-a-cursor", owner=owner)
    clock.advance(timedelta(days=15))
    with pytest.raises(CursorExpiredError):
        crm.pull(cursor, owner=owner)
    assert crm.pull(None, owner=owner).full


def test_a_cursor_older_than_a_recycle_bin_purge_is_refused(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    """Deletions purged from a full recycle bin are lost to queryAll: the delete log's
    earliestDateAvailable tells, and the cursor is refused (the engine then lists again)."""
    harness.org.configure(recycle_bin_capacity=1)
    gone = harness.seed(owner, timed(subject="Gone"))
    busy = harness.add_user("busy@acme.test")
    others = [harness.seed(busy, timed(subject=f"Other {n}")) for n in range(3)]
    cursor = crm.pull(None, owner=owner).cursor
    clock.advance(60)
    for event_id in (gone, *others):
        harness.remove(event_id)
    clock.advance(timedelta(hours=3))
    fresh = crm.pull(None, owner=owner).cursor  # the bin is purged as this pull is answered
    harness.emulator.reset_counts()
    with pytest.raises(CursorExpiredError, match="purged Event deletions"):
        crm.pull(cursor, owner=owner)
    assert harness.emulator.counts["sobjects.deleted"] == 1
    # A cursor issued after the purge is still good.
    clock.advance(60)
    assert crm.pull(fresh, owner=owner).removed == ()


def test_a_cursor_older_than_an_emptied_recycle_bin_is_refused(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    gone = harness.seed(owner, timed(subject="Gone"))
    cursor = crm.pull(None, owner=owner).cursor
    clock.advance(60)
    harness.remove(gone)
    harness.org.empty_recycle_bin()  # an administrator's emptyRecycleBin()
    clock.advance(60)
    with pytest.raises(CursorExpiredError, match="purged Event deletions"):
        crm.pull(cursor, owner=owner)


def test_long_results_are_paged(harness: SalesforceCrmHarness, owner: str) -> None:
    crm = SalesforceCrm(harness.client, clock=harness.emulator.clock.now, query_batch_size=200)
    for n in range(450):
        harness.org.insert_event(
            {"Subject": f"E{n}", "StartDateTime": T0, "DurationInMinutes": 30}, owner=owner
        )
    harness.emulator.reset_counts()
    assert len(crm.pull(None, owner=owner).changed) == 450
    assert harness.emulator.counts["queryMore"] == 2


def test_the_query_is_scoped_and_ordered(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    """The wire shape of the delta query (research notes §4.2, §4.5)."""
    cursor = crm.pull(None, owner=owner).cursor
    seen: list[str] = []
    crm.connection.query_all = lambda soql, **kw: (seen.append(soql), {"records": []})[1]  # type: ignore[method-assign]
    crm.pull(cursor, owner=owner)
    [soql] = seen
    assert soql.startswith("SELECT Id, OwnerId, Subject")
    assert f"FROM Event WHERE OwnerId = '{owner}'" in soql
    assert soql.endswith("ORDER BY SystemModstamp, Id")


def test_fetch_returns_current_items(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    first = harness.seed(owner, all_day(date(2026, 3, 9), subject="Day"))
    second = harness.seed(owner, timed(subject="Gone"))
    harness.remove(second)
    found = crm.fetch([first, second])
    assert list(found) == [first]
    assert stored(harness, first)["Subject"] == found[first].subject == "Day"


def test_an_event_no_calendar_item_can_be_is_an_invalid_reply(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    from calsync.errors import InvalidReplyError

    event_id = harness.seed(owner, timed())
    record = harness.org.store.get("Event", event_id)
    assert record is not None
    harness.org.store.put(
        "Event", {**record, "RecurrenceActivityId": event_id, "IsRecurrence": True}
    )
    with pytest.raises(InvalidReplyError, match=event_id):
        crm.pull(None, owner=owner)
