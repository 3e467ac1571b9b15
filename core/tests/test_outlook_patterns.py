"""calsync.outlook_patterns: Outlook's patterns (Exchange, Microsoft Graph) <-> RRULEs."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calsync.outlook_patterns import (
    UnsupportedRule,
    from_rrule,
    pattern_key,
    rule_as_written,
    to_rrule,
)
from calsync.recurrence import Recurrence

START = date(2025, 1, 6)  # a Monday
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=2;COUNT=10",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20250301",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;WKST=SU",
        "FREQ=MONTHLY;BYMONTHDAY=6",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=2",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;COUNT=5",
        "FREQ=YEARLY;INTERVAL=2;BYMONTH=1;BYMONTHDAY=6",
    ],
)
def test_a_rule_survives_the_pattern_and_means_the_same(rule: str) -> None:
    held = from_rrule(rule, START)
    assert to_rrule(held) == rule
    assert held["range"]["startDate"] == "2025-01-06"


def test_graph_s_json_reads_as_its_rule() -> None:
    recurrence: dict[str, Any] = {
        "pattern": {
            "type": "relativeMonthly",
            "interval": 1,
            "daysOfWeek": ["thursday"],
            "index": "last",
        },
        "range": {"type": "endDate", "startDate": "2025-01-30", "endDate": "2025-12-31"},
    }
    rule = to_rrule(recurrence)
    assert rule == "FREQ=MONTHLY;BYDAY=-1TH;UNTIL=20251231"
    assert Recurrence(rule=rule).starts(date(2025, 1, 30))  # dateutil expands it


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FREQ=WEEKLY;COUNT=3", "FREQ=WEEKLY;BYDAY=MO;COUNT=3"),  # the start's weekday
        ("RRULE:FREQ=DAILY;BYDAY=MO,TU", "FREQ=WEEKLY;BYDAY=MO,TU"),
        ("FREQ=YEARLY", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=6"),
    ],
)
def test_implied_parts_come_from_the_start(rule: str, expected: str) -> None:
    assert to_rrule(from_rrule(rule, START)) == expected


def test_a_utc_until_is_read_as_the_series_local_day() -> None:
    held = from_rrule("FREQ=DAILY;UNTIL=20250110T225959Z", START, BERLIN)
    assert held["range"]["endDate"] == "2025-01-10"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=WEEKLY;BYHOUR=9",
        "FREQ=YEARLY;BYMONTH=1,7",
        "FREQ=MONTHLY;BYDAY=5MO",
        "FREQ=MONTHLY;BYMONTHDAY=1,15",
        "FREQ=DAILY;COUNT=1000",
        "FREQ=DAILY;INTERVAL=1000",
        "FREQ=DAILY;INTERVAL=2;BYDAY=MO",
    ],
)
def test_what_no_pattern_holds_is_refused_naming_the_service(rule: str) -> None:
    with pytest.raises(UnsupportedRule):
        from_rrule(rule, START, service="Microsoft 365")


def test_the_refusal_names_the_service() -> None:
    with pytest.raises(UnsupportedRule, match="Exchange cannot hold BYHOUR"):
        from_rrule("FREQ=DAILY;BYHOUR=9", START, service="Exchange")


def test_the_rule_as_written_is_kept_while_the_pattern_is_the_same() -> None:
    written = "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3"
    held = from_rrule(written, START)
    assert rule_as_written(written, held, START, None) == written
    edited = from_rrule("FREQ=WEEKLY;BYDAY=TU;COUNT=3", START)
    assert rule_as_written(written, edited, START, None) == "FREQ=WEEKLY;BYDAY=TU;COUNT=3"
    assert rule_as_written("FREQ=HOURLY", held, START, None) == "FREQ=WEEKLY;BYDAY=MO;COUNT=3"


def test_a_service_that_holds_a_rule_differently_says_how() -> None:
    def as_months(rule: str, start: date, zone: object) -> dict[str, Any]:
        return from_rrule("FREQ=MONTHLY;INTERVAL=24", start)

    current = from_rrule("FREQ=MONTHLY;INTERVAL=24", START)
    assert (
        rule_as_written("FREQ=YEARLY;INTERVAL=2", current, START, None) != "FREQ=YEARLY;INTERVAL=2"
    )
    assert rule_as_written("FREQ=YEARLY;INTERVAL=2", current, START, None, hold=as_months) == (
        "FREQ=YEARLY;INTERVAL=2"
    )
    assert pattern_key(current) == "FREQ=MONTHLY;INTERVAL=24;BYMONTHDAY=6@2025-01-06"
