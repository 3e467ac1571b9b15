"""D. Which side wins (EX-16, EX-17, EX-18) and E. time zones (EX-19)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calsync.model import CrmLinks, Participant

from .conftest import Org, meeting

ALICE = "alice@example.com"


class TestEX16MailboxBodyIsMaster:
    def test_crm_description_changes_stay_in_the_crm(self, org: Org) -> None:
        item = org.mail.seed(ALICE, meeting("Call", body="Mailbox notes"))
        org.settle()
        [event] = org.crm_events()
        org.crm.edit(event.ref.id, body="CRM notes", location="Room 4")  # type: ignore[union-attr]
        org.settle()
        stored = org.mail.read(ALICE, item)
        assert stored is not None and (stored.body, stored.location) == ("Mailbox notes", "Room 4")

    def test_mailbox_body_changes_reach_the_crm(self, org: Org) -> None:
        item = org.mail.seed(ALICE, meeting("Call", body="v1"))
        org.settle()
        org.mail.edit(ALICE, item, body="v2")
        org.settle()
        assert org.crm_events()[0].body == "v2"

    def test_when_both_sides_change_the_mailbox_wins(self, org: Org) -> None:
        item = org.mail.seed(ALICE, meeting("Call"))
        org.settle()
        [event] = org.crm_events()
        org.crm.edit(event.ref.id, subject="CRM title")  # type: ignore[union-attr]
        org.mail.edit(ALICE, item, subject="Mailbox title")
        org.settle()
        assert org.crm_events()[0].subject == "Mailbox title"
        assert org.mail.read(ALICE, item).subject == "Mailbox title"  # type: ignore[union-attr]


class TestEX17CrmAssociationsAreKept:
    def test_related_records_and_extra_people_survive_mailbox_updates(self, org: Org) -> None:
        carol = org.crm.add_contact("carol@customer.com")
        dan = org.crm.add_contact("dan@customer.com")
        account = org.crm.add_account("ACME")
        item = org.mail.seed(ALICE, meeting(attendees=(Participant(address="carol@customer.com"),)))
        org.settle()
        [event] = org.crm_events()
        org.crm.edit(event.ref.id, links=CrmLinks(who_ids=(carol, dan), what_id=account))  # type: ignore[union-attr]
        org.settle()
        org.mail.edit(
            ALICE, item, subject="Renamed", attendees=(Participant(address="erin@customer.com"),)
        )
        erin = org.crm.add_contact("erin@customer.com")
        org.mail.edit(ALICE, item, location="Here")
        org.settle()
        [event] = org.crm_events()
        assert event.subject == "Renamed" and event.links.what_id == account
        assert event.links.who_ids == (carol, dan, erin)


class TestEX18PreventedOperations:
    def test_prevented_updates_and_deletes_up_are_not_made_and_raise_nothing(
        self, org: Org
    ) -> None:
        org.configure({"prevent": {"up": ["update", "delete"]}})
        keep = org.mail.seed(ALICE, meeting("Keep me"))
        edit = org.mail.seed(ALICE, meeting("Edit me", days=2))
        org.settle()
        org.mail.edit(ALICE, edit, subject="Edited")
        org.mail.remove(ALICE, keep)
        org.crm.seed(org.users["alice"], meeting("Still comes down", days=3))
        org.settle()
        assert sorted(e.subject for e in org.crm_events()) == [
            "Edit me",
            "Keep me",
            "Still comes down",
        ]
        assert "Still comes down" in {i.subject for i in org.mail.items(ALICE)}
        assert org.issue_codes() == []

    def test_prevented_deletes_down_keep_the_mailbox_item(self, org: Org) -> None:
        org.configure({"prevent": {"down": ["delete"]}})
        org.crm.seed(org.users["alice"], meeting("From CRM"))
        org.settle()
        org.crm.remove(org.crm_events()[0].ref.id)  # type: ignore[union-attr]
        org.settle()
        assert [i.subject for i in org.mail.items(ALICE)] == ["From CRM"]

    def test_one_way_sync(self, org: Org) -> None:
        org.configure({"directions": "up"})
        org.crm.seed(org.users["alice"], meeting("Stays in the CRM"))
        org.mail.seed(ALICE, meeting("Goes up", days=2))
        org.settle()
        assert [i.subject for i in org.mail.items(ALICE)] == ["Goes up"]
        assert sorted(e.subject for e in org.crm_events()) == ["Goes up", "Stays in the CRM"]


class TestEX19TimeZones:
    @pytest.mark.parametrize(
        ("zone", "expected"),
        [
            ("Europe/Berlin", "Europe/Berlin"),
            ("Asia/Calcutta", "Asia/Kolkata"),
            ("W. Europe Standard Time", "Europe/Berlin"),
            ("Asia/Damascus", "Asia/Amman"),
        ],
    )
    def test_items_sync_in_an_equivalent_listed_zone(
        self, org: Org, zone: str, expected: str
    ) -> None:
        start = datetime(2027, 3, 10, 9, tzinfo=ZoneInfo("UTC"))
        org.mail.seed(ALICE, meeting(start=start, end=start + timedelta(hours=1), zone=zone))
        org.settle()
        [event] = org.crm_events()
        assert event.zone == expected and event.start == start

    def test_no_equivalent_means_an_issue_naming_the_zone_and_a_marker(self, org: Org) -> None:
        item = org.mail.seed(ALICE, meeting("Tehran call", zone="Asia/Tehran"))
        org.settle()
        [issue] = org.app.issues()
        assert issue.code == "UNSUPPORTED_TIME_ZONE" and "Asia/Tehran" in issue.message
        marker = org.mail.marker(ALICE, item)
        assert marker.flagged and marker.detail is not None and "Asia/Tehran" in marker.detail
        assert org.crm_events() == []

    def test_fixing_the_zone_resolves_the_issue_and_removes_the_marker(self, org: Org) -> None:
        item = org.mail.seed(
            ALICE, meeting("Tehran call", zone="Asia/Tehran", categories=("Customer",))
        )
        org.settle()
        org.mail.edit(ALICE, item, zone="Asia/Dubai")
        org.settle()
        assert org.issue_codes() == [] and not org.mail.marker(ALICE, item).flagged
        assert org.mail.read(ALICE, item).categories == ("Customer",)  # type: ignore[union-attr]
        assert [e.zone for e in org.crm_events()] == ["Asia/Dubai"]
