"""What a worker process does for a task: the organisation read of a round, one mailbox's pass.

One :class:`Runtime` per worker process holds what the passes share: the configuration,
the plugins, the state database's connection pool and the CRM providers, lent to the
rounds' and every pass's calls (:class:`~calsync.workers.providers.SharedCrm`). A pass
builds its mailbox's provider afresh (a client of its own; the mailbox service's token is
the process's where the plugin keeps it so, as Graph's does).

Two guards keep a mailbox to one pass at a time. Between processes and hosts, the state
database's lease (calsync.state.lease) as for ``calsync sync``: a pass whose mailbox another
process holds ends at once as ``busy``. Within a process, whose threads share one lease
holder (host and process id), a lock per mailbox does the same.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from calsync.api import Calsync
from calsync.config import Config, MailboxConfig, load_config
from calsync.engine import Engine, PassReport
from calsync.engine.members import Roster
from calsync.plugins import Registry
from calsync.providers import CrmProvider, MailboxProvider
from calsync.state import State
from calsync.workers import metrics, shares
from calsync.workers.providers import Counted, SharedCrm

__all__ = ["Runtime"]

logger = logging.getLogger("calsync.workers")


class Runtime:
    """The configuration, plugins and state one worker process shares between its tasks."""

    def __init__(self, config_path: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        """Load the configuration at ``config_path`` and open its state database."""
        self.config: Config = load_config(config_path)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.state = State(
            self.config.state,
            busy_timeout=self.config.state_options.busy_timeout_seconds,
            keep_passes=self.config.state_options.keep_history,
        )
        # The plugins the engine would load (a pass builds its engine on these).
        self.registry: Registry = Engine(self.config, state=self.state).registry
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()
        #: The CRM provider of the rounds and of every pass (see the module's docstring).
        self._shared_crm: SharedCrm | None = None
        self._crm_lock = threading.Lock()
        #: Rounds are planned one at a time, on an API of their own (see :meth:`_rounds`).
        self._round_lock = threading.Lock()
        self._round_api: Calsync | None = None

    # -- the organisation read ---------------------------------------------------------------

    def plan_round(self) -> list[tuple[str, dict[str, Any] | None]]:
        """The round's organisation read: each mailbox to pass, with its share (or ``None``).

        Disabled mailboxes are left out (their pass would only say so); the round-lag
        gauges are set from the state. Then the CRM is read once for all of them
        (:meth:`Calsync.open_round`): what it supports, who owns each address and every
        owner's changes, which the shares carry. No pass at all when the organisation waits
        (its credentials refused, its API allowance used into the reserve); no share when
        the read failed or read nothing (each pass reads for itself and meets the failure
        where it is).

        The mailboxes are not read ahead, so the share has no people lookup or CRM records
        for their changes (:class:`~calsync.engine.org_round.PeopleRead`, ``RecordsRead``):
        reading ahead would put every mailbox's delta in this one task, one after another
        (2,000 mailboxes at 150 ms: five minutes, longer than a round), before passes that
        read them side by side on every worker. A pass of a changed mailbox looks up the
        people on its changes and fetches their records itself (a call or two, only for
        changes that need them); an idle pass asks the CRM nothing.
        """
        now = self.clock()
        with self._round_lock:
            rounds = self._rounds()
            due = []
            for mailbox in rounds.engine.roster.mailboxes():
                status = self.state.mailbox(mailbox.name)
                if status is not None and not status.enabled:
                    continue
                due.append(mailbox)
                synced = status.last_success_at if status is not None else None
                if synced is not None:
                    lag = (now - synced).total_seconds()
                    metrics.ROUND_LAG.labels(mailbox=mailbox.name).set(lag)
            if not due:
                return []
            org, waits = rounds.open_round([m.name for m in due], mailbox_changes=False)
            metrics.record_api_usage(self.config.crm.provider, rounds.engine.crm().api_usage())
        if waits:
            logger.warning("the organisation is %s: no pass this round", waits)
            return []
        if org.owners is None:
            return [(mailbox.name, None) for mailbox in due]
        return [(m.name, shares.encode(shares.share_of(org, m.address), now)) for m in due]

    def mailbox(self, name: str) -> MailboxConfig | None:
        """The mailbox called ``name``, listed or a member of the CRM group; ``None``: neither.

        The group's members are the rounds' (asked of the CRM once an hour per process).
        """
        listed = next((m for m in self.config.mailboxes if m.name == name), None)
        if listed is not None or self.config.members is None:
            return listed
        return next((m for m in self._roster().mailboxes() if m.name == name), None)

    def _roster(self) -> Roster:
        """The rounds' roster: the CRM group's members, asked once an hour per process."""
        rounds = self._round_api
        if rounds is None:  # else not waiting for a round being planned
            with self._round_lock:
                rounds = self._rounds()
        return rounds.engine.roster

    def _rounds(self) -> Calsync:
        """The rounds' own API: its organisation facts are reused from round to round."""
        if self._round_api is None:
            self._round_api = Calsync(
                self.config,
                state=self.state,
                registry=self.registry,
                clock=self.clock,
                crm=self._crm(),
            )
        return self._round_api

    # -- one pass -----------------------------------------------------------------------------

    def run_pass(
        self,
        mailbox: MailboxConfig,
        share: dict[str, Any] | None = None,
        *,
        allow_mass_delete: bool = False,
    ) -> PassReport:
        """Run one pass of ``mailbox`` (with its round's ``share``) and count it."""
        name = mailbox.name
        with self._busy_lock:
            if name in self._busy:
                return self._counted(
                    PassReport(mailbox=name, outcome="busy", detail="this worker is syncing it")
                )
            self._busy.add(name)
        started = time.monotonic()
        org = shares.decode(share, self.clock()) if share is not None else None
        builder = Engine(self.config, state=self.state, registry=self.registry, clock=self.clock)
        try:
            # What the CRM providers learnt of the org is dropped once a round's facts would
            # be (the next CRM call learns it anew).
            self._counted_crm().renew()
            provider = Counted(builder.mailbox_provider(mailbox), mailbox.provider)
            app = Calsync(
                self.config,
                state=self.state,
                registry=self.registry,
                clock=self.clock,
                crm=self._crm(),
                mailboxes={name: cast(MailboxProvider, provider)},
            )
            # Who the organisation is (a pass asks whether an organizer is one of its
            # mailboxes) is the rounds' answer, not asked of the CRM again by each pass.
            app.engine.roster = self._roster()
            # Without a share the pass is a round of one, as `calsync sync --mailbox`: it
            # reads what it needs and first asks whether the organisation waits.
            report = (
                app.engine.run_mailbox(mailbox, org=org, allow_mass_delete=allow_mass_delete)
                if org is not None
                else app.sync(name, allow_mass_delete=allow_mass_delete)[0]
            )
        finally:
            builder.close()
            with self._busy_lock:
                self._busy.discard(name)
        metrics.PASS_SECONDS.observe(time.monotonic() - started)
        metrics.record_api_usage(self.config.crm.provider, self._crm().api_usage())
        return self._counted(report)

    def _crm(self) -> CrmProvider:
        """The CRM provider of the rounds and passes of this process (built on first need)."""
        return cast(CrmProvider, self._counted_crm())

    def _counted_crm(self) -> SharedCrm:
        with self._crm_lock:
            if self._shared_crm is None:
                self._shared_crm = SharedCrm(self._new_crm, self.config.crm.provider)
            return self._shared_crm

    def _new_crm(self) -> CrmProvider:
        return Engine(self.config, state=self.state, registry=self.registry).crm()

    @staticmethod
    def _counted(report: PassReport) -> PassReport:
        metrics.PASSES.labels(outcome=report.outcome).inc()
        for code in report.issues:
            metrics.ISSUES.labels(code=code).inc()
        return report

    def close(self) -> None:
        """Release the providers and the state database."""
        if self._round_api is not None:
            self._round_api.engine.close()
        if self._shared_crm is not None:
            self._shared_crm.close()
        self._shared_crm = None
        self.state.close()
