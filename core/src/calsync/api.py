"""The Python API: what the command line and tests use to run and look after calsync.

::

    from calsync.api import Calsync

    app = Calsync.from_file("calsync.toml")
    reports = app.sync()                 # one round: the CRM read once, a pass per mailbox
    org = app.read_organisation()        # ... or the round's read, then each pass (workers)
    report = app.sync_mailbox("alice", org=org)
    app.status()                         # mailboxes and organisation figures
    app.issues(mailbox="alice")          # open issues, newest first
    app.disable("alice"); app.enable("alice")   # enabling starts a pass
    app.mark_enabled("alice")            # ... or leaves it to the workers
    app.reset("alice")                   # marked for reset; the next pass re-adopts
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from calsync.config import Config, load_config
from calsync.engine import Engine, OrgRound, PassReport
from calsync.issues import Issue
from calsync.notify import Notifier
from calsync.plugins import Registry
from calsync.providers import CrmProvider, MailboxProvider
from calsync.state import State
from calsync.state.records import MailboxStatus, PassRecord, ResetState
from calsync.status import StatusView, status_view

__all__ = ["Calsync"]


class Calsync:
    """One configuration, its state database and its engine."""

    def __init__(
        self,
        config: Config,
        *,
        state: State | None = None,
        registry: Registry | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
        crm: CrmProvider | None = None,
        mailboxes: Mapping[str, MailboxProvider] | None = None,
        notifiers: Sequence[Notifier] | None = None,
    ) -> None:
        """Open the state database the configuration names (or use ``state``)."""
        self.config = config
        self.state = state or State(
            config.state,
            busy_timeout=config.state_options.busy_timeout_seconds,
            keep_passes=config.state_options.keep_history,
        )
        self.clock = clock or (lambda: datetime.now(UTC))
        extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        self.engine = Engine(
            config,
            state=self.state,
            registry=registry,
            clock=self.clock,
            crm=crm,
            mailboxes=mailboxes,
            notifiers=notifiers,
            **extra,
        )

    @classmethod
    def from_file(cls, path: str | Path, **options: Any) -> Calsync:
        """Load the configuration at ``path``."""
        return cls(load_config(path), **options)

    def sync(
        self, mailbox: str | None = None, *, allow_mass_delete: bool = False
    ) -> list[PassReport]:
        """Run one pass for ``mailbox`` (every mailbox by default)."""
        return self.engine.run([mailbox] if mailbox else None, allow_mass_delete=allow_mass_delete)

    def read_organisation(
        self, mailboxes: Sequence[str] | None = None, *, mailbox_changes: bool = True
    ) -> OrgRound:
        """Read once what a round's passes need from the CRM (every mailbox by default).

        Hand the result to :meth:`sync_mailbox` for each mailbox of the round (in this
        process or another: it is plain frozen values). See :mod:`calsync.engine.org_round`.
        Without ``mailbox_changes`` the mailboxes are not read ahead (each pass reads its own).
        """
        roster = self.engine.roster
        chosen = [roster.named(n) for n in mailboxes] if mailboxes else roster.mailboxes()
        return self.engine.read_organisation(chosen, mailbox_changes=mailbox_changes)

    def open_round(
        self, mailboxes: Sequence[str] | None = None, *, mailbox_changes: bool = True
    ) -> tuple[OrgRound, str]:
        """The organisation's step of a round whose passes run elsewhere (``calsync worker``).

        The read (:meth:`read_organisation`), then what :meth:`sync` decides before any
        pass: ``"suspended"`` when the CRM refuses the organisation's credentials (the
        organisation is suspended once, with its notification), ``"waiting"`` when the
        daily API allowance is used into its reserve, ``""`` when the passes run. The read
        is kept in the organisation's history, as a round's is.
        """
        started = self.clock()
        roster = self.engine.roster
        chosen = [roster.named(n) for n in mailboxes] if mailboxes else roster.mailboxes()
        org = self.engine.read_organisation(chosen, mailbox_changes=mailbox_changes)
        organisation = self.engine.organisation
        refused = org.refused or roster.refused or organisation.still_refused(org)
        if refused:
            organisation.suspend(refused)
            return org, "suspended"
        organisation.watch_copies(org, chosen)
        return org, "waiting" if organisation.slowed(org, started) else ""

    def sync_mailbox(
        self, mailbox: str, *, org: OrgRound | None = None, allow_mass_delete: bool = False
    ) -> PassReport:
        """Run one mailbox's pass of a round (``org`` from :meth:`read_organisation`).

        Without ``org`` the pass reads everything it needs itself, like ``sync --mailbox``.
        """
        return self.engine.run_mailbox(
            self.engine.roster.named(mailbox), org=org, allow_mass_delete=allow_mass_delete
        )

    def status(self) -> StatusView:
        """Every mailbox's status and the organisation's figures."""
        return status_view(self.engine.roster.mailboxes(), self.state, self.clock())

    def issues(
        self, mailbox: str | None = None, *, code: str | None = None, open_only: bool = True
    ) -> list[Issue]:
        """Issues, newest first."""
        if mailbox is not None:
            self.engine.roster.named(mailbox)  # an unknown name is a usage error
        return self.state.issues(mailbox, code=code, open_only=open_only)

    def passes(self, mailbox: str, limit: int = 50) -> list[PassRecord]:
        """``mailbox``'s latest passes, newest first."""
        self.engine.roster.named(mailbox)
        return self.state.recent_passes(mailbox, limit)

    def passes_since(self, moment: datetime, *, per_mailbox: int = 5000) -> list[PassRecord]:
        """Every mailbox's passes that finished after ``moment`` (at most ``per_mailbox`` each)."""
        return [
            record
            for mailbox in self.engine.roster.mailboxes()
            for record in self.state.recent_passes(mailbox.name, per_mailbox)
            if record.finished_at > moment
        ]

    def enable(self, mailbox: str) -> PassReport:
        """Enable a mailbox (lifting a suspension) and start a pass (EX-27)."""
        self.mark_enabled(mailbox)
        # The suspension's own issues are re-checked by the pass; they resolve if all is well.
        [report] = self.engine.run([mailbox])
        return report

    def mark_enabled(self, mailbox: str) -> None:
        """Enable a mailbox (lifting a suspension) without a pass: the workers run it."""
        config = self.engine.roster.named(mailbox)
        status = self.engine.mailbox_state(config)
        status.enabled = True
        if status.status in (MailboxStatus.SUSPENDED, MailboxStatus.ADDRESS_NOT_LINKED):
            status.status = (
                MailboxStatus.ACTIVE if status.last_success_at else MailboxStatus.NOT_INITIALIZED
            )
            status.suspended_by = None
        status.consecutive_failures = 0
        self.state.save_mailbox(status)

    def disable(self, mailbox: str) -> None:
        """Stop syncing a mailbox until it is enabled again."""
        status = self.engine.mailbox_state(self.engine.roster.named(mailbox))
        self.state.save_mailbox(replace(status, enabled=False))

    def reset(self, mailbox: str) -> None:
        """Mark a mailbox for reset (EX-27).

        Its next pass forgets the cursors and lists both sides in full: the id map tells
        what changed on either side since the last pass, and items without a pair adopt
        their existing counterparts instead of duplicating them.
        """
        status = self.engine.mailbox_state(self.engine.roster.named(mailbox))
        self.state.save_mailbox(replace(status, reset=ResetState.MARKED))

    def close(self) -> None:
        """Release the providers' connections and the state database."""
        self.engine.close()
        self.state.close()
