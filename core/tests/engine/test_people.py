"""C. Meetings, organizers, people: EX-09 .. EX-15."""

from __future__ import annotations

from calsync.model import CalendarItem, Participant

from .conftest import Org, meeting

ALICE, BOB = "alice@example.com", "bob@example.com"


def invite(*attendees: str, organizer: str = ALICE, **kw: object) -> CalendarItem:
    return meeting(
        organizer=Participant(address=organizer),
        attendees=tuple(Participant(address=a) for a in attendees),
        **kw,  # type: ignore[arg-type]
    )


class TestEX09AttendeeBeforeOrganizer:
    def test_the_attendee_waits_then_links_to_the_organizers_event(self, org2: Org) -> None:
        board = invite(BOB, "carol@customer.com", subject="Board", uid="UID-BOARD")
        organizer_copy = org2.mail.seed(ALICE, board)
        attendee_copy = org2.mail.seed(BOB, board.evolve(attendee_copy=True))
        org2.sync("bob")
        [issue] = org2.app.issues("bob")
        assert issue.code == "ORGANIZER_NOT_SYNCED" and ALICE in issue.message
        assert org2.mail.marker(BOB, attendee_copy).flagged
        assert org2.crm.items() == ()
        org2.sync("alice")
        org2.settle("bob")
        assert org2.issue_codes("bob") == [] and not org2.mail.marker(BOB, attendee_copy).flagged
        [event] = org2.crm.items()
        assert event.owner == org2.users["alice"] and event.counterpart_id == organizer_copy
        assert len(org2.crm.items(org2.users["bob"])) == 0


class TestEX10OutsideOrganizer:
    def test_a_meeting_from_outside_is_the_persons_own_event_without_attendees(
        self, org2: Org
    ) -> None:
        org2.mail.seed(
            BOB, invite(BOB, organizer="partner@elsewhere.org", uid="UID-EXT", attendee_copy=True)
        )
        org2.settle("bob")
        [event] = org2.crm.items()
        assert (
            event.owner == org2.users["bob"] and event.attendees == () and not event.attendee_copy
        )
        assert org2.issue_codes() == []


class TestEX11OrganizerOnlyEdit:
    def test_editing_an_attendees_copy_is_refused_with_advice(self, org2: Org) -> None:
        org2.crm.seed(org2.users["alice"], meeting("Planning"), invitees=(org2.users["bob"],))
        org2.settle("bob")
        [copy] = org2.mail.items(BOB)
        org2.mail.edit(BOB, copy.ref.id, subject="My own title")  # type: ignore[union-attr]
        org2.settle("bob")
        [issue] = org2.app.issues("bob")
        assert issue.code == "ORGANIZER_ONLY_EDIT" and org2.mail.marker(BOB, copy.ref.id).flagged  # type: ignore[union-attr]
        assert "organizer's calendar" in issue.definition.advice
        assert {e.subject for e in org2.crm.items()} == {"Planning"}


class TestEX12EX13Links:
    def test_several_leads_link_the_first_one_in_the_items_order(self, org: Org) -> None:
        org.crm.add_lead("lead1@prospect.com")
        second = org.crm.add_lead("lead2@prospect.com")
        first_listed = org.crm.add_lead("lead3@prospect.com")
        org.mail.seed(ALICE, invite("lead3@prospect.com", "lead2@prospect.com"))
        org.settle()
        [event] = org.crm_events()
        assert event.links.who_ids == (first_listed,) and second not in event.links.who_ids

    def test_contacts_win_over_leads(self, org: Org) -> None:
        org.crm.add_lead("lead@prospect.com")
        contact_a = org.crm.add_contact("a@customer.com")
        contact_b = org.crm.add_contact("b@customer.com")
        org.mail.seed(ALICE, invite("lead@prospect.com", "b@customer.com", "a@customer.com"))
        org.settle()
        [event] = org.crm_events()
        assert event.links.who_ids == (contact_b, contact_a)


class TestEX14Appointments:
    def test_crm_appointments_come_down_in_every_mode(self, org: Org) -> None:
        org.configure({"mode": "match"})
        org.crm.seed(org.users["alice"], meeting("Dentist"))
        org.settle()
        assert [i.subject for i in org.mail.items(ALICE)] == ["Dentist"]

    def test_mailbox_appointments_go_up_unless_the_owner_is_ignored(self, org: Org) -> None:
        org.mail.seed(ALICE, meeting("Prep time"))
        org.settle()
        assert [e.subject for e in org.crm_events()] == ["Prep time"]
        org.configure({"ignore": ["example.com"]})
        org.mail.seed(ALICE, meeting("Focus block", days=2))
        org.settle()
        assert [e.subject for e in org.crm_events()] == ["Prep time"] and org.issue_codes() == []

    def test_mailbox_appointments_never_go_up_in_match_mode(self, org: Org) -> None:
        org.configure({"mode": "match"})
        org.mail.seed(ALICE, meeting("Prep time"))
        org.settle()
        assert org.crm_events() == [] and org.issue_codes() == ["UNRESOLVED"]


class TestEX15ModesAndIgnoreList:
    def test_sync_all_syncs_ignored_people_but_never_links_them(self, org: Org) -> None:
        org.configure({"ignore": ["customer.com"]})
        org.crm.add_contact("carol@customer.com")
        org.mail.seed(ALICE, invite("carol@customer.com"))
        org.settle()
        [event] = org.crm_events()
        assert event.links.who_ids == ()

    def test_match_mode_needs_a_non_ignored_match_and_lists_the_rest_as_unresolved(
        self, org: Org
    ) -> None:
        org.configure({"mode": "match", "ignore": ["ignored.com"]})
        contact = org.crm.add_contact("carol@customer.com")
        org.crm.add_contact("ivan@ignored.com")
        matched = org.mail.seed(ALICE, invite("carol@customer.com", subject="Matched"))
        unresolved = org.mail.seed(
            ALICE, invite("ivan@ignored.com", "stranger@nowhere.org", subject="Unmatched", days=2)
        )
        org.settle()
        [event] = org.crm_events()
        assert (event.subject, event.links.who_ids) == ("Matched", (contact,))
        [issue] = org.app.issues()
        assert issue.code == "UNRESOLVED" and issue.item_id == unresolved and not issue.marked
        assert not org.mail.marker(ALICE, unresolved).flagged and matched

    def test_designate_mode_syncs_only_designated_items(self, org: Org) -> None:
        org.configure({"mode": "designate", "designate_category": "Salesforce"})
        org.mail.seed(ALICE, meeting("Chosen", categories=("Salesforce",)))
        org.mail.seed(ALICE, meeting("Not chosen", days=2))
        org.settle()
        assert [e.subject for e in org.crm_events()] == ["Chosen"] and org.issue_codes() == []
