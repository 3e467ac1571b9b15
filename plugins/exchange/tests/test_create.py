"""CreateItem: singles with every synced field, bulk creates, meetings, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ews_testing import ALICE, utc
from exchangelib import Account, Attendee, CalendarItem, EWSDateTime, HTMLBody, Mailbox
from exchangelib.errors import ErrorCalendarEndDateIsEarlierThanStartDate

from calsync.emulation import FrozenClock
from calsync_exchange.emulator import EwsEmulator


def _meeting(account: Account, **extra: object) -> CalendarItem:
    tz = account.default_timezone
    return CalendarItem(
        folder=account.calendar,
        subject="Kickoff",
        body=HTMLBody("<p>Agenda</p>"),
        categories=["Synced", "Sync Error"],
        sensitivity="Private",
        importance="High",
        start=EWSDateTime(2025, 3, 10, 9, 0, tzinfo=tz),
        end=EWSDateTime(2025, 3, 10, 10, 0, tzinfo=tz),
        location="Room 1",
        legacy_free_busy_status="Tentative",
        required_attendees=[
            Attendee(
                mailbox=Mailbox(email_address="bob@example.com", name="Bob"), response_type="Accept"
            )
        ],
        optional_attendees=[Attendee(mailbox=Mailbox(email_address="carol@example.com"))],
        resources=[Attendee(mailbox=Mailbox(email_address="room1@example.com"))],
        crm_id="00U000000000001",
        **extra,
    )


def test_a_single_item_is_stored_with_every_field(
    account: Account, emulator: EwsEmulator, clock: FrozenClock
) -> None:
    item = _meeting(account)
    item.save(send_meeting_invitations="SendToNone")
    stored = emulator.item(ALICE, item.id)
    assert stored is not None
    assert stored["subject"] == "Kickoff"
    assert (stored["body"], stored["body_type"]) == ("<p>Agenda</p>", "HTML")
    assert stored["categories"] == ["Synced", "Sync Error"]
    assert (stored["sensitivity"], stored["importance"]) == ("Private", "High")
    # Sent as 09:00+01:00, stored (and returned) in UTC.
    assert (stored["start"], stored["end"]) == (utc(2025, 3, 10, 8), utc(2025, 3, 10, 9))
    assert stored["start_time_zone"] == "W. Europe Standard Time"
    assert (stored["location"], stored["free_busy"]) == ("Room 1", "Tentative")
    assert stored["organizer"] == ALICE
    assert stored["my_response_type"] == "Organizer"
    assert stored["is_meeting"] is True
    assert [a["email"] for a in stored["required_attendees"]] == ["bob@example.com"]
    assert stored["required_attendees"][0]["response"] == "Accept"
    assert [a["email"] for a in stored["optional_attendees"]] == ["carol@example.com"]
    assert [a["email"] for a in stored["resources"]] == ["room1@example.com"]
    assert stored["extended"] == {"PublicStrings:CalsyncCrmId:String": "00U000000000001"}
    assert stored["kind"] == "Single"
    assert stored["uid"].startswith("040000008200E00074C5B7101A82E008")
    assert stored["created"] == stored["last_modified"] == clock.now()
    assert item.changekey == stored["change_key"]


def test_what_was_stored_reads_back_through_exchangelib(account: Account) -> None:
    item = _meeting(account)
    item.save(send_meeting_invitations="SendToNone")
    read = account.calendar.get(id=item.id)
    assert read.subject == "Kickoff"
    assert read.body == "<p>Agenda</p>"
    assert isinstance(read.body, HTMLBody)
    assert read.categories == ["Synced", "Sync Error"]
    assert read.start == EWSDateTime(2025, 3, 10, 8, tzinfo=read.start.tzinfo)
    assert read.start.utcoffset() == timedelta(0)
    assert read._start_timezone.ms_id == "W. Europe Standard Time"
    assert read.organizer.email_address == ALICE
    assert read.my_response_type == "Organizer"
    assert read.is_meeting is True
    assert read.type == "Single"
    assert read.crm_id == "00U000000000001"
    assert read.item_class == "IPM.Appointment"
    assert [a.mailbox.email_address for a in read.required_attendees] == ["bob@example.com"]


def test_invitations_are_counted_not_sent(account: Account, emulator: EwsEmulator) -> None:
    _meeting(account).save(send_meeting_invitations="SendToNone")
    assert emulator.invitations_sent == 0
    invited = _meeting(account)
    invited.save(send_meeting_invitations="SendToAllAndSaveCopy")
    assert emulator.invitations_sent == 1
    (message,) = emulator.meeting_messages(ALICE)
    assert message.kind == "invitation"
    assert message.item_id == invited.id
    assert message.recipients == ("bob@example.com", "carol@example.com", "room1@example.com")
    assert message.disposition == "SendToAllAndSaveCopy"
    assert emulator.item(ALICE, invited.id)["meeting_request_was_sent"] is True  # type: ignore[index]


def test_an_appointment_without_attendees_sends_nothing(
    account: Account, emulator: EwsEmulator
) -> None:
    tz = account.default_timezone
    CalendarItem(
        folder=account.calendar,
        subject="Focus",
        start=EWSDateTime(2025, 3, 10, 9, tzinfo=tz),
        end=EWSDateTime(2025, 3, 10, 10, tzinfo=tz),
    ).save(send_meeting_invitations="SendToAllAndSaveCopy")
    assert emulator.invitations_sent == 0


def test_bulk_create_sends_one_request_for_many_items(
    account: Account, emulator: EwsEmulator
) -> None:
    tz = account.default_timezone
    items = [
        CalendarItem(
            subject=f"Item {n}",
            start=EWSDateTime(2025, 3, 10 + n, 9, tzinfo=tz),
            end=EWSDateTime(2025, 3, 10 + n, 10, tzinfo=tz),
        )
        for n in range(5)
    ]
    results = account.bulk_create(folder=account.calendar, items=items)
    assert emulator.counts["CreateItem"] == 1
    assert len({r.id for r in results}) == 5
    assert [i["subject"] for i in emulator.items(ALICE)] == [f"Item {n}" for n in range(5)]


def test_an_end_before_the_start_is_refused(account: Account, emulator: EwsEmulator) -> None:
    tz = account.default_timezone
    item = CalendarItem(
        folder=account.calendar,
        subject="Backwards",
        start=EWSDateTime(2025, 3, 10, 10, tzinfo=tz),
        end=EWSDateTime(2025, 3, 10, 9, tzinfo=tz),
    )
    # exchangelib checks this itself in clean(); the server must too (raw clients exist).
    with pytest.raises(ValueError, match="'end' must be greater than 'start'"):
        item.save()
    with pytest.raises(ErrorCalendarEndDateIsEarlierThanStartDate):
        account.bulk_create(folder=account.calendar, items=[_raw_backwards(account)])
    assert emulator.items(ALICE) == []


def _raw_backwards(account: Account) -> CalendarItem:
    tz = account.default_timezone
    item = CalendarItem(
        subject="Backwards",
        start=EWSDateTime(2025, 3, 10, 9, tzinfo=tz),
        end=EWSDateTime(2025, 3, 10, 10, tzinfo=tz),
    )
    item.clean(version=account.version)
    # Swap after validation so exchangelib sends what its own check would refuse.
    item.start, item.end = item.end, item.start
    item.clean = lambda version=None: None  # type: ignore[method-assign]
    return item


def test_a_time_zone_the_server_does_not_know_is_refused(emulator: EwsEmulator) -> None:
    with pytest.raises(ValueError, match="Nowhere"):
        emulator.seed_item(
            ALICE, subject="x", start=utc(2025, 1, 1), end=utc(2025, 1, 2), time_zone="Nowhere/Land"
        )
