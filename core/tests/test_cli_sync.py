"""The everyday commands over the sandbox: sync, status, issues, enable, disable, reset."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from calsync.cli import main
from calsync.model import CalendarItem
from calsync.sandbox.harness import SandboxCrmHarness
from calsync.sandbox.world import Sandbox
from calsync.state import State
from calsync.state.lease import LEASE_TIME, Holder

START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    Sandbox.forget("cli")
    world = Sandbox.named("cli")
    world.crm.add_user("alice@example.com")
    world.mailboxes.put(
        "alice@example.com",
        CalendarItem(start=START, end=START + timedelta(hours=1), subject="Kickoff"),
    )
    world.mailboxes.put(
        "alice@example.com",
        CalendarItem(
            start=START, end=START + timedelta(hours=1), subject="Tehran", zone="Asia/Tehran"
        ),
    )
    path = tmp_path / "calsync.toml"
    path.write_text(
        f'state = "sqlite:///{tmp_path / "state.db"}"\n'
        '[crm]\nprovider = "sandbox"\nsettings = { world = "cli" }\n'
        '[[mailboxes]]\nname = "alice"\nprovider = "sandbox"\naddress = "alice@example.com"\n'
        'settings = { world = "cli" }\n'
        '[[mailboxes]]\nname = "zoe"\nprovider = "sandbox"\naddress = "zoe@example.com"\nsettings = { world = "cli" }\n'
    )
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_sync_json_reports_each_mailbox_and_exits_1_with_issues(config: Path) -> None:
    code, out = run("sync", "--config", str(config), "--json")
    assert code == 1
    reports = {r["mailbox"]: r for r in json.loads(out)}
    assert reports["alice"]["synced_up"] == 1 and reports["alice"]["issues"] == [
        "UNSUPPORTED_TIME_ZONE"
    ]
    assert reports["zoe"]["outcome"] == "suspended"
    assert len(Sandbox.named("cli").crm.org.events) == 1


def test_status_and_issues_for_people_and_machines(config: Path) -> None:
    run("sync", "--config", str(config))
    code, out = run("status", "--config", str(config), "--json")
    assert code == 0
    data = json.loads(out)
    assert {m["name"]: m["status"] for m in data["mailboxes"]} == {
        "alice": "active",
        "zoe": "address-not-linked",
    }
    assert data["organisation"]["synced_last_24_hours"] == 1
    code, out = run("issues", "--config", str(config), "--code", "UNSUPPORTED_TIME_ZONE", "--json")
    [issue] = json.loads(out)
    assert code == 1 and issue["mailbox"] == "alice" and "tz" in issue["advice"]
    code, out = run("issues", "--config", str(config), "--mailbox", "zoe")
    assert code == 1 and "ADDRESS_NOT_LINKED" in out and "Give the CRM user" in out
    code, out = run("status", "--config", str(config))
    assert "alice" in out and "records synced in the last 60 minutes: 1" in out


def test_a_mailbox_another_host_is_syncing_is_left_alone_and_shown(config: Path) -> None:
    state = State(f"sqlite:///{config.parent / 'state.db'}")
    elsewhere = Holder("sync-02.example.net", 4242)
    assert state.take_lease("alice", elsewhere, now=datetime.now(UTC), ttl=LEASE_TIME) is None
    state.close()
    code, out = run("sync", "--config", str(config), "--mailbox", "alice", "--json")
    [report] = json.loads(out)
    assert (
        code == 0 and report["outcome"] == "busy" and "sync-02.example.net:4242" in report["detail"]
    )
    assert Sandbox.named("cli").crm.org.events == {}
    code, out = run("status", "--config", str(config), "--json")
    syncing = {m["name"]: m["syncing_on"] for m in json.loads(out)["mailboxes"]}
    assert syncing == {"alice": "sync-02.example.net:4242", "zoe": None}
    code, out = run("status", "--config", str(config))
    assert "alice: being synced now by sync-02.example.net:4242" in out


def test_enable_disable_reset(config: Path) -> None:
    run("sync", "--config", str(config))
    Sandbox.named("cli").crm.add_user("zoe@example.com")
    code, out = run("enable", "--config", str(config), "--mailbox", "zoe")
    assert code == 0 and "pass ok" in out
    assert run("disable", "--config", str(config), "--mailbox", "alice")[0] == 0
    code, out = run("sync", "--config", str(config), "--mailbox", "alice", "--json")
    assert json.loads(out)[0]["outcome"] == "disabled"
    assert run("reset", "--config", str(config), "--mailbox", "alice")[0] == 0
    assert "marked for reset" in run("reset", "--config", str(config), "--mailbox", "alice")[1]


def test_user_errors_exit_2_without_traceback(config: Path, tmp_path: Path) -> None:
    code, out = run("sync", "--config", str(config), "--mailbox", "nobody")
    assert code == 2 and "no mailbox named 'nobody'; configured: alice, zoe" in out
    code, out = run("status", "--config", str(tmp_path / "missing.toml"))
    assert code == 2 and "cannot read the configuration" in out


def test_sync_is_one_round_the_crm_read_once_for_every_mailbox(tmp_path: Path) -> None:
    Sandbox.forget("round")
    world = Sandbox.named("round")
    people = [f"p{n}@example.com" for n in range(4)]
    for address in people:
        world.crm.add_user(address)
    path = tmp_path / "calsync.toml"
    path.write_text(
        f'state = "sqlite:///{tmp_path / "state.db"}"\n'
        '[crm]\nprovider = "sandbox"\nsettings = { world = "round" }\n'
        '[mailbox_defaults]\nprovider = "sandbox"\nsettings = { world = "round" }\n'
        + "".join(f'[[mailboxes]]\naddress = "{a}"\n' for a in people)
    )
    done = CliRunner().invoke(main, ["sync", "--config", str(path), "--json"])
    assert done.exit_code == 0, done.output
    assert [r["outcome"] for r in json.loads(done.output)] == ["ok"] * 4
    asked = [call.split(" ", 1)[0] for call in world.crm.received]
    # who owns each address: one batched lookup for the four, not one per mailbox
    assert asked.count("users") == 1 and asked.count("features") == 1, asked


def test_sync_of_one_mailbox_suspends_the_organisation_when_the_crm_refuses(
    tmp_path: Path,
) -> None:
    """`sync --mailbox X` is a round of one: a refused CRM credential waits for everyone."""
    Sandbox.forget("refused")
    world = Sandbox.named("refused")
    crm = SandboxCrmHarness(world)
    people = [f"p{n}@example.com" for n in range(3)]
    owners = {address: crm.add_user(address) for address in people}
    path = tmp_path / "calsync.toml"
    path.write_text(
        f'state = "sqlite:///{tmp_path / "state.db"}"\n'
        '[crm]\nprovider = "sandbox"\nsettings = { world = "refused" }\n'
        '[mailbox_defaults]\nprovider = "sandbox"\nsettings = { world = "refused" }\n'
        + "".join(f'[[mailboxes]]\nname = "p{n}"\naddress = "{a}"\n' for n, a in enumerate(people))
    )

    def sync(*mailboxes: str) -> tuple[int, dict[str, str]]:
        chosen = [arg for name in mailboxes for arg in ("--mailbox", name)]
        done = CliRunner().invoke(main, ["sync", "--config", str(path), "--json", *chosen])
        assert "Traceback" not in done.output
        return done.exit_code, {r["mailbox"]: r["outcome"] for r in json.loads(done.stdout)}

    def open_issues() -> list[tuple[str, str]]:
        done = CliRunner().invoke(main, ["issues", "--config", str(path), "--json"])
        return [(i["mailbox"], i["code"]) for i in json.loads(done.stdout)]

    assert sync() == (0, {"p0": "ok", "p1": "ok", "p2": "ok"})
    world.crm.revoked = True
    world.mailboxes.put(
        people[1], CalendarItem(start=START, end=START + timedelta(hours=1), subject="Booked")
    )
    assert sync("p1") == (1, {"p1": "suspended"})
    assert open_issues() == [("(organisation)", "AUTH_FAILED")]
    done = CliRunner().invoke(main, ["status", "--config", str(path), "--json"])
    assert {m["status"] for m in json.loads(done.stdout)["mailboxes"]} == {"active"}
    # p2 waits too, without a pass: the CRM is asked once whether it accepts the credential.
    asked = len(world.crm.received)
    assert sync("p2") == (1, {"p2": "suspended"})
    assert [call.split(" ", 1)[0] for call in world.crm.received[asked:]] == ["features"]
    assert crm.items(owners[people[1]]) == ()
    world.crm.revoked = False  # the credential is renewed: nobody has to run `enable`
    assert sync("p2") == (0, {"p2": "ok"})
    assert open_issues() == []
    assert sync("p1") == (0, {"p1": "ok"})
    assert [e.subject for e in crm.items(owners[people[1]])] == ["Booked"]
