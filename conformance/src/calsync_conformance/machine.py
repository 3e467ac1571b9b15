"""A Hypothesis state machine: random edits on both sides, faults, expired cursors, killed passes.

Use it for any pair of providers (their harnesses)::

    from calsync_conformance.machine import machine_for
    TestMine = machine_for(MyMailboxHarness, SandboxCrmHarness, examples=10, steps=15)

After every step the invariants of :mod:`calsync_conformance.invariants` hold; and a side
wiped at once deletes nothing on the other side until the person confirms. A service that
forgets a delta cursor (an expired cursor) makes the next pass reconcile in full, with no
duplicate and nothing lost.

Bounded for CI; set CALSYNC_PROPERTY_EXAMPLES (and CALSYNC_PROPERTY_STEPS) for long runs.
A failure prints the shrunk sequence of steps.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, rule

from calsync.api import Calsync
from calsync.config import Config, CrmConfig, MailboxConfig
from calsync.emulation import FaultKind, FrozenClock
from calsync.engine.sync_pass import MASS_DELETE_MINIMUM
from calsync.harness import CrmHarness, MailboxHarness
from calsync.model import CalendarItem, Participant, Privacy
from calsync.policy import Policy
from calsync.state import State
from calsync_conformance.invariants import ALICE, SECRET, Invariants, synced_pairs
from calsync_conformance.kills import FAULTS, KILLS, Killed, KillOnce

__all__ = ["ALICE", "KILLS", "SECRET", "SyncMachine", "machine_for"]

START = datetime(2027, 6, 7, 8, tzinfo=UTC)


class SyncMachine(Invariants, RuleBasedStateMachine):
    """One mailbox and its CRM; subclasses set the harness factories (see :func:`machine_for`)."""

    mail_items = Bundle("mail_items")
    crm_items = Bundle("crm_items")
    mail_factory: Callable[[], MailboxHarness]
    crm_factory: Callable[[], CrmHarness]

    def __init__(self) -> None:
        super().__init__()
        self.workdir = Path(tempfile.mkdtemp(prefix="calsync-prop-"))
        self.mail, self.crm = type(self).mail_factory(), type(self).crm_factory()
        self.owner = self.crm.add_user(ALICE)
        self.clock = FrozenClock(START - timedelta(days=1))
        self.counter = itertools.count()
        self.db = f"sqlite:///{self.workdir / 'state.db'}"
        #: What the people created and did not delete: id -> subject.
        self.alive_mail: dict[str, str] = {}
        self.alive_crm: dict[str, str] = {}
        self.log = logging.getLogger("calsync")
        self.records: list[str] = []
        self.handler = _Collect(self.records)
        #: Texts of private items (subjects, attendees) that must never reach the CRM or a
        #: log line; those of items made public again are exposed from then on.
        self.watched: set[str] = set()
        self.exposed: set[str] = set()
        self.requests_seen = self.records_seen = 0
        logging.getLogger().addHandler(self.handler)
        logging.getLogger().setLevel(logging.DEBUG)
        self._open()

    def _open(self) -> None:
        config = Config(
            state=self.db,
            crm=CrmConfig(provider=self.crm.provider_name),
            mailboxes=(
                MailboxConfig(name="alice", provider=self.mail.provider_name, address=ALICE),
            ),
            policy=Policy(),
        )
        self.app = Calsync(
            config,
            state=State(self.db),
            clock=self.clock.now,
            sleep=lambda _: None,
            crm=self.crm.open_crm(),
            mailboxes={"alice": self.mail.open_mailbox(ALICE)},
            notifiers=[],
        )

    def teardown(self) -> None:
        logging.getLogger().removeHandler(self.handler)
        self.app.close()
        self.mail.close()
        self.crm.close()

    def _item(self, prefix: str, day: int, private: bool, zone: str) -> CalendarItem:
        start = START + timedelta(days=day, hours=next(self.counter) % 9)
        number = next(self.counter)
        subject = f"{SECRET if private else ''}{prefix} {number}"
        # A private item's attendee is its own secret: not even a lookup may name it.
        attendees = (Participant(address=f"secret-{number}@customer.example"),) if private else ()
        return CalendarItem(
            start=start,
            end=start + timedelta(hours=1),
            subject=subject,
            zone=zone,
            privacy=Privacy.PRIVATE if private else Privacy.NORMAL,
            attendees=attendees,
        )

    # -- people editing ----------------------------------------------------------------------

    @rule(
        target=mail_items,
        day=st.integers(0, 20),
        private=st.booleans(),
        zone=st.sampled_from(["Europe/Berlin", "Asia/Tehran"]),
    )
    def person_creates_in_mailbox(self, day: int, private: bool, zone: str) -> str:
        item = self._item("Mail", day, private, zone)
        item_id = self.mail.seed(ALICE, item)
        self.alive_mail[item_id] = item.subject
        return item_id

    @rule(target=crm_items, day=st.integers(0, 20), private=st.booleans())
    def person_creates_in_crm(self, day: int, private: bool) -> str:
        item = self._item("CRM", day, private, "Europe/Berlin")
        item_id = self.crm.seed(self.owner, item)
        self.alive_crm[item_id] = item.subject
        return item_id

    @rule(
        item_id=mail_items,
        hours=st.integers(-3, 3),
        zone=st.sampled_from(["Europe/Berlin", "Asia/Tehran", None]),
    )
    def person_edits_in_mailbox(self, item_id: str, hours: int, zone: str | None) -> None:
        current = self.mail.read(ALICE, item_id)
        if current is not None:
            changes: dict[str, Any] = {
                "start": current.start + timedelta(hours=hours),
                "end": current.end + timedelta(hours=hours),  # type: ignore[operator]
                "location": f"Room {next(self.counter)}",
            }
            if zone is not None:
                changes["zone"] = zone
            self.mail.edit(ALICE, item_id, **changes)

    @rule(item_id=mail_items)
    def person_toggles_privacy_in_mailbox(self, item_id: str) -> None:
        current = self.mail.read(ALICE, item_id)
        if current is not None and not current.is_private:
            # Becoming private: the person means it to stay out from now on.
            self.mail.edit(
                ALICE, item_id, privacy=Privacy.PRIVATE, subject=SECRET + current.subject
            )
            self.alive_mail[item_id] = SECRET + current.subject

    @rule(item_id=crm_items)
    def person_edits_in_crm(self, item_id: str) -> None:
        if self.crm.read(item_id) is not None:
            self.crm.edit(item_id, location=f"CRM room {next(self.counter)}")

    @rule(item_id=consumes(mail_items))
    def person_deletes_in_mailbox(self, item_id: str) -> None:
        if self.mail.read(ALICE, item_id) is not None:  # not wiped meanwhile
            self.mail.remove(ALICE, item_id)
        self.alive_mail.pop(item_id, None)

    @rule(item_id=consumes(crm_items))
    def person_deletes_in_crm(self, item_id: str) -> None:
        if self.crm.read(item_id) is not None:  # not wiped meanwhile
            self.crm.remove(item_id)
        self.alive_crm.pop(item_id, None)

    @rule(item_id=mail_items)
    def person_makes_private_item_public(self, item_id: str) -> None:
        current = self.mail.read(ALICE, item_id)
        if current is not None and current.is_private:
            # What it said while private stays secret; from now on it syncs as it is.
            public = current.subject.removeprefix(SECRET) + " public"
            self.exposed |= set(current.people)
            self.mail.edit(ALICE, item_id, privacy=Privacy.NORMAL, subject=public)
            self.alive_mail[item_id] = public

    @rule(crm_side=st.booleans())
    def person_wipes_a_side(self, crm_side: bool) -> None:
        """Everything is deleted on one side at once: held until the person confirms."""
        self.app.sync()  # whatever was pending is synced first
        mail = {i.ref.id: i for i in self.mail.items(ALICE) if i.ref}
        crm = {i.ref.id: i for i in self.crm.items(self.owner) if i.ref}
        pairs = synced_pairs(mail, crm)
        if crm_side:
            for crm_id in crm:
                self.crm.remove(crm_id)
                self.alive_crm.pop(crm_id, None)
        else:
            for mail_id in mail:
                self.mail.remove(ALICE, mail_id)
                self.alive_mail.pop(mail_id, None)
        self.app.sync()
        held = [i for i in self.app.issues("alice") if i.code == "MASS_DELETE_HELD"]
        survivors = (
            {i.ref.id for i in self.mail.items(ALICE) if i.ref}
            if crm_side
            else {i.ref.id for i in self.crm.items(self.owner) if i.ref}
        )
        counterparts = {m for _, m in pairs} if crm_side else {c for c, _ in pairs}
        if len(pairs) >= MASS_DELETE_MINIMUM:
            assert held, f"{len(pairs)} deletions were made without confirmation"
            assert counterparts <= survivors, "a held deletion was made"
            self.app.sync(allow_mass_delete=True)
        else:
            assert not held, "a few deletions were held"
        # Confirmed (or too few to hold): the counterparts are gone, as the person meant.
        for mail_id in counterparts if crm_side else ():
            self.alive_mail.pop(mail_id, None)
        for crm_id in () if crm_side else counterparts:
            self.alive_crm.pop(crm_id, None)
        self.clock.advance(60)

    # -- syncing, with faults ----------------------------------------------------------------

    @rule()
    def a_pass(self) -> None:
        self.app.sync()
        self.clock.advance(60)

    @rule(kind=st.sampled_from(FAULTS), crm_side=st.booleans())
    def a_pass_with_a_fault(self, kind: FaultKind, crm_side: bool) -> None:
        harness = self.crm if crm_side else self.mail
        harness.inject(kind, retry_after=1.0)
        self.app.sync()
        harness.clear_faults()
        harness.restore_credentials()
        if self.app.status().mailboxes[0].suspended_by:
            self.app.enable("alice")
        self.clock.advance(60)

    @rule(crm_side=st.booleans())
    def a_pass_after_the_cursor_expired(self, crm_side: bool) -> None:
        """The service forgot the delta cursor: the pass lists everything and reconciles.

        A cursor is in hand and a person changed something since; the invariants then check
        that nothing came twice and nothing was lost.
        """
        self.app.sync()
        if crm_side:
            self.person_creates_in_crm(day=next(self.counter) % 20, private=False)
        else:
            self.person_creates_in_mailbox(
                day=next(self.counter) % 20, private=False, zone="Europe/Berlin"
            )
        harness = self.crm if crm_side else self.mail
        harness.inject(FaultKind.CURSOR_EXPIRED, endpoint="pull")
        self.app.sync()
        harness.clear_faults()
        self.clock.advance(60)

    @rule(crm_side=st.booleans(), method=st.sampled_from(["write", "set_markers", "pull"]))
    def a_pass_killed(self, crm_side: bool, method: str) -> None:
        engine = self.app.engine
        if crm_side:
            if method == "set_markers":
                return
            engine._crm = KillOnce(engine._crm, method)  # type: ignore[assignment]
        else:
            engine._mailboxes["alice"] = KillOnce(engine._mailboxes["alice"], method)  # type: ignore[assignment]
        with contextlib.suppress(Killed):
            self.app.sync()
        self.app.close()
        self._open()  # a new process

    # -- resets ------------------------------------------------------------------------------

    @rule(
        gone=consumes(mail_items),
        edited=crm_items,
        killed=st.sampled_from(KILLS),
    )
    def reset_after_a_mailbox_delete(
        self, gone: str, edited: str, killed: tuple[bool, str] | None
    ) -> None:
        """Edits on both sides and a mailbox deletion no pass saw yet, then a reset."""
        self._edit_a_mailbox_item()
        self.person_edits_in_crm(edited)
        self.person_deletes_in_mailbox(gone)
        self._reset(killed)

    @rule(
        gone=consumes(crm_items),
        edited=mail_items,
        killed=st.sampled_from(KILLS),
    )
    def reset_after_a_crm_delete(
        self, gone: str, edited: str, killed: tuple[bool, str] | None
    ) -> None:
        """Edits on both sides and a CRM deletion no pass saw yet, then a reset."""
        self.person_edits_in_mailbox(edited, 1, None)
        self._edit_a_crm_copy()
        self.person_deletes_in_crm(gone)
        self._reset(killed)

    def _edit_a_mailbox_item(self) -> None:
        """A mailbox copy of a CRM event (or any item) gets a new location."""
        held = [i for i in self.mail.items(ALICE) if i.ref and not i.is_private]
        if held:
            target = held[next(self.counter) % len(held)]
            assert target.ref is not None
            self.mail.edit(ALICE, target.ref.id, location=f"Reset room {next(self.counter)}")

    def _edit_a_crm_copy(self) -> None:
        """A CRM copy of a mailbox item (or any event) gets a new location."""
        held = [c for c in self.crm.items(self.owner) if c.ref and not c.is_private]
        if held:
            target = held[next(self.counter) % len(held)]
            assert target.ref is not None
            self.crm.edit(target.ref.id, location=f"CRM reset room {next(self.counter)}")

    def _reset(self, killed: tuple[bool, str] | None) -> None:
        """``calsync reset``, then (maybe) a pass killed part way; the invariants sync after."""
        self.app.reset("alice")
        if killed is not None:
            self.a_pass_killed(*killed)


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__()
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(self.format(record))


def machine_for(
    mail_factory: Callable[[], MailboxHarness],
    crm_factory: Callable[[], CrmHarness],
    *,
    examples: int = 25,
    steps: int = 25,
) -> type[Any]:
    """A test case running the machine on the providers the two harness factories make.

    ``CALSYNC_PROPERTY_EXAMPLES`` / ``CALSYNC_PROPERTY_STEPS`` override the bounds.
    """
    machine = type(
        "SyncMachineFor",
        (SyncMachine,),
        {"mail_factory": staticmethod(mail_factory), "crm_factory": staticmethod(crm_factory)},
    )
    case = machine.TestCase
    case.settings = settings(
        max_examples=int(os.environ.get("CALSYNC_PROPERTY_EXAMPLES", examples)),
        stateful_step_count=int(os.environ.get("CALSYNC_PROPERTY_STEPS", steps)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    return case
