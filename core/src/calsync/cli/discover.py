"""``calsync discover``: the CRM's active users, and which of them calsync does not sync yet.

``--permission-set NAME`` or ``--profile NAME`` limits the list to that group's users. A
user is synced when a ``[[mailboxes]]`` entry has their address or when they belong to the
group ``[mailbox_defaults]`` syncs (``permission_set = "..."``).

With ``--connect`` each new user's mailbox is checked through ``[mailbox_defaults]`` with the
probes of ``calsync check --connect`` (credentials accepted, calendar found, address
linked); ``--write`` appends a ``[[mailboxes]]`` entry for each new user (with ``--connect``:
each whose mailbox was reached) to the configuration file.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import click

from calsync import preflight
from calsync.cli.common import config_option, json_option
from calsync.cli.output import fail, print_json, say, show_table
from calsync.config import Config, load_config, parse_config
from calsync.config.document import read_document
from calsync.errors import CalsyncError, ConfigError
from calsync.plugins import load_registry
from calsync.providers import CrmProvider, GroupKind, ProviderContext, Role, UserGroup

__all__ = ["command"]


@click.command("discover")
@config_option
@click.option(
    "--connect",
    is_flag=True,
    help="Check each new user's mailbox through [mailbox_defaults] (nothing is written there).",
)
@click.option(
    "--write",
    is_flag=True,
    help="Append a [[mailboxes]] entry for each new user (with --connect: each reached).",
)
@click.option(
    "--permission-set",
    "permission_set",
    metavar="NAME",
    help="Only the users assigned this permission set (its API name).",
)
@click.option("--profile", metavar="NAME", help="Only the users of this profile.")
@json_option
def command(
    config_path: Path,
    connect: bool,
    write: bool,
    permission_set: str | None,
    profile: str | None,
    as_json: bool,
) -> None:
    """List the CRM's active users and whether calsync syncs their mailboxes.

    A user whose address no [[mailboxes]] entry has, and who is not in the permission set
    or profile [mailbox_defaults] syncs, is "new". --permission-set or --profile lists
    only that group's users. With --connect, each new
    user's mailbox is reached through [mailbox_defaults] as `calsync check --connect`
    would: credentials accepted, calendar found, address linked. Exit 0, or 2 for a setup
    mistake (the CRM cannot be reached or cannot list its users).
    """
    try:
        group = _group(permission_set, profile)
        config = load_config(config_path)
        if connect or write:
            _defaults_provider(config_path)
        users = _active_users(config, group)
        if group is not None and not users:
            # An unknown group has no users: the usual cause is a label given for a name.
            option = f"--{group.kind.value.replace('_', '-')}"
            raise ConfigError(
                [
                    f"{option} {group.name}: no active CRM user is in this {group}; is that its API name?"
                ]
            )
        synced = {m.address for m in config.mailboxes}
        if config.members is not None:
            synced |= set(_active_users(config, config.members.group))
        new = sorted(set(users) - synced)
        checks = _check(config_path, new) if connect and new else {}
    except ConfigError as exc:
        fail(f"{config_path}: cannot discover", exc.problems)
    except CalsyncError as exc:
        fail(f"{config_path}: cannot discover", [str(exc)])
    wanted = [a for a in new if not connect or checks[a].mailbox.ok]
    if write and wanted:
        try:
            _append(config_path, wanted)
        except ConfigError as exc:
            fail(f"{config_path}: cannot write", exc.problems)
    rows = [_row(address, users[address], address in new, checks.get(address)) for address in users]
    if as_json:
        print_json({"users": rows, "written": wanted if write else []})
        return
    show_table(
        "CRM users",
        ["address", "CRM user", "calsync", "mailbox"],
        [(r["address"], r["user"], r["calsync"], r["mailbox"]) for r in rows],
    )
    say(f"{len(users)} active user(s), {len(new)} not synced yet")
    if write:
        say(f"{len(wanted)} [[mailboxes]] entr(y/ies) appended to {config_path}")


def _group(permission_set: str | None, profile: str | None) -> UserGroup | None:
    if permission_set and profile:
        raise ConfigError(["--permission-set, --profile: give one group of users, not both"])
    if permission_set:
        return UserGroup(kind=GroupKind.PERMISSION_SET, name=permission_set)
    return UserGroup(kind=GroupKind.PROFILE, name=profile) if profile else None


def _active_users(config: Config, group: UserGroup | None) -> dict[str, str]:
    spec = load_registry([config.crm.provider]).provider(Role.CRM, config.crm.provider)
    crm = spec.provider.from_context(ProviderContext(settings=config.crm.settings, name="crm"))
    assert isinstance(crm, CrmProvider)
    try:
        users = crm.active_users(group)
    finally:
        crm.close()
    if users is None:
        by = f" by {group.kind.value.replace('_', ' ')}" if group else ""
        raise ConfigError([f"crm.provider: {config.crm.provider!r} cannot list its users{by}"])
    return dict(sorted(users.items()))


def _check(config_path: Path, addresses: list[str]) -> dict[str, preflight.MailboxCheck]:
    """Each address's mailbox as `check --connect` finds it, built from [mailbox_defaults]."""
    data: dict[str, Any] = dict(read_document(config_path))
    data["mailboxes"] = [{"address": address} for address in addresses]
    candidates = parse_config(data, path=config_path)
    problems, built = preflight.offline(candidates)
    try:
        if problems:
            raise ConfigError(problems)
        found = preflight.connect(candidates, built)
    finally:
        built.close()
    return {check.address: check for check in found.mailboxes}


def _defaults_provider(config_path: Path) -> None:
    """New users' mailboxes are reached, and written, through ``[mailbox_defaults]``."""
    defaults = read_document(config_path).get("mailbox_defaults")
    if not isinstance(defaults, dict) or "provider" not in defaults:
        raise ConfigError(
            [
                "mailbox_defaults.provider: required by --connect and --write: new users' "
                "mailboxes are reached and written through [mailbox_defaults]"
            ]
        )


def _append(config_path: Path, addresses: list[str]) -> None:
    """Append an entry per address, once the file with them is known to be a valid config.

    A file that lists its mailboxes as an inline array (``mailboxes = [...]``) cannot take
    ``[[mailboxes]]`` tables: it is left as it was and the command says so (exit 2).
    """
    text = config_path.read_text(encoding="utf-8")
    # json.dumps writes a TOML basic string: quotes and backslashes escaped.
    entries = "".join(f"\n[[mailboxes]]\naddress = {json.dumps(a)}\n" for a in addresses)
    new = text + ("" if not text or text.endswith("\n") else "\n") + entries
    try:
        parse_config(tomllib.loads(new.removeprefix("\ufeff")), path=config_path)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            [
                f"--write: {config_path} cannot take [[mailboxes]] entries ({exc}); "
                "it was left as it was: list its mailboxes as [[mailboxes]] tables, or add "
                "these by hand"
            ]
        ) from None
    except ConfigError as exc:
        raise ConfigError(
            [
                f"--write: {config_path} was left as it was; with the new entries: {p}"
                for p in exc.problems
            ]
        ) from None
    try:
        with config_path.open("a", encoding="utf-8") as file:
            file.write(new[len(text) :])
    except OSError as exc:
        raise ConfigError(
            [
                f"--write: {config_path}: {exc.strerror or exc}; give the user running calsync "
                "write access to it, or add the entries by hand"
            ]
        ) from None


def _row(
    address: str, user: str, new: bool, check: preflight.MailboxCheck | None
) -> dict[str, str]:
    mailbox = "" if check is None else check.mailbox.detail
    if check is not None and check.mailbox.ok and not check.crm_user.ok:
        mailbox += f"; {check.crm_user.detail}"
    return {
        "address": address,
        "user": user,
        "calsync": "new" if new else "synced",
        "mailbox": mailbox,
    }
