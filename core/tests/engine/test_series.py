"""B. Recurring series: EX-06, EX-07, EX-08."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from calsync.model import CalendarItem, CrmLinks, ItemKind
from calsync.recurrence import Recurrence

from .conftest import NOW, Org, meeting

BERLIN = ZoneInfo("Europe/Berlin")
#: Mondays 10:00 Berlin from two weeks ago, six times: two past, four to come.
FIRST = datetime(2027, 2, 15, 10, tzinfo=BERLIN)


def weekly_series(subject: str = "Team sync", count: int = 6, **kw: object) -> CalendarItem:
    values: dict[str, object] = {
        "start": FIRST,
        "end": FIRST + timedelta(hours=1),
        "subject": subject,
        "zone": "Europe/Berlin",
        "kind": ItemKind.SERIES,
        "recurrence": Recurrence(rule=f"FREQ=WEEKLY;COUNT={count}", zone="Europe/Berlin"),
    }
    values.update(kw)
    return CalendarItem(**values)  # type: ignore[arg-type]


def occurrences(org: Org, series_id: str) -> list[CalendarItem]:
    return sorted((e for e in org.crm.items() if e.series_id == series_id), key=lambda e: e.start)  # type: ignore[arg-type, return-value]


class TestEX06SeriesChangedInTheMailbox:
    def test_only_future_occurrences_change_in_the_crm(self, org: Org) -> None:
        series = org.mail.seed("alice@example.com", weekly_series(location="Room 1"))
        org.settle()
        [header] = org.crm_events()
        assert header.kind is ItemKind.SERIES and len(occurrences(org, header.ref.id)) == 6  # type: ignore[union-attr]
        account = org.crm.add_account("ACME")
        org.crm.edit(header.ref.id, links=CrmLinks(what_id=account))  # type: ignore[union-attr]
        org.settle()
        org.mail.edit("alice@example.com", series, location="Room 2", body="New agenda")
        org.settle()
        rows = occurrences(org, header.ref.id)  # type: ignore[union-attr]
        past, future = [r for r in rows if r.start < NOW], [r for r in rows if r.start >= NOW]  # type: ignore[operator]
        assert len(past) == 2 and len(future) == 4
        assert {r.location for r in past} == {"Room 1"} and {r.body for r in past} == {""}
        assert {r.location for r in future} == {"Room 2"} and {r.body for r in future} == {
            "New agenda"
        }
        assert {r.links.what_id for r in future} == {account}
        assert org.mail.invitations_sent() == 0

    def test_modified_future_occurrences_are_reset_too(self, org: Org) -> None:
        series = org.mail.seed("alice@example.com", weekly_series())
        org.settle()
        [header] = org.crm_events()
        third = occurrences(org, header.ref.id)[3]  # type: ignore[union-attr]
        org.crm.edit(third.ref.id, location="Off-site")  # type: ignore[union-attr]
        org.settle()
        org.mail.edit("alice@example.com", series, location="HQ")
        org.settle()
        assert org.crm.read(third.ref.id).location == "HQ"  # type: ignore[union-attr]

    def test_a_moved_occurrence_moves_its_crm_occurrence(self, org: Org) -> None:
        series = org.mail.seed("alice@example.com", weekly_series())
        org.settle()
        original = FIRST + timedelta(weeks=3)
        moved = original + timedelta(hours=2)
        org.mail.edit_occurrence(
            "alice@example.com",
            series,
            original,
            start=moved,
            end=moved + timedelta(hours=1),
            subject="Moved",
        )
        org.settle()
        [header] = org.crm_events()
        row = next(r for r in occurrences(org, header.ref.id) if r.original_start == original)  # type: ignore[union-attr]
        assert (row.start, row.subject, row.kind) == (moved, "Moved", ItemKind.EXCEPTION)

    def test_a_cancelled_occurrence_goes_from_the_crm_series(self, org: Org) -> None:
        series = org.mail.seed("alice@example.com", weekly_series())
        org.settle()
        org.mail.remove_occurrence("alice@example.com", series, FIRST + timedelta(weeks=4))
        org.settle()
        [header] = org.crm_events()
        starts = [r.original_start for r in occurrences(org, header.ref.id)]  # type: ignore[union-attr]
        assert FIRST + timedelta(weeks=4) not in starts and len(starts) == 5

    def test_a_crm_series_comes_down_with_its_exceptions_and_cancellations(self, org: Org) -> None:
        header = org.crm.seed(org.users["alice"], weekly_series("CRM weekly"))
        rows = occurrences(org, header)
        org.crm.edit(rows[4].ref.id, location="Moved room")  # type: ignore[union-attr]
        org.crm.remove(rows[5].ref.id)  # type: ignore[union-attr]
        org.settle()
        items = org.mail.items("alice@example.com")
        master = next(i for i in items if i.kind is ItemKind.SERIES)
        exception = next(i for i in items if i.kind is ItemKind.EXCEPTION)
        assert exception.location == "Moved room" and exception.original_start == FIRST + timedelta(
            weeks=4
        )
        assert (
            master.recurrence is not None
            and FIRST + timedelta(weeks=5) in master.recurrence.exclusions
        )


class TestEX07Conversion:
    def test_a_synced_single_that_became_a_series_is_left_alone(self, org: Org) -> None:
        item = org.mail.seed("alice@example.com", meeting("One-off"))
        org.settle()
        org.mail.edit(
            "alice@example.com",
            item,
            kind=ItemKind.SERIES,
            recurrence=Recurrence(rule="FREQ=DAILY;COUNT=3", zone="UTC"),
        )
        org.settle()
        [event] = org.crm_events()
        assert event.kind is ItemKind.SINGLE and event.subject == "One-off"
        assert (
            org.issue_codes() == ["SERIES_CONVERSION_UNSUPPORTED"]
            and org.mail.marker("alice@example.com", item).flagged
        )

    def test_a_synced_series_that_became_single_is_left_alone(self, org: Org) -> None:
        series = org.mail.seed("alice@example.com", weekly_series())
        org.settle()
        org.mail.edit("alice@example.com", series, kind=ItemKind.SINGLE, recurrence=None)
        org.settle()
        assert [e.kind for e in org.crm_events()] == [ItemKind.SERIES]
        assert org.issue_codes() == ["SERIES_CONVERSION_UNSUPPORTED"]


class TestEX08Strategy:
    def test_series_strategy_keeps_one_crm_series(self, org: Org) -> None:
        org.mail.seed("alice@example.com", weekly_series())
        org.settle()
        assert [e.kind for e in org.crm_events()] == [ItemKind.SERIES]

    def test_instances_strategy_gives_each_occurrence_one_single_event(self, org: Org) -> None:
        org.configure({"recurrence": "instances"})
        series = org.mail.seed("alice@example.com", weekly_series(count=4))
        org.mail.edit_occurrence(
            "alice@example.com", series, FIRST + timedelta(weeks=1), subject="Special"
        )
        org.settle()
        events = sorted(org.crm_events(), key=lambda e: e.start)  # type: ignore[arg-type, return-value]
        assert [e.kind for e in events] == [ItemKind.SINGLE] * 4
        assert [e.start for e in events] == [FIRST + timedelta(weeks=n) for n in range(4)]
        assert [e.subject for e in events] == ["Team sync", "Special", "Team sync", "Team sync"]
        assert len({e.counterpart_id for e in events}) == 4
        org.mail.remove_occurrence("alice@example.com", series, FIRST + timedelta(weeks=2))
        org.settle()
        assert len(org.crm_events()) == 3
