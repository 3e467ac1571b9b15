"""The ordinary flow: items go both ways once, changes follow, deletes follow, nothing twice."""

from __future__ import annotations

from datetime import timedelta

from calsync.model import Participant

from .conftest import NOW, Org, meeting


def test_a_mailbox_item_creates_one_crm_event_owned_by_the_mailbox_owner(org: Org) -> None:
    item_id = org.mail.seed(
        "alice@example.com", meeting("Kickoff", body="Agenda", location="Room 1")
    )
    [report] = org.settle()
    assert (report.outcome, report.synced_up, report.synced_down) == ("ok", 1, 0)
    [event] = org.crm_events()
    assert (event.subject, event.body, event.location) == ("Kickoff", "Agenda", "Room 1")
    assert event.owner == org.users["alice"] and event.counterpart_id == item_id
    assert event.zone == "Europe/Berlin"


def test_a_crm_event_is_written_to_the_mailbox_without_a_second_copy_back(org: Org) -> None:
    org.crm.seed(org.users["alice"], meeting("Demo", body="From the CRM"))
    [report] = org.settle()
    assert (report.synced_up, report.synced_down) == (0, 1)
    [item] = org.mail.items("alice@example.com")
    assert (item.subject, item.body) == ("Demo", "From the CRM")
    assert len(org.crm_events()) == 1


def test_changes_follow_in_both_directions(org: Org) -> None:
    item_id = org.mail.seed("alice@example.com", meeting("Kickoff"))
    org.settle()
    org.mail.edit(
        "alice@example.com",
        item_id,
        subject="Kickoff (moved)",
        start=NOW + timedelta(days=2),
        end=NOW + timedelta(days=2, hours=1),
    )
    org.settle()
    [event] = org.crm_events()
    assert event.subject == "Kickoff (moved)" and event.start == NOW + timedelta(days=2)
    org.crm.edit(event.ref.id, location="Room 9")  # type: ignore[union-attr]
    org.settle()
    assert org.mail.read("alice@example.com", item_id).location == "Room 9"  # type: ignore[union-attr]


def test_deletes_follow_in_both_directions(org: Org) -> None:
    up = org.mail.seed("alice@example.com", meeting("From mail"))
    org.crm.seed(org.users["alice"], meeting("From CRM", days=3))
    org.settle()
    org.mail.remove("alice@example.com", up)
    from_crm = next(e for e in org.crm_events() if e.subject == "From CRM")
    org.crm.remove(from_crm.ref.id)  # type: ignore[union-attr]
    org.settle()
    assert org.crm_events() == [] and org.mail.items("alice@example.com") == ()


def test_a_meeting_links_to_the_contacts_it_invites(org: Org) -> None:
    contact = org.crm.add_contact("carol@customer.com")
    org.mail.seed(
        "alice@example.com",
        meeting(
            organizer=Participant(address="alice@example.com"),
            attendees=(
                Participant(address="carol@customer.com"),
                Participant(address="dave@nowhere.org"),
            ),
        ),
    )
    org.settle()
    [event] = org.crm_events()
    assert event.links.who_ids == (contact,)


def test_all_day_items_keep_their_dates_in_both_directions(org: Org) -> None:
    from datetime import date

    from calsync.model import CalendarItem

    org.mail.seed(
        "alice@example.com",
        CalendarItem(start=date(2027, 5, 4), end=date(2027, 5, 6), subject="Fair"),
    )
    org.crm.seed(
        org.users["alice"],
        CalendarItem(start=date(2027, 6, 1), end=date(2027, 6, 2), subject="Holiday"),
    )
    org.settle()
    crm = {e.subject: (e.start, e.end) for e in org.crm_events()}
    mail = {i.subject: (i.start, i.end) for i in org.mail.items("alice@example.com")}
    assert (
        crm
        == mail
        == {
            "Fair": (date(2027, 5, 4), date(2027, 5, 6)),
            "Holiday": (date(2027, 6, 1), date(2027, 6, 2)),
        }
    )
