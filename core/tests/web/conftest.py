"""A sandbox organisation with calsync over it, and the console in front, through the ASGI test client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the console needs calsync[web]; `make test` installs it")

from argon2 import PasswordHasher
from starlette.testclient import TestClient

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.emulation import FrozenClock
from calsync.model import CalendarItem, Privacy
from calsync.plugins import load_registry
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync.sandbox.world import Sandbox
from calsync.state import State
from calsync.web import Console, create_app

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)
PASSWORDS = {"ada": "correct horse battery", "lin": "read only please"}
PRIVATE_SUBJECT = "Oncology appointment"
#: Hashes as `calsync web hash-password` makes them, at the lowest cost so the tests stay quick.
HASHES = {
    name: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)
    for name, password in PASSWORDS.items()
}
ADDRESSES = {"alice": "alice@example.com", "bob": "bob@example.com", "carol": "carol@example.com"}


def meeting(subject: str, *, days: int = 1, **kw: Any) -> CalendarItem:
    start = NOW + timedelta(days=days)
    values: dict[str, Any] = {
        "start": start,
        "end": start + timedelta(hours=1),
        "subject": subject,
        "zone": "Europe/Berlin",
    }
    values.update(kw)
    return CalendarItem(**values)


class Site:
    """The organisation, calsync, and a browser-like client of the console."""

    def __init__(
        self,
        tmp_path: Path,
        policy: dict[str, Any] | None = None,
        web: dict[str, Any] | None = None,
    ) -> None:
        self.world = Sandbox()
        self.mail = SandboxMailboxHarness(self.world)
        self.crm = SandboxCrmHarness(self.world)
        self.clock = FrozenClock(NOW)
        # bob has no CRM user yet: his mailbox is not linked (EX-28) until one is added.
        for name in ("alice", "carol"):
            self.crm.add_user(ADDRESSES[name])
        data = {
            "state": f"sqlite:///{tmp_path / 'state.db'}",
            "policy": policy or {"private_items": "skip"},
            "crm": {"provider": "sandbox"},
            "mailboxes": [
                {"name": n, "provider": "sandbox", "address": a} for n, a in ADDRESSES.items()
            ],
            "web": {
                "users": [
                    {"name": "ada", "password_hash": HASHES["ada"]},
                    {
                        "name": "lin",
                        "password_hash": HASHES["lin"],
                        "role": "read-only",
                    },
                ],
                "login_attempts": 3,
                **(web or {}),
            },
        }
        self.config = parse_config(data, registry=load_registry(["sandbox", "notify"]))
        self.app = Calsync(
            self.config,
            state=State(self.config.state),
            clock=self.clock.now,
            sleep=lambda _: None,
            crm=self.crm.open_crm(),
            mailboxes={n: self.mail.open_mailbox(a) for n, a in ADDRESSES.items()},
            notifiers=[],
        )
        self.seed()
        self.asgi = create_app(self.app, worker=lambda: nullcontext(self.app))
        self.console: Console = self.asgi.state.console

    def seed(self) -> None:
        alice = ADDRESSES["alice"]
        self.mail.seed(alice, meeting("Quarterly review"))
        self.mail.seed(alice, meeting("Call with Tehran", days=2, zone="Asia/Tehran"))
        self.mail.seed(alice, meeting(PRIVATE_SUBJECT, days=3, privacy=Privacy.PRIVATE))
        self.mail.seed(ADDRESSES["carol"], meeting("Site visit"))
        self.mail.seed(ADDRESSES["bob"], meeting("Bob's planning"))
        self.app.sync()
        self.clock.advance(timedelta(minutes=20))

    def client(self, user: str | None = None) -> TestClient:
        client = TestClient(self.asgi, base_url="http://testserver", follow_redirects=False)
        if user is not None:
            login(client, user, PASSWORDS[user])
        return client


def csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match[1]


def login(client: TestClient, name: str, password: str) -> Any:
    token = csrf(client)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    made = Site(tmp_path)
    yield made
    made.console.actions.close()
    made.app.close()
