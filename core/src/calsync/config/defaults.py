"""``[mailbox_defaults]``: what every ``[[mailboxes]]`` entry inherits and may override.

An organisation of 2,000 people shares one mailbox provider and its settings (a service
account, an app registration); with the defaults each entry is one short line::

    [mailbox_defaults]
    provider = "graph"
    settings = { tenant_id = "...", client_id = "...", client_secret = { env = "GRAPH_SECRET" } }
    policy = { private_items = "skip" }

    [[mailboxes]]
    address = "alice@example.com"          # named after its address
    [[mailboxes]]
    address = "bob@example.com"
    name = "bob"
    policy = { mode = "match" }            # merged over the defaults' policy, key by key

An entry's own ``provider`` replaces the default; its ``settings`` and ``policy`` are merged
over the defaults' key by key (so an entry may set one setting and keep the rest). Problems
are reported at the entry's path, as if the entry had said it all.

The defaults can also name who is synced: every user of a CRM permission set or profile
(its API name), resolved through the CRM once per round, each with a mailbox of the
defaults; entries listed by hand override a member of the same address::

    [mailbox_defaults]
    provider = "graph"
    permission_set = "Calendar_Sync"       # or: profile = "Sales User"
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from calsync.config.structure import unknown_key
from calsync.providers import GroupKind, UserGroup

__all__ = ["DEFAULT_KEYS", "names_group", "user_group", "with_mailbox_defaults"]

#: What each ``[[mailboxes]]`` entry inherits from ``[mailbox_defaults]``.
_INHERITED: Final = ("provider", "settings", "policy")
#: The keys naming a group of CRM users to sync (at most one).
GROUP_KEYS: Final = tuple(kind.value for kind in GroupKind)
#: What ``[mailbox_defaults]`` may hold.
DEFAULT_KEYS: Final = (*_INHERITED, *GROUP_KEYS)
_MERGED: Final = ("settings", "policy")


def with_mailbox_defaults(data: Mapping[str, Any], problems: list[str]) -> Mapping[str, Any]:
    """``data`` with ``[mailbox_defaults]`` applied to each ``[[mailboxes]]`` entry."""
    if "mailbox_defaults" not in data:
        return data
    defaults = data["mailbox_defaults"]
    rest = {k: v for k, v in data.items() if k != "mailbox_defaults"}
    if not isinstance(defaults, dict):
        problems.append(f"mailbox_defaults: expected a table, got {defaults!r}")
        return rest
    for key in defaults:
        if key not in DEFAULT_KEYS:
            problems.append(unknown_key("mailbox_defaults", key, DEFAULT_KEYS))
    for key in _MERGED:
        if not isinstance(defaults.get(key, {}), dict):
            problems.append(f"mailbox_defaults.{key}: expected a table, got {defaults[key]!r}")
            return rest
    entries = data.get("mailboxes")
    if not isinstance(entries, list):
        return rest  # reported where the mailboxes are read
    rest["mailboxes"] = [_inherit(entry, defaults) for entry in entries]
    return rest


def _inherit(entry: object, defaults: Mapping[str, Any]) -> object:
    if not isinstance(entry, dict):
        return entry
    merged = {k: v for k, v in defaults.items() if k in _INHERITED} | entry
    for key in _MERGED:
        own = entry.get(key)
        if key in defaults and isinstance(own, dict):
            merged[key] = {**defaults[key], **own}
    if "name" not in merged and isinstance(merged.get("address"), str):
        merged["name"] = merged["address"].strip().lower()
    return merged


def names_group(defaults: object) -> bool:
    """Whether ``[mailbox_defaults]`` names a group of users to sync (rightly or not)."""
    return isinstance(defaults, dict) and any(key in defaults for key in GROUP_KEYS)


def user_group(defaults: object, problems: list[str]) -> UserGroup | None:
    """The group of CRM users ``[mailbox_defaults]`` names to sync, if it names one."""
    if not isinstance(defaults, dict):
        return None
    named = {key: defaults[key] for key in GROUP_KEYS if key in defaults}
    if not named:
        return None
    if len(named) > 1:
        problems.append(
            "mailbox_defaults: name one group of users to sync, permission_set or profile, not both"
        )
        return None
    ((key, name),) = named.items()
    if not isinstance(name, str) or not name.strip():
        problems.append(
            f"mailbox_defaults.{key}: the API name of a {key.replace('_', ' ')} whose users "
            f'are synced, e.g. "Calendar_Sync"; got {name!r}'
        )
        return None
    return UserGroup(kind=GroupKind(key), name=name.strip())
