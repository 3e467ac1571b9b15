"""MASS_DELETE_HELD: a side that suddenly loses most of its synced items deletes nothing.

Checked in both directions, from the service side: the other side still holds every
counterpart after the pass (and after the next one), the issue names how many and the
command that applies them, and that command deletes them.
"""

from __future__ import annotations

from calsync.state.records import Side
from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario

SYNCED = 10


def _synced(s: Scenario) -> tuple[list[str], list[str]]:
    """Ten items synced from each side; returns the mailbox and CRM ids of all twenty pairs."""
    alice = s.add_mailbox("alice")
    for n in range(SYNCED):
        s.mail.seed(alice, s.item(f"Mailbox item {n}", days=1 + n))
        s.crm.seed(s.users["alice"], s.item(f"CRM event {n}", days=1 + n, hours=2))
    s.settle()
    mail = [i.ref.id for i in s.mailbox_items() if i.ref]
    crm = [e.ref.id for e in s.crm_events() if e.ref]
    assert len(mail) == len(crm) == 2 * SYNCED
    return mail, crm


def _held(s: Scenario, side: Side, count: int) -> None:
    [issue] = s.issues()
    assert issue.code == "MASS_DELETE_HELD" and str(issue.side) == str(side), issue
    assert f"{count} deletions" in issue.message, issue.message
    assert "calsync sync --mailbox alice --allow-mass-delete" in issue.advice, issue.advice


def _check(s: Scenario, wiped: Side) -> None:
    mail, crm = _synced(s)
    # A few deletions go through as always.
    if wiped is Side.MAILBOX:
        s.mail.remove(s.addresses["alice"], mail[0])
    else:
        s.crm.remove(crm[0])
    s.sync()
    assert len(s.mailbox_items()) == len(s.crm_events()) == 2 * SYNCED - 1
    assert s.codes() == []
    # The rest all at once: held, on this pass and the next.
    if wiped is Side.MAILBOX:
        for item in s.mailbox_items():
            assert item.ref is not None
            s.mail.remove(s.addresses["alice"], item.ref.id)
    else:
        for event in s.crm_events():
            assert event.ref is not None
            s.crm.remove(event.ref.id)
    remaining = 2 * SYNCED - 1
    for _ in range(2):
        s.sync()
        survivors = s.crm_events() if wiped is Side.MAILBOX else s.mailbox_items()
        assert len(survivors) == remaining, "deletions were made without confirmation"
        _held(s, wiped, remaining)
    s.sync(allow_mass_delete=True)
    assert s.mailbox_items() == [] and s.crm_events() == []
    assert s.codes() == [], "the held issue resolves once the deletions are made"
    s.settle()


@case("MASS_DELETE_HELD-mailbox", "A mailbox emptied at once deletes nothing in the CRM")
def mailbox_wiped(s: Scenario) -> None:
    _check(s, Side.MAILBOX)


@case("MASS_DELETE_HELD-crm", "CRM events deleted at once delete nothing in the mailbox")
def crm_wiped(s: Scenario) -> None:
    _check(s, Side.CRM)
