"""One mailbox's turn in a run: its guards, the pass, and what its end is recorded as.

:class:`MailboxRun` wraps one :class:`~calsync.engine.sync_pass.MailboxPass`. A mailbox
that is disabled or suspended is left alone, and so is one another process is syncing
(its lease, :mod:`calsync.state.lease`). Otherwise the pass runs, repeated as a service
that asked to slow down says (EX-25), and its end is recorded: the mailbox's status
(EX-27), an issue if it failed as a whole (:mod:`.pass_failure`), the pass history, and a
notification where people are needed. Anything unexpected fails this mailbox's pass, never
the others' (EX-24).

What the pass costs its state database when nothing changed is a few statements in two
transactions: its start (the status read, the lease taken, the mailbox's rows read once
for the whole pass, the status marked) and its end (the cursors that moved, status,
history, lease given up). The lease is renewed only once a quarter of it has passed
(:data:`~calsync.state.lease.RENEW_AFTER`): until then nobody else may have taken it.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Final, cast

from calsync.config import MailboxConfig
from calsync.engine.calls import Tagged, side_of
from calsync.engine.issuelog import record
from calsync.engine.org_round import OrgRound
from calsync.engine.org_status import SUSPENDED_DETAIL
from calsync.engine.pass_failure import AddressNotLinked, Failure, failure_of
from calsync.engine.pass_status import mark_finished, mark_started
from calsync.engine.plan import PassContext
from calsync.engine.report import PassReport
from calsync.engine.sync_pass import MailboxPass, PassResult
from calsync.errors import AuthError, StateError
from calsync.logs import log_pass, pass_context
from calsync.policy import Direction
from calsync.providers import CrmProvider, MailboxProvider
from calsync.retry import Backoff
from calsync.state.lease import LEASE_TIME, RENEW_AFTER, LeaseLost
from calsync.state.records import MailboxState, PassRecord, Side

if TYPE_CHECKING:
    from calsync.engine.engine import Engine

__all__ = ["PASS_BACKOFF", "MailboxRun"]

logger = logging.getLogger("calsync.engine")

#: How a pass the service turned away is repeated (EX-25): hints up to calsync.retry.MAX_WAIT
#: are waited for, throttling without one backs off exponentially with jitter.
PASS_BACKOFF: Final = Backoff(attempts=3)


class MailboxRun:
    """One mailbox's pass in a run, with everything recorded around it.

    :param org: what the round read for all its passes; without it the pass reads
        everything it needs itself.
    """

    def __init__(
        self,
        engine: Engine,
        mailbox: MailboxConfig,
        *,
        org: OrgRound | None = None,
        allow_mass_delete: bool = False,
    ) -> None:
        """Run ``mailbox``'s pass with ``engine``'s providers and state."""
        self.engine, self.state, self.clock = engine, engine.state, engine.clock
        self.mailbox, self.org, self.allow_mass_delete = (
            mailbox,
            org or OrgRound(),
            allow_mass_delete,
        )
        #: Provider calls of the pass, by side.
        self.calls: Counter[str] = Counter()
        #: Why the CRM refused the organisation's shared credentials during the pass ("" if
        #: it did not): the organisation is suspended once, not this mailbox.
        self.refused = ""
        #: When the lease was last taken or renewed (engine clock).
        self._renewed: datetime | None = None
        #: The codes of the mailbox's open issues as its pass ended (``None``: it did not
        #: end, left alone or stopped).
        self.open_codes: tuple[str, ...] | None = None
        #: Whether the pass's end gave the lease up with its last writes.
        self._released = False

    def report(self) -> PassReport:
        """Run the pass; what happened, with its calls, wall time and correlation id.

        Every log record of the pass carries the mailbox and the pass's correlation id; the
        pass ends with one INFO line saying what it did (``-v`` shows it).
        """
        name = self.mailbox.name
        with pass_context(name) as correlation:
            started = time.monotonic()
            report = replace(
                self._guarded(),
                calls=dict(self.calls),
                seconds=round(time.monotonic() - started, 3),
                correlation_id=correlation,
            )
            log_pass(
                logger,
                name,
                outcome=report.outcome,
                synced_up=report.synced_up,
                synced_down=report.synced_down,
                open_issues=len(report.issues),
                calls=report.calls,
                seconds=report.seconds,
            )
            return report

    # -- the guards --------------------------------------------------------------------------

    def _guarded(self) -> PassReport:
        name, holder = self.mailbox.name, self.engine.holder
        with self.state.pass_rows(name):
            started = self.clock()
            status = self._start(started)
            if isinstance(status, PassReport):
                return status
            try:
                return self._run(status, started)
            except _OrganisationRefused:
                return PassReport(mailbox=name, outcome="suspended", detail=SUSPENDED_DETAIL)
            except LeaseLost as lost:
                # Stop before writing more; the other process replays what this one started.
                return PassReport(
                    mailbox=name,
                    outcome="busy",
                    detail=f"{lost.lease.holder} took it over during the pass; stopped here",
                )
            finally:
                if not self._released:
                    self.state.release_lease(name, holder)

    def _start(self, at: datetime) -> MailboxState | PassReport:
        """Start the pass: its status, marked as started with the lease taken; or why not.

        One transaction: the status read, the lease taken, the mailbox's rows read (by
        :func:`mark_started`, which needs its cursors), the start marked.
        """
        name = self.mailbox.name
        with self.state.atomic():
            status = self.engine.mailbox_state(self.mailbox)
            if not status.enabled:
                return PassReport(
                    mailbox=name, outcome="disabled", detail="synchronisation is disabled"
                )
            if not status.effectively_enabled:
                return PassReport(
                    mailbox=name,
                    outcome="suspended",
                    detail=f"suspended by {status.suspended_by}; run `calsync enable --mailbox {name}`",
                )
            busy = self.state.take_lease(name, self.engine.holder, now=at, ttl=LEASE_TIME)
            if busy is not None:
                return PassReport(
                    mailbox=name,
                    outcome="busy",
                    detail=f"another calsync ({busy.holder}) is syncing it; left alone this time",
                )
            mark_started(self.state, self.mailbox, status, at)
        self._renewed = at
        return status

    def _keep_lease(self) -> None:
        now = self.clock()
        if self._renewed is not None and now - self._renewed < RENEW_AFTER:
            return  # three quarters of it are left: nobody else may have taken it
        other = self.state.take_lease(
            self.mailbox.name, self.engine.holder, now=now, ttl=LEASE_TIME
        )
        if other is not None:
            raise LeaseLost(other)
        self._renewed = now

    # -- the pass ----------------------------------------------------------------------------

    def _run(self, status: MailboxState, started: datetime) -> PassReport:
        result, failure = PassResult(), None
        try:
            result = self._attempt(status)
        except (StateError, LeaseLost):
            raise
        except Exception as exc:
            failure = self._failure(exc)
        return self._conclude(status, started, result, failure)

    def _attempt(self, status: MailboxState) -> PassResult:
        # EX-25: back off as told (or exponentially), then run the (idempotent) pass again.
        for attempt in PASS_BACKOFF.retrying(sleep=self.engine.sleep, name=self.mailbox.name):
            with attempt:
                return self._pass(status)
        raise AssertionError("unreachable")

    def _pass(self, status: MailboxState) -> PassResult:
        engine, mailbox, org = self.engine, self.mailbox, self.org
        crm = cast(CrmProvider, Tagged(engine.crm(), "crm", self.calls))
        if org.features is not None:
            engine.crm_features = org.features
        if engine.crm_features is None:
            engine.crm_features = crm.features()
        features = engine.crm_features
        owner = (
            org.owner_of(mailbox.address)
            if org.owners is not None
            else crm.users([mailbox.address]).get(mailbox.address)
        )
        if owner is None:
            raise AddressNotLinked()
        status.crm_user = owner
        provider = engine.mailbox_provider(mailbox)
        context = PassContext(
            name=mailbox.name,
            address=mailbox.address,
            policy=mailbox.policy,
            owner_id=owner,
            features=features,
            # Proxies that stamp the side on the errors they raise (for AUTH_FAILED and co.).
            mailbox=cast(MailboxProvider, Tagged(provider, "mailbox", self.calls)),
            crm=crm,
            state=self.state,
            matcher=engine.matcher(features.zones),
            clock=self.clock,
            org_addresses=frozenset(m.address for m in engine.roster.mailboxes()),
            allow_mass_delete=self.allow_mass_delete,
            keep_alive=self._keep_lease,
            crm_read=org.crm,
            mailbox_read=org.mailboxes.get(mailbox.name),
            people=org.people,
            records=org.records,
        )
        return MailboxPass(context).run()

    # -- its end -----------------------------------------------------------------------------

    def _failure(self, exc: Exception) -> Failure:
        """What ``exc``, which failed the pass as a whole, means for the mailbox."""
        if isinstance(exc, AuthError) and side_of(exc) is Side.CRM:
            # The CRM credential is the organisation's, shared by every mailbox: refused, it
            # suspends the organisation once (after the round), not this mailbox, whether
            # the round is everyone's or this mailbox's alone (`sync --mailbox X`).
            self.refused = str(exc)
            raise _OrganisationRefused() from exc
        return failure_of(exc, self.mailbox, self.clock)

    def _conclude(
        self, status: MailboxState, started: datetime, result: PassResult, failure: Failure | None
    ) -> PassReport:
        """Record how the pass ended: cursors, issue, status, history, notification; its report.

        The records, and the lease given up, are one transaction: the pass's last writes.
        """
        name = self.mailbox.name
        finished = self.clock()
        hits = [failure.hit] if failure is not None else []
        outcome = failure.outcome if failure is not None else "ok"
        if failure is not None and failure.suspends is not None:
            status.status, status.suspended_by = failure.suspends
        synced_up, synced_down = result.synced[Direction.UP], result.synced[Direction.DOWN]
        with self.state.atomic():
            # What the pass wrote is committed: its cursors advance (those that moved).
            for side, cursor in result.cursors.items():
                self.state.set_cursor(name, side, cursor, finished)
            if hits:
                record(self.state, name, hits, handled=(), succeeded=False, now=finished)
            mark_finished(status, outcome, result, finished)
            self.state.save_mailbox(status)
            open_codes = tuple(sorted({i.code for i in self.state.issues(name)}))
            if outcome == "ok" and open_codes:
                outcome = "issues"
            self.state.record_pass(
                PassRecord(
                    mailbox=name,
                    started_at=started,
                    finished_at=finished,
                    outcome=outcome,
                    synced_up=synced_up,
                    synced_down=synced_down,
                    issues_open=len(open_codes),
                    api_calls=dict(self.calls),
                )
            )
            self.state.release_lease(name, self.engine.holder)
        self._released, self.open_codes = True, open_codes
        self.engine.notifications.after_pass(self.mailbox, status, hits, finished)
        return PassReport(
            mailbox=name,
            outcome=outcome,
            synced_up=synced_up,
            synced_down=synced_down,
            issues=open_codes,
            detail=failure.detail if failure is not None else "",
        )


class _OrganisationRefused(Exception):
    """The CRM refused the organisation's shared credentials during the pass."""
