"""With workers configured, enable, reset and the console's actions queue the pass for them.

Judged from the broker (the tasks in the real Redis queue) and the state: the admin's
process runs no pass itself. Without a broker they run the pass as before (the console's
and the CLI's own tests).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("celery", reason="calsync[workers] is installed by `make setup`")
pytest.importorskip("starlette", reason="the console needs calsync[web]")

from argon2 import PasswordHasher
from starlette.testclient import TestClient

from calsync.api import Calsync
from calsync.state import State
from calsync.state.audit import AuditLog
from calsync.web import create_app
from calsync.workers.app import QUEUE

PASSWORD = "correct horse battery"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "calsync.toml"
    hashed = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    path.write_text(
        f'state = "sqlite:///{tmp_path / "state.db"}"\n'
        '[crm]\nprovider = "sandbox"\n'
        '[[mailboxes]]\nname = "alice"\nprovider = "sandbox"\naddress = "alice@acme.test"\n'
        '[[mailboxes]]\nname = "bob"\nprovider = "sandbox"\naddress = "bob@acme.test"\n'
        f'[[web.users]]\nname = "ada"\npassword_hash = "{hashed}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def queued(redis_url: str) -> Iterator[list[tuple[str, list[Any], dict[str, Any]]]]:
    """The pass tasks this test queued (task, args, kwargs), read off the real broker.

    The broker is shared with the other tests of the session: emptied before and after.
    """
    import redis

    broker = redis.Redis.from_url(redis_url)
    broker.delete(QUEUE)
    found: list[tuple[str, list[Any], dict[str, Any]]] = []

    class Read(list[tuple[str, list[Any], dict[str, Any]]]):
        def __call__(self) -> list[tuple[str, list[Any], dict[str, Any]]]:
            for raw in reversed(broker.lrange(QUEUE, 0, -1)):  # LPUSHed: oldest last
                message = json.loads(raw)
                args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
                found.append((message["headers"]["task"], args, kwargs))
            broker.delete(QUEUE)
            return found

    yield Read()
    broker.delete(QUEUE)


def passes(config: Path, name: str) -> int:
    app = Calsync.from_file(config)
    try:
        return len(app.passes(name))
    finally:
        app.close()


def test_enable_and_reset_queue_their_passes_for_the_workers(
    config: Path, redis_url: str, queued: Any, calsync: Any
) -> None:
    assert (
        calsync("disable", "--mailbox", "alice", "--config", str(config), broker=None).returncode
        == 0
    )
    enabled = calsync("enable", "--mailbox", "alice", "--config", str(config), broker=redis_url)
    assert enabled.returncode == 0, enabled.stderr
    assert "alice: enabled; its pass is queued for the workers" in enabled.stdout
    reset = calsync("reset", "--mailbox", "bob", "--config", str(config), broker=redis_url)
    assert reset.returncode == 0, reset.stderr
    assert "bob: marked for reset; its pass is queued for the workers" in reset.stdout

    assert queued() == [
        ("calsync.pass", ["alice"], {"allow_mass_delete": False}),
        ("calsync.pass", ["bob"], {"allow_mass_delete": False}),
    ]
    assert passes(config, "alice") == passes(config, "bob") == 0  # none ran here
    state = State(f"sqlite:///{config.parent / 'state.db'}")
    try:
        alice = state.mailbox("alice")
        assert alice is not None and alice.enabled
    finally:
        state.close()


def test_enable_without_workers_runs_its_pass_as_before(config: Path, calsync: Any) -> None:
    done = calsync("enable", "--mailbox", "alice", "--config", str(config), broker=None)
    # The pass ran here (the sandbox CRM has no user for alice: it says so).
    assert "alice: enabled; pass suspended" in done.stdout, done.stderr
    assert passes(config, "alice") == 1


def test_the_console_s_actions_queue_their_passes_for_the_workers(
    config: Path, redis_url: str, queued: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a deployment with workers gives every process (queueing writes the same values).
    monkeypatch.setenv("CALSYNC_BROKER_URL", redis_url)
    monkeypatch.setenv("CALSYNC_CONFIG", str(config))
    monkeypatch.setenv("CALSYNC_VISIBILITY_TIMEOUT", "1800")
    monkeypatch.setenv("CALSYNC_ROUND_SECONDS", "300")
    app = Calsync.from_file(config)
    app.disable("alice")
    console = create_app(app)
    try:
        client = TestClient(console, base_url="http://testserver", follow_redirects=False)
        signed_in = client.post(
            "/login", data={"name": "ada", "password": PASSWORD, "csrf_token": csrf(client)}
        )
        assert signed_in.status_code == 303
        for action, mailbox in (
            ("enable", "alice"),
            ("reset", "bob"),
            ("allow-mass-delete", "bob"),
        ):
            done = client.post(
                f"/actions/{action}",
                data={
                    "mailbox": [mailbox],
                    "csrf_token": csrf(client, "/mailboxes"),
                    "back": "/mailboxes",
                    "confirmed": "yes",
                },
            )
            assert done.status_code == 303
        console.state.console.actions.wait(30)
        entries = [(e.action, e.mailbox, e.outcome) for e in AuditLog(app.state).entries()]
        state = app.state.mailbox("alice")
    finally:
        console.state.console.actions.close()
        app.close()

    assert queued() == [
        ("calsync.pass", ["alice"], {"allow_mass_delete": False}),
        ("calsync.pass", ["bob"], {"allow_mass_delete": False}),
        ("calsync.pass", ["bob"], {"allow_mass_delete": True}),
    ]
    assert state is not None and state.enabled
    assert sorted(entries) == [
        ("allow-mass-delete", "bob", "pass queued for the workers"),
        ("enable", "alice", "pass queued for the workers"),
        ("reset", "bob", "marked for reset; pass queued for the workers"),
    ]
    assert passes(config, "alice") == passes(config, "bob") == 0


def csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match[1]
