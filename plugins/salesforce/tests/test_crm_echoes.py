"""calsync's own writes coming back from Salesforce: known without reading them back.

A Collections save answers no ``SystemModstamp``, and the provider reads none back. When
the records come back in the next delta, the engine knows them by the content it wrote,
or, when the org reshaped a value while saving, by ``LastModifiedById`` being the
integration user. A person's edit names the person and always syncs. Judged from the
emulated org's request log and from what both sides hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceRefusedRequest

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.emulation import FrozenClock
from calsync.engine import PassReport
from calsync.model import CalendarItem
from calsync.plugins import load_registry
from calsync.sandbox.harness import SandboxMailboxHarness
from calsync.state import State
from calsync_salesforce.emulator import SalesforceEmulator
from calsync_salesforce.harness import SalesforceCrmHarness

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)
ALICE = "alice@example.com"
#: Requests that would read written records back (by id) rather than list changes.
READ_BACKS = frozenset({"composite.sobjects.retrieve", "sobjects.get", "sobjects.getByExternalId"})


class Org:
    """A Salesforce org and a sandbox mailbox with calsync over them."""

    def __init__(self, tmp_path: Path) -> None:
        self.clock = FrozenClock(NOW)
        self.crm = SalesforceCrmHarness(SalesforceEmulator(clock=self.clock))
        self.mail = SandboxMailboxHarness()
        self.alice = self.crm.add_user(ALICE, zone="Europe/Berlin")
        db = f"sqlite:///{tmp_path / 'state.db'}"
        data = {
            "state": db,
            "crm": {"provider": "salesforce"},
            "mailboxes": [{"name": "alice", "provider": "sandbox", "address": ALICE}],
        }
        config = parse_config(data, registry=load_registry(["sandbox", "salesforce"]))
        self.app = Calsync(
            config,
            state=State(db),
            clock=self.clock.now,
            sleep=lambda _: None,
            crm=self.crm.open_crm(),
            mailboxes={"alice": self.mail.open_mailbox(ALICE)},
            notifiers=[],
        )

    def sync(self) -> tuple[PassReport, list[str]]:
        """One pass a minute later; its report and the endpoints the org saw, in order."""
        self.clock.advance(60)
        seen = len(self.crm.emulator.received)
        [report] = self.app.sync()
        emulator = self.crm.emulator
        return report, [emulator.endpoint_of(r) for r in emulator.received[seen:]]

    def event(self, subject: str) -> CalendarItem:
        return next(i for i in self.crm.items(self.alice) if i.subject == subject)


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    organisation = Org(tmp_path)
    yield organisation
    organisation.app.close()


def meeting(subject: str, *, days: int = 1, **fields: object) -> CalendarItem:
    start = NOW + timedelta(days=days)
    return CalendarItem(
        start=start, end=start + timedelta(hours=1), subject=subject, zone="Europe/Berlin",
        **fields,  # type: ignore[arg-type]
    )  # fmt: skip


def test_writes_are_not_read_back_and_their_echo_writes_nothing(org: Org) -> None:
    for n in range(3):
        org.mail.seed(ALICE, meeting(f"Call {n}", days=n + 1, location="Room 1"))
    report, first = org.sync()
    assert report.synced_up == 3
    written = max(i for i, e in enumerate(first) if e.startswith("composite.sobjects."))
    assert first[written] == "composite.sobjects.upsert"
    assert not READ_BACKS & set(first), first
    assert first[written + 1 :] == [], "nothing is asked of the org after its writes"
    mailbox = org.mail.items(ALICE)

    # The next pass's delta lists the three records calsync wrote: they are its own echo.
    report, second = org.sync()
    assert (report.synced_up, report.synced_down) == (0, 0)
    assert not READ_BACKS & set(second)
    assert not any(e.startswith("composite.sobjects.") for e in second), second
    # What was written is what came back: no need to ask who the integration user is.
    assert "oauth2.userinfo" not in second
    assert org.mail.items(ALICE) == mailbox


def test_a_value_the_org_reshaped_while_saving_is_still_the_echo(org: Org) -> None:
    up = org.mail.seed(ALICE, meeting("Kick-off", location="Room 1"))
    org.sync()
    # Automation that runs in calsync's save (a before-save flow, a trigger) runs as the
    # saving user: the record's last modifier stays the integration user.
    event = org.event("Kick-off")
    assert event.ref is not None
    org.crm.org.update_event(
        event.ref.id, {"Location": "ROOM 1 (Building A)"}, as_user=org.crm.integration_user
    )
    report, seen = org.sync()
    assert (report.synced_up, report.synced_down) == (0, 0)
    assert seen.count("oauth2.userinfo") == 1  # asked once, when first needed
    assert org.mail.read(ALICE, up).location == "Room 1"  # type: ignore[union-attr]
    # Settled: the pass after writes nothing and asks nothing more.
    report, seen = org.sync()
    assert (report.synced_up, report.synced_down) == (0, 0)
    assert "oauth2.userinfo" not in seen


def test_a_person_edit_right_after_the_write_is_synced(org: Org) -> None:
    up = org.mail.seed(ALICE, meeting("Kick-off", location="Room 1"))
    org.sync()
    event = org.event("Kick-off")
    assert event.ref is not None
    # Alice moves the meeting in Salesforce before calsync's next pass sees its own write.
    org.crm.edit(event.ref.id, location="Room 9")
    assert org.crm.org.event(event.ref.id)["LastModifiedById"] == org.alice  # type: ignore[index]
    report, _ = org.sync()
    assert (report.synced_up, report.synced_down) == (0, 1)
    assert org.mail.read(ALICE, up).location == "Room 9"  # type: ignore[union-attr]
    report, _ = org.sync()
    assert (report.synced_up, report.synced_down) == (0, 0)


def test_the_integration_user_changing_a_settled_event_is_not_taken_for_an_echo(
    org: Org,
) -> None:
    up = org.mail.seed(ALICE, meeting("Kick-off", location="Room 1"))
    org.sync()
    org.sync()  # the echo came back: the link knows the record's stamp again
    event = org.event("Kick-off")
    assert event.ref is not None
    # Someone else working as the same user (another integration, an admin) changes it
    # with no write of calsync's before it.
    org.crm.org.update_event(event.ref.id, {"Location": "Room 7"}, as_user=org.crm.integration_user)
    report, _ = org.sync()
    assert (report.synced_up, report.synced_down) == (0, 1)
    assert org.mail.read(ALICE, up).location == "Room 7"  # type: ignore[union-attr]


def test_an_org_that_will_not_say_who_calsync_is_syncs_a_reshaped_value_once(
    org: Org, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refused(self: Salesforce, path: str, *args: object, **kwargs: object) -> object:
        raise SalesforceRefusedRequest(f"{self.oauth2_url}{path}", 403, path, [])

    monkeypatch.setattr(Salesforce, "oauth2", refused)
    up = org.mail.seed(ALICE, meeting("Kick-off", location="Room 1"))
    org.sync()
    event = org.event("Kick-off")
    assert event.ref is not None
    org.crm.org.update_event(
        event.ref.id, {"Location": "ROOM 1 (Building A)"}, as_user=org.crm.integration_user
    )
    report, _ = org.sync()
    # Taken for a change: the org's value reaches the mailbox once, and the pass goes on.
    assert (report.outcome, report.synced_up, report.synced_down) == ("ok", 0, 1)
    assert org.mail.read(ALICE, up).location == "ROOM 1 (Building A)"  # type: ignore[union-attr]
    assert "did not say who the integration user is" in caplog.text
    report, _ = org.sync()
    assert (report.synced_up, report.synced_down) == (0, 0)
