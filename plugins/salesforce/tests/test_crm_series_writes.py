"""Series written as Classic recurring events, and writes addressed to their occurrences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sfp_support import live_events, stored, weekly

from calsync.model import CalendarItem, ItemKind
from calsync.providers import Write
from calsync_salesforce.harness import SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm

MONDAY = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
#: The series' occurrences: Berlin moves to summer time on 29 March.
STARTS = [
    MONDAY,
    MONDAY + timedelta(days=2),
    datetime(2026, 3, 30, 7, tzinfo=UTC),
    datetime(2026, 4, 1, 7, tzinfo=UTC),
]


def occurrences(harness: SalesforceCrmHarness, header: str) -> list[dict[str, object]]:
    return [
        e for e in harness.org.events() if e["RecurrenceActivityId"] == header and e["Id"] != header
    ]


def occurrence(series_id: str, original: datetime, **changes: object) -> CalendarItem:
    fields: dict[str, object] = {"start": original, "subject": "Stand-up", **changes}
    fields["end"] = fields["start"] + timedelta(minutes=15)  # type: ignore[operator]
    return CalendarItem(
        kind=ItemKind.EXCEPTION, series_id=series_id, original_start=original, **fields
    )  # type: ignore[arg-type]


def test_a_series_becomes_a_classic_series(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    [result] = crm.write([Write.create(weekly(owner=owner, counterpart_id="mbx-s"))])
    assert result.ok and result.ref is not None
    header = stored(harness, result.ref.id)
    assert header["IsRecurrence"] is True
    assert header["RecurrenceType"] == "RecursWeekly"
    assert header["RecurrenceDayOfWeekMask"] == 2 + 8
    assert header["RecurrenceInterval"] == 1
    assert header["RecurrenceStartDateTime"] == MONDAY
    assert header["RecurrenceEndDateOnly"] == date(2026, 4, 1)
    assert header["RecurrenceTimeZoneSidKey"] == "Europe/Berlin"
    assert header["Calsync_Ref__c"] == "mbx-s"
    assert [o["StartDateTime"] for o in occurrences(harness, result.ref.id)] == STARTS


@pytest.mark.parametrize(
    ("rule", "fields"),
    [
        (
            "FREQ=DAILY;INTERVAL=2;COUNT=3",
            {"RecurrenceType": "RecursDaily", "RecurrenceInterval": 2},
        ),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=5", {"RecurrenceType": "RecursEveryWeekday"}),
        (
            "FREQ=MONTHLY;BYMONTHDAY=23;COUNT=3",
            {"RecurrenceType": "RecursMonthly", "RecurrenceDayOfMonth": 23},
        ),
        (
            "FREQ=MONTHLY;BYDAY=4MO;COUNT=3",
            {
                "RecurrenceType": "RecursMonthlyNth",
                "RecurrenceInstance": "Fourth",
                "RecurrenceDayOfWeekMask": 2,
            },
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3",
            {"RecurrenceType": "RecursMonthly", "RecurrenceDayOfMonth": 31},
        ),
        (
            "FREQ=YEARLY;COUNT=2",
            {
                "RecurrenceType": "RecursYearly",
                "RecurrenceMonthOfYear": "March",
                "RecurrenceDayOfMonth": 23,
            },
        ),
        (
            "FREQ=YEARLY;BYMONTH=3;BYDAY=-1MO;COUNT=2",
            {
                "RecurrenceType": "RecursYearlyNth",
                "RecurrenceInstance": "Last",
                "RecurrenceMonthOfYear": "March",
            },
        ),
    ],
)
def test_every_classic_pattern_type(
    harness: SalesforceCrmHarness,
    crm: SalesforceCrm,
    owner: str,
    rule: str,
    fields: dict[str, object],
) -> None:
    start = MONDAY if "BYMONTHDAY=-1" not in rule else datetime(2026, 3, 31, 7, tzinfo=UTC)
    if "-1MO" in rule:
        start = datetime(2026, 3, 30, 7, tzinfo=UTC)
    [result] = crm.write([Write.create(weekly(rule, start=start, owner=owner))])
    assert result.ok and result.ref is not None, result.failure
    header = stored(harness, result.ref.id)
    assert {k: header[k] for k in fields} == fields
    # Read back, the rule gives the same occurrences as the one written.
    item = crm.fetch([result.ref.id])[result.ref.id]
    assert item.recurrence is not None
    written = weekly(rule, start=start).recurrence
    assert written is not None
    assert list(item.recurrence.starts(item.start)) == list(written.starts(start))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY=MO",  # never ends
        "FREQ=DAILY;COUNT=101",  # more than 100 occurrences
        "FREQ=HOURLY;COUNT=3",
        "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4",  # RFC 5545 skips short months, Salesforce does not
        "FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=4",
        "FREQ=YEARLY;INTERVAL=2;COUNT=2",
    ],
)
def test_rules_the_classic_fields_cannot_hold_are_refused(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, rule: str
) -> None:
    [result] = crm.write([Write.create(weekly(rule, owner=owner))])
    assert result.failure is not None and result.failure.code == "UNSUPPORTED_ITEM_KIND"
    assert live_events(harness) == []


def test_excluded_occurrences_are_not_kept(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    [result] = crm.write([Write.create(weekly(owner=owner, exclusions=(STARTS[1],)))])
    assert result.ref is not None
    assert [o["StartDateTime"] for o in occurrences(harness, result.ref.id)] == [
        STARTS[0],
        *STARTS[2:],
    ]
    item = crm.fetch([result.ref.id])[result.ref.id]
    assert item.recurrence is not None and item.recurrence.exclusions == (STARTS[1],)


def test_occurrences_are_written_by_series_and_original_start(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    header = harness.seed(owner, weekly())
    moved = occurrence(header, STARTS[1], start=STARTS[1] + timedelta(hours=2), subject="Later")
    harness.emulator.reset_counts()
    results = crm.write([Write.update(None, moved, frozenset({"start", "end", "subject"})),
                         Write.delete(None, occurrence(header, STARTS[3]))])  # fmt: skip
    assert all(r.ok for r in results)
    # One query finds the occurrences, then one update and one delete (nothing is read back).
    assert "composite.sobjects.retrieve" not in harness.emulator.counts
    assert harness.emulator.counts["query"] == 1
    rows = occurrences(harness, header)
    assert [(o["StartDateTime"], o["Subject"]) for o in rows] == [
        (STARTS[0], "Stand-up"),
        (STARTS[1] + timedelta(hours=2), "Later"),
        (STARTS[2], "Stand-up"),
    ]
    assert results[0].ref is not None and results[0].ref.id == rows[1]["Id"]
    # The moved occurrence is still found by its original start.
    again = occurrence(header, STARTS[1], start=STARTS[1] + timedelta(hours=3))
    [result] = crm.write([Write.update(None, again, frozenset({"start", "end"}))])
    assert result.ok
    assert stored(harness, rows[1]["Id"])["StartDateTime"] == STARTS[1] + timedelta(hours=3)


def test_occurrences_that_are_gone(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    header = harness.seed(owner, weekly())
    beyond = MONDAY + timedelta(days=70)
    results = crm.write(
        [
            Write.delete(None, occurrence(header, beyond)),
            Write.delete(None, occurrence("00U5g0000000999EAA", MONDAY)),
            Write.update(None, occurrence(header, beyond), frozenset({"subject"})),
        ]
    )
    assert [r.ok for r in results] == [True, True, False]
    assert results[2].failure is not None and results[2].failure.code == "INTERNAL_ERROR"


def test_a_pattern_change_recreates_the_occurrences(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    header = harness.seed(owner, weekly())
    before = {o["Id"] for o in occurrences(harness, header)}
    change = weekly(
        "FREQ=WEEKLY;BYDAY=TU;COUNT=2",
        start=MONDAY + timedelta(days=1),
        exclusions=(datetime(2026, 3, 31, 7, tzinfo=UTC),),
    )
    [result] = crm.write([Write.update(header, change, frozenset({"start", "end", "recurrence"}))])
    assert result.ok
    after = occurrences(harness, header)
    assert not before & {o["Id"] for o in after}
    assert stored(harness, header)["RecurrenceDayOfWeekMask"] == 4
    # The excluded Tuesday is gone again after the recreation.
    assert [o["StartDateTime"] for o in after] == [MONDAY + timedelta(days=1)]


def test_deleting_the_header_deletes_the_series(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    header = harness.seed(owner, weekly())
    assert crm.write([Write.delete(header)])[0].ok
    assert live_events(harness) == []
