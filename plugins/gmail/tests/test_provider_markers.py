"""Markers: red colour with the own colour stashed and restored, a clean body, Gmail labels."""

from __future__ import annotations

from gapi_support import ALICE
from provider_support import single

from calsync.markers import Marker, MarkerChange
from calsync.providers import Write
from calsync_gmail import ids
from calsync_gmail.convert import private_properties
from calsync_gmail.emulator import GoogleEmulator
from calsync_gmail.harness import GmailHarness
from calsync_gmail.marker_text import DELIMITER
from calsync_gmail.provider import GmailMailbox
from calsync_gmail.settings import GmailSettings

ZONE = Marker(code="UNSUPPORTED_TIME_ZONE", detail="The time zone Asia/Tehran has no equivalent")
LABEL = "Salesforce Emails/Sync Error"


def _mark(mailbox: GmailMailbox, event_id: str, marker: Marker | None) -> None:
    (result,) = mailbox.set_markers([MarkerChange(item_id=event_id, marker=marker)])
    assert result.ok, result.failure


def _labels(emulator: GoogleEmulator) -> dict[str, str]:
    return {lb["name"]: lb["id"] for lb in emulator.labels(ALICE)}


def test_a_marker_turns_the_event_red_and_the_body_stays_clean(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    event_id = harness.seed(ALICE, single("Tehran call", body="Agenda"))
    emulator.patch_event(ALICE, event_id, {"colorId": "5"})  # the person's own colour
    cursor = mailbox.pull(None).cursor

    (result,) = mailbox.set_markers([MarkerChange(item_id=event_id, marker=ZONE)])

    stored = emulator.event(ALICE, event_id)
    assert stored is not None and result.ref is not None
    assert result.ref.change_token == stored["etag"]
    assert stored["colorId"] == "11"
    assert private_properties(stored)[ids.OWN_COLOR] == "5"
    assert stored["description"] == f"Agenda\n\n{DELIMITER}\n{ZONE.detail_label}"
    view = harness.marker(ALICE, event_id)
    assert view.flagged and view.detail == "Sync Error: The time zone Asia/Tehran has no equivalent"
    (changed,) = mailbox.pull(cursor).changed  # the marker write shows up with its etag ...
    assert changed.ref == result.ref
    assert changed.body == "Agenda"  # ... and without marker text
    assert mailbox.fetch([event_id])[event_id].body == "Agenda"
    assert emulator.notifications_requested == 0


def test_removing_the_marker_restores_the_own_colour(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    event_id = harness.seed(ALICE, single("Call", body="Agenda"))
    emulator.patch_event(ALICE, event_id, {"colorId": "5"})
    _mark(mailbox, event_id, ZONE)
    _mark(mailbox, event_id, Marker(code="X", detail="Something else"))  # changed marker
    assert private_properties(emulator.event(ALICE, event_id) or {})[ids.OWN_COLOR] == "5"

    _mark(mailbox, event_id, None)

    stored = emulator.event(ALICE, event_id)
    assert stored is not None
    assert stored["colorId"] == "5"
    assert stored["description"] == "Agenda"
    assert private_properties(stored) == {}
    assert not harness.marker(ALICE, event_id).flagged


def test_without_an_own_colour_the_calendar_colour_comes_back(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    event_id = harness.seed(ALICE, single("Call"))
    _mark(mailbox, event_id, ZONE)
    _mark(mailbox, event_id, None)
    stored = emulator.event(ALICE, event_id)
    assert stored is not None and "colorId" not in stored and stored["description"] == ""


def test_a_colour_the_person_chose_meanwhile_is_kept(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    event_id = harness.seed(ALICE, single("Call"))
    _mark(mailbox, event_id, ZONE)
    emulator.patch_event(ALICE, event_id, {"colorId": "2"})
    _mark(mailbox, event_id, None)
    assert (emulator.event(ALICE, event_id) or {})["colorId"] == "2"


def test_an_unchanged_marker_costs_no_write(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    event_id = harness.seed(ALICE, single("Call"))
    _mark(mailbox, event_id, ZONE)
    patches = emulator.counts["calendar.events.patch"]
    _mark(mailbox, event_id, ZONE)
    plain = harness.seed(ALICE, single("Plain", day=11))
    _mark(mailbox, plain, None)
    assert emulator.counts["calendar.events.patch"] == patches


def test_a_missing_event_is_a_failed_result(mailbox: GmailMailbox) -> None:
    (result,) = mailbox.set_markers([MarkerChange(item_id="nosuchevent", marker=ZONE)])
    assert result.failure is not None and result.failure.code == "INTERNAL_ERROR"


def _ics(uid: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nSUMMARY:First\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def _invite(emulator: GoogleEmulator, uid: str, subject: str = "Invitation") -> str:
    """An invitation as calendars send it: the event as an ``invite.ics`` attachment."""
    return emulator.seed_message(
        ALICE, subject=subject, attachments=[("invite.ics", "application/ics", _ics(uid))]
    )


def test_the_gmail_label_is_created_once_and_labels_the_invitations(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    first = harness.seed(ALICE, single("First"))
    second = harness.seed(ALICE, single("Second", day=11))
    uid = (emulator.event(ALICE, first) or {})["iCalUID"]
    invitation = _invite(emulator, uid, subject="Invitation: First")
    # Folded as RFC 5545 allows: the UID goes on over the next line.
    update = emulator.seed_message(
        ALICE,
        subject="Updated invitation: First",
        attachments=[("invite.ics", "text/calendar", _ics(uid[:10] + "\r\n " + uid[10:]))],
    )
    other = emulator.seed_message(ALICE, subject="Lunch?", body="no calendar here")

    _mark(mailbox, first, ZONE)
    _mark(mailbox, second, ZONE)

    labels = _labels(emulator)
    assert "Salesforce Emails" in labels and LABEL in labels
    assert emulator.counts["gmail.users.labels.create"] == 2  # parent, then child: once
    assert emulator.counts["gmail.users.labels.list"] == 1
    for message, labelled in ((invitation, True), (update, True), (other, False)):
        assert (labels[LABEL] in (emulator.message(ALICE, message) or {})["labelIds"]) is labelled
    assert emulator.counts["gmail.users.messages.batchModify"] == 1  # the second event has no mail

    _mark(mailbox, first, None)
    for message in (invitation, update):
        assert labels[LABEL] not in (emulator.message(ALICE, message) or {})["labelIds"]
    assert "INBOX" in (emulator.message(ALICE, invitation) or {})["labelIds"]


def test_invitations_are_found_only_in_documented_ways(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    """Gmail documents the ``filename:`` operator, not that a search reads attachment
    content: the UID is never a search term, and each message is read only once."""
    first = harness.seed(ALICE, single("First"))
    uid = (emulator.event(ALICE, first) or {})["iCalUID"]
    invitation = _invite(emulator, uid)
    _mark(mailbox, first, ZONE)
    _mark(mailbox, first, None)
    _mark(mailbox, first, ZONE)
    labels = _labels(emulator)
    assert labels[LABEL] in (emulator.message(ALICE, invitation) or {})["labelIds"]
    assert emulator.counts["gmail.users.messages.get"] == 1  # read once, remembered
    assert emulator.counts["gmail.users.messages.attachments.get"] == 1
    searches = emulator.searches(ALICE)
    assert searches and all(q == "filename:ics" for q in searches)


def test_an_existing_label_answers_409_and_is_used(
    harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    provider = harness.open_mailbox(ALICE)
    event_id = harness.seed(ALICE, single("First"))
    uid = (emulator.event(ALICE, event_id) or {})["iCalUID"]
    message = _invite(emulator, uid)
    provider.session.client.gmail  # noqa: B018 - build the service before the label appears
    provider._labels._list()  # type: ignore[union-attr]  # listed before someone creates it
    existing = emulator.seed_label(ALICE, "salesforce emails")  # differs in case only
    child = emulator.seed_label(ALICE, "SALESFORCE EMAILS/sync error")

    _mark(provider, event_id, ZONE)

    assert emulator.counts["gmail.users.labels.create"] == 1  # 409, then listed again
    assert {existing, child} <= {lb["id"] for lb in emulator.labels(ALICE)}
    assert child in (emulator.message(ALICE, message) or {})["labelIds"]


def test_gmail_labels_can_be_switched_off(harness: GmailHarness, emulator: GoogleEmulator) -> None:
    harness.settings = GmailSettings(gmail_labels=False)
    provider = harness.open_mailbox(ALICE)
    event_id = harness.seed(ALICE, single("First"))
    _mark(provider, event_id, ZONE)
    assert not any(name.startswith("gmail.") for name in emulator.counts)


def test_a_gmail_failure_fails_the_item_but_not_the_others(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    from calsync.emulation import Fault, FaultKind

    event_id = harness.seed(ALICE, single("First"))
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR, endpoint="gmail.users.labels.list"))
    (result,) = mailbox.set_markers([MarkerChange(item_id=event_id, marker=ZONE)])
    assert result.failure is not None and result.failure.code == "SERVICE_UNAVAILABLE"
    assert (
        result.ref is not None
        and result.ref.change_token == (emulator.event(ALICE, event_id) or {})["etag"]
    )
    assert harness.marker(ALICE, event_id).flagged  # the calendar part is done; retried later
    (again,) = mailbox.set_markers([MarkerChange(item_id=event_id, marker=ZONE)])
    assert again.ok


def test_markers_and_writes_never_notify(mailbox: GmailMailbox, emulator: GoogleEmulator) -> None:
    from calsync.model import Participant

    meeting = single(
        "Meeting", attendees=(Participant(address="bob@example.com"),), counterpart_id="m1"
    )
    (created,) = mailbox.write([Write.create(meeting)])
    assert created.ref is not None
    _mark(mailbox, created.ref.id, ZONE)
    _mark(mailbox, created.ref.id, None)
    mailbox.write([Write.delete(created.ref.id)])
    assert emulator.notifications_requested == 0
