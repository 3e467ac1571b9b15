"""A. What syncs at all: EX-01 .. EX-05."""

from __future__ import annotations

from datetime import date, timedelta

from calsync.model import CalendarItem, CrmLinks, EventType, ItemKind, Participant, Privacy
from calsync.policy import PrivateItems
from calsync.providers import Capability, Role
from calsync.recurrence import Recurrence, RecurrenceModel
from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario

WEEKLY = Recurrence(rule="FREQ=WEEKLY;COUNT=4", zone="Europe/Berlin")


@case("EX-01", "Private items", requires={Capability.PRIVACY})
def private_items(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.mail.seed(alice, s.item("Therapy session", body="very private", privacy=Privacy.PRIVATE))
    s.crm.seed(s.users["alice"], s.item("Salary talk", days=2, privacy=Privacy.PRIVATE))
    s.settle()
    assert [e.subject for e in s.crm_events()] == ["Salary talk"], (
        "a private mailbox item reached the CRM"
    )
    assert [i.subject for i in s.mailbox_items()] == ["Therapy session"], (
        "a private CRM event reached the mailbox"
    )
    assert s.codes() == [], "private items raise no issue"
    assert s.app.state.links("alice") == [], "nothing of a private item is kept in state"
    s.configure(private_items=PrivateItems.SYNC)
    contact = s.crm.add_contact("carol@customer.com")
    s.mail.seed(
        alice,
        s.item(
            "Deal",
            days=3,
            privacy=Privacy.CONFIDENTIAL,
            attendees=(Participant(address="carol@customer.com"),),
        ),
    )
    s.settle()
    deal = next(e for e in s.crm_events() if e.subject == "Deal")
    assert deal.is_private and deal.links == CrmLinks(), (
        "a private item synced on purpose is private and unlinked"
    )
    assert contact


@case("EX-02", "Recurring all-day series", requires={Capability.RECURRENCE, Capability.ALL_DAY})
def recurring_all_day(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    start = s.at(7).date()
    series = CalendarItem(
        start=start,
        end=start + timedelta(days=1),
        subject="Gym day",
        kind=ItemKind.SERIES,
        recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=5"),
    )
    up = s.mail.seed(alice, series)
    s.crm.seed(
        s.users["alice"],
        series.evolve(
            subject="Board day", start=start + timedelta(days=1), end=start + timedelta(days=2)
        ),
    )
    single = s.mail.seed(
        alice,
        CalendarItem(
            start=date(start.year + 1, 1, 1), end=date(start.year + 1, 1, 2), subject="New year"
        ),
    )
    s.settle()
    issues = {str(i.side): i for i in s.issues()}
    assert set(issues) == {"mailbox", "crm"} and {i.code for i in issues.values()} == {
        "RECURRING_ALL_DAY_UNSUPPORTED"
    }
    assert s.flagged(up) and not issues["crm"].marked, "up: a marker; down: none"
    assert sorted(e.subject for e in s.crm_events()) == ["Board day", "New year"]
    assert [i.subject for i in s.mailbox_items()] == ["Gym day", "New year"], (
        "the CRM series stays in the CRM"
    )
    holiday = next(e for e in s.crm_events() if e.subject == "New year")
    assert (holiday.start, holiday.end) == (
        date(start.year + 1, 1, 1),
        date(start.year + 1, 1, 2),
    ), "an all-day item moved"
    assert not s.flagged(single)


@case("EX-03", "Recurring items when recurrence sync is off", requires={Capability.RECURRENCE})
def recurring_off(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.configure(recurring_items=False)
    series = s.mail.seed(alice, s.item("Weekly", kind=ItemKind.SERIES, recurrence=WEEKLY))
    s.settle()
    [issue] = s.issues()
    assert issue.code == "RECURRING_SYNC_DISABLED" and "recurring_items" in issue.message
    assert s.flagged(series) and s.crm_events() == []
    s.configure(recurring_items=True)
    s.crm.configure(recurring_events=False)
    s.mail.edit(alice, series, body="try again")
    s.settle()
    [issue] = s.issues()
    # Said by the engine (the org's features) or by the CRM refusing the series: either way.
    assert issue.code == "RECURRING_SYNC_DISABLED" and s.flagged(series)
    assert s.crm_events() == []


@case(
    "EX-04",
    "CRM series of the newer model",
    roles=frozenset({Role.CRM}),
    requires={Capability.RECURRENCE, Capability.EVENT_SERIES_MODEL},
)
def crm_event_series(s: Scenario) -> None:
    s.add_mailbox("alice")
    newer = Recurrence(
        rule="FREQ=WEEKLY;COUNT=3", zone="Europe/Berlin", model=RecurrenceModel.CRM_EVENT_SERIES
    )
    classic = Recurrence(
        rule="FREQ=WEEKLY;COUNT=3", zone="Europe/Berlin", model=RecurrenceModel.CRM_CLASSIC
    )
    s.crm.seed(s.users["alice"], s.item("Lightning series", kind=ItemKind.SERIES, recurrence=newer))
    s.crm.seed(
        s.users["alice"], s.item("Classic series", days=2, kind=ItemKind.SERIES, recurrence=classic)
    )
    s.settle()
    assert [i.subject for i in s.mailbox_items()] == ["Classic series"]
    [issue] = s.issues()
    assert issue.code == "CRM_SERIES_NOT_DOWNSYNCED" and not issue.marked


@case(
    "EX-05",
    "Kinds of item that cannot be mirrored",
    requires={Role.MAILBOX: {Capability.MARKERS}, Role.CRM: {Capability.DURATION_LIMIT}},
)
def special_kinds(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    long = s.mail.seed(alice, s.item("Sabbatical", hours=24 * 15))
    fine = s.mail.seed(alice, s.item("Trade fair", days=30, hours=24 * 14))
    special = None
    if s.supports(Capability.SPECIAL_EVENT_TYPES, "an out-of-office item", side=Role.MAILBOX):
        special = s.mail.seed(alice, s.item("Away", days=3, event_type=EventType.OUT_OF_OFFICE))
    s.settle()
    assert [e.subject for e in s.crm_events()] == ["Trade fair"]
    assert set(s.codes()) == {"UNSUPPORTED_ITEM_KIND"} and len(s.codes()) == (2 if special else 1)
    assert s.flagged(long) and not s.flagged(fine)
    if special:
        assert s.flagged(special)
