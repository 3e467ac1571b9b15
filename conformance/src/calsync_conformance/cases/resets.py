"""G. Status: a reset (EX-27) keeps every change not yet synced."""

from __future__ import annotations

from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario


@case("EX-27-reset", "A reset keeps changes made since the last pass")
def reset_keeps_unsynced_changes(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    owner = s.users["alice"]
    kept = s.mail.seed(alice, s.item("Kept", days=1))
    edited_mail = s.mail.seed(alice, s.item("Edited in the mailbox", days=2))
    gone_mail = s.mail.seed(alice, s.item("Deleted in the mailbox", days=3))
    s.crm.seed(owner, s.item("Edited in the CRM", days=4))
    s.crm.seed(owner, s.item("Deleted in the CRM", days=5))
    s.settle()
    crm = {e.subject: e.ref.id for e in s.crm_events() if e.ref}
    mail = {i.subject: i.ref.id for i in s.mailbox_items() if i.ref}

    # Changes on both sides, then a reset before any pass saw them.
    s.mail.edit(alice, edited_mail, location="Room M")
    s.mail.remove(alice, gone_mail)
    s.crm.edit(crm["Edited in the CRM"], location="Room C")
    s.crm.remove(crm["Deleted in the CRM"])
    s.app.reset("alice")
    s.settle()

    subjects = ["Edited in the CRM", "Edited in the mailbox", "Kept"]
    assert sorted(e.subject for e in s.crm_events()) == subjects, "deletions stay deleted"
    assert sorted(i.subject for i in s.mailbox_items()) == subjects, "deletions stay deleted"
    places = {e.subject: e.location for e in s.crm_events()}
    assert places["Edited in the mailbox"] == "Room M", "the mailbox edit reaches the CRM"
    held = s.mail.read(alice, mail["Edited in the CRM"])
    assert held is not None and held.location == "Room C", "the CRM edit reaches the mailbox"
    assert s.mail.read(alice, kept) is not None
    assert s.codes() == []
