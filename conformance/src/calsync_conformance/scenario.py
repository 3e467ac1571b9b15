"""A conformance scenario: the provider under test, the sandbox as its counterpart, a real engine.

A case seeds the service sides through the harnesses, runs real engine passes, and checks
what the services hold afterwards — through the harnesses again, never through what a
provider says it did. :meth:`Scenario.settle` also checks that a second pass changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from calsync.api import Calsync
from calsync.config import Config, CrmConfig, MailboxConfig
from calsync.engine import PassReport
from calsync.harness import CrmHarness, MailboxHarness
from calsync.issues import Issue
from calsync.model import CalendarItem
from calsync.policy import Policy
from calsync.providers import Capability, CrmProvider, MailboxProvider, Role
from calsync.state import State

__all__ = ["Scenario"]

ZONE = "Europe/Berlin"


class Scenario:
    """One organisation: CRM users, mailboxes, calsync over them."""

    def __init__(self, *, role: Role, mail: MailboxHarness, crm: CrmHarness, workdir: Path) -> None:
        """Test the provider of ``role``; the other harness is the sandbox counterpart."""
        self.role = role
        self.mail = mail
        self.crm = crm
        self.users: dict[str, str] = {}
        self.addresses: dict[str, str] = {}
        self._mailboxes: dict[str, MailboxProvider] = {}
        self._crm: CrmProvider = crm.open_crm()
        self.workdir = workdir
        self.state = State(f"sqlite:///{workdir / 'calsync-state.db'}")
        self.policy = Policy()
        self.notifications: list[Any] = []
        self.sleeps: list[float] = []
        # Whole hours, so every service keeps the times exactly.
        self.now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        self._app: Calsync | None = None
        #: Parts of the case a capability gate skipped: the case reports ``partial``.
        self.skipped: list[str] = []
        #: The parts the engine met unwritten: a provider's ``NotImplementedError`` that a pass
        #: recorded as INTERNAL_ERROR and went on from (EX-24), newest last.
        self.unwritten: list[NotImplementedError] = []
        self._unwritten = _Unwritten(self.unwritten)
        logging.getLogger("calsync").addHandler(self._unwritten)

    # -- the organisation -------------------------------------------------------------------

    @property
    def tested(self) -> MailboxHarness | CrmHarness:
        """The harness of the provider under test."""
        return self.mail if self.role is Role.MAILBOX else self.crm

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What the provider under test declares."""
        provider = self._crm if self.role is Role.CRM else self.mailbox_provider("alice")
        return provider.capabilities

    def supports(self, capability: Capability, part: str, *, side: Role | None = None) -> bool:
        """Whether the provider on ``side`` (default: the one under test) has ``capability``.

        A case gates a part of itself on this; when it answers no, ``part`` is recorded and
        the case reports ``partial`` instead of ``pass``. The sandbox counterpart has every
        capability.
        """
        if (side or self.role) is not self.role or capability in self.capabilities:
            return True
        self.skipped.append(f"{part} (needs {capability})")
        return False

    @property
    def crm_provider(self) -> CrmProvider:
        """The CRM provider calsync uses."""
        return self._crm

    def add_mailbox(self, name: str, *, crm_user: bool = True) -> str:
        """A synced mailbox ``<name>@example.com`` (and its CRM user); returns the address."""
        address = f"{name}@example.com"
        if crm_user:
            self.users[name] = self.crm.add_user(address, zone=ZONE)
        self.addresses[name] = address
        self._mailboxes[name] = self.mail.open_mailbox(address, zone=ZONE)
        self._app = None
        return address

    def mailbox_provider(self, name: str) -> MailboxProvider:
        """The provider bound to mailbox ``name`` (created on first use)."""
        if name not in self._mailboxes:
            self.add_mailbox(name)
        return self._mailboxes[name]

    def configure(self, **policy: Any) -> None:
        """Change the policy (fields of :class:`~calsync.policy.Policy`)."""
        self.policy = replace(self.policy, **policy)
        self._app = None

    @property
    def app(self) -> Calsync:
        """The calsync app over this organisation."""
        if self._app is None:
            config = Config(
                state=str(self.state.url),
                crm=CrmConfig(provider=self.crm.provider_name),
                mailboxes=tuple(
                    MailboxConfig(
                        name=n, provider=self.mail.provider_name, address=a, policy=self.policy
                    )
                    for n, a in self.addresses.items()
                ),
                policy=self.policy,
            )
            self._app = Calsync(
                config,
                state=self.state,
                crm=self._crm,
                mailboxes=self._mailboxes,
                notifiers=[self],
                sleep=self.sleeps.append,
            )
        return self._app

    def notify(self, notification: Any) -> None:
        """Collect notifications (the scenario is a notification channel)."""
        self.notifications.append(notification)

    # -- running -----------------------------------------------------------------------------

    def sync(self, name: str | None = None, **options: Any) -> list[PassReport]:
        """One pass (for every mailbox, or ``name``)."""
        return self.app.sync(name, **options)

    def settle(self, name: str | None = None) -> list[PassReport]:
        """One pass, then a second that must change nothing on either service."""
        first = self.sync(name)
        before = self.snapshot()
        second = self.sync(name)
        writes = [
            (r.mailbox, r.synced_up, r.synced_down) for r in second if r.synced_up or r.synced_down
        ]
        assert not writes, f"a second pass wrote again: {writes}"
        after = self.snapshot()
        assert after == before, "a second pass changed what the services hold"
        assert self.mail.invitations_sent() == 0, (
            "a sync write sent invitations or updates to attendees"
        )
        return first

    def snapshot(self) -> tuple[Any, ...]:
        """What both services hold (ids and change tokens) and the open issues."""
        mail = {
            a: sorted((i.ref.id, i.ref.change_token) for i in self.mail.items(a) if i.ref)
            for a in self.addresses.values()
        }
        crm = sorted((i.ref.id, i.ref.change_token) for i in self.crm.items() if i.ref)
        issues = sorted((i.code, i.item_id or "") for i in self.app.issues())
        return (mail, crm, issues)

    # -- items and what to check ------------------------------------------------------------------

    def at(self, days: float = 1, hour: int = 10) -> datetime:
        """``hour`` o'clock in Berlin, ``days`` from today."""
        day = (self.now + timedelta(days=days)).astimezone(ZoneInfo(ZONE))
        return day.replace(hour=hour, minute=0, second=0, microsecond=0)

    def item(
        self, subject: str, *, days: float = 1, hours: float = 1, **fields: Any
    ) -> CalendarItem:
        """A one-hour (or ``hours``) item in Berlin, ``days`` from today at 10:00."""
        start = self.at(days)
        values: dict[str, Any] = {
            "start": start,
            "end": start + timedelta(hours=hours),
            "subject": subject,
            "zone": ZONE,
        }
        values.update(fields)
        return CalendarItem(**values)

    def crm_events(self, name: str = "alice") -> list[CalendarItem]:
        """The CRM events ``name`` owns, occurrence records of series left out."""
        return [i for i in self.crm.items(self.users[name]) if i.series_id is None]

    def mailbox_items(self, name: str = "alice") -> list[CalendarItem]:
        """Single items and series masters in mailbox ``name``."""
        return [i for i in self.mail.items(self.addresses[name]) if i.series_id is None]

    def issues(self, name: str | None = None) -> list[Issue]:
        """Open issues, newest first."""
        return self.app.issues(name)

    def codes(self, name: str | None = None) -> list[str]:
        """Codes of the open issues, sorted."""
        return sorted(i.code for i in self.issues(name))

    @contextlib.contextmanager
    def logs(self) -> Iterator[list[str]]:
        """Every log record anything writes meanwhile, at DEBUG (as ``-vv`` shows them)."""
        lines: list[str] = []
        handler = _Collect(lines)
        root = logging.getLogger()
        level = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            yield lines
        finally:
            root.removeHandler(handler)
            root.setLevel(level)

    def flagged(self, item_id: str, name: str = "alice") -> bool:
        """Whether the person sees a marker on the mailbox item."""
        return self.mail.marker(self.addresses[name], item_id).flagged

    def close(self) -> None:
        """Release everything."""
        logging.getLogger("calsync").removeHandler(self._unwritten)
        if self._app is not None:
            self._app.close()
        else:
            self.state.close()
        for harness in (self.mail, self.crm):
            harness.close()


class _Collect(logging.Handler):
    """Keeps each record as the log would show it, traceback included."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.DEBUG)
        self.sink = sink
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(self.format(record))


class _Unwritten(logging.Handler):
    """Keeps the ``NotImplementedError`` of each record logged with one."""

    def __init__(self, sink: list[NotImplementedError]) -> None:
        super().__init__(level=logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        found = record.exc_info[1] if record.exc_info else None
        if isinstance(found, NotImplementedError):
            self.sink.append(found)
