"""An organisation of many mailboxes on the served emulators: what the workers are proved on.

The workers' tests and benchmark (bench/worker_rounds.py) start the Salesforce and Graph
emulators through their harnesses, serve them on 127.0.0.1, and write a configuration that
reaches them, so that worker processes sync through real sockets. Every request the
emulators answer is logged with the moment it arrived, its mailbox, its endpoint and the
connection it came on, and can be held for a latency like a cloud API's. A pass builds its
mailbox's provider afresh, with an HTTP client of its own, so a connection is one pass:
not a token, which every pass of a process shares (one sign-in an hour).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import tomli_w

from calsync.emulation import HttpRequest, HttpResponse
from calsync.harness import CrmHarness, Endpoint, MailboxHarness
from calsync.model import CalendarItem
from calsync.plugins import load_registry
from calsync.providers import Role

__all__ = ["PERMISSION_SET", "Logged", "TestOrg"]

#: The Salesforce permission set every user of the org holds.
PERMISSION_SET = "Calendar_Sync"

_MAILBOX_IN_PATH = re.compile(r"/users/([^/?]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Logged:
    """One request an emulator answered."""

    service: str
    at: float
    mailbox: str | None
    token: str | None
    #: The emulator's name for the operation (e.g. ``query``, ``sobjects.describe``).
    endpoint: str = ""
    #: The client's connection: the served emulator answers each on a thread of its own,
    #: whose name (numbered as threads start) no later connection of the process takes.
    connection: str = ""


@dataclass(slots=True)
class _Slow:
    """Answers through ``inner`` after ``latency`` seconds, logging each request."""

    inner: Callable[[HttpRequest], HttpResponse]
    service: str
    latency: float
    log: list[Logged]
    endpoint_of: Callable[[HttpRequest], str]

    def handle(self, request: HttpRequest) -> HttpResponse:
        # The wait is outside the emulator's lock: requests wait side by side, as on a network.
        if self.latency:
            time.sleep(self.latency)
        found = _MAILBOX_IN_PATH.search(request.url)
        authorization = request.headers.get("Authorization") or request.headers.get(
            "authorization", ""
        )
        self.log.append(
            Logged(
                service=self.service,
                at=time.monotonic(),
                # Quoted or not (a delta link quotes the @): the address.
                mailbox=unquote(found.group(1)).lower() if found else None,
                token=authorization.removeprefix("Bearer ") or None,
                endpoint=self.endpoint_of(request),
                connection=threading.current_thread().name,
            )
        )
        return self.inner(request)


@dataclass(slots=True)
class TestOrg:
    """``mailboxes`` Graph mailboxes with Salesforce users, each with one item on each side."""

    mailboxes: int
    latency: float = 0.0
    log: list[Logged] = field(default_factory=list)
    crm: CrmHarness = field(init=False)
    mail: MailboxHarness = field(init=False)
    owners: dict[str, str] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    _endpoints: dict[str, Endpoint] = field(default_factory=dict)
    _slowed: list[_Slow] = field(default_factory=list)

    __test__ = False  # not a pytest test class

    @property
    def addresses(self) -> list[str]:
        """The mailboxes' addresses, in order."""
        return [f"person{n:05d}@acme.test" for n in range(self.mailboxes)]

    def start(self, stack: ExitStack) -> None:
        """Create the org, seed it and serve it; ``stack`` stops everything."""
        registry = load_registry(["salesforce", "graph"])
        crm = registry.harnesses[(Role.CRM, "salesforce")].offline()
        mail = registry.harnesses[(Role.MAILBOX, "graph")].offline()
        assert isinstance(crm, CrmHarness) and isinstance(mail, MailboxHarness)
        self.crm, self.mail = crm, mail
        stack.callback(crm.close)
        stack.callback(mail.close)
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        for n, address in enumerate(self.addresses):
            self.owners[address] = crm.add_user(address)
            # Everyone holds the permission set a configuration may name instead of a list.
            crm.emulator.org.assign_permission_set(self.owners[address], PERMISSION_SET)  # type: ignore[attr-defined]
            mail.open_mailbox(address)
            at = start + timedelta(hours=n % 8)
            self.add_change(address, at)
        for name, harness in (("salesforce", crm), ("graph", mail)):
            self._slow(harness, name)
            endpoint = harness.serve()
            stack.callback(endpoint.stop)
            self._endpoints[name] = endpoint
            self.environment.update(endpoint.environment)

    def set_latency(self, seconds: float) -> None:
        """Hold every later request ``seconds`` (the initial sync may run without)."""
        for slow in self._slowed:
            slow.latency = seconds

    def add_change(self, address: str, at: datetime) -> None:
        """One new item in ``address``'s calendar and one in its CRM user's."""
        self.mail.seed(
            address, CalendarItem(start=at, end=at + timedelta(minutes=30), subject="Mailbox")
        )
        self.crm.seed(
            self.owners[address],
            CalendarItem(
                start=at + timedelta(days=1), end=at + timedelta(days=1, hours=1), subject="CRM"
            ),
        )

    def _slow(self, harness: Any, service: str) -> None:
        # Served objects are the emulator (Salesforce) or its fault router (Graph).
        target = getattr(harness, "transport", None) or harness.emulator
        slow = _Slow(target.handle, service, self.latency, self.log, harness.emulator.endpoint_of)
        target.handle = slow.handle
        self._slowed.append(slow)

    def write_config(self, path: Path, state: str, *, members: bool = False) -> Path:
        """A configuration reaching the served org, with ``state`` as its database.

        ``members``: every user of the permission set (each mailbox named by its address),
        instead of a list of mailboxes (named ``personNNNNN``).
        """
        graph = self._endpoints["graph"]
        document: dict[str, Any] = {
            "state": state,
            "policy": {"mode": "sync-all", "private_items": "skip"},
            "crm": {
                "provider": "salesforce",
                "settings": self._endpoints["salesforce"].settings(None),
            },
        }
        if members:
            document["mailbox_defaults"] = {
                "provider": "graph",
                "settings": graph.settings(self.addresses[0]),  # the same for every address
                "permission_set": PERMISSION_SET,
            }
        else:
            document["mailboxes"] = [
                {
                    "name": address.split("@")[0],
                    "provider": "graph",
                    "address": address,
                    "settings": graph.settings(address),
                }
                for address in self.addresses
            ]
        path.write_text(tomli_w.dumps(document), encoding="utf-8")
        return path

    def in_step(self, address: str, changes: int = 1) -> bool:
        """Whether each side holds its own items and one copy of each of the other's."""
        mailbox = sorted(i.subject for i in self.mail.items(address))
        crm = sorted(i.subject for i in self.crm.items(self.owners[address]))
        return mailbox == crm == sorted(["CRM", "Mailbox"] * changes)

    def duplicates(self) -> int:
        """Items that more than one item names as its counterpart, on both sides."""
        seen: dict[str, int] = {}
        for item in self.crm.items():
            if item.counterpart_id:
                seen[item.counterpart_id] = seen.get(item.counterpart_id, 0) + 1
        for address in self.addresses:
            for item in self.mail.items(address):
                if item.counterpart_id:
                    seen[item.counterpart_id] = seen.get(item.counterpart_id, 0) + 1
        return sum(n - 1 for n in seen.values() if n > 1)

    def overlapping_passes(self) -> list[tuple[str, str, str]]:
        """Mailboxes whose requests on two connections (two passes) interleaved in time."""
        spans: dict[tuple[str, str], list[float]] = {}
        for entry in list(self.log):
            if entry.service == "graph" and entry.mailbox and entry.connection:
                span = spans.setdefault((entry.mailbox, entry.connection), [entry.at, entry.at])
                span[1] = entry.at
        by_mailbox: dict[str, list[tuple[float, float, str]]] = {}
        for (mailbox, connection), (first, last) in spans.items():
            by_mailbox.setdefault(mailbox, []).append((first, last, connection))
        found = []
        for mailbox, passes in by_mailbox.items():
            passes.sort()
            latest_end, latest = passes[0][1], passes[0][2]
            for begin, end, connection in passes[1:]:
                if begin < latest_end:
                    found.append((mailbox, latest, connection))
                if end > latest_end:
                    latest_end, latest = end, connection
        return found

    def calls(self) -> dict[str, int]:
        """Requests each service answered so far."""
        counts: dict[str, int] = {}
        for entry in list(self.log):
            counts[entry.service] = counts.get(entry.service, 0) + 1
        return counts

    def endpoints(self, service: str, since: int = 0) -> dict[str, int]:
        """Requests ``service`` answered by endpoint, from the ``since``-th logged request on."""
        counts: dict[str, int] = {}
        for entry in self.log[since:]:
            if entry.service == service:
                counts[entry.endpoint] = counts.get(entry.endpoint, 0) + 1
        return counts
