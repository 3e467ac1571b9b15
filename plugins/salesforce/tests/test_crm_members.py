"""Every user of a permission set or profile, synced: resolved through Salesforce each round.

The configuration names the group (``[mailbox_defaults] permission_set = ...``) instead of
listing the mailboxes; judged by the SOQL the emulated org received and by what the
mailboxes hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.emulation import FrozenClock
from calsync.engine.org_round import FACTS_LIFETIME
from calsync.model import CalendarItem
from calsync.plugins import load_registry
from calsync.providers import GroupKind, UserGroup
from calsync.sandbox.harness import SandboxMailboxHarness
from calsync.state import State
from calsync_salesforce.emulator import SalesforceEmulator
from calsync_salesforce.harness import SalesforceCrmHarness

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)
PEOPLE = ("ann@example.com", "bob@example.com", "cyd@example.com", "dee@example.com")


class Org:
    """A Salesforce org whose Calendar_Sync permission set names who is synced."""

    def __init__(self, tmp_path: Path, **defaults: Any) -> None:
        self.clock = FrozenClock(NOW)
        self.crm = SalesforceCrmHarness(SalesforceEmulator(clock=self.clock))
        self.mail = SandboxMailboxHarness()
        self.users = {a: self.crm.add_user(a, zone="Europe/Berlin") for a in PEOPLE}
        self.assignments = {
            a: self.crm.emulator.org.assign_permission_set(self.users[a], "Calendar_Sync")
            for a in PEOPLE[:3]
        }
        db = f"sqlite:///{tmp_path / 'state.db'}"
        data = {
            "state": db,
            "crm": {"provider": "salesforce"},
            "mailbox_defaults": {"provider": "sandbox", **defaults},
            # ann is listed by hand too: her entry (and its name) wins
            "mailboxes": [{"name": "ann", "address": "ann@example.com", "provider": "sandbox"}],
        }
        config = parse_config(data, registry=load_registry(["sandbox", "salesforce"]))
        self.app = Calsync(
            config,
            state=State(db),
            clock=self.clock.now,
            sleep=lambda _: None,
            crm=self.crm.open_crm(),
            mailboxes={
                "ann": self.mail.open_mailbox(PEOPLE[0]),
                **{a: self.mail.open_mailbox(a) for a in PEOPLE[1:]},
            },
            notifiers=[],
        )

    def sync(self) -> dict[str, str]:
        self.clock.advance(600)
        return {r.mailbox: r.outcome for r in self.app.sync()}

    def group_queries(self) -> list[str]:
        """The SOQL of every query for the group's users the org received."""
        found = []
        for request in self.crm.emulator.received:
            soql = parse_qs(urlsplit(request.url).query).get("q", [""])[0]
            if "PermissionSetAssignment" in soql or "Profile.Name" in soql:
                found.append(soql)
        return found


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    organisation = Org(tmp_path, permission_set="Calendar_Sync")
    yield organisation
    organisation.app.close()


def meeting(subject: str) -> CalendarItem:
    start = NOW + timedelta(days=1)
    return CalendarItem(
        start=start, end=start + timedelta(hours=1), subject=subject, zone="Europe/Berlin"
    )


def test_the_permission_set_s_users_are_synced_and_listed_entries_win(org: Org) -> None:
    for address in PEOPLE:
        org.crm.seed(org.users[address], meeting(f"{address} in the CRM"))
    assert org.sync() == {"ann": "ok", "bob@example.com": "ok", "cyd@example.com": "ok"}
    for address in PEOPLE[:3]:
        assert [i.subject for i in org.mail.items(address)] == [f"{address} in the CRM"]
    assert org.mail.items("dee@example.com") == ()  # not in the permission set
    [soql] = org.group_queries()
    assert "FROM PermissionSetAssignment WHERE PermissionSet.Name = 'Calendar_Sync'" in soql
    status = {m.name for m in org.app.status().mailboxes}
    assert status == {"ann", "bob@example.com", "cyd@example.com"}


def test_the_set_is_read_again_after_the_facts_lifetime_only(org: Org) -> None:
    org.sync()
    org.sync()
    assert len(org.group_queries()) == 1
    org.clock.advance(FACTS_LIFETIME)
    org.sync()
    assert len(org.group_queries()) == 2


def test_a_user_taken_out_of_the_set_stops_syncing_and_keeps_their_state(org: Org) -> None:
    bob = "bob@example.com"
    org.crm.seed(org.users[bob], meeting("Before"))
    org.sync()
    org.crm.emulator.org.delete_record("PermissionSetAssignment", org.assignments[bob])
    org.clock.advance(FACTS_LIFETIME)
    org.crm.seed(org.users[bob], meeting("While out"))
    assert bob not in org.sync()
    assert [i.subject for i in org.mail.items(bob)] == ["Before"]  # nothing deleted
    assert org.app.state.links(bob), "bob's links were kept"
    org.crm.emulator.org.assign_permission_set(org.users[bob], "Calendar_Sync")
    org.clock.advance(FACTS_LIFETIME)
    assert org.sync()[bob] == "ok"  # back: continues where it stopped, no duplicate
    assert sorted(i.subject for i in org.mail.items(bob)) == ["Before", "While out"]


def test_a_member_can_be_synced_by_name(org: Org) -> None:
    [report] = org.app.sync("cyd@example.com")
    assert report.outcome == "ok"


def test_a_profile_s_users_are_synced(tmp_path: Path) -> None:
    org = Org(tmp_path, profile="Standard User")
    try:
        # every user the harness adds has the Standard User profile; the integration user not
        assert set(org.sync()) == {"ann", *PEOPLE[1:]}
        [soql] = org.group_queries()
        assert "FROM User WHERE" in soql and "Profile.Name = 'Standard User'" in soql
    finally:
        org.app.close()


def test_the_provider_answers_an_unknown_set_with_no_users(org: Org) -> None:
    crm = org.crm.open_crm()
    unknown = UserGroup(kind=GroupKind.PERMISSION_SET, name="No_Such_Set")
    assert crm.active_users(unknown) == {}
    calendar = UserGroup(kind=GroupKind.PERMISSION_SET, name="Calendar_Sync")
    assert set(crm.active_users(calendar)) == set(PEOPLE[:3])


def test_a_refused_credential_while_naming_the_set_suspends_the_org_once(org: Org) -> None:
    org.crm.revoke_credentials()
    assert org.sync() == {"ann": "suspended"}  # the set's users cannot be named: nobody syncs
    assert org.sync() == {"ann": "suspended"}
    [issue] = org.app.state.issues("(organisation)", code="AUTH_FAILED")
    assert issue.count == 2  # one issue for the organisation, seen twice
    org.crm.restore_credentials()  # the next round names them and resumes everyone
    assert org.sync() == {"ann": "ok", "bob@example.com": "ok", "cyd@example.com": "ok"}
    assert org.app.state.issues("(organisation)", code="AUTH_FAILED") == []
