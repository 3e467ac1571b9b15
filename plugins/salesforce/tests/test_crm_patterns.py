"""Classic recurrence fields and RFC 5545 rules, both ways."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from calsync.recurrence import Recurrence
from calsync_salesforce.classic import UnsupportedRule, classic_zone, pattern_of, rule_of

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "rule"),
    [
        ({"RecurrenceType": "RecursDaily", "RecurrenceInterval": 3}, "FREQ=DAILY;INTERVAL=3"),
        ({"RecurrenceType": "RecursEveryWeekday"}, "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR"),
        (
            {
                "RecurrenceType": "RecursWeekly",
                "RecurrenceInterval": 2,
                "RecurrenceDayOfWeekMask": 1 + 64,
            },
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,SA",
        ),
        (
            {
                "RecurrenceType": "RecursMonthly",
                "RecurrenceInterval": 1,
                "RecurrenceDayOfMonth": 30,
            },
            "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=28,29,30;BYSETPOS=-1",
        ),
        (
            {
                "RecurrenceType": "RecursMonthlyNth",
                "RecurrenceInterval": 1,
                "RecurrenceInstance": "Last",
                "RecurrenceDayOfWeekMask": 62,
            },
            "FREQ=MONTHLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        ),
        (
            {
                "RecurrenceType": "RecursYearly",
                "RecurrenceMonthOfYear": "February",
                "RecurrenceDayOfMonth": 29,
            },
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",
        ),
        (
            {
                "RecurrenceType": "RecursYearlyNth",
                "RecurrenceMonthOfYear": "November",
                "RecurrenceInstance": "Fourth",
                "RecurrenceDayOfWeekMask": 16,
            },
            "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
        ),
    ],
)
def test_classic_fields_as_rrules(header: dict[str, Any], rule: str) -> None:
    header = {**header, "RecurrenceEndDateOnly": "2027-12-31"}
    assert rule_of(header, classic_zone("Europe/Berlin")) == rule + ";UNTIL=20271231T225959Z"
    assert rule_of(header, None) == rule + ";UNTIL=20271231"


def test_a_classic_monthly_series_on_the_31st_falls_back_like_salesforce() -> None:
    header = {
        "RecurrenceType": "RecursMonthly",
        "RecurrenceInterval": 1,
        "RecurrenceDayOfMonth": 31,
    }
    rule = rule_of({**header, "RecurrenceEndDateOnly": "2026-04-30"}, None)
    days = [d.day for d in Recurrence(rule=rule).starts(date(2026, 1, 31))]
    assert days == [31, 28, 31, 30]


def test_patterns_for_all_day_series_run_on_gmt_dates() -> None:
    fields = pattern_of(Recurrence(rule="FREQ=DAILY;COUNT=3"), date(2026, 3, 9), None)
    assert fields["RecurrenceTimeZoneSidKey"] == "GMT"
    assert fields["RecurrenceStartDateTime"] == "2026-03-09T00:00:00.000Z"
    assert fields["RecurrenceEndDateOnly"] == "2026-03-11"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYDAY=MO,TU;COUNT=3",
        "FREQ=WEEKLY;BYDAY=1MO;COUNT=3",
        "FREQ=MONTHLY;BYMONTH=3;COUNT=3",
        "FREQ=MONTHLY;BYDAY=5MO;COUNT=3",
        "FREQ=MONTHLY;BYDAY=1MO,2TU;COUNT=3",
        "FREQ=MONTHLY;BYMONTHDAY=3;BYDAY=MO;COUNT=3",
        "FREQ=WEEKLY;BYHOUR=9;COUNT=3",
    ],
)
def test_rules_without_a_classic_equivalent(rule: str) -> None:
    with pytest.raises(UnsupportedRule):
        pattern_of(Recurrence(rule=rule), NOW, "GMT")
