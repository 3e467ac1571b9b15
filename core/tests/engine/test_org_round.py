"""The organisation's round on the sandbox: the CRM read once per round, each pass its share.

Judged by the requests the sandbox CRM received and what the mailboxes hold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from calsync.emulation import FaultKind
from calsync.engine.org_round import FACTS_LIFETIME
from calsync.model import Participant, Privacy

from .conftest import Org, meeting

PEOPLE = {f"p{n}": f"p{n}@example.com" for n in range(5)}


@pytest.fixture
def org5(tmp_path: Path) -> Iterator[Org]:
    organisation = Org(tmp_path, PEOPLE)
    yield organisation
    organisation.app.close()


def crm_calls(org: Org) -> Counter[str]:
    return Counter(line.split(" ", 1)[0] for line in org.crm.received())


def test_a_round_asks_the_crm_once_whatever_the_number_of_mailboxes(org5: Org) -> None:
    for name, address in PEOPLE.items():
        org5.mail.seed(address, meeting(f"{name} in the mailbox"))
        org5.crm.seed(org5.users[name], meeting(f"{name} in the CRM", days=2))
    org5.settle()
    before = crm_calls(org5)
    org5.sync()
    idle = crm_calls(org5) - before
    # what the organisation is (describe, the users) was read in an earlier round
    assert idle == Counter({"pull": 1}), idle
    for name, address in PEOPLE.items():
        subjects = sorted(i.subject for i in org5.mail.items(address))
        assert subjects == [f"{name} in the CRM", f"{name} in the mailbox"]


def test_what_the_organisation_is_is_read_again_after_an_hour(org5: Org) -> None:
    org5.sync()
    org5.clock.advance(FACTS_LIFETIME - timedelta(minutes=1))
    before = crm_calls(org5)
    org5.sync()
    assert (crm_calls(org5) - before)["users"] == 0
    org5.clock.advance(timedelta(minutes=2))
    before = crm_calls(org5)
    org5.sync()
    assert (crm_calls(org5) - before) == Counter({"features": 1, "users": 1, "pull": 1})


def test_changes_and_removals_reach_their_own_mailbox_only(org5: Org) -> None:
    ids = {name: org5.crm.seed(org5.users[name], meeting(f"{name} event")) for name in PEOPLE}
    org5.settle()
    org5.crm.edit(ids["p1"], location="Room 1")
    org5.crm.remove(ids["p3"])
    before = crm_calls(org5)
    org5.sync()
    assert (crm_calls(org5) - before)["pull"] == 1
    assert [i.location for i in org5.mail.items(PEOPLE["p1"])] == ["Room 1"]
    assert org5.mail.items(PEOPLE["p3"]) == ()
    assert [i.subject for i in org5.mail.items(PEOPLE["p4"])] == ["p4 event"]


def test_a_refused_crm_credential_suspends_the_organisation_once_and_resumes(org5: Org) -> None:
    ids = {name: org5.crm.seed(org5.users[name], meeting(f"{name} event")) for name in PEOPLE}
    org5.settle()
    org5.crm.revoke_credentials()
    for _ in range(2):
        reports = org5.sync()
        assert {r.outcome for r in reports} == {"suspended"}, reports
    [issue] = org5.app.issues()
    assert (issue.mailbox, issue.code, issue.count) == ("(organisation)", "AUTH_FAILED", 2)
    assert "resumes them all by itself" in issue.advice
    assert [n.kind for n in org5.notifications] == ["auth-failed"]
    # the mailboxes keep their own status: nobody has to enable 2,000 of them
    assert {m.status for m in org5.app.status().mailboxes} == {"active"}
    assert org5.app.status().organisation.issues == ("AUTH_FAILED",)
    org5.crm.edit(ids["p2"], location="Room 2")  # changed meanwhile
    org5.mail.seed(PEOPLE["p4"], meeting("Booked while waiting", days=3))
    org5.crm.restore_credentials()
    reports = org5.sync()
    assert {r.outcome for r in reports} == {"ok"}, reports
    assert org5.app.issues() == []
    assert [n.kind for n in org5.notifications] == ["auth-failed", "resumed"]
    assert [i.location for i in org5.mail.items(PEOPLE["p2"])] == ["Room 2"]
    assert "Booked while waiting" in {e.subject for e in org5.crm.items(org5.users["p4"])}


def test_a_credential_refused_during_a_round_stops_it_for_everyone(org5: Org) -> None:
    for address in PEOPLE.values():
        org5.mail.seed(address, meeting("Planning"))
    org5.crm.inject(FaultKind.AUTH_EXPIRED, endpoint="write")
    reports = org5.sync()
    assert {r.outcome for r in reports} == {"suspended"}, reports
    assert [(i.mailbox, i.code) for i in org5.app.issues()] == [("(organisation)", "AUTH_FAILED")]
    assert [n.kind for n in org5.notifications] == ["auth-failed"]
    reports = org5.sync()
    assert {r.outcome for r in reports} == {"ok"}, reports
    assert [n.kind for n in org5.notifications] == ["auth-failed", "resumed"]
    assert all(len(org5.crm.items(org5.users[name])) == 1 for name in PEOPLE)


def test_contacts_and_leads_are_looked_up_once_for_every_mailbox(org5: Org) -> None:
    contacts = {name: org5.crm.add_contact(f"customer-{name}@client.example") for name in PEOPLE}
    org5.settle()
    for name in ("p0", "p2", "p4"):
        guest = (Participant(address=f"customer-{name}@client.example"),)
        org5.mail.seed(PEOPLE[name], meeting(f"{name} meets a customer", attendees=guest))
    secret = (Participant(address="secret-guest@rival.example"),)
    org5.mail.seed(PEOPLE["p1"], meeting("Private", attendees=secret, privacy=Privacy.PRIVATE))
    before = crm_calls(org5)
    org5.sync()
    assert (crm_calls(org5) - before)["people"] == 1
    for name in ("p0", "p2", "p4"):
        [event] = org5.crm_events(name)
        assert event.links.who_ids == (contacts[name],)
    # a private item the policy keeps is never asked about (EX-01)
    assert not any("secret-guest" in line for line in org5.crm.received())


def test_a_throttled_mailbox_service_slows_its_own_mailboxes_only(org5: Org) -> None:
    org5.settle()
    org5.mail.inject(FaultKind.THROTTLE, endpoint="pull", times=None, retry_after=1)
    before = len(org5.sleeps)
    reports = org5.sync()
    # the first pass backs off as told, then its service's other mailboxes wait a round
    assert [r.outcome for r in reports] == ["failed"] + ["waiting"] * 4, reports
    assert len(org5.sleeps) - before == 2
    assert [i.mailbox for i in org5.app.issues(code="THROTTLED")] == ["p0"]
    org5.mail.clear_faults()
    assert {r.outcome for r in org5.sync()} == {"ok"}


def test_a_rounds_notifications_go_out_as_one_digest(org5: Org) -> None:
    org5.settle()
    org5.mail.revoke_credentials()  # every mailbox's own credentials refused
    reports = org5.sync()
    assert {r.outcome for r in reports} == {"suspended"}
    [sent] = org5.notifications
    assert sent.kind == "digest" and sent.summary == "5 things need attention"
    for name in PEOPLE:
        assert f"- {name}: the mailbox refused the credentials" in sent.text
        assert f"calsync enable --mailbox {name}" in sent.text
