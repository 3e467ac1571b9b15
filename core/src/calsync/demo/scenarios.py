"""One scenario per documented exception for the demo.

Each says what the demo seeds, what people then change, and how the outcome is checked:
always through the harnesses, on the services themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from calsync.demo.organisation import Organisation
from calsync.emulation import FaultKind
from calsync.issues import Issue
from calsync.model import CalendarItem, CrmLinks, EventType, ItemKind, Participant, Privacy
from calsync.recurrence import Recurrence, RecurrenceModel
from calsync.state.records import DirectionStatus, MailboxStatus
from calsync.status import MailboxView

__all__ = ["SCENARIOS", "Scenario", "Verdict"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """The documented outcome, and whether the services show it."""

    ok: bool
    detail: str


class View:
    """What a check may look at: the services (through the harnesses) and the issue log."""

    def __init__(
        self, org: Organisation, issues: list[Issue], status: dict[str, MailboxView]
    ) -> None:
        self.org = org
        self.issues = issues
        self.status = status

    def crm(self, name: str) -> list[CalendarItem]:
        user = self.org.users.get(name)
        return [e for e in self.org.crm.items(user) if e.series_id is None] if user else []

    def crm_subjects(self, name: str) -> list[str]:
        return [e.subject for e in self.crm(name)]

    def mailbox(self, name: str) -> list[CalendarItem]:
        return [
            i for i in self.org.harness(name).items(self.org.address(name)) if i.series_id is None
        ]

    def codes(self, name: str, *, item: str | None = None) -> list[str]:
        item_id = self.org.ids.get(item) if item else None
        return sorted(
            i.code
            for i in self.issues
            if i.mailbox == name and (item is None or i.item_id == item_id)
        )

    def flagged(self, name: str, item: str) -> bool:
        return self.org.harness(name).marker(self.org.address(name), self.org.ids[item]).flagged


def check(condition: bool, detail: str) -> Verdict:
    return Verdict(ok=bool(condition), detail=detail)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """The demo's scenario for one ``EX-nn`` entry."""

    ex: str
    title: str
    expected: str
    #: Seeds the scenario before the first sync (what it returns is not used).
    seed: Callable[[Organisation], object]
    verify: Callable[[View], Verdict]
    #: What people change after the first sync (``None``: nothing).
    edit: Callable[[Organisation], object] | None = None


def _weekly(
    org: Organisation, subject: str, *, weeks_ago: int = 2, count: int = 8, **fields: Any
) -> CalendarItem:
    start = org.at(-7 * weeks_ago, 9)
    return CalendarItem(
        start=start,
        end=start + timedelta(hours=1),
        subject=subject,
        zone="Europe/Berlin",
        kind=ItemKind.SERIES,
        recurrence=Recurrence(rule=f"FREQ=WEEKLY;COUNT={count}", zone="Europe/Berlin"),
        **fields,
    )


def _meeting(
    org: Organisation, subject: str, organizer: str, *guests: str, **fields: Any
) -> CalendarItem:
    return org.item(
        subject,
        organizer=Participant(address=organizer),
        attendees=tuple(Participant(address=g) for g in guests),
        **fields,
    )


SCENARIOS: list[Scenario] = [
    Scenario(
        ex="EX-01",
        title="Private items",
        expected="stay in the mailbox, no issue",
        seed=lambda o: o.seed(
            "alice", o.item("Doctor's appointment", days=3, privacy=Privacy.PRIVATE), "private"
        ),
        verify=lambda v: check(
            "Doctor's appointment" not in v.crm_subjects("alice")
            and not v.codes("alice", item="private"),
            "the private item stayed in alice's mailbox with no issue",
        ),
    ),
    Scenario(
        ex="EX-02",
        title="Recurring all-day series",
        expected="RECURRING_ALL_DAY_UNSUPPORTED with a marker",
        seed=lambda o: o.seed(
            "alice",
            CalendarItem(
                start=o.at(2).date(),
                end=o.at(3).date(),
                subject="Gym day",
                kind=ItemKind.SERIES,
                recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=10"),
            ),
            "all_day_series",
        ),
        verify=lambda v: check(
            v.codes("alice", item="all_day_series") == ["RECURRING_ALL_DAY_UNSUPPORTED"]
            and v.flagged("alice", "all_day_series"),
            "issue and marker on 'Gym day'",
        ),
    ),
    Scenario(
        ex="EX-03",
        title="Recurring items when recurrence sync is off",
        expected="RECURRING_SYNC_DISABLED with a marker",
        seed=lambda o: o.seed("ivan", _weekly(o, "Weekly 1:1"), "recurring_off"),
        verify=lambda v: check(
            v.codes("ivan", item="recurring_off") == ["RECURRING_SYNC_DISABLED"]
            and v.flagged("ivan", "recurring_off"),
            "ivan's series stays out (recurring_items = off)",
        ),
    ),
    Scenario(
        ex="EX-04",
        title="CRM series of the newer model",
        expected="CRM_SERIES_NOT_DOWNSYNCED, not in the mailbox",
        seed=lambda o: o.ids.setdefault(
            "lightning",
            o.crm.seed(
                o.users["alice"],
                _weekly(o, "Lightning pipeline review", weeks_ago=0, count=4).evolve(
                    recurrence=Recurrence(
                        rule="FREQ=WEEKLY;COUNT=4",
                        zone="Europe/Berlin",
                        model=RecurrenceModel.CRM_EVENT_SERIES,
                    )
                ),
            ),
        ),
        verify=lambda v: check(
            "Lightning pipeline review" not in {i.subject for i in v.mailbox("alice")}
            and "CRM_SERIES_NOT_DOWNSYNCED" in v.codes("alice"),
            "the event series stayed in Salesforce",
        ),
    ),
    Scenario(
        ex="EX-05",
        title="Kinds of item that cannot be mirrored",
        expected="UNSUPPORTED_ITEM_KIND with a marker",
        seed=lambda o: (
            o.seed(
                "carol",
                o.item("Out of office", days=5, hours=8, event_type=EventType.OUT_OF_OFFICE),
                "ooo",
            ),
            o.seed("alice", o.item("Sabbatical", days=60, hours=24 * 20), "too_long"),
        ),
        verify=lambda v: check(
            v.codes("carol", item="ooo") == ["UNSUPPORTED_ITEM_KIND"]
            and v.flagged("carol", "ooo")
            and v.codes("alice", item="too_long") == ["UNSUPPORTED_ITEM_KIND"],
            "out-of-office and a 20-day item stay in the mailbox, flagged",
        ),
    ),
    Scenario(
        ex="EX-06",
        title="A series changed in the mailbox",
        expected="only future CRM occurrences change",
        seed=lambda o: o.seed("alice", _weekly(o, "Team weekly", body="Old agenda"), "weekly"),
        edit=lambda o: o.harness("alice").edit(
            o.address("alice"), o.ids["weekly"], body="New agenda"
        ),
        verify=lambda v: _series_reset(v),
    ),
    Scenario(
        ex="EX-07",
        title="Single item turned into a series",
        expected="SERIES_CONVERSION_UNSUPPORTED, CRM unchanged",
        seed=lambda o: o.seed("alice", o.item("Quarterly review", days=9), "convert"),
        edit=lambda o: o.harness("alice").edit(
            o.address("alice"),
            o.ids["convert"],
            kind=ItemKind.SERIES,
            recurrence=Recurrence(rule="FREQ=MONTHLY;COUNT=4", zone="Europe/Berlin"),
        ),
        verify=lambda v: check(
            v.codes("alice", item="convert") == ["SERIES_CONVERSION_UNSUPPORTED"]
            and v.flagged("alice", "convert")
            and [e.kind for e in v.crm("alice") if e.subject == "Quarterly review"]
            == [ItemKind.SINGLE],
            "the CRM keeps a single event; the mailbox item is flagged",
        ),
    ),
    Scenario(
        ex="EX-08",
        title="Series as separate occurrences",
        expected="one CRM event per occurrence (heidi: instances)",
        seed=lambda o: o.seed(
            "heidi", _weekly(o, "Daily standup", weeks_ago=0, count=5), "instances"
        ),
        verify=lambda v: check(
            [e.kind for e in v.crm("heidi") if e.subject == "Daily standup"]
            == [ItemKind.SINGLE] * 5,
            "5 occurrences, 5 single CRM events",
        ),
    ),
    Scenario(
        ex="EX-09",
        title="An attendee syncs before the organizer",
        expected="ORGANIZER_NOT_SYNCED, then linked; no second event",
        seed=lambda o: _board_meeting(o),
        verify=lambda v: check(
            "Board meeting" in v.crm_subjects("alice")
            and "Board meeting" not in v.crm_subjects("bob")
            and not v.codes("bob", item="board_bob")
            and not v.flagged("bob", "board_bob"),
            "bob's copy waited, then linked to alice's event",
        ),
    ),
    Scenario(
        ex="EX-10",
        title="An organizer outside the organisation",
        expected="alice's own event, no attendees",
        seed=lambda o: o.seed(
            "alice",
            _meeting(
                o,
                "Partner workshop",
                "lead@partner.example",
                o.address("alice"),
                uid="demo-partner-workshop",
                attendee_copy=True,
                days=4,
            ),
            "external",
        ),
        verify=lambda v: check(
            [e.owner for e in v.crm("alice") if e.subject == "Partner workshop"]
            == [v.org.users["alice"]],
            "created as alice's event",
        ),
    ),
    Scenario(
        ex="EX-11",
        title="Only the organizer's event can be edited",
        expected="ORGANIZER_ONLY_EDIT with a marker",
        seed=lambda o: o.crm.seed(
            o.users["alice"], o.item("Pricing committee", days=6), invitees=(o.users["bob"],)
        ),
        edit=lambda o: _bob_edits_his_copy(o),
        verify=lambda v: check(
            v.codes("bob", item="committee_copy") == ["ORGANIZER_ONLY_EDIT"]
            and v.flagged("bob", "committee_copy"),
            "bob's edit refused, flagged",
        ),
    ),
    Scenario(
        ex="EX-12",
        title="Several leads",
        expected="linked to the first listed lead only",
        seed=lambda o: o.seed(
            "alice",
            _meeting(
                o,
                "Prospect demo",
                o.address("alice"),
                "prospect3@prospect.example",
                "prospect1@prospect.example",
                days=7,
            ),
        ),
        verify=lambda v: check(
            [e.links.who_ids for e in v.crm("alice") if e.subject == "Prospect demo"]
            == [(v.org.leads["prospect3@prospect.example"],)],
            "one lead: prospect3",
        ),
    ),
    Scenario(
        ex="EX-13",
        title="Contacts and leads together",
        expected="linked to the contacts only",
        seed=lambda o: o.seed(
            "alice",
            _meeting(
                o,
                "Joint call",
                o.address("alice"),
                "prospect2@prospect.example",
                "customer5@customer.example",
                days=8,
            ),
        ),
        verify=lambda v: check(
            [e.links.who_ids for e in v.crm("alice") if e.subject == "Joint call"]
            == [(v.org.contacts["customer5@customer.example"],)],
            "the contact only",
        ),
    ),
    Scenario(
        ex="EX-14",
        title="Appointments",
        expected="CRM appointments come down; none go up in Match mode",
        seed=lambda o: (
            o.crm.seed(o.users["frank"], o.item("Dentist (from Salesforce)", days=3)),
            o.seed("frank", o.item("Gym", days=4), "frank_appointment"),
        ),
        verify=lambda v: check(
            "Dentist (from Salesforce)" in {i.subject for i in v.mailbox("frank")}
            and "Gym" not in v.crm_subjects("frank"),
            "down in every mode; up never in Match mode",
        ),
    ),
    Scenario(
        ex="EX-15",
        title="Modes and the ignore list",
        expected="UNRESOLVED without a marker (frank: Match mode)",
        seed=lambda o: (
            o.seed(
                "frank",
                _meeting(o, "Partner sync", o.address("frank"), "x@partner.example", days=5),
                "unresolved",
            ),
            o.seed(
                "frank",
                _meeting(
                    o, "Customer review", o.address("frank"), "customer2@customer.example", days=6
                ),
            ),
        ),
        verify=lambda v: check(
            v.codes("frank", item="unresolved") == ["UNRESOLVED"]
            and not v.flagged("frank", "unresolved")
            and "Customer review" in v.crm_subjects("frank"),
            "matched one synced; the other unresolved",
        ),
    ),
    Scenario(
        ex="EX-16",
        title="The mailbox body is the master",
        expected="a CRM description edit stays in the CRM",
        seed=lambda o: o.seed("carol", o.item("Kick-off", days=10, body="Mailbox agenda"), "body"),
        edit=lambda o: _crm_edit(o, "carol", "Kick-off", body="Edited in Salesforce"),
        verify=lambda v: check(
            [i.body.strip() for i in v.mailbox("carol") if i.subject == "Kick-off"]
            == ["Mailbox agenda"],
            "the mailbox body kept its text",
        ),
    ),
    Scenario(
        ex="EX-17",
        title="CRM associations are kept",
        expected="the related account survives mailbox updates",
        seed=lambda o: o.seed(
            "carol",
            _meeting(o, "ACME planning", o.address("carol"), "customer9@customer.example", days=11),
            "assoc",
        ),
        edit=lambda o: _relate_then_move(o),
        verify=lambda v: check(
            [e.links.what_id for e in v.crm("carol") if e.subject == "ACME planning (moved)"]
            == [v.org.accounts["ACME"]],
            "renamed and moved, still related to ACME",
        ),
    ),
    Scenario(
        ex="EX-18",
        title="Prevented operations",
        expected="heidi's deletion is not made in the CRM",
        seed=lambda o: o.seed("heidi", o.item("Archive me", days=13), "prevented"),
        edit=lambda o: o.harness("heidi").remove(o.address("heidi"), o.ids["prevented"]),
        verify=lambda v: check(
            "Archive me" in v.crm_subjects("heidi") and not v.codes("heidi"),
            "the CRM event stays (prevent up delete), no issue",
        ),
    ),
    Scenario(
        ex="EX-19",
        title="Time-zone matching",
        expected="equivalents used; UNSUPPORTED_TIME_ZONE with a marker",
        seed=lambda o: (
            o.seed("alice", o.item("Damascus office call", days=14, zone="Asia/Damascus")),
            o.seed("alice", o.item("Tehran office call", days=15, zone="Asia/Tehran"), "tehran"),
        ),
        verify=lambda v: check(
            "Damascus office call" in v.crm_subjects("alice")
            and v.codes("alice", item="tehran") == ["UNSUPPORTED_TIME_ZONE"]
            and v.flagged("alice", "tehran"),
            "Damascus synced as an equivalent zone; Tehran flagged",
        ),
    ),
    Scenario(
        ex="EX-20",
        title="Field-level security",
        expected="FIELD_ACCESS_DENIED naming the field, with a marker",
        seed=lambda o: o.seed(
            "carol", o.item("Site visit", days=16, location="Customer HQ"), "fls"
        ),
        verify=lambda v: check(
            v.codes("carol", item="fls") == ["FIELD_ACCESS_DENIED"] and v.flagged("carol", "fls"),
            "the location field is not writable for the sync user",
        ),
    ),
    Scenario(
        ex="EX-21",
        title="Validation rules",
        expected="CRM_VALIDATION_FAILED with the rule's message",
        seed=lambda o: o.seed("alice", o.item("Internal planning", days=17), "validation"),
        verify=lambda v: check(
            v.codes("alice", item="validation") == ["CRM_VALIDATION_FAILED"]
            and v.flagged("alice", "validation"),
            "refused by the demo's validation rule",
        ),
    ),
    Scenario(
        ex="EX-22",
        title="Credentials lost",
        expected="AUTH_FAILED, erin suspended, a notification",
        seed=lambda o: o.seed("erin", o.item("Erin's meeting", days=2)),
        verify=lambda v: check(
            v.codes("erin") == ["AUTH_FAILED"] and v.crm_subjects("erin") == [],
            "erin's mailbox refused the (wrong) credentials",
        ),
    ),
    Scenario(
        ex="EX-23",
        title="Identical items",
        expected="DUPLICATES_DETECTED, nothing created for them, grace suspended",
        seed=lambda o: (
            o.crm.seed(o.users["grace"], o.item("Standup", days=2, hour=9)),
            o.seed("grace", o.item("Standup", days=2, hour=9), "dup1"),
            o.seed("grace", o.item("Standup", days=2, hour=9), "dup2"),
        ),
        verify=lambda v: check(
            v.codes("grace") == ["DUPLICATES_DETECTED"]
            and v.crm_subjects("grace").count("Standup") == 1
            and v.flagged("grace", "dup1")
            and v.flagged("grace", "dup2"),
            "no copy made; both flagged",
        ),
    ),
    Scenario(
        ex="EX-24",
        title="Anything else",
        expected="a failing service is retried; nothing lost",
        seed=lambda o: None,
        # Google fails carol's next pass (a 500 on its first call); the pass after it syncs.
        edit=lambda o: (
            o.seed("carol", o.item("Retried after an outage", days=18)),
            o.mail["gmail"].inject(FaultKind.SERVER_ERROR, times=1),
        ),
        verify=lambda v: check(
            "Retried after an outage" in v.crm_subjects("carol"), "synced once the service answered"
        ),
    ),
    Scenario(
        ex="EX-25",
        title="Throttling and quotas",
        expected="the pass waits as told; nothing lost",
        seed=lambda o: (
            o.seed("bob", o.item("Synced after a pause", days=19)),
            o.crm.inject(FaultKind.THROTTLE, retry_after=1.0, times=1),
        ),
        verify=lambda v: check(
            "Synced after a pause" in v.crm_subjects("bob"), "synced after backing off"
        ),
    ),
    Scenario(
        ex="EX-26",
        title="Markers follow issues",
        expected="fixing the zone removes the marker",
        seed=lambda o: o.seed(
            "carol", o.item("Call from Tehran", days=20, zone="Asia/Tehran"), "fixed"
        ),
        edit=lambda o: o.harness("carol").edit(
            o.address("carol"), o.ids["fixed"], zone="Asia/Dubai"
        ),
        verify=lambda v: check(
            not v.flagged("carol", "fixed") and "Call from Tehran" in v.crm_subjects("carol"),
            "synced after the fix, marker gone",
        ),
    ),
    Scenario(
        ex="EX-27",
        title="Mailbox status",
        expected="active mailboxes in sync, suspended ones named",
        seed=lambda o: None,
        verify=lambda v: check(
            v.status["alice"].status is MailboxStatus.ACTIVE
            and v.status["alice"].up is DirectionStatus.IN_SYNC
            and v.status["alice"].records_in_sync > 0
            and v.status["erin"].status is MailboxStatus.SUSPENDED
            and not v.status["erin"].effectively_enabled
            and v.status["dave"].status is MailboxStatus.ADDRESS_NOT_LINKED,
            "alice active and in sync; erin suspended; dave not linked",
        ),
    ),
    Scenario(
        ex="EX-28",
        title="Address linking",
        expected="ADDRESS_NOT_LINKED for dave",
        seed=lambda o: o.seed("dave", o.item("Dave's meeting", days=2)),
        verify=lambda v: check(
            v.codes("dave") == ["ADDRESS_NOT_LINKED"], "no CRM user has dave's address"
        ),
    ),
]


def prepare(org: Organisation) -> None:
    """Org-wide settings the scenarios rely on (EX-20, EX-21)."""
    org.crm.deny_field("location")
    org.crm.add_validation_rule(
        message="Internal meetings do not belong in Salesforce", subject_contains="internal"
    )


def _board_meeting(org: Organisation) -> None:
    board = _meeting(
        org,
        "Board meeting",
        org.address("alice"),
        org.address("bob"),
        "customer1@customer.example",
        uid="demo-board-meeting",
        days=2,
        hour=15,
    )
    org.seed("alice", board, "board_alice")
    org.seed("bob", board.evolve(attendee_copy=True), "board_bob")


def _bob_edits_his_copy(org: Organisation) -> None:
    harness, bob = org.harness("bob"), org.address("bob")
    copy = next(i for i in harness.items(bob) if i.subject == "Pricing committee")
    assert copy.ref is not None
    org.ids["committee_copy"] = copy.ref.id
    harness.edit(bob, copy.ref.id, subject="Pricing committee (my notes)")


def _crm_event(org: Organisation, name: str, subject: str) -> CalendarItem:
    event = next(e for e in org.crm.items(org.users[name]) if e.subject == subject)
    assert event.ref is not None
    return event


def _crm_edit(org: Organisation, name: str, subject: str, **changes: Any) -> None:
    event = _crm_event(org, name, subject)
    org.crm.edit(event.ref.id, **changes)  # type: ignore[union-attr]


def _relate_then_move(org: Organisation) -> None:
    """A salesperson relates the event to ACME in the CRM; then carol moves it in her calendar."""
    event = _crm_event(org, "carol", "ACME planning")
    _crm_edit(
        org,
        "carol",
        "ACME planning",
        links=CrmLinks(who_ids=event.links.who_ids, what_id=org.accounts["ACME"]),
    )
    org.harness("carol").edit(
        org.address("carol"),
        org.ids["assoc"],
        subject="ACME planning (moved)",
        start=org.at(12),
        end=org.at(12, 11),
    )


def _series_reset(view: View) -> Verdict:
    org = view.org
    headers = [
        e for e in view.crm("alice") if e.subject == "Team weekly" and e.kind is ItemKind.SERIES
    ]
    if len(headers) != 1 or headers[0].ref is None:
        return check(False, f"expected one CRM series, found {len(headers)}")
    rows = [e for e in org.crm.items() if e.series_id == headers[0].ref.id]
    now = org.now
    past = {r.body for r in rows if r.start < now}
    future = {r.body for r in rows if r.start >= now}
    return check(
        past == {"Old agenda"} and future == {"New agenda"},
        f"past occurrences kept 'Old agenda', future ones got 'New agenda' ({len(rows)} occurrences)",
    )
