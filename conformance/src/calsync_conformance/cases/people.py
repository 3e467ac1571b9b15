"""C. Meetings, organizers, people: EX-09 .. EX-15."""

from __future__ import annotations

from calsync.model import CalendarItem, Participant
from calsync.policy import SyncMode
from calsync.providers import Capability, Role
from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario

MEETINGS = {Role.MAILBOX: {Capability.MEETINGS}, Role.CRM: {Capability.PEOPLE_MATCHING}}


def invite(
    s: Scenario, subject: str, organizer: str, *attendees: str, **fields: object
) -> CalendarItem:
    return s.item(
        subject,
        organizer=Participant(address=organizer),
        attendees=tuple(Participant(address=a) for a in attendees),
        **fields,
    )


@case(
    "EX-09",
    "An attendee syncs before the organizer",
    requires={Role.MAILBOX: {Capability.MEETINGS, Capability.MARKERS}},
)
def attendee_first(s: Scenario) -> None:
    alice, bob = s.add_mailbox("alice"), s.add_mailbox("bob")
    board = invite(s, "Board", alice, bob, "carol@customer.com", uid="calsync-conformance-board")
    organizer_copy = s.mail.seed(alice, board)
    attendee_copy = s.mail.seed(bob, board.evolve(attendee_copy=True))
    s.sync("bob")
    [issue] = s.issues("bob")
    assert issue.code == "ORGANIZER_NOT_SYNCED" and alice in issue.message
    assert s.flagged(attendee_copy, "bob") and s.crm.items() == ()
    s.sync("alice")
    s.settle("bob")
    assert s.codes("bob") == [] and not s.flagged(attendee_copy, "bob")
    [event] = [e for e in s.crm.items() if not e.attendee_copy]
    assert event.owner == s.users["alice"] and event.counterpart_id == organizer_copy
    assert s.crm_events("bob") == [], "no second event for the attendee"


@case(
    "EX-10", "An organizer outside the organisation", requires={Role.MAILBOX: {Capability.MEETINGS}}
)
def outside_organizer(s: Scenario) -> None:
    bob = s.add_mailbox("bob")
    s.mail.seed(
        bob,
        invite(
            s,
            "Partner call",
            "partner@elsewhere.org",
            bob,
            uid="calsync-conformance-ext",
            attendee_copy=True,
        ),
    )
    s.settle()
    [event] = s.crm_events("bob")
    assert event.owner == s.users["bob"] and not event.attendee_copy and s.codes() == []


@case(
    "EX-11",
    "Only the organizer's event can be edited",
    requires={Role.MAILBOX: {Capability.MARKERS}, Role.CRM: {Capability.ORGANIZER_ONLY_EDIT}},
)
def organizer_only(s: Scenario) -> None:
    s.add_mailbox("alice")
    bob = s.add_mailbox("bob")
    s.crm.seed(s.users["alice"], s.item("Planning"), invitees=(s.users["bob"],))
    s.settle("bob")
    [copy] = s.mailbox_items("bob")
    assert copy.ref is not None
    s.mail.edit(bob, copy.ref.id, subject="My own title")
    s.settle("bob")
    [issue] = s.issues("bob")
    assert issue.code == "ORGANIZER_ONLY_EDIT" and s.flagged(copy.ref.id, "bob")
    assert {e.subject for e in s.crm.items()} == {"Planning"}


@case("EX-12", "Several leads", requires=MEETINGS)
def several_leads(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.crm.add_lead("lead1@prospect.com", name="Lead One")
    second = s.crm.add_lead("lead2@prospect.com", name="Lead Two")
    third = s.crm.add_lead("lead3@prospect.com", name="Lead Three")
    s.mail.seed(alice, invite(s, "Pitch", alice, "lead3@prospect.com", "lead2@prospect.com"))
    s.settle()
    [event] = s.crm_events()
    assert event.links.who_ids == (third,), (
        f"expected only the first listed lead, got {event.links.who_ids}"
    )
    assert second


@case("EX-13", "Contacts and leads together", requires=MEETINGS)
def contacts_over_leads(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.crm.add_lead("lead@prospect.com", name="Lead")
    a = s.crm.add_contact("a@customer.com", name="Contact A")
    b = s.crm.add_contact("b@customer.com", name="Contact B")
    s.mail.seed(
        alice, invite(s, "Review", alice, "lead@prospect.com", "b@customer.com", "a@customer.com")
    )
    s.settle()
    [event] = s.crm_events()
    assert set(event.links.who_ids) == {a, b}, (
        f"expected the contacts only, got {event.links.who_ids}"
    )


@case("EX-14", "Appointments")
def appointments(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.crm.seed(s.users["alice"], s.item("Dentist"))
    s.mail.seed(alice, s.item("Prep time", days=2))
    s.settle()
    assert sorted(e.subject for e in s.crm_events()) == ["Dentist", "Prep time"]
    s.configure(ignore=frozenset({"example.com"}))
    s.mail.seed(alice, s.item("Focus block", days=3))
    s.settle()
    assert "Focus block" not in {e.subject for e in s.crm_events()}, (
        "an ignored owner's appointment stays put"
    )
    assert s.codes() == []
    s.configure(mode=SyncMode.MATCH, ignore=frozenset())
    s.crm.seed(s.users["alice"], s.item("Lunch", days=4))
    s.mail.seed(alice, s.item("Match-mode appointment", days=5))
    s.settle()
    assert sorted(e.subject for e in s.crm_events()) == ["Dentist", "Lunch", "Prep time"]
    assert "Lunch" in {i.subject for i in s.mailbox_items()}, (
        "CRM appointments come down in every mode"
    )
    assert s.codes() == ["UNRESOLVED"], "a mailbox appointment never goes up in Match mode"


@case("EX-15", "Modes and the ignore list", requires=MEETINGS)
def modes(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    contact = s.crm.add_contact("carol@customer.com", name="Carol")
    s.crm.add_contact("ivan@ignored.com", name="Ivan")
    s.configure(ignore=frozenset({"ignored.com"}))
    s.mail.seed(alice, invite(s, "Sync all", alice, "ivan@ignored.com"))
    s.settle()
    [event] = s.crm_events()
    assert event.links.who_ids == (), "ignored people are never linked"
    s.configure(mode=SyncMode.MATCH, ignore=frozenset({"ignored.com"}))
    s.mail.seed(alice, invite(s, "Matched", alice, "carol@customer.com", days=2))
    unmatched = s.mail.seed(
        alice, invite(s, "Unmatched", alice, "ivan@ignored.com", "x@nowhere.org", days=3)
    )
    s.settle()
    matched = next(e for e in s.crm_events() if e.subject == "Matched")
    assert matched.links.who_ids == (contact,)
    [issue] = s.issues()
    assert issue.code == "UNRESOLVED" and issue.item_id == unmatched and not s.flagged(unmatched)
    if s.supports(Capability.DESIGNATION, "Designate mode", side=Role.MAILBOX):
        s.configure(mode=SyncMode.DESIGNATE, designate_category="Salesforce")
        s.mail.seed(alice, s.item("Chosen", days=4, categories=("Salesforce",)))
        s.mail.seed(alice, s.item("Not chosen", days=5))
        s.settle()
        subjects = {e.subject for e in s.crm_events()}
        assert "Chosen" in subjects and "Not chosen" not in subjects
