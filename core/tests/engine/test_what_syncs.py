"""A. What syncs at all: EX-01 .. EX-05."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import date, timedelta

import pytest

from calsync.model import CalendarItem, CrmLinks, EventType, ItemKind, Participant, Privacy
from calsync.recurrence import Recurrence, RecurrenceModel
from calsync.state import schema

from .conftest import NOW, Org, meeting

WEEKLY = Recurrence(rule="FREQ=WEEKLY;COUNT=4", zone="Europe/Berlin")


class TestEX01PrivateItems:
    def test_private_items_stay_put_and_leave_no_trace(
        self, org: Org, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        org.mail.seed(
            "alice@example.com",
            meeting("Therapy session", body="very private", privacy=Privacy.PRIVATE),
        )
        org.mail.seed("alice@example.com", meeting("Doctor", privacy=Privacy.PERSONAL, days=2))
        org.crm.seed(org.users["alice"], meeting("Salary talk", privacy=Privacy.PRIVATE, days=3))
        org.settle()
        assert org.crm_events()[0].subject == "Salary talk"  # nothing went up
        assert [i.subject for i in org.mail.items("alice@example.com")] == [
            "Therapy session",
            "Doctor",
        ]
        assert org.issue_codes() == []
        assert not org.mail.marker(
            "alice@example.com", org.mail.items("alice@example.com")[0].ref.id
        ).flagged  # type: ignore[union-attr]
        dump = _dump_state(org)
        for secret in ("Therapy", "very private", "Doctor", "Salary"):
            assert secret not in dump and secret not in caplog.text
        assert org.app.state.links("alice") == []

    def test_with_sync_policy_they_are_private_and_linked_to_no_one(self, org: Org) -> None:
        org.configure({"private_items": "sync"})
        org.crm.add_contact("carol@customer.com")
        org.mail.seed(
            "alice@example.com",
            meeting(
                "Confidential deal",
                privacy=Privacy.CONFIDENTIAL,
                attendees=(Participant(address="carol@customer.com"),),
            ),
        )
        org.settle()
        [event] = org.crm_events()
        assert event.is_private and event.links == CrmLinks()


class TestEX02RecurringAllDay:
    def test_up_is_refused_with_an_issue_and_a_marker(self, org: Org) -> None:
        series = org.mail.seed(
            "alice@example.com",
            CalendarItem(
                start=date(2027, 3, 8),
                end=date(2027, 3, 9),
                subject="Gym day",
                kind=ItemKind.SERIES,
                recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=5"),
            ),
        )
        org.settle()
        assert org.crm_events() == []
        assert org.issue_codes() == ["RECURRING_ALL_DAY_UNSUPPORTED"]
        assert org.mail.marker("alice@example.com", series).flagged

    def test_down_is_refused_with_an_issue_and_no_marker(self, org: Org) -> None:
        org.crm.seed(
            org.users["alice"],
            CalendarItem(
                start=date(2027, 3, 8),
                end=date(2027, 3, 9),
                subject="Board day",
                kind=ItemKind.SERIES,
                recurrence=Recurrence(rule="FREQ=MONTHLY;COUNT=3"),
            ),
        )
        org.settle()
        assert org.mail.items("alice@example.com") == ()
        [issue] = org.app.issues()
        assert (
            issue.code == "RECURRING_ALL_DAY_UNSUPPORTED"
            and str(issue.side) == "crm"
            and not issue.marked
        )

    @pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
    def test_single_all_day_items_never_shift(self, org: Org, zone: str) -> None:
        org.mail.seed(
            "alice@example.com",
            CalendarItem(start=date(2027, 12, 31), end=date(2028, 1, 1), subject="NYE", zone=zone),
        )
        org.settle()
        [event] = org.crm_events()
        assert (event.start, event.end) == (date(2027, 12, 31), date(2028, 1, 1))


class TestEX03RecurringOff:
    def test_policy_off_refuses_series_with_the_setting_named(self, org: Org) -> None:
        org.configure({"recurring_items": "off"})
        series = org.mail.seed(
            "alice@example.com", meeting(kind=ItemKind.SERIES, recurrence=WEEKLY)
        )
        org.settle()
        [issue] = org.app.issues()
        assert issue.code == "RECURRING_SYNC_DISABLED" and "recurring_items" in issue.message
        assert org.mail.marker("alice@example.com", series).flagged and org.crm_events() == []

    def test_an_org_without_recurring_events_refuses_them_too(self, org: Org) -> None:
        org.crm.configure(recurring_events=False)
        org.mail.seed("alice@example.com", meeting(kind=ItemKind.SERIES, recurrence=WEEKLY))
        org.settle()
        [issue] = org.app.issues()
        assert (
            issue.code == "RECURRING_SYNC_DISABLED"
            and "does not support recurring events" in issue.message
        )

    def test_turning_it_on_syncs_the_series_and_clears_the_marker(self, org: Org) -> None:
        org.configure({"recurring_items": "off"})
        series = org.mail.seed(
            "alice@example.com", meeting(kind=ItemKind.SERIES, recurrence=WEEKLY)
        )
        org.settle()
        org.configure({"recurring_items": "on"})
        org.mail.edit("alice@example.com", series, body="please sync now")
        org.settle()
        assert org.issue_codes() == [] and not org.mail.marker("alice@example.com", series).flagged
        assert [e.kind for e in org.crm_events()] == [ItemKind.SERIES]


class TestEX04CrmEventSeries:
    def test_newer_model_series_stay_in_the_crm_classic_ones_come_down(self, org: Org) -> None:
        newer = Recurrence(
            rule="FREQ=WEEKLY;COUNT=3", zone="Europe/Berlin", model=RecurrenceModel.CRM_EVENT_SERIES
        )
        classic = Recurrence(
            rule="FREQ=WEEKLY;COUNT=3", zone="Europe/Berlin", model=RecurrenceModel.CRM_CLASSIC
        )
        org.crm.seed(
            org.users["alice"], meeting("Lightning series", kind=ItemKind.SERIES, recurrence=newer)
        )
        org.crm.seed(
            org.users["alice"],
            meeting("Classic series", kind=ItemKind.SERIES, recurrence=classic, days=2),
        )
        org.settle()
        assert [i.subject for i in org.mail.items("alice@example.com")] == ["Classic series"]
        [issue] = org.app.issues()
        assert issue.code == "CRM_SERIES_NOT_DOWNSYNCED" and not issue.marked


class TestEX05SpecialKinds:
    @pytest.mark.parametrize(
        "kind",
        [
            EventType.OUT_OF_OFFICE,
            EventType.FOCUS_TIME,
            EventType.WORKING_LOCATION,
            EventType.FROM_GMAIL,
        ],
    )
    def test_special_kinds_are_not_mirrored(self, org: Org, kind: EventType) -> None:
        item = org.mail.seed("alice@example.com", meeting(event_type=kind))
        org.settle()
        assert org.crm_events() == [] and org.issue_codes() == ["UNSUPPORTED_ITEM_KIND"]
        assert org.mail.marker("alice@example.com", item).flagged

    def test_items_longer_than_the_crm_allows_are_not_mirrored(self, org: Org) -> None:
        long = org.mail.seed("alice@example.com", meeting("Sabbatical", hours=24 * 15))
        fine = org.mail.seed("alice@example.com", meeting("Trade fair", hours=24 * 14, days=30))
        org.settle()
        assert [e.subject for e in org.crm_events()] == ["Trade fair"]
        assert org.issue_codes() == ["UNSUPPORTED_ITEM_KIND"]
        assert (
            org.mail.marker("alice@example.com", long).flagged
            and not org.mail.marker("alice@example.com", fine).flagged
        )

    def test_a_series_with_extra_dates_is_not_mirrored_without_them(self, org: Org) -> None:
        start = NOW + timedelta(days=1)
        recurrence = Recurrence(
            rule="FREQ=WEEKLY;COUNT=4",
            zone="Europe/Berlin",
            unsupported_lines=("RDATE;TZID=Europe/Berlin:20270310T090000",),
        )
        item = org.mail.seed(
            "alice@example.com",
            meeting("Board", kind=ItemKind.SERIES, recurrence=recurrence, start=start),
        )
        org.mail.seed("alice@example.com", meeting("Plain", days=2))
        org.settle()
        assert [e.subject for e in org.crm_events()] == ["Plain"]
        [issue] = org.app.issues()
        assert issue.code == "UNSUPPORTED_ITEM_KIND" and "Recurring (RDATE)" in issue.message
        assert org.mail.marker("alice@example.com", item).flagged
        # Without the extra date, the series is an ordinary one and syncs.
        org.mail.edit(
            "alice@example.com", item, recurrence=replace(recurrence, unsupported_lines=())
        )
        org.settle()
        assert sorted(e.subject for e in org.crm_events()) == ["Board", "Plain"]
        assert org.issue_codes() == [] and not org.mail.marker("alice@example.com", item).flagged


def _dump_state(org: Org) -> str:
    with org.app.state.engine.connect() as conn:
        rows = [
            list(map(str, row))
            for table in schema.metadata.sorted_tables
            for row in conn.execute(table.select())
        ]
    return json.dumps(rows)


_ = (NOW, timedelta)
