"""Recurring masters: every pattern and range, expansion in the series' zone, CalendarView."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from ews_testing import ALICE, utc
from exchangelib import Account, CalendarItem, EWSDate, EWSDateTime
from exchangelib import recurrence as xr
from exchangelib.errors import ErrorCalendarDurationIsTooLong, ErrorRecurrenceHasNoOccurrence

from calsync_exchange.emulator import EwsEmulator, Recurrence, WeeklyPattern

BERLIN = ZoneInfo("Europe/Berlin")


def _series(
    account: Account, recurrence: xr.Recurrence, start: EWSDateTime, minutes: int = 30
) -> CalendarItem:
    item = CalendarItem(
        folder=account.calendar,
        subject="Series",
        start=start,
        end=start + timedelta(minutes=minutes),
        recurrence=recurrence,
    )
    item.save(send_meeting_invitations="SendToNone")
    return item


def _local_starts(emulator: EwsEmulator, start: datetime, end: datetime) -> list[datetime]:
    return [
        e["start"].astimezone(BERLIN).replace(tzinfo=None)
        for e in emulator.calendar_view(ALICE, start, end)
        if e["subject"] == "Series"
    ]


@pytest.mark.parametrize(
    ("pattern", "expected_days"),
    [
        (xr.DailyPattern(interval=2), [date(2025, 1, 6), date(2025, 1, 8), date(2025, 1, 10)]),
        (
            xr.WeeklyPattern(interval=2, weekdays=[2, 5], first_day_of_week=1),
            [date(2025, 1, 7), date(2025, 1, 10), date(2025, 1, 21)],
        ),
        (
            xr.AbsoluteMonthlyPattern(interval=1, day_of_month=31),
            [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)],
        ),
        (
            xr.RelativeMonthlyPattern(interval=1, weekday=5, week_number=5),  # last Friday
            [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 28)],
        ),
        (
            xr.RelativeMonthlyPattern(
                interval=1, weekday="Weekday", week_number=1
            ),  # first weekday
            [date(2025, 2, 3), date(2025, 3, 3), date(2025, 4, 1)],
        ),
        (
            xr.AbsoluteYearlyPattern(day_of_month=29, month=2),  # 28th in common years
            [date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28)],
        ),
        (
            xr.RelativeYearlyPattern(weekday=4, week_number=4, month=11),  # Thanksgiving
            [date(2025, 11, 27), date(2026, 11, 26), date(2027, 11, 25)],
        ),
    ],
    ids=[
        "daily",
        "weekly",
        "abs-monthly-31",
        "rel-monthly-last",
        "rel-monthly-weekday",
        "abs-yearly",
        "rel-yearly",
    ],
)
def test_each_pattern_expands_like_exchange(
    account: Account, emulator: EwsEmulator, pattern: xr.Pattern, expected_days: list[date]
) -> None:
    tz = account.default_timezone
    recurrence = xr.Recurrence(pattern=pattern, start=EWSDate(2025, 1, 6), number=3)
    master = _series(account, recurrence, EWSDateTime(2025, 1, 6, 9, tzinfo=tz))
    starts = _local_starts(emulator, utc(2025, 1, 1), utc(2027, 12, 31))
    assert [s.date() for s in starts] == expected_days
    assert all(s.hour == 9 for s in starts)
    stored = emulator.item(ALICE, master.id)
    assert stored is not None
    assert stored["kind"] == "RecurringMaster"
    # The master is anchored on its first occurrence.
    assert stored["start"].astimezone(BERLIN).date() == expected_days[0]


def test_end_date_and_no_end_ranges(account: Account, emulator: EwsEmulator) -> None:
    tz = account.default_timezone
    pattern = xr.DailyPattern(interval=1)
    _series(
        account,
        xr.Recurrence(pattern=pattern, start=EWSDate(2025, 1, 6), end=EWSDate(2025, 1, 8)),
        EWSDateTime(2025, 1, 6, 9, tzinfo=tz),
    )
    assert len(_local_starts(emulator, utc(2025, 1, 1), utc(2025, 2, 1))) == 3
    master = account.calendar.get(subject="Series")
    master.delete()
    _series(
        account,
        xr.Recurrence(pattern=pattern, start=EWSDate(2025, 1, 6)),
        EWSDateTime(2025, 1, 6, 9, tzinfo=tz),
    )
    assert len(_local_starts(emulator, utc(2030, 1, 1), utc(2030, 2, 1))) == 31
    read = account.calendar.get(subject="Series")
    assert isinstance(read.recurrence.boundary, xr.NoEndPattern)
    assert read.recurrence.boundary.start == EWSDate(2025, 1, 6)
    assert read.last_occurrence is None


def test_occurrences_keep_local_time_across_daylight_saving(account: Account) -> None:
    tz = account.default_timezone
    recurrence = xr.Recurrence(
        pattern=xr.WeeklyPattern(interval=1, weekdays=[1]), start=EWSDate(2025, 3, 17), number=3
    )
    _series(account, recurrence, EWSDateTime(2025, 3, 17, 9, tzinfo=tz))
    view = list(
        account.calendar.view(
            start=EWSDateTime(2025, 3, 1, tzinfo=tz), end=EWSDateTime(2025, 4, 30, tzinfo=tz)
        )
    )
    assert [o.type for o in view] == ["Occurrence"] * 3
    # 09:00 Berlin is 08:00Z before the switch on 30 March, 07:00Z after it.
    assert [o.start for o in view] == [
        utc(2025, 3, 17, 8),
        utc(2025, 3, 24, 8),
        utc(2025, 3, 31, 7),
    ]
    assert len({o.id for o in view}) == 3


def test_calendar_view_returns_occurrences_exceptions_and_singles_never_the_master(
    account: Account, emulator: EwsEmulator
) -> None:
    recurrence = Recurrence(
        pattern=WeeklyPattern(weekdays=("Monday", "Wednesday")),
        start_date=date(2025, 3, 3),
        count=6,
    )
    master_id = emulator.seed_item(
        ALICE,
        subject="Series",
        start=datetime(2025, 3, 3, 9),
        end=datetime(2025, 3, 3, 9, 30),
        recurrence=recurrence,
    )
    emulator.seed_item(
        ALICE, subject="Lunch", start=datetime(2025, 3, 4, 12), end=datetime(2025, 3, 4, 13)
    )
    emulator.delete_occurrence(ALICE, master_id, index=2)
    moved = emulator.modify_occurrence(
        ALICE,
        master_id,
        index=3,
        subject="Moved",
        start=datetime(2025, 3, 10, 14),
        end=datetime(2025, 3, 10, 15),
    )
    tz = account.default_timezone
    view = list(
        account.calendar.view(
            start=EWSDateTime(2025, 3, 1, tzinfo=tz), end=EWSDateTime(2025, 3, 31, tzinfo=tz)
        )
    )
    assert [(o.subject, o.type) for o in view] == [
        ("Series", "Occurrence"),
        ("Lunch", "Single"),
        ("Moved", "Exception"),
        ("Series", "Occurrence"),
        ("Series", "Occurrence"),
        ("Series", "Occurrence"),
    ]
    exception = next(o for o in view if o.type == "Exception")
    assert exception.id == moved
    assert exception.start == utc(2025, 3, 10, 13)
    assert exception.original_start == utc(2025, 3, 10, 8)
    assert exception.recurrence_id == utc(2025, 3, 10, 8)
    assert exception.item_class == "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}"
    master = account.calendar.get(id=master_id)
    assert master.type == "RecurringMaster"
    assert [d.start for d in master.deleted_occurrences] == [utc(2025, 3, 5, 8)]
    assert [(m.id, m.start, m.original_start) for m in master.modified_occurrences] == [
        (moved, utc(2025, 3, 10, 13), utc(2025, 3, 10, 8))
    ]
    assert master.first_occurrence.start == utc(2025, 3, 3, 8)
    assert master.last_occurrence.start == utc(2025, 3, 19, 8)
    # The exception shares its master's UID.
    assert exception.uid == master.uid


def test_an_occurrence_moved_across_a_daylight_saving_change(
    account: Account, emulator: EwsEmulator
) -> None:
    tz = account.default_timezone
    recurrence = xr.Recurrence(
        pattern=xr.WeeklyPattern(interval=1, weekdays=[5]), start=EWSDate(2025, 3, 21), number=4
    )
    master = _series(account, recurrence, EWSDateTime(2025, 3, 21, 9, tzinfo=tz))
    occurrence = master.occurrence(2)  # Friday 28 March, 09:00 CET
    occurrence.refresh()
    assert occurrence.start == utc(2025, 3, 28, 8)
    occurrence.start = EWSDateTime(2025, 3, 31, 9, tzinfo=tz)  # Monday, 09:00 CEST
    occurrence.end = EWSDateTime(2025, 3, 31, 9, 30, tzinfo=tz)
    occurrence.save(update_fields=["start", "end"])
    view = emulator.calendar_view(ALICE, utc(2025, 3, 20), utc(2025, 4, 30))
    assert [(e["kind"], e["start"]) for e in view] == [
        ("Occurrence", utc(2025, 3, 21, 8)),
        ("Exception", utc(2025, 3, 31, 7)),
        ("Occurrence", utc(2025, 4, 4, 7)),
        ("Occurrence", utc(2025, 4, 11, 7)),
    ]
    assert view[1]["original_start"] == utc(2025, 3, 28, 8)


def test_a_recurring_all_day_series_covers_whole_local_days(
    account: Account, emulator: EwsEmulator
) -> None:
    recurrence = xr.Recurrence(
        pattern=xr.DailyPattern(interval=7), start=EWSDate(2025, 3, 24), number=2
    )
    item = CalendarItem(
        folder=account.calendar,
        subject="Series",
        start=EWSDate(2025, 3, 24),
        end=EWSDate(2025, 3, 24),
        is_all_day=True,
        recurrence=recurrence,
    )
    item.save()
    view = emulator.calendar_view(ALICE, utc(2025, 3, 1), utc(2025, 4, 30))
    assert [(e["start_date"], e["end_date"]) for e in view] == [
        (date(2025, 3, 24), date(2025, 3, 25)),
        (date(2025, 3, 31), date(2025, 4, 1)),
    ]
    # Midnight Berlin: 23:00Z before the switch, 22:00Z after it.
    assert [e["start"] for e in view] == [utc(2025, 3, 23, 23), utc(2025, 3, 30, 22)]


def test_an_occurrence_longer_than_the_pattern_interval_is_refused(
    account: Account, emulator: EwsEmulator
) -> None:
    tz = account.default_timezone
    recurrence = xr.Recurrence(
        pattern=xr.DailyPattern(interval=1), start=EWSDate(2025, 1, 6), number=3
    )
    with pytest.raises(ErrorCalendarDurationIsTooLong):
        _series(account, recurrence, EWSDateTime(2025, 1, 6, 9, tzinfo=tz), minutes=60 * 30)
    assert emulator.items(ALICE) == []


def test_a_pattern_with_no_occurrence_is_refused(account: Account) -> None:
    tz = account.default_timezone
    recurrence = xr.Recurrence(
        pattern=xr.AbsoluteYearlyPattern(day_of_month=1, month=1),
        start=EWSDate(2025, 1, 6),
        end=EWSDate(2025, 6, 1),
    )
    with pytest.raises(ErrorRecurrenceHasNoOccurrence):
        _series(account, recurrence, EWSDateTime(2025, 1, 6, 9, tzinfo=tz))


def test_a_calendar_view_with_max_entries_returns_the_first_ones(
    account: Account, emulator: EwsEmulator
) -> None:
    recurrence = Recurrence(
        pattern=WeeklyPattern(weekdays=("Monday",)), start_date=date(2025, 3, 3), count=5
    )
    emulator.seed_item(
        ALICE,
        subject="Series",
        start=datetime(2025, 3, 3, 9),
        end=datetime(2025, 3, 3, 10),
        recurrence=recurrence,
    )
    tz = account.default_timezone
    view = account.calendar.view(
        start=EWSDateTime(2025, 3, 1, tzinfo=tz),
        end=EWSDateTime(2025, 5, 1, tzinfo=tz),
        max_items=2,
    )
    assert [o.start for o in view] == [utc(2025, 3, 3, 8), utc(2025, 3, 10, 8)]
    assert emulator.counts["FindItem"] == 1
