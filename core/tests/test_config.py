"""The configuration file: every problem at once, with its path; secrets by reference only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from calsync.config import Secret, load_config, parse_config
from calsync.errors import ConfigError
from calsync.plugins import load_registry
from calsync.policy import Direction, Operation, PrivateItems, RecurrenceStrategy, SyncMode


def base(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "crm": {"provider": "sandbox"},
        "mailboxes": [{"name": "alice", "provider": "sandbox", "address": "Alice@Example.com"}],
    }
    data.update(changes)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, registry=load_registry(["sandbox"]))
    return caught.value.problems


def test_a_minimal_config_gets_the_documented_defaults() -> None:
    config = parse_config(base(), registry=load_registry(["sandbox"]))
    assert config.state == "sqlite:///calsync.db"
    assert config.mailbox("alice").address == "alice@example.com"
    assert config.policy.mode is SyncMode.SYNC_ALL
    assert config.policy.private_items is PrivateItems.SKIP
    assert config.notify.channels == ("log",)


def test_policy_values_and_per_mailbox_overrides() -> None:
    data = base(
        policy={
            "mode": "designate",
            "ignore": ["@Example.org"],
            "recurring_items": "off",
            "recurrence": "instances",
            "directions": "up",
            "prevent": ["delete"],
        }
    )
    data["mailboxes"][0]["policy"] = {"mode": "match"}
    config = parse_config(data, registry=load_registry(["sandbox"]))
    assert config.policy.mode is SyncMode.DESIGNATE
    assert config.mailbox("alice").policy.mode is SyncMode.MATCH
    mailbox = config.mailbox("alice").policy
    assert not mailbox.recurring_items and mailbox.recurrence is RecurrenceStrategy.INSTANCES
    assert mailbox.directions == {Direction.UP} and mailbox.is_ignored("x@example.org")
    assert not mailbox.allows(Direction.UP, Operation.DELETE)


def test_every_problem_is_reported_at_once_with_its_path() -> None:
    data = base(policy={"mode": "mach", "prevent": {"sideways": ["delete"]}}, colour="red")
    data["crm"] = {"provider": "salesforse"}
    data["mailboxes"].append(
        {"name": "alice", "provider": "sandbox", "address": "bob", "settings": {"wrld": "x"}}
    )
    found = problems(data)
    assert (
        "colour: unknown key; known keys: state, policy, crm, mailbox_defaults, mailboxes, notify, web"
        in found
    )
    assert (
        "policy.mode: 'mach' is not one of sync-all, match, designate (did you mean 'match'?)"
        in found
    )
    assert "policy.prevent['sideways']: 'sideways' is not one of up, down" in found
    assert "crm.provider: unknown crm provider 'salesforse'; installed: sandbox" in found
    assert "mailboxes[1].name: 'alice' is already the name of mailboxes[0]" in found
    assert "mailboxes[1].address: required; the owner's e-mail address, got 'bob'" in found
    assert (
        "mailboxes[1].settings: unknown key 'wrld' (did you mean 'world'?); known keys: world"
        in found
    )
    # The shared policy's problems are not repeated for each mailbox.
    assert not [p for p in found if p.startswith("mailboxes[0].policy")]


def test_scalars_are_strict() -> None:
    found = problems(
        base(policy={"recurring_items": "maybe", "ignore": "everyone", "designate_category": 3})
    )
    assert 'policy.recurring_items: expected true / false (or "on" / "off"), got \'maybe\'' in found
    assert "policy.designate_category: expected text, got 3" in found
    assert any(p.startswith("policy.ignore") for p in found)


def test_missing_parts_are_named() -> None:
    found = problems({"state": "nonsense://"})
    assert (
        'crm: required table naming the CRM provider, e.g. [crm] provider = "salesforce"' in found
    )
    assert any(p.startswith("mailboxes: at least one [[mailboxes]] entry is needed") for p in found)
    assert any(p.startswith("state: 'nonsense://' is not a database URL") for p in found)


def test_files_that_are_not_toml_say_where(tmp_path: Path) -> None:
    bad = tmp_path / "calsync.toml"
    bad.write_text("[crm\nprovider = 1")
    with pytest.raises(ConfigError, match=r"calsync.toml: not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="cannot read the configuration"):
        load_config(tmp_path / "missing.toml")


def test_secrets_are_references_and_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = Secret(env="CALSYNC_TEST_PASSWORD")
    assert secret.problem() == "environment variable CALSYNC_TEST_PASSWORD is not set"
    monkeypatch.setenv("CALSYNC_TEST_PASSWORD", "hunter2")
    assert secret.problem() is None and secret.reveal() == "hunter2"
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret)
    with pytest.raises(ValueError, match="exactly one"):
        Secret(env="A", file="B")


def test_secret_files(tmp_path: Path) -> None:
    path = tmp_path / "key"
    assert Secret(file=str(path)).problem() == f"secret file {path} does not exist"
    path.write_text("s3cret\n")
    assert Secret(file=str(path)).reveal() == "s3cret"
