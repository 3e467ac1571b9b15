"""Another sync product writing the same meetings into Salesforce: one warning for the org.

Another integration user (as Lightning Sync or Einstein Activity Capture would) writes a
copy of a meeting calsync already synced into the owner's Salesforce calendar; judged by
what the emulated org holds, the organisation's issues and the notifications sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.emulation import FrozenClock
from calsync.issues import ORGANISATION
from calsync.model import CalendarItem
from calsync.notify import Notification, NotificationKind
from calsync.plugins import load_registry
from calsync.sandbox.harness import SandboxMailboxHarness
from calsync.state import State
from calsync_salesforce.emulator import SalesforceEmulator
from calsync_salesforce.harness import SalesforceCrmHarness

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)
PEOPLE = tuple(f"person{n}@example.com" for n in range(3))


class Org:
    """Three synced people, and another integration user writing into their calendars."""

    def __init__(self, tmp_path: Path) -> None:
        self.clock = FrozenClock(NOW)
        self.crm = SalesforceCrmHarness(SalesforceEmulator(clock=self.clock))
        self.mail = SandboxMailboxHarness()
        self.users = {a: self.crm.add_user(a, zone="Europe/Berlin") for a in PEOPLE}
        self.other_product = self.crm.add_user("lightning.sync@acme.test")
        self.sent: list[Notification] = []
        db = f"sqlite:///{tmp_path / 'state.db'}"
        data = {
            "state": db,
            "crm": {"provider": "salesforce"},
            "mailbox_defaults": {"provider": "sandbox"},
            "mailboxes": [{"address": a} for a in PEOPLE],
        }
        config = parse_config(data, registry=load_registry(["sandbox", "salesforce"]))
        self.app = Calsync(
            config,
            state=State(db),
            clock=self.clock.now,
            sleep=lambda _: None,
            crm=self.crm.open_crm(),
            mailboxes={a: self.mail.open_mailbox(a) for a in PEOPLE},
            notifiers=[self],
        )

    def notify(self, notification: Notification) -> None:
        self.sent.append(notification)

    def sync(self) -> None:
        self.clock.advance(600)
        assert {r.outcome for r in self.app.sync()} == {"ok"}

    def warnings(self) -> list[str]:
        return [i.message for i in self.app.state.issues(ORGANISATION, code="OTHER_SYNC_PRODUCT")]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    organisation = Org(tmp_path)
    yield organisation
    organisation.app.close()


def meeting(subject: str, days: int = 1) -> CalendarItem:
    start = NOW + timedelta(days=days)
    return CalendarItem(
        start=start,
        end=start + timedelta(hours=1),
        subject=subject,
        location="Room 4",
        zone="Europe/Berlin",
    )


def test_copies_written_by_another_integration_raise_one_warning(org: Org) -> None:
    for address in PEOPLE:
        org.mail.seed(address, meeting(f"Review with {address}"))
    org.sync()
    org.sync()
    assert org.warnings() == []
    # another product writes the same meetings into two people's calendars, and someone
    # creates an unrelated event of their own (no warning for that)
    for address in PEOPLE[:2]:
        copy = meeting(f"Review with {address}")
        org.crm.seed(org.users[address], copy, as_user=org.other_product)
    org.crm.seed(org.users[PEOPLE[2]], meeting("Lunch", days=2))
    org.sync()
    creators = {e["CreatedById"] for e in org.crm.emulator.org.events(owner=org.users[PEOPLE[0]])}
    assert org.other_product in creators  # two events for the meeting in the org
    assert org.warnings() == [
        "2 CRM event(s) of synced people, first person0@example.com's, repeat a meeting "
        "calsync syncs but were written by something else"
    ]
    [sent] = [n for n in org.sent if n.kind is NotificationKind.OTHER_SYNC_PRODUCT]
    assert "Lightning Sync" in sent.advice and sent.mailbox == ORGANISATION
    # seen again: still one issue, no second notification
    org.crm.seed(
        org.users[PEOPLE[2]], meeting(f"Review with {PEOPLE[2]}"), as_user=org.other_product
    )
    org.sync()
    assert len(org.warnings()) == 1
    assert len([n for n in org.sent if n.kind is NotificationKind.OTHER_SYNC_PRODUCT]) == 1


def test_the_warning_resolves_after_a_quiet_day(org: Org) -> None:
    org.mail.seed(PEOPLE[0], meeting("Review"))
    org.sync()
    org.sync()
    org.crm.seed(org.users[PEOPLE[0]], meeting("Review"), as_user=org.other_product)
    org.sync()
    assert len(org.warnings()) == 1
    org.clock.advance(timedelta(days=1))
    org.sync()
    assert org.warnings() == []
