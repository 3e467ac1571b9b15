"""An organisation on the sandbox: a CRM, mailboxes, the engine, a frozen clock."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from calsync.api import Calsync
from calsync.config import Config, parse_config
from calsync.emulation import FrozenClock
from calsync.engine import PassReport
from calsync.model import CalendarItem
from calsync.plugins import load_registry
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync.sandbox.world import Sandbox
from calsync.state import State

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)


class Org:
    """A sandbox organisation with calsync set up over it."""

    def __init__(
        self,
        tmp_path: Path,
        mailboxes: dict[str, str],
        policy: dict[str, Any] | None = None,
        *,
        db: str | None = None,
    ) -> None:
        self.world = Sandbox()
        self.mail = SandboxMailboxHarness(self.world)
        self.crm = SandboxCrmHarness(self.world)
        self.clock = FrozenClock(NOW)
        self.users = {name: self.crm.add_user(address) for name, address in mailboxes.items()}
        self.addresses = dict(mailboxes)
        self.notifications: list[Any] = []
        self.sleeps: list[float] = []
        self.db = db or f"sqlite:///{tmp_path / 'state.db'}"
        self.configure(policy or {})

    def configure(
        self, policy: dict[str, Any], per_mailbox: dict[str, dict[str, Any]] | None = None
    ) -> None:
        data = {
            "state": self.db,
            "policy": policy,
            "crm": {"provider": "sandbox"},
            "mailboxes": [
                {
                    "name": n,
                    "provider": "sandbox",
                    "address": a,
                    "policy": (per_mailbox or {}).get(n, {}),
                }
                for n, a in self.addresses.items()
            ],
        }
        self.config: Config = parse_config(data, registry=load_registry(["sandbox", "notify"]))
        self.app = Calsync(
            self.config,
            state=State(self.db),
            clock=self.clock.now,
            sleep=self.sleeps.append,
            crm=self.crm.open_crm(),
            mailboxes={n: self.mail.open_mailbox(a) for n, a in self.addresses.items()},
            notifiers=[self],
        )

    # a notifier
    def notify(self, notification: Any) -> None:
        self.notifications.append(notification)

    def sync(self, mailbox: str | None = None, **options: Any) -> list[PassReport]:
        return self.app.sync(mailbox, **options)

    def settle(self, mailbox: str | None = None) -> list[PassReport]:
        """A pass, then check that a second pass changes nothing at all."""
        first = self.sync(mailbox)
        before = self.snapshot()
        second = self.sync(mailbox)
        assert all(r.synced_up == 0 and r.synced_down == 0 for r in second), second
        assert self.snapshot() == before, "a second pass changed something"
        return first

    def snapshot(self) -> tuple[Any, ...]:
        mail = {
            a: sorted((i.ref.id, i.ref.change_token) for i in self.mail.items(a))
            for a in self.addresses.values()
        }  # type: ignore[union-attr]
        crm = sorted((i.ref.id, i.ref.change_token) for i in self.crm.items())  # type: ignore[union-attr]
        issues = sorted(
            (i.code, i.item_id, i.resolved_at is None) for i in self.app.issues(open_only=False)
        )
        return (mail, crm, issues)

    def crm_events(self, name: str = "alice") -> list[CalendarItem]:
        """The owner's events, series occurrence records left out."""
        return [i for i in self.crm.items(self.users[name]) if i.series_id is None]

    def issue_codes(self, mailbox: str | None = None) -> list[str]:
        return sorted(i.code for i in self.app.issues(mailbox))


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    organisation = Org(tmp_path, {"alice": "alice@example.com"})
    yield organisation
    organisation.app.close()


@pytest.fixture
def org2(tmp_path: Path) -> Iterator[Org]:
    organisation = Org(tmp_path, {"alice": "alice@example.com", "bob": "bob@example.com"})
    yield organisation
    organisation.app.close()


def meeting(
    subject: str = "Weekly call", *, days: int = 1, hours: int = 1, **kw: Any
) -> CalendarItem:
    start = NOW + timedelta(days=days)
    values: dict[str, Any] = {
        "start": start,
        "end": start + timedelta(hours=hours),
        "subject": subject,
        "zone": "Europe/Berlin",
    }
    values.update(kw)
    return CalendarItem(**values)


@pytest.fixture
def smtp() -> Iterator[tuple[int, list[bytes]]]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd): its port, and every message it received."""
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            received.append(envelope.content)
            return "250 OK"

    # The controller checks its own port on start, so it needs a real one, not 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()
