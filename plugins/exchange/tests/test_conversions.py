"""Conversions: EWS patterns <-> RRULEs (expanding alike), enumerations, field names."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from exchangelib import recurrence as xr

from calsync.model import Privacy, ResponseStatus, ShowAs
from calsync.recurrence import Recurrence
from calsync_exchange.conversions import UnsupportedRule, ews_fieldnames, from_rrule, to_rrule
from calsync_exchange.conversions import values as v
from calsync_exchange.emulator import recurrence as emulated
from calsync_exchange.harness.patterns import to_emulator

BERLIN = ZoneInfo("Europe/Berlin")
START = date(2025, 1, 6)  # a Monday

PATTERNS = [
    (xr.DailyPattern(interval=1), "FREQ=DAILY"),
    (xr.DailyPattern(interval=3), "FREQ=DAILY;INTERVAL=3"),
    (xr.WeeklyPattern(interval=1, weekdays=[1, 3]), "FREQ=WEEKLY;BYDAY=MO,WE"),
    (
        xr.WeeklyPattern(interval=2, weekdays=[2, 5], first_day_of_week=7),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;WKST=SU",
    ),
    (xr.AbsoluteMonthlyPattern(interval=1, day_of_month=15), "FREQ=MONTHLY;BYMONTHDAY=15"),
    (
        xr.AbsoluteMonthlyPattern(interval=2, day_of_month=30),
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=28,29,30;BYSETPOS=-1",
    ),
    (xr.AbsoluteMonthlyPattern(interval=1, day_of_month=31), "FREQ=MONTHLY;BYMONTHDAY=-1"),
    (xr.RelativeMonthlyPattern(interval=1, weekday=5, week_number=5), "FREQ=MONTHLY;BYDAY=-1FR"),
    (xr.RelativeMonthlyPattern(interval=1, weekday=2, week_number=2), "FREQ=MONTHLY;BYDAY=2TU"),
    (
        xr.RelativeMonthlyPattern(interval=1, weekday="Weekday", week_number=1),
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
    ),
    (
        xr.RelativeMonthlyPattern(interval=3, weekday="WeekendDay", week_number="Last"),
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=SA,SU;BYSETPOS=-1",
    ),
    (
        xr.AbsoluteYearlyPattern(day_of_month=29, month=2),
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1",
    ),
    (xr.AbsoluteYearlyPattern(day_of_month=6, month=1), "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=6"),
    (
        xr.RelativeYearlyPattern(weekday=4, week_number=4, month=11),
        "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
    ),
]
BOUNDARIES = [
    (xr.NumberedPattern(start=START, number=7), ";COUNT=7"),
    (xr.EndDatePattern(start=START, end=date(2026, 6, 30)), ";UNTIL=20260630"),
    (xr.NoEndPattern(start=START), ""),
]


@pytest.mark.parametrize(("pattern", "rule"), PATTERNS, ids=[r for _, r in PATTERNS])
@pytest.mark.parametrize(("boundary", "suffix"), BOUNDARIES, ids=["numbered", "end-date", "no-end"])
def test_patterns_and_ranges_round_trip(
    pattern: xr.Pattern, rule: str, boundary: xr.Boundary, suffix: str
) -> None:
    recurrence = xr.Recurrence(pattern=pattern, boundary=boundary)
    assert to_rrule(recurrence) == rule + suffix
    back = from_rrule(rule + suffix, START, BERLIN)
    assert to_rrule(back) == rule + suffix
    assert back.boundary.start == START


@pytest.mark.parametrize(("pattern", "rule"), PATTERNS, ids=[r for _, r in PATTERNS])
def test_the_rule_expands_like_exchange_expands_the_pattern(pattern: xr.Pattern, rule: str) -> None:
    """dateutil (core) and the emulator's Exchange semantics agree, over years, DST included."""
    ews = xr.Recurrence(pattern=pattern, boundary=xr.NumberedPattern(start=START, number=40))
    series = emulated.Series(to_emulator(ews), time(9, 30), BERLIN)
    exchange = list(series.starts())
    first = exchange[0].astimezone(BERLIN)
    core = list(Recurrence(rule=to_rrule(ews), zone="W. Europe Standard Time").starts(first))
    assert [c.astimezone(BERLIN) for c in core] == [e.astimezone(BERLIN) for e in exchange]
    assert len(core) == 40


def test_an_utc_until_is_read_as_a_local_end_date() -> None:
    recurrence = from_rrule("FREQ=DAILY;UNTIL=20250110T225959Z", START, BERLIN)
    assert isinstance(recurrence.boundary, xr.EndDatePattern)
    assert recurrence.boundary.end == date(2025, 1, 10)  # 23:59:59 in Berlin


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FREQ=WEEKLY;COUNT=3", "FREQ=WEEKLY;BYDAY=MO;COUNT=3"),  # the start's weekday
        ("RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("FREQ=MONTHLY", "FREQ=MONTHLY;BYMONTHDAY=6"),
        ("FREQ=YEARLY", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=6"),
        ("FREQ=YEARLY;INTERVAL=2", "FREQ=MONTHLY;INTERVAL=24;BYMONTHDAY=6"),
        ("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1", "FREQ=MONTHLY;BYDAY=-1FR"),
    ],
)
def test_rules_with_implied_parts_get_them_from_the_start(rule: str, expected: str) -> None:
    assert to_rrule(from_rrule(rule, START)) == expected


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=WEEKLY;BYHOUR=9",
        "FREQ=YEARLY;BYMONTH=1,7",
        "FREQ=MONTHLY;BYDAY=5MO",
        "FREQ=MONTHLY;BYMONTHDAY=1,15",
        "FREQ=DAILY;COUNT=1000",
        "FREQ=WEEKLY;INTERVAL=100",
        "FREQ=DAILY;INTERVAL=2;BYDAY=MO",
    ],
)
def test_rules_exchange_cannot_hold_are_refused(rule: str) -> None:
    with pytest.raises(UnsupportedRule):
        from_rrule(rule, START)


def test_enumerations_map_both_ways() -> None:
    for privacy in Privacy:
        assert v.privacy_of(v.sensitivity_of(privacy)) is privacy
    for show_as in ShowAs:
        assert v.show_as_of(v.free_busy_of(show_as)) is show_as
    for response in ResponseStatus:
        assert v.response_of(v.response_type_of(response)) is response
    assert v.show_as_of("NoData") is ShowAs.BUSY and v.privacy_of(None) is Privacy.NORMAL


def test_update_field_names() -> None:
    assert ews_fieldnames({"subject", "links", "owner"}, master=False) == ["subject"]
    assert ews_fieldnames({"start"}, master=False) == [
        "start",
        "end",
        "is_all_day",
        "_start_timezone",
        "_end_timezone",
    ]
    assert "recurrence" in ews_fieldnames(None, master=True)
    assert "recurrence" not in ews_fieldnames(None, master=False)
    assert ews_fieldnames({"counterpart_id"}, master=False) == ["calsync_counterpart"]


def test_yearly_every_other_year_expands_every_24_months() -> None:
    ews = from_rrule("FREQ=YEARLY;INTERVAL=2;COUNT=3", date(2025, 3, 15))
    series = emulated.Series(to_emulator(ews), time(9), BERLIN)
    assert [s.astimezone(BERLIN).date() for s in series.starts()] == [
        date(2025, 3, 15),
        date(2027, 3, 15),
        date(2029, 3, 15),
    ]
