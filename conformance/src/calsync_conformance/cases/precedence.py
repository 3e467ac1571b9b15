"""D. Which side wins (EX-16 .. EX-18) and E. time zones (EX-19)."""

from __future__ import annotations

from calsync.model import CrmLinks, ItemKind, Participant
from calsync.policy import Direction, Operation
from calsync.providers import Capability, Role
from calsync.recurrence import Recurrence
from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario


@case("EX-16", "The mailbox body is the master")
def body_master(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    item = s.mail.seed(alice, s.item("Call", body="Mailbox notes"))
    s.settle()
    [event] = s.crm_events()
    assert event.body == "Mailbox notes" and event.ref is not None
    s.crm.edit(event.ref.id, body="CRM notes", location="Room 4")
    s.settle()
    stored = s.mail.read(alice, item)
    assert stored is not None and stored.location == "Room 4", "other CRM changes come down"
    assert stored.body.strip() == "Mailbox notes", (
        "a CRM description change never reaches the mailbox body"
    )
    s.mail.edit(alice, item, body="Mailbox notes v2")
    s.settle()
    assert s.crm_events()[0].body.strip() == "Mailbox notes v2"


@case("EX-17", "CRM associations are kept", requires={Role.CRM: {Capability.PEOPLE_MATCHING}})
def associations_kept(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    carol = s.crm.add_contact("carol@customer.com", name="Carol")
    dan = s.crm.add_contact("dan@customer.com", name="Dan")
    account = s.crm.add_account("ACME")
    item = s.mail.seed(
        alice,
        s.item(
            "Review",
            organizer=Participant(address=alice),
            attendees=(Participant(address="carol@customer.com"),),
        ),
    )
    s.settle()
    [event] = s.crm_events()
    assert event.ref is not None and event.links.who_ids == (carol,)
    s.crm.edit(event.ref.id, links=CrmLinks(who_ids=(carol, dan), what_id=account))
    s.settle()
    s.mail.edit(alice, item, subject="Review (moved)", location="HQ")
    s.settle()
    [event] = s.crm_events()
    assert event.subject == "Review (moved)"
    assert event.links.what_id == account and set(event.links.who_ids) == {carol, dan}


@case("EX-18", "Prevented operations")
def prevented(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.configure(
        prevent={
            Direction.UP: frozenset({Operation.UPDATE, Operation.DELETE}),
            Direction.DOWN: frozenset({Operation.DELETE}),
        }
    )
    keep = s.mail.seed(alice, s.item("Keep me"))
    edit = s.mail.seed(alice, s.item("Edit me", days=2))
    s.crm.seed(s.users["alice"], s.item("From the CRM", days=3))
    s.settle()
    s.mail.edit(alice, edit, subject="Edited")
    s.mail.remove(alice, keep)
    gone = next(e for e in s.crm_events() if e.subject == "From the CRM")
    assert gone.ref is not None
    s.crm.remove(gone.ref.id)
    s.settle()
    assert sorted(e.subject for e in s.crm_events()) == ["Edit me", "Keep me"]
    assert "From the CRM" in {i.subject for i in s.mailbox_items()}
    assert s.codes() == []


@case(
    "EX-19",
    "Time-zone matching",
    requires={Role.MAILBOX: {Capability.MARKERS}, Role.CRM: {Capability.ZONE_LIST}},
)
def zones(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    kolkata = s.item("Kolkata call", zone="Asia/Kolkata")
    s.mail.seed(alice, kolkata)
    if s.supports(Capability.RECURRENCE, "a series in a zone", side=Role.MAILBOX):
        # Zones matter to a CRM where it repeats an event: the series keeps the listed zone.
        s.mail.seed(
            alice,
            s.item(
                "Kolkata weekly",
                days=2,
                zone="Asia/Calcutta",
                kind=ItemKind.SERIES,
                recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=3", zone="Asia/Calcutta"),
            ),
        )
    s.mail.seed(alice, s.item("Damascus call", days=3, zone="Asia/Damascus"))
    tehran = s.mail.seed(alice, s.item("Tehran call", days=4, zone="Asia/Tehran"))
    s.settle()
    events = {e.subject: e for e in s.crm_events()}
    assert events["Kolkata call"].start == kolkata.start, "the instant is kept"
    assert "Damascus call" in events, "an equivalent listed zone is used"
    if "Kolkata weekly" in events:
        weekly = events["Kolkata weekly"].recurrence
        assert weekly is not None and weekly.zone == "Asia/Kolkata", (
            "the series repeats in the listed spelling"
        )
    assert "Tehran call" not in events
    [issue] = s.issues()
    as_held = s.mail.read(alice, tehran)
    assert as_held is not None and as_held.zone, "the mailbox keeps the item's zone"
    assert issue.code == "UNSUPPORTED_TIME_ZONE" and as_held.zone in issue.message, (
        "the issue names the zone"
    )
    assert s.flagged(tehran)
    s.mail.edit(alice, tehran, zone="Asia/Dubai")
    s.settle()
    assert s.codes() == [] and not s.flagged(tehran)
