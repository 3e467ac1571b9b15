"""The demo organisation's emulators, served on 127.0.0.1, and the configuration reaching them.

Every installed plugin whose harness can serve its service (:meth:`Harness.serve
<calsync.harness.Harness.serve>`) is served, found through the plugin registry: the four
the demo's scenarios are written for, and any other. Another mailbox provider gets a
person of its own in the organisation and in the generated configuration; another CRM is
served beside Salesforce (a configuration names one CRM). A harness that does not
override ``serve`` (an in-memory provider's) is left out.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from calsync.demo.organisation import Organisation
from calsync.demo.scenarios import SCENARIOS, prepare
from calsync.errors import CalsyncError
from calsync.harness import CrmHarness, Endpoint, Harness, MailboxHarness
from calsync.plugins import Registry, load_registry
from calsync.providers import Role

__all__ = ["REQUIRED", "Progress", "Served", "environment", "open_organisation"]

#: The providers the demo's scenarios are written for: (role, plugin).
REQUIRED = (
    (Role.CRM, "salesforce"),
    (Role.MAILBOX, "exchange"),
    (Role.MAILBOX, "gmail"),
    (Role.MAILBOX, "graph"),
)
#: The CRM of the generated configuration.
CRM = "salesforce"

Progress = Callable[[str], None]


@dataclass(slots=True, kw_only=True)
class Served:
    """The organisation's emulators, served on 127.0.0.1, and the configuration reaching them."""

    org: Organisation
    #: By provider name (a CRM whose name a mailbox provider also has: ``<name>-crm``).
    endpoints: dict[str, Endpoint]
    config: Path
    #: The values of the secret references in the configuration (the emulators' own).
    environment: dict[str, str]
    items_seeded: int


def open_organisation(
    stack: ExitStack, directory: Path, *, seed: bool, progress: Progress
) -> Served:
    """Start the emulators, seed the demo organisation if asked, serve them, write the config.

    Everything started is stopped when ``stack`` closes; the configuration is
    ``calsync-demo.toml`` in ``directory``.
    """
    registry = load_registry()
    missing = [
        f"{role} provider {name!r}"
        for role, name in REQUIRED
        if (role, name) not in registry.harnesses
    ]
    if missing:
        raise CalsyncError(
            "the demo needs the plugins calsync-exchange, calsync-gmail, calsync-graph and "
            f"calsync-salesforce; missing: {', '.join(missing)}"
        )
    directory.mkdir(parents=True, exist_ok=True)
    harnesses = _servable(registry, stack, progress)
    crm = harnesses.pop((Role.CRM, CRM))
    assert isinstance(crm, CrmHarness)
    mail = {n: h for (r, n), h in harnesses.items() if isinstance(h, MailboxHarness)}
    org = Organisation(crm, mail, datetime.now(UTC))
    progress("seeding the organisation: Salesforce users, contacts, leads, accounts, mailboxes")
    org.people()
    seeded = 0
    if seed:
        prepare(org)
        seeded = org.everyday_calendars()
        for scenario in SCENARIOS:
            scenario.seed(org)
        seeded += len(org.ids)
    progress("serving the emulators on 127.0.0.1")
    # Served once the mailboxes are open: a harness's settings may name what they hold.
    endpoints: dict[str, Endpoint] = {}
    for (role, name), harness in [((Role.CRM, CRM), crm), *harnesses.items()]:
        key = f"{name}-crm" if role is Role.CRM and (Role.MAILBOX, name) in harnesses else name
        endpoints[key] = harness.serve()
        stack.callback(endpoints[key].stop)
    return Served(
        org=org,
        endpoints=endpoints,
        config=_write_config(directory, org, endpoints),
        environment=_secrets(org, endpoints),
        items_seeded=seeded,
    )


def _servable(
    registry: Registry, stack: ExitStack, progress: Progress
) -> dict[tuple[Role, str], Harness]:
    """A started offline harness per installed plugin that can serve, closed with ``stack``."""
    started: dict[tuple[Role, str], Harness] = {}
    for key, spec in sorted(registry.harnesses.items()):
        try:
            harness = spec.offline()
        except Exception as exc:
            if key in REQUIRED:
                raise
            # Another plugin's emulator that does not start must not take the demo down.
            progress(f"{key[1]} ({key[0]}): its emulator did not start ({exc!r}); left out")
            continue
        stack.callback(harness.close)
        if type(harness).serve is Harness.serve:
            continue  # an in-memory provider's (the sandbox's): nothing to reach over a socket
        started[key] = harness
    return started


def _write_config(directory: Path, org: Organisation, endpoints: dict[str, Endpoint]) -> Path:
    document = {
        # Relative to the configuration file's folder, as every SQLite path in one is.
        "state": "sqlite:///calsync-demo.db",
        "policy": {
            "mode": "sync-all",
            "private_items": "skip",
            "recurring_items": "on",
            "recurrence": "series",
        },
        "crm": {"provider": CRM, "settings": endpoints[CRM].settings(None)},
        "mailboxes": [
            {
                "name": m.name,
                "provider": m.provider,
                "address": m.address,
                "settings": endpoints[m.provider].settings(m.address),
                "policy": m.policy,
            }
            for m in org.mailboxes.values()
        ],
        "notify": {"channels": ["log"]},
    }
    path = directory / "calsync-demo.toml"
    header = "# Generated by `calsync demo`: the embedded emulators, served on 127.0.0.1.\n"
    path.write_text(header + tomli_w.dumps(document), encoding="utf-8")
    return path


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if set(value) == {"env"}:
            yield value["env"]
        for inner in value.values():
            yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def _secrets(org: Organisation, endpoints: dict[str, Endpoint]) -> dict[str, str]:
    """The environment the configuration's secret references read; erin's are wrong (EX-22)."""
    values: dict[str, str] = {}
    for endpoint in endpoints.values():
        values.update(endpoint.environment)
    used_by: dict[str, set[str]] = defaultdict(set)
    for mailbox in org.mailboxes.values():
        for name in _references(endpoints[mailbox.provider].settings(mailbox.address)):
            used_by[name].add(mailbox.name)
    for mailbox in org.mailboxes.values():
        if mailbox.wrong_credentials:
            for name, users in used_by.items():
                if users == {mailbox.name}:
                    values[name] = "not-the-password"
    return values


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set ``values`` in ``os.environ`` meanwhile (the configuration's secret references)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
