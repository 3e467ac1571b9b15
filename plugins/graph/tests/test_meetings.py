"""Meetings the mailbox organizes: Graph would mail their attendees, so calsync does not write them."""

from __future__ import annotations

from pathlib import Path

from calsync.model import Participant
from calsync.providers import Role
from calsync.sandbox.harness import SandboxCrmHarness
from calsync_conformance.scenario import Scenario
from calsync_graph.harness import GraphHarness


def test_crm_changes_to_a_meeting_the_mailbox_organizes_send_no_mail(tmp_path: Path) -> None:
    graph = GraphHarness()
    s = Scenario(role=Role.MAILBOX, mail=graph, crm=SandboxCrmHarness(), workdir=tmp_path)
    try:
        alice = s.add_mailbox("alice")
        meeting = s.mail.seed(
            alice,
            s.item(
                "Review",
                location="Room 1",
                organizer=Participant(address=alice),
                attendees=(Participant(address="carol@customer.com"),),
            ),
        )
        s.settle()
        [event] = s.crm_events()
        assert event.ref is not None
        s.crm.edit(event.ref.id, location="Room 9")
        s.sync()
        held = s.mail.read(alice, meeting)
        assert held is not None and held.location == "Room 1", "the meeting was not changed"
        [issue] = s.issues()
        assert issue.code == "MEETING_MAIL_AVOIDED" and "mail its 1 attendees" in issue.message
        s.crm.remove(event.ref.id)
        s.sync()
        assert s.mail.read(alice, meeting) is not None, "the meeting was not deleted"
        assert graph.emulator.store.outbox == [], "nobody was mailed"
    finally:
        s.close()


def test_markers_and_the_cross_reference_still_reach_organized_meetings(tmp_path: Path) -> None:
    graph = GraphHarness()
    s = Scenario(role=Role.MAILBOX, mail=graph, crm=SandboxCrmHarness(), workdir=tmp_path)
    try:
        alice = s.add_mailbox("alice")
        s.crm.add_validation_rule(message="No internal meetings", subject_contains="internal")
        meeting = s.mail.seed(
            alice,
            s.item(
                "Internal review",
                organizer=Participant(address=alice),
                attendees=(Participant(address="bob@example.com"),),
            ),
        )
        s.settle()
        assert s.flagged(meeting) and s.codes() == ["CRM_VALIDATION_FAILED"]
        assert graph.emulator.store.outbox == []
    finally:
        s.close()
