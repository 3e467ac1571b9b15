"""The sync engine: passes for the configured mailboxes, with status, issues and notifications.

:class:`Engine` runs one :class:`~calsync.engine.sync_pass.MailboxPass` per mailbox and
keeps each mailbox's status (EX-27): a pass that cannot start because credentials were
refused suspends the mailbox (EX-22), a service that asks to slow down is waited for as it
says (EX-25), anything unexpected becomes an ``INTERNAL_ERROR`` with a correlation id and
never stops the other mailboxes (EX-24), and 10 failed passes in a row send a notification.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, cast

from calsync.config import Config, MailboxConfig
from calsync.engine.issuelog import record, sync_markers
from calsync.engine.org_round import OrgRound
from calsync.engine.org_status import SLOWED_DETAIL, SUSPENDED_DETAIL
from calsync.engine.organisation import Organisation, tenant_of
from calsync.engine.plan import Hit, PassContext
from calsync.engine.sync_pass import MailboxPass, PassResult
from calsync.errors import (
    AuthError,
    ConfigError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    StateError,
    ThrottledError,
)
from calsync.issues import Source, definition
from calsync.logs import correlation_id, log_pass, pass_context
from calsync.notify import Notification, NotificationKind, Notifier, digest
from calsync.plugins import Registry, load_registry
from calsync.policy import Direction
from calsync.providers import CrmFeatures, CrmProvider, MailboxProvider, ProviderContext, Role
from calsync.retry import Backoff
from calsync.state import State
from calsync.state.lease import LEASE_TIME, Holder, LeaseLost
from calsync.state.records import (
    DirectionStatus,
    MailboxState,
    MailboxStatus,
    PassRecord,
    ResetState,
    Side,
)
from calsync.timezones import TimeZoneMatcher, tzdb

__all__ = ["FAILURES_BEFORE_NOTICE", "Engine", "OrgRound", "PassReport"]

logger = logging.getLogger("calsync.engine")

#: Consecutive failed passes after which the people looking after a mailbox are told.
FAILURES_BEFORE_NOTICE: Final = 10
#: What the report of a mailbox says when its service throttled another of its mailboxes.
THROTTLED_DETAIL: Final = (
    "its service asked another mailbox of the same account to slow down this round; it waits "
    "for the next round (other accounts' mailboxes go on)"
)
#: How a pass the service turned away is repeated (EX-25): hints up to calsync.retry.MAX_WAIT
#: are waited for, throttling without one backs off exponentially with jitter.
PASS_BACKOFF: Final = Backoff(attempts=3)


@dataclass(frozen=True, slots=True, kw_only=True)
class PassReport:
    """What happened to one mailbox in a run."""

    mailbox: str
    #: ``ok``, ``issues`` (finished with item issues), ``suspended``, ``disabled``, ``failed``,
    #: ``busy`` (another process was syncing it).
    outcome: str
    synced_up: int = 0
    synced_down: int = 0
    #: Codes of the issues open after the pass.
    issues: tuple[str, ...] = ()
    detail: str = ""
    #: Provider calls the pass made, by side (``mailbox``, ``crm``).
    calls: Mapping[str, int] = field(default_factory=dict)
    #: Wall time of the pass, in seconds.
    seconds: float = 0.0
    #: Ties the pass's log records (and an INTERNAL_ERROR it raised) together.
    correlation_id: str | None = None


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
        self._notifiers = list(notifiers) if notifiers is not None else None
        self._features: CrmFeatures | None = None
        self._matchers: dict[frozenset[str] | None, TimeZoneMatcher] = {}
        #: Provider calls of the pass running now, by side.
        self._calls: Counter[str] = Counter()
        #: Why the CRM refused the organisation's credentials this round ("" when it did not).
        self._refused = ""
        #: The notifications of the round under way, sent as one digest at its end.
        self._held: list[Notification] | None = None
        self.organisation = Organisation(
            config,
            state,
            clock=self.clock,
            sleep=self.sleep,
            backoff=PASS_BACKOFF,
            crm=self.crm,
            built_crm=lambda: self._crm,
            deliver=self._deliver,
        )

    # -- providers ---------------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        """The plugins the configuration uses (loaded on first need)."""
        if self._registry is None:
            names = {
                self.config.crm.provider,
                *(m.provider for m in self.config.mailboxes),
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
        if self._notifiers is None:
            from calsync.notify.log import LogNotifier

            built: list[Notifier] = []
            for name in self.config.notify.channels:
                spec = self.registry.notifiers.get(name)
                if spec is None:
                    if name == "log":
                        built.append(LogNotifier())
                    continue
                built.append(spec.factory(self.config.notify.settings.get(name)))
            self._notifiers = built
        return self._notifiers

    def _matcher(self, zones: frozenset[str] | None) -> TimeZoneMatcher:
        if zones not in self._matchers:
            self._matchers[zones] = TimeZoneMatcher(
                zones if zones is not None else tzdb.available(), clock=self.clock
            )
        return self._matchers[zones]

    # -- running -----------------------------------------------------------------------------

    def run(
        self, names: Sequence[str] | None = None, *, allow_mass_delete: bool = False
    ) -> list[PassReport]:
        """Run one pass for each mailbox named (all configured ones by default)."""
        chosen = [self.config.mailbox(n) for n in names] if names else list(self.config.mailboxes)
        self._held = []
        try:
            return self._round(chosen, allow_mass_delete)
        finally:
            self._flush_notifications()

    def _round(self, chosen: Sequence[MailboxConfig], allow_mass_delete: bool) -> list[PassReport]:
        self._features = None  # read once per run
        started = self.clock()
        org = self.read_organisation(chosen)
        self._refused = org.refused or self.organisation.still_refused(org)
        slowed = not self._refused and self.organisation.slowed(org, started)
        reports = []
        #: Tenants whose mailbox service throttled a pass of this round (EX-25): their other
        #: mailboxes wait for the next round; other tenants' go on.
        throttled: set[str] = set()
        for mailbox in chosen:
            if self._refused:  # the organisation waits: no pass runs, nothing is marked
                reports.append(
                    PassReport(mailbox=mailbox.name, outcome="suspended", detail=SUSPENDED_DETAIL)
                )
            elif slowed:
                reports.append(
                    PassReport(mailbox=mailbox.name, outcome="waiting", detail=SLOWED_DETAIL)
                )
            elif tenant_of(mailbox) in throttled:
                reports.append(
                    PassReport(mailbox=mailbox.name, outcome="waiting", detail=THROTTLED_DETAIL)
                )
            else:
                reports.append(
                    self.run_mailbox(mailbox, org=org, allow_mass_delete=allow_mass_delete)
                )
                if self._throttled_by_mailbox_side(mailbox, started):
                    throttled.add(tenant_of(mailbox))
        if self._refused:
            self.organisation.suspend(self._refused)
        return reports

    def _throttled_by_mailbox_side(self, mailbox: MailboxConfig, since: datetime) -> bool:
        return any(
            issue.side is Source.MAILBOX and issue.last_seen >= since
            for issue in self.state.issues(mailbox.name, code="THROTTLED")
        )

    def read_organisation(self, mailboxes: Sequence[MailboxConfig]) -> OrgRound:
        """Read once what the passes of ``mailboxes`` need from the CRM (see :mod:`.org_round`).

        Mailboxes whose passes will not run (disabled, suspended) are left out.
        """
        running = [m for m in mailboxes if self.mailbox_state(m).effectively_enabled]
        cursors = {m.name: self.state.cursors(m.name) for m in running}
        org = self.organisation.read([(m.address, cursors[m.name].get(Side.CRM)) for m in running])
        if org.owners is None:
            return org
        return self.organisation.read_mailboxes(
            org,
            [
                (m, self.mailbox_provider(m), cursor)
                for m in running
                if (cursor := cursors[m.name].get(Side.MAILBOX)) is not None
            ],
        )

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
        without it the pass reads everything it needs itself.

        Every log record of the pass carries the mailbox and the pass's correlation id; the
        pass ends with one INFO line saying what it did (``-v`` shows it).
        """
        with pass_context(mailbox.name) as correlation:
            self._calls = Counter()
            started = time.monotonic()
            report = self._guarded_pass(mailbox, org or OrgRound(), allow_mass_delete)
            report = replace(
                report,
                calls=dict(self._calls),
                seconds=round(time.monotonic() - started, 3),
                correlation_id=correlation,
            )
            log_pass(
                logger,
                mailbox.name,
                outcome=report.outcome,
                synced_up=report.synced_up,
                synced_down=report.synced_down,
                open_issues=len(report.issues),
                calls=report.calls,
                seconds=report.seconds,
            )
            return report

    def _guarded_pass(
        self, mailbox: MailboxConfig, org: OrgRound, allow_mass_delete: bool
    ) -> PassReport:
        status = self.mailbox_state(mailbox)
        if not status.enabled:
            return PassReport(
                mailbox=mailbox.name, outcome="disabled", detail="synchronisation is disabled"
            )
        if not status.effectively_enabled:
            return PassReport(
                mailbox=mailbox.name,
                outcome="suspended",
                detail=f"suspended by {status.suspended_by}; run `calsync enable --mailbox {mailbox.name}`",
            )
        busy = self.state.take_lease(mailbox.name, self.holder, now=self.clock(), ttl=LEASE_TIME)
        if busy is not None:
            return PassReport(
                mailbox=mailbox.name,
                outcome="busy",
                detail=f"another calsync ({busy.holder}) is syncing it; left alone this time",
            )
        try:
            return self._run_mailbox(mailbox, status, org, allow_mass_delete)
        except _OrganisationRefused:
            return PassReport(mailbox=mailbox.name, outcome="suspended", detail=SUSPENDED_DETAIL)
        except LeaseLost as lost:
            # Stop before writing more; the other process replays what this one started.
            return PassReport(
                mailbox=mailbox.name,
                outcome="busy",
                detail=f"{lost.lease.holder} took it over during the pass; stopped here",
            )
        finally:
            self.state.release_lease(mailbox.name, self.holder)

    def _run_mailbox(
        self, mailbox: MailboxConfig, status: MailboxState, org: OrgRound, allow_mass_delete: bool
    ) -> PassReport:
        started = self.clock()
        if status.reset is ResetState.MARKED:
            # A reset lists both sides in full again. The id map stays: it is the record of
            # what the last pass synced, the only way to tell which side changed an item, or
            # deleted it, since then (and the outbox still names what a killed pass created).
            for side in (Side.MAILBOX, Side.CRM):
                self.state.set_cursor(mailbox.name, side, None, started)
            status.reset = ResetState.IN_PROGRESS
        cursors = self.state.cursors(mailbox.name)
        for direction, side in ((Direction.UP, Side.MAILBOX), (Direction.DOWN, Side.CRM)):
            value = (
                DirectionStatus.NOT_CONFIGURED
                if not mailbox.policy.syncs(direction)
                else DirectionStatus.SYNC_IN_PROGRESS
                if side in cursors
                else DirectionStatus.INITIAL_SYNC_IN_PROGRESS
            )
            _set_direction(status, direction, value)
        status.last_pass_at = started
        self.state.save_mailbox(status)

        outcome, result, hits, detail = "ok", PassResult(), [], ""
        try:
            result = self._attempt(mailbox, status, org, allow_mass_delete)
        except _AddressNotLinked:
            hits = [
                Hit(
                    code="ADDRESS_NOT_LINKED",
                    side=Side.CRM,
                    item_id=None,
                    params={"address": mailbox.address},
                )
            ]
            status.status, status.suspended_by, outcome = (
                MailboxStatus.ADDRESS_NOT_LINKED,
                "ADDRESS_NOT_LINKED",
                "suspended",
            )
        except AuthError as exc:
            side = Side.CRM if exc.source == "crm" else Side.MAILBOX
            if side is Side.CRM and org.owners is not None:
                # The organisation's shared credential, refused during the round: the
                # organisation is suspended once (after the round), not this mailbox.
                self._refused = str(exc)
                raise _OrganisationRefused() from exc
            hits = [
                Hit(
                    code="AUTH_FAILED",
                    side=side,
                    item_id=None,
                    params={"side": _side_name(side), "detail": str(exc)},
                )
            ]
            status.status, status.suspended_by, outcome = (
                MailboxStatus.SUSPENDED,
                "AUTH_FAILED",
                "suspended",
            )
            detail = str(exc)
        except ThrottledError as exc:
            retry_at = self.clock() + timedelta(seconds=exc.retry_after or 60)
            hits = [
                Hit(
                    code="THROTTLED",
                    side=_side(exc),
                    item_id=None,
                    params={
                        "side": _side_name(_side(exc)),
                        "retry_at": retry_at.isoformat(timespec="seconds"),
                    },
                )
            ]
            outcome, detail = "failed", str(exc)
        except (ServiceUnavailableError, InvalidReplyError) as exc:
            hits = [
                Hit(
                    code=exc.code,
                    side=_side(exc),
                    item_id=None,
                    params={"side": _side_name(_side(exc)), "detail": str(exc)},
                )
            ]
            outcome, detail = "failed", str(exc)
        except (StateError, LeaseLost):
            raise
        except ConfigError as exc:
            # A setup mistake (a secret that cannot be read, settings that cannot work), not
            # an INTERNAL_ERROR of the pass: the command stops with exit 2 and says where.
            raise ConfigError([f"mailbox {mailbox.name}: {p}" for p in exc.problems]) from exc
        except Exception as exc:
            correlation = correlation_id() or "-"
            logger.exception("pass for %s failed (correlation id %s)", mailbox.name, correlation)
            hits = [
                Hit(
                    code="INTERNAL_ERROR",
                    side=Side.MAILBOX,
                    item_id=None,
                    params={
                        "correlation_id": correlation,
                        "detail": f"{type(exc).__name__}: {exc}",
                    },
                )
            ]
            outcome, detail = "failed", f"{type(exc).__name__} (correlation id {correlation})"

        finished = self.clock()
        if hits:
            record(self.state, mailbox.name, hits, handled=(), succeeded=False, now=finished)
        self._finish(mailbox, status, outcome, result, finished, hits)
        open_codes = tuple(sorted({i.code for i in self.state.issues(mailbox.name)}))
        if outcome == "ok" and open_codes:
            outcome = "issues"
        self.state.record_pass(
            PassRecord(
                mailbox=mailbox.name,
                started_at=started,
                finished_at=finished,
                outcome=outcome,
                synced_up=result.synced[Direction.UP],
                synced_down=result.synced[Direction.DOWN],
                issues_open=len(open_codes),
                api_calls=dict(self._calls),
            )
        )
        return PassReport(
            mailbox=mailbox.name,
            outcome=outcome,
            synced_up=result.synced[Direction.UP],
            synced_down=result.synced[Direction.DOWN],
            issues=open_codes,
            detail=detail,
        )

    def _attempt(
        self, mailbox: MailboxConfig, status: MailboxState, org: OrgRound, allow_mass_delete: bool
    ) -> PassResult:
        # EX-25: back off as told (or exponentially), then run the (idempotent) pass again.
        for attempt in PASS_BACKOFF.retrying(sleep=self.sleep, name=mailbox.name):
            with attempt:
                return self._pass(mailbox, status, org, allow_mass_delete)
        raise AssertionError("unreachable")

    def _pass(
        self, mailbox: MailboxConfig, status: MailboxState, org: OrgRound, allow_mass_delete: bool
    ) -> PassResult:
        crm = cast(CrmProvider, _Tagged(self.crm(), "crm", self._calls))
        if org.features is not None:
            self._features = org.features
        if self._features is None:
            self._features = crm.features()
        owner = (
            org.owner_of(mailbox.address)
            if org.owners is not None
            else crm.users([mailbox.address]).get(mailbox.address)
        )
        if owner is None:
            raise _AddressNotLinked()
        status.crm_user = owner
        provider = self.mailbox_provider(mailbox)
        context = PassContext(
            name=mailbox.name,
            address=mailbox.address,
            policy=mailbox.policy,
            owner_id=owner,
            features=self._features,
            # Proxies that stamp the side on the errors they raise (for AUTH_FAILED and co.).
            mailbox=cast(MailboxProvider, _Tagged(provider, "mailbox", self._calls)),
            crm=crm,
            state=self.state,
            matcher=self._matcher(self._features.zones),
            clock=self.clock,
            org_addresses=frozenset(m.address for m in self.config.mailboxes),
            allow_mass_delete=allow_mass_delete,
            keep_alive=lambda: self._keep_lease(mailbox.name),
            crm_read=org.crm,
            mailbox_read=org.mailboxes.get(mailbox.name),
            people=org.people,
        )
        return MailboxPass(context).run()

    def _keep_lease(self, mailbox: str) -> None:
        other = self.state.take_lease(mailbox, self.holder, now=self.clock(), ttl=LEASE_TIME)
        if other is not None:
            raise LeaseLost(other)

    def _finish(
        self,
        mailbox: MailboxConfig,
        status: MailboxState,
        outcome: str,
        result: PassResult,
        at: datetime,
        hits: list[Hit],
    ) -> None:
        if outcome == "ok":
            status.consecutive_failures = 0
            status.last_success_at = at
            status.status = MailboxStatus.ACTIVE
            status.suspended_by = None
            if status.reset is ResetState.IN_PROGRESS:
                status.reset = ResetState.NONE
            for direction in (Direction.UP, Direction.DOWN):
                if _get_direction(status, direction) is DirectionStatus.NOT_CONFIGURED:
                    continue
                initial = (
                    _get_direction(status, direction) is DirectionStatus.INITIAL_SYNC_IN_PROGRESS
                )
                _set_direction(
                    status,
                    direction,
                    DirectionStatus.INITIAL_SYNC_COMPLETED if initial else DirectionStatus.IN_SYNC,
                )
            if result.suspend_for:
                status.status, status.suspended_by = MailboxStatus.SUSPENDED, result.suspend_for
        else:
            status.consecutive_failures += 1
        self.state.save_mailbox(status)
        auth = next((h for h in hits if h.code == "AUTH_FAILED"), None)
        if auth is not None:
            who = _side_name(auth.side)
            self._notify(
                mailbox,
                NotificationKind.AUTH_FAILED,
                f"the {who} refused the credentials; sync is suspended",
                definition("AUTH_FAILED").render_advice(side=who, mailbox=mailbox.name),
                at,
            )
        if status.consecutive_failures == FAILURES_BEFORE_NOTICE:
            self._notify(
                mailbox,
                NotificationKind.FAILING,
                f"{FAILURES_BEFORE_NOTICE} passes in a row failed",
                f"Run `calsync issues --mailbox {mailbox.name}` to see why.",
                at,
            )

    def _notify(
        self,
        mailbox: MailboxConfig,
        kind: NotificationKind,
        summary: str,
        advice: str,
        at: datetime,
    ) -> None:
        notification = Notification(
            kind=kind,
            mailbox=mailbox.name,
            address=mailbox.address,
            summary=summary,
            advice=advice,
            at=at,
        )
        self._deliver(notification)

    def _deliver(self, notification: Notification) -> None:
        if self._held is not None:  # a round: its notifications go out together, at its end
            self._held.append(notification)
            return
        self._send(notification)

    def _flush_notifications(self) -> None:
        held, self._held = self._held or [], None
        if len(held) > 1:
            held = [digest(held)]
        for notification in held:
            self._send(notification)

    def _send(self, notification: Notification) -> None:
        for notifier in self.notifiers:
            try:
                notifier.notify(notification)
            except Exception:
                logger.exception("notification channel %r failed", notifier)

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
            matcher=self._matcher(None),
            clock=self.clock,
        )
        links = {link.mailbox_key: link for link in self.state.links(mailbox.name)}
        return sync_markers(context, links)


class _AddressNotLinked(Exception):
    """The mailbox address matches no CRM user (EX-28)."""


class _OrganisationRefused(Exception):
    """The CRM refused the organisation's shared credentials during a round."""


class _Tagged:
    """Wraps a provider so every error it raises says which side it came from (and counts calls)."""

    def __init__(self, provider: Any, side: str, calls: Counter[str]) -> None:
        self._provider, self._side, self._counter = provider, side, calls

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._provider, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self._counter[self._side] += 1
            started = time.monotonic()
            try:
                return _tagged(lambda: attribute(*args, **kwargs), self._side)
            finally:  # -vv: every provider call (names only, never arguments: they hold content)
                logger.debug("%s.%s: %.3f s", self._side, name, time.monotonic() - started)

        return call


def _tagged(call: Callable[[], Any], side: str) -> Any:
    try:
        return call()
    except ProviderError as exc:
        if exc.source is None:
            exc.source = side
        raise


def _side(exc: ProviderError) -> Side:
    return Side.CRM if exc.source == "crm" else Side.MAILBOX


def _side_name(side: Side) -> str:
    return "CRM" if side is Side.CRM else "mailbox"


def _get_direction(status: MailboxState, direction: Direction) -> DirectionStatus:
    return status.up_status if direction is Direction.UP else status.down_status


def _set_direction(status: MailboxState, direction: Direction, value: DirectionStatus) -> None:
    if direction is Direction.UP:
        status.up_status = value
    else:
        status.down_status = value
