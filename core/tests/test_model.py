"""Calendar items refuse invalid values and say which field is wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calsync.errors import InvalidItemError
from calsync.model import CalendarItem, CrmLinks, ItemKind, Participant, Privacy
from calsync.recurrence import Recurrence

BERLIN = ZoneInfo("Europe/Berlin")


def timed(**kw: object) -> CalendarItem:
    values: dict[str, object] = {
        "start": datetime(2027, 3, 1, 9, tzinfo=BERLIN),
        "end": datetime(2027, 3, 1, 10, tzinfo=BERLIN),
        "subject": "Kickoff",
        "zone": "Europe/Berlin",
    }
    values.update(kw)
    return CalendarItem(**values)  # type: ignore[arg-type]


def test_a_valid_timed_item_keeps_its_zone_and_knows_its_duration() -> None:
    item = timed()
    assert item.zone == "Europe/Berlin"
    assert item.duration == timedelta(hours=1)
    assert not item.is_all_day
    assert item.is_appointment


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"end": datetime(2027, 3, 1, 8, tzinfo=BERLIN)}, "end", "before start"),
        ({"start": datetime(2027, 3, 1, 9)}, "start", "naive"),
        ({"end": date(2027, 3, 2)}, "end", "both be datetimes or both be dates"),
        ({"kind": ItemKind.SERIES}, "recurrence", "needs a recurrence"),
        (
            {"recurrence": Recurrence(rule="FREQ=DAILY;COUNT=2")},
            "recurrence",
            "only a series master",
        ),
        ({"kind": ItemKind.OCCURRENCE}, "series_id", "needs its series id"),
        ({"kind": ItemKind.EXCEPTION, "series_id": "M1"}, "original_start", "original start"),
        ({"original_start": date(2027, 3, 1)}, "original_start", "must be a date for all-day"),
    ],
)
def test_invalid_items_name_the_field(changes: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(InvalidItemError, match=words) as caught:
        timed(**changes)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_all_day_items_have_an_exclusive_end() -> None:
    one_day = CalendarItem(start=date(2027, 5, 4), end=date(2027, 5, 5))
    assert one_day.is_all_day and one_day.duration == timedelta(days=1)
    with pytest.raises(InvalidItemError, match="exclusive") as caught:
        CalendarItem(start=date(2027, 5, 4), end=date(2027, 5, 4))
    assert caught.value.field == "end"


def test_rrule_that_does_not_parse_is_refused_with_its_field() -> None:
    with pytest.raises(InvalidItemError, match="not a valid RRULE") as caught:
        Recurrence(rule="FREQ=FORTNIGHTLY")
    assert caught.value.field == "recurrence.rule"
    with pytest.raises(InvalidItemError, match="is empty"):
        Recurrence(rule="RRULE:")


def test_participants_are_lower_cased_and_checked() -> None:
    assert Participant(address=" Bob@Example.COM ").address == "bob@example.com"
    with pytest.raises(InvalidItemError, match="not an e-mail address"):
        Participant(address="bob")


def test_people_lists_the_organizer_first_without_repeats() -> None:
    item = timed(
        organizer=Participant(address="alice@example.com"),
        attendees=(
            Participant(address="bob@example.com"),
            Participant(address="ALICE@example.com"),
        ),
    )
    assert item.people == ("alice@example.com", "bob@example.com")
    assert not item.is_appointment


def test_occurrence_identity_is_series_and_original_start() -> None:
    start = datetime(2027, 3, 8, 9, tzinfo=BERLIN)
    item = timed(kind=ItemKind.EXCEPTION, series_id="M1", original_start=start)
    assert item.occurrence_key == ("M1", start)
    assert timed().occurrence_key is None


def test_private_flag_and_links() -> None:
    assert timed(privacy=Privacy.CONFIDENTIAL).is_private
    assert not timed().is_private
    assert CrmLinks().empty and not CrmLinks(what_id="001A").empty


def test_evolve_checks_the_new_values() -> None:
    with pytest.raises(InvalidItemError):
        timed().evolve(end=datetime(2027, 2, 1, tzinfo=UTC))


class TestExpansion:
    def test_weekly_series_keeps_wall_time_across_dst(self) -> None:
        rule = Recurrence(rule="RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3", zone="Europe/Berlin")
        starts = list(rule.starts(datetime(2027, 3, 15, 9, tzinfo=BERLIN)))
        assert [s.astimezone(BERLIN).hour for s in starts] == [9, 9, 9]  # type: ignore[union-attr]
        assert [s.utcoffset() for s in starts] == [  # type: ignore[union-attr]
            timedelta(hours=1),
            timedelta(hours=1),
            timedelta(hours=2),
        ]

    def test_exclusions_are_left_out(self) -> None:
        first = datetime(2027, 1, 4, 9, tzinfo=BERLIN)
        rule = Recurrence(
            rule="FREQ=DAILY;COUNT=4",
            zone="Europe/Berlin",
            exclusions=(datetime(2027, 1, 5, 8, tzinfo=UTC),),  # the same instant as 09:00 Berlin
        )
        assert [s.day for s in rule.starts(first)] == [4, 6, 7]

    def test_until_as_a_date_works_for_a_timed_series(self) -> None:
        rule = Recurrence(rule="FREQ=DAILY;UNTIL=20270106", zone="Europe/Berlin")
        assert [s.day for s in rule.starts(datetime(2027, 1, 4, 9, tzinfo=BERLIN))] == [4, 5, 6]

    def test_windows_zone_ids_expand_too(self) -> None:
        rule = Recurrence(rule="FREQ=WEEKLY;COUNT=2", zone="W. Europe Standard Time")
        starts = list(rule.starts(datetime(2027, 3, 22, 8, tzinfo=UTC)))
        assert [s.astimezone(BERLIN).hour for s in starts] == [9, 9]  # type: ignore[union-attr]

    def test_all_day_series_expand_over_dates(self) -> None:
        rule = Recurrence(rule="FREQ=YEARLY;COUNT=2")
        assert list(rule.starts(date(2027, 2, 28))) == [date(2027, 2, 28), date(2028, 2, 28)]

    def test_unbounded_series_need_a_limit(self) -> None:
        rule = Recurrence(rule="FREQ=DAILY")
        with pytest.raises(ValueError, match="unbounded"):
            list(rule.starts(date(2027, 1, 1)))
        assert len(list(rule.starts(date(2027, 1, 1), limit=5))) == 5
        assert list(rule.starts(date(2027, 1, 1), until=date(2027, 1, 3))) == [
            date(2027, 1, 1),
            date(2027, 1, 2),
        ]
