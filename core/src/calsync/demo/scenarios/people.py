"""C. Meetings and people (EX-09 .. EX-15), D. which side wins (EX-16 .. EX-18), E. zones (EX-19)."""

from __future__ import annotations

from typing import Any

from calsync.demo.organisation import Organisation
from calsync.demo.scenarios.base import Scenario, check, meeting
from calsync.model import CalendarItem, CrmLinks

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [
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
            meeting(
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
            meeting(
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
            meeting(
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
                meeting(o, "Partner sync", o.address("frank"), "x@partner.example", days=5),
                "unresolved",
            ),
            o.seed(
                "frank",
                meeting(
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
            meeting(o, "ACME planning", o.address("carol"), "customer9@customer.example", days=11),
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
]


def _board_meeting(org: Organisation) -> None:
    board = meeting(
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
