"""The sync engine: passes for the configured mailboxes, with status, issues and notifications.

:class:`Engine` is what the CLI, the Python API (:mod:`calsync.api`) and the workers hold:
the configuration, the state, the providers it builds, the notification channels and the
organisation. A run is a round (:mod:`.round`): the organisation read once, then one
:class:`~calsync.engine.mailbox_run.MailboxRun` per mailbox, which keeps the mailbox's
status (EX-27): a pass that cannot start because credentials were refused suspends the
mailbox (EX-22), a service that asks to slow down is waited for as it says (EX-25),
anything unexpected becomes an ``INTERNAL_ERROR`` with a correlation id and never stops the
other mailboxes (EX-24), and 10 failed passes in a row send a notification.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from calsync.config import Config, MailboxConfig
from calsync.engine.issuelog import sync_markers
from calsync.engine.mailbox_run import PASS_BACKOFF, MailboxRun
from calsync.engine.members import Roster
from calsync.engine.notifications import Notifications
from calsync.engine.org_round import OrgRound
from calsync.engine.organisation import Organisation
from calsync.engine.plan import PassContext
from calsync.engine.report import PassReport
from calsync.engine.round import run_round
from calsync.errors import ConfigError
from calsync.notify import Notifier
from calsync.plugins import Registry, load_registry
from calsync.providers import CrmFeatures, CrmProvider, MailboxProvider, ProviderContext, Role
from calsync.state import State
from calsync.state.lease import Holder
from calsync.state.records import MailboxState, Side
from calsync.timezones import TimeZoneMatcher, tzdb

__all__ = ["Engine"]


class Engine:
    """Runs passes; the CLI and the Python API (:mod:`calsync.api`) use it."""

    def __init__(
        self,
        config: Config,
        *,
        state: State,
        registry: Registry | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        crm: CrmProvider | None = None,
        mailboxes: Mapping[str, MailboxProvider] | None = None,
        notifiers: Sequence[Notifier] | None = None,
        holder: Holder | None = None,
    ) -> None:
        """Build an engine for ``config``.

        :param crm: a ready CRM provider (tests); built from the configuration otherwise.
        :param mailboxes: ready mailbox providers by mailbox name (tests).
        :param notifiers: notification channels; built from ``[notify]`` otherwise.
        :param holder: who takes the mailboxes' leases (this process by default).
        """
        self.holder = holder or Holder.this_process()
        self.config = config
        self.state = state
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sleep = sleep
        self._registry = registry
        self._crm = crm
        self._mailboxes: dict[str, MailboxProvider] = dict(mailboxes or {})
        #: Providers built here (not handed in), closed by :meth:`close`.
        self._built: list[CrmProvider | MailboxProvider] = []
        self.notifications = Notifications(
            config.notify,
            registry=lambda: self.registry,
            given=notifiers,
            state=state,
            clock=self.clock,
        )
        #: What the CRM supports: read once per run (or taken from the round's read).
        self.crm_features: CrmFeatures | None = None
        self._matchers: dict[frozenset[str] | None, TimeZoneMatcher] = {}
        self.organisation = Organisation(
            config,
            state,
            clock=self.clock,
            sleep=self.sleep,
            backoff=PASS_BACKOFF,
            crm=self.crm,
            built_crm=lambda: self._crm,
            deliver=self.notifications.deliver,
        )
        #: The mailboxes to sync: the configured ones and the members of a CRM group.
        self.roster = Roster(config, crm=self.crm, clock=self.clock)

    # -- providers ---------------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        """The plugins the configuration uses (loaded on first need)."""
        if self._registry is None:
            names = {
                self.config.crm.provider,
                *(m.provider for m in self.config.mailboxes),
                *([self.config.members.provider] if self.config.members else []),
                "notify",
            }
            from calsync.plugins import discover

            self._registry = load_registry(sorted(names & set(discover())))
        return self._registry

    def crm(self) -> CrmProvider:
        """The CRM provider."""
        if self._crm is None:
            spec = self.registry.provider(Role.CRM, self.config.crm.provider)
            context = ProviderContext(settings=self.config.crm.settings, name="crm")
            provider = spec.provider.from_context(context)
            assert isinstance(provider, CrmProvider)
            self._crm = provider
            self._built.append(provider)
        return self._crm

    def mailbox_provider(self, mailbox: MailboxConfig) -> MailboxProvider:
        """The provider of ``mailbox``."""
        if mailbox.name not in self._mailboxes:
            spec = self.registry.provider(Role.MAILBOX, mailbox.provider)
            context = ProviderContext(
                settings=mailbox.settings, name=mailbox.name, address=mailbox.address
            )
            provider = spec.provider.from_context(context)
            assert isinstance(provider, MailboxProvider)
            self._mailboxes[mailbox.name] = provider
            self._built.append(provider)
        return self._mailboxes[mailbox.name]

    def close(self) -> None:
        """Close the providers built here (their HTTP sessions); providers handed in stay open."""
        for provider in self._built:
            if provider is self._crm:
                self._crm = None
            self._mailboxes = {k: v for k, v in self._mailboxes.items() if v is not provider}
            provider.close()
        self._built.clear()

    @property
    def notifiers(self) -> list[Notifier]:
        """The enabled notification channels."""
        return self.notifications.channels

    def matcher(self, zones: frozenset[str] | None) -> TimeZoneMatcher:
        """The time-zone matcher for a CRM that supports ``zones`` (``None``: any zone)."""
        if zones not in self._matchers:
            self._matchers[zones] = TimeZoneMatcher(
                zones if zones is not None else tzdb.available(), clock=self.clock
            )
        return self._matchers[zones]

    # -- running -----------------------------------------------------------------------------

    def run(
        self,
        names: Sequence[str] | None = None,
        *,
        allow_mass_delete: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> list[PassReport]:
        """Run one round: a pass for each mailbox named (all configured ones by default).

        :param progress: told each mailbox's name as its turn comes (a progress bar).
        """
        chosen = [self.roster.named(n) for n in names] if names else list(self.roster.mailboxes())
        with self.notifications.held():
            return run_round(self, chosen, allow_mass_delete=allow_mass_delete, progress=progress)

    def read_organisation(
        self, mailboxes: Sequence[MailboxConfig], *, mailbox_changes: bool = True
    ) -> OrgRound:
        """Read once what the passes of ``mailboxes`` need from the CRM (see :mod:`.org_round`).

        Mailboxes whose passes will not run (disabled, suspended) are left out. Without
        ``mailbox_changes`` the mailboxes are not read ahead: each pass reads its own (the
        workers, whose passes run side by side).
        """
        # Every status and cursor in a statement or two, not two per mailbox; a mailbox
        # without a status never ran, and its first pass runs.
        stored = self.state.mailboxes([m.name for m in mailboxes])
        running = [
            m for m in mailboxes if m.name not in stored or stored[m.name].effectively_enabled
        ]
        cursors = self.state.cursors_of([m.name for m in running])
        org = self.organisation.read([(m.address, cursors[m.name].get(Side.CRM)) for m in running])
        if org.owners is None or not mailbox_changes:
            return org
        ahead = []
        for mailbox in running:
            cursor = cursors[mailbox.name].get(Side.MAILBOX)
            if cursor is None:
                continue  # a first, full listing stays with its pass
            try:
                provider = self.mailbox_provider(mailbox)
            except ConfigError:
                continue  # its pass meets the mistake and records it (CONFIG_INVALID)
            ahead.append((mailbox, provider, cursor))
        return self.organisation.read_mailboxes(org, ahead)

    def mailbox_state(self, mailbox: MailboxConfig) -> MailboxState:
        """The stored status of ``mailbox`` (a fresh one if it never ran)."""
        return self.state.mailbox(mailbox.name) or MailboxState(
            name=mailbox.name, address=mailbox.address, provider=mailbox.provider
        )

    def run_mailbox(
        self,
        mailbox: MailboxConfig,
        *,
        org: OrgRound | None = None,
        allow_mass_delete: bool = False,
    ) -> PassReport:
        """Run one pass for ``mailbox``, recording its status, issues and statistics.

        ``org`` is what the round read for all its passes (:meth:`read_organisation`);
        without it the pass reads everything it needs itself. See :mod:`.mailbox_run`.
        A CRM that refuses the shared credentials suspends the organisation, as in a round.
        """
        run = MailboxRun(self, mailbox, org=org, allow_mass_delete=allow_mass_delete)
        report = run.report()
        if run.refused:
            self.organisation.suspend(run.refused)
        return report

    def refresh_markers(self, mailbox: MailboxConfig) -> int:
        """Make a mailbox's markers match its open issues (after issues were resolved by hand)."""
        provider = self.mailbox_provider(mailbox)
        status = self.mailbox_state(mailbox)
        context = PassContext(
            name=mailbox.name,
            address=mailbox.address,
            policy=mailbox.policy,
            owner_id=status.crm_user or "",
            features=CrmFeatures(),
            mailbox=provider,
            crm=self.crm(),
            state=self.state,
            matcher=self.matcher(None),
            clock=self.clock,
        )
        links = {link.mailbox_key: link for link in self.state.links(mailbox.name)}
        return sync_markers(context, links)
