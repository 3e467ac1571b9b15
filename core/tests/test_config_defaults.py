"""``[mailbox_defaults]``: each mailbox entry inherits the provider, settings and policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from calsync.config import load_config
from calsync.errors import ConfigError
from calsync.plugins import load_registry
from calsync.policy import PrivateItems, SyncMode

FILE = """
[crm]
provider = "sandbox"

[policy]
mode = "match"

[mailbox_defaults]
provider = "sandbox"
settings = { world = "acme" }
policy = { private_items = "sync" }

[[mailboxes]]
address = "Alice@Example.com"

[[mailboxes]]
address = "bob@example.com"
name = "bob"
settings = { world = "other" }
policy = { mode = "sync-all" }
"""


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "calsync.toml"
    path.write_text(text)
    return load_config(path, registry=load_registry(["sandbox"]))


def test_entries_inherit_the_defaults_and_override_key_by_key(tmp_path: Path) -> None:
    config = load(tmp_path, FILE)
    alice = config.mailbox("alice@example.com")  # type: ignore[attr-defined]
    bob = config.mailbox("bob")  # type: ignore[attr-defined]
    assert (alice.provider, alice.settings.world) == ("sandbox", "acme")
    assert alice.policy.mode is SyncMode.MATCH  # [policy]
    assert alice.policy.private_items is PrivateItems.SYNC  # the defaults' policy
    assert (bob.provider, bob.settings.world) == ("sandbox", "other")
    assert bob.policy.mode is SyncMode.SYNC_ALL and bob.policy.private_items is PrivateItems.SYNC


def test_problems_in_the_defaults_are_named_where_they_are(tmp_path: Path) -> None:
    text = FILE.replace('policy = { private_items = "sync" }', 'colour = "blue"\npolicy = 3')
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    found = caught.value.problems
    known = "provider, settings, policy, permission_set, profile"
    assert f"mailbox_defaults.colour: unknown key; known keys: {known}" in found
    assert "mailbox_defaults.policy: expected a table, got 3" in found


def test_a_value_the_provider_refuses_is_reported_at_the_entry(tmp_path: Path) -> None:
    text = FILE.replace('settings = { world = "acme" }', "settings = { world = 7 }")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert any(p.startswith("mailboxes[0].settings.world") for p in caught.value.problems)


GROUP = """
[crm]
provider = "sandbox"

[mailbox_defaults]
provider = "sandbox"
settings = { world = "acme" }
permission_set = "Calendar_Sync"
"""


def test_the_defaults_can_sync_every_user_of_a_permission_set(tmp_path: Path) -> None:
    config = load(tmp_path, GROUP)
    members = config.members  # type: ignore[attr-defined]
    assert str(members.group) == "permission set Calendar_Sync"
    assert config.mailboxes == ()  # type: ignore[attr-defined]
    mailbox = members.mailbox("Dana@Example.com")
    assert (mailbox.name, mailbox.address, mailbox.settings.world) == (
        "dana@example.com",
        "dana@example.com",
        "acme",
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            'permission_set = "Calendar_Sync"\nprofile = "Sales"',
            "mailbox_defaults: name one group of users to sync, permission_set or profile, "
            "not both",
        ),
        (
            "permission_set = 7",
            "mailbox_defaults.permission_set: the API name of a permission set whose users "
            'are synced, e.g. "Calendar_Sync"; got 7',
        ),
        (
            'permission_set = "Calendar_Sync"\nsettings = { world = 3 }',
            "mailbox_defaults.settings.world: expected text, got 3",
        ),
    ],
)
def test_a_group_is_checked_where_it_is_named(tmp_path: Path, change: str, problem: str) -> None:
    text = GROUP.replace('settings = { world = "acme" }\npermission_set = "Calendar_Sync"', change)
    if "settings" not in change:
        text = text.replace("[mailbox_defaults]", '[mailbox_defaults]\nsettings = { world = "a" }')
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert problem in caught.value.problems, caught.value.problems


def test_a_group_needs_the_defaults_provider(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, GROUP.replace('provider = "sandbox"\nsettings', "settings"))
    assert caught.value.problems == [
        "mailbox_defaults.provider: required; name the mailbox provider to use"
    ]
