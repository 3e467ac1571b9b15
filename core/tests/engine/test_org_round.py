"""The organisation's round on the sandbox: the CRM read once per round, each pass its share.

Judged by the requests the sandbox CRM received and what the mailboxes hold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    assert idle == Counter({"features": 1, "users": 1, "pull": 1}), idle
    for name, address in PEOPLE.items():
        subjects = sorted(i.subject for i in org5.mail.items(address))
        assert subjects == [f"{name} in the CRM", f"{name} in the mailbox"]


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
