"""A Hypothesis state machine: random edits on both sides, faults and killed passes.

Use it for any pair of providers (their harnesses)::

    from calsync_conformance.machine import machine_for
    TestMine = machine_for(MyMailboxHarness, SandboxCrmHarness, examples=10, steps=15)


After the faults clear and two clean passes:
- every syncable item has exactly one counterpart (no duplicates);
- nothing was deleted that a person did not delete, and nothing a person deleted came back;
- both sides agree on every synced field;
- no sync write made the mailbox send an invitation, update or cancellation;
- every unsyncable item has exactly one open issue and its marker;
- nothing of a private item is on the CRM side, in the state database or in the logs;
  nor in any request the CRM received (its subject, or its attendee even as a lookup);
  an item turned private has no CRM copy left;
- a side wiped at once deletes nothing on the other side until the person confirms.

Bounded for CI; set CALSYNC_PROPERTY_EXAMPLES (and CALSYNC_PROPERTY_STEPS) for long runs.
A failure prints the shrunk sequence of steps.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
)

from calsync.api import Calsync
from calsync.config import Config, CrmConfig, MailboxConfig
from calsync.emulation import FaultKind, FrozenClock
from calsync.engine.sync_pass import MASS_DELETE_MINIMUM
from calsync.harness import CrmHarness, MailboxHarness
from calsync.model import CalendarItem, Participant, Privacy
from calsync.policy import Policy
from calsync.state import State, schema
from calsync.timezones import TimeZoneMatcher, salesforce_zones

ALICE = "alice@example.com"
START = datetime(2027, 6, 7, 8, tzinfo=UTC)
SECRET = "Confidential-"
FAULTS = [
    FaultKind.THROTTLE,
    FaultKind.AUTH_EXPIRED,
    FaultKind.SERVER_ERROR,
    FaultKind.TIMEOUT,
    FaultKind.MALFORMED,
    FaultKind.PARTIAL_FAILURE,
]

#: How a pass after a reset ends: not at all (the invariants' passes run it), or killed
#: (which side, and in which call).
KILLS: list[tuple[bool, str] | None] = [
    None,
    (True, "write"),
    (True, "pull"),
    (False, "write"),
    (False, "pull"),
    (False, "set_markers"),
]


class Killed(BaseException):
    """The process died mid-pass."""


class KillOnce:
    """Proxies a provider; its ``method`` dies once, after doing its work."""

    def __init__(self, target: Any, method: str) -> None:
        self.target, self.method, self.armed = target, method, True

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.target, name)
        if name != self.method:
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            if self.armed:
                self.armed = False
                raise Killed(name)
            return result

        return call


_ZONES = TimeZoneMatcher(salesforce_zones())


def _unsyncable_zone(zone: str | None) -> bool:
    """Whether the CRM has no equivalent of ``zone`` (the machine's one kind of refusal)."""
    return bool(zone) and not _ZONES.match(zone or "").ok


class SyncMachine(RuleBasedStateMachine):
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
        pairs = _pairs(mail, crm)
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

    # -- the invariants ------------------------------------------------------------------------

    @invariant()
    def converges(self) -> None:
        # The invariants hold once the faults clear: a fault no pass took yet (a batch failure
        # armed while nothing was written) must not fail the two clean passes.
        self.mail.clear_faults()
        self.crm.clear_faults()
        for _ in range(2):
            self.app.sync()
        if self.app.status().mailboxes[0].suspended_by:
            self.app.enable("alice")
            self.app.sync()
        mail = {i.ref.id: i for i in self.mail.items(ALICE) if i.ref}
        crm = {i.ref.id: i for i in self.crm.items(self.owner) if i.ref}
        # Nothing a person did not delete is gone.
        assert set(self.alive_mail) <= set(mail), "a mailbox item disappeared"
        syncable_mail = {
            i: m for i, m in mail.items() if not m.is_private and not _unsyncable_zone(m.zone)
        }
        private_crm = {i for i, c in crm.items() if c.is_private}
        # Exactly one counterpart each: a pair is tied by the id either item carries.
        pairs = _pairs(mail, crm)
        for item_id in syncable_mail:
            partners = [c for c, m in pairs if m == item_id]
            assert len(partners) == 1, f"mailbox item {item_id} has counterparts {partners}"
        for crm_id in crm.keys() - private_crm:
            partners = [m for c, m in pairs if c == crm_id]
            assert len(partners) == 1, f"CRM event {crm_id} has counterparts {partners}"
        # Both sides agree on the synced fields.
        for crm_id, mail_id in pairs:
            pair, event = mail[mail_id], crm[crm_id]
            if pair.is_private or _unsyncable_zone(pair.zone):
                continue
            assert (pair.subject, pair.start, pair.end, pair.location) == (
                event.subject,
                event.start,
                event.end,
                event.location,
            )
        self._nothing_deleted_comes_back(mail, crm, pairs)
        # No sync write made the mailbox mail anyone.
        assert self.mail.invitations_sent() == 0, "a sync write sent invitations or updates"
        # Every unsyncable item has exactly one open issue and its marker.
        issues = self.app.issues("alice")
        for item_id, item in mail.items():
            if not item.is_private and _unsyncable_zone(item.zone):
                mine = [i for i in issues if i.item_id == item_id]
                assert [i.code for i in mine] == ["UNSUPPORTED_TIME_ZONE"], mine
                assert self.mail.marker(ALICE, item_id).flagged
        # Private content is nowhere on the CRM side, in state or in the logs.
        leaked = [
            c.subject for c in crm.values() if c.subject.startswith(SECRET) and not c.is_private
        ]
        assert not leaked, leaked
        with self.app.state.engine.connect() as conn:
            dump = json.dumps(
                [
                    list(map(str, row))
                    for t in schema.metadata.sorted_tables
                    for row in conn.execute(t.select())
                ]
            )
        assert SECRET not in dump
        assert not any(SECRET in record for record in self.records)

    def _nothing_deleted_comes_back(
        self,
        mail: dict[str, CalendarItem],
        crm: dict[str, CalendarItem],
        pairs: set[tuple[str, str]],
    ) -> None:
        """Every item is one a person made and kept, or the copy of one."""
        for mail_id in mail.keys() - self.alive_mail.keys():
            assert any(c in self.alive_crm for c, m in pairs if m == mail_id), (
                f"mailbox item {mail_id} ({mail[mail_id].subject}) copies nothing alive"
            )
        for crm_id in crm.keys() - self.alive_crm.keys():
            assert any(m in self.alive_mail for c, m in pairs if c == crm_id), (
                f"CRM event {crm_id} ({crm[crm_id].subject}) copies nothing alive"
            )

    @invariant()
    def privacy_holds_on_the_service_side(self) -> None:
        # Runs after `converges` (invariants run in name order), once its passes are done.
        self.watched |= {
            text
            for item in self.mail.items(ALICE)
            if item.is_private
            for text in (item.subject, *item.people)
            if text != ALICE
        }
        watched = self.watched - self.exposed
        received = self.crm.received()
        for request in received[self.requests_seen :]:
            leaked = [text for text in watched if text in request]
            assert not leaked, f"the CRM received {leaked}: {request[:300]}"
        self.requests_seen = len(received)
        for record in self.records[self.records_seen :]:
            leaked = [text for text in watched if text in record]
            assert not leaked, f"a log line shows {leaked}: {record[:300]}"
        self.records_seen = len(self.records)
        mail = {i.ref.id: i for i in self.mail.items(ALICE) if i.ref}
        crm = {i.ref.id: i for i in self.crm.items(self.owner) if i.ref}
        copies = [(c, m) for c, m in _pairs(mail, crm) if mail[m].is_private]
        assert not copies, f"items turned private kept their CRM copies: {copies}"


def _pairs(mail: dict[str, CalendarItem], crm: dict[str, CalendarItem]) -> set[tuple[str, str]]:
    """(CRM id, mailbox id) of each synced pair, tied by the id either item carries."""
    pairs = {(m.counterpart_id, mail_id) for mail_id, m in mail.items() if m.counterpart_id in crm}
    pairs |= {(crm_id, c.counterpart_id) for crm_id, c in crm.items() if c.counterpart_id in mail}
    return {(c, m) for c, m in pairs if c is not None and m is not None}


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
