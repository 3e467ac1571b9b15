"""The configuration file, validated into frozen objects.

One TOML file names the state database, the CRM, the mailboxes and the policy.

Example::

    state = "sqlite:///calsync.db"     # relative to the file's folder; or a [state] table:
    # [state]
    # url = "postgresql://calsync@db.example.com/calsync"
    # busy_timeout_seconds = 30        # SQLite: wait this long for another process's lock
    # keep_history_days = 30           # rows of past passes older than this are pruned

    [policy]
    mode = "sync-all"              # or "match", "designate"
    ignore = ["example.org"]
    private_items = "skip"         # or "sync"
    recurring_items = "on"
    recurrence = "series"          # or "instances"
    directions = "both"            # or "up", "down"
    prevent = { up = ["delete"] }  # or a list for both directions

    [crm]
    provider = "salesforce"
    settings = { instance_url = "https://acme.my.salesforce.com", session_id = { env = "SF_SESSION" } }

    [[mailboxes]]
    name = "alice"
    provider = "exchange"
    address = "alice@example.com"
    settings = { password = { env = "EXCHANGE_PASSWORD" } }
    policy = { mode = "match" }    # overrides [policy] for this mailbox

    # [mailbox_defaults] gives every entry a provider, settings and policy to inherit
    # (see calsync.config.defaults): then an entry can be just its address.

Every problem is reported at once, each with its path in the file; secrets are only
references (:class:`~calsync.config.secrets.Secret`) and are never printed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, final

from calsync.config.defaults import names_group, user_group, with_mailbox_defaults
from calsync.config.document import read_document
from calsync.config.policies import mailbox_policy, read_policy
from calsync.config.secrets import Secret
from calsync.config.state import DEFAULT_STATE_URL, StateOptions, state_table
from calsync.config.structure import structure, unknown_key
from calsync.config.values import duration
from calsync.config.web import WebSettings, parse_web
from calsync.errors import ConfigError, PluginError
from calsync.policy import Policy
from calsync.providers import Role, UserGroup

__all__ = [
    "DEFAULT_STATE_URL",
    "MAX_NAME_LENGTH",
    "Config",
    "CrmConfig",
    "MailboxConfig",
    "MembersConfig",
    "NotifyConfig",
    "Secret",
    "StateOptions",
    "load_config",
    "parse_config",
]

_TOP_KEYS: Final = ("state", "policy", "crm", "mailbox_defaults", "mailboxes", "notify", "web")


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class CrmConfig:
    """The CRM side: which provider and its settings."""

    provider: str
    settings: Any = None
    #: The share of the org's daily API allowance kept for its other integrations: rounds
    #: slow down when calsync's calls would reach into it.
    api_reserve: float = 0.2


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class MailboxConfig:
    """One synced mailbox."""

    #: A short unique name used on the command line (``--mailbox alice``).
    name: str
    provider: str
    #: The owner's e-mail address; it must match an active CRM user (EX-28).
    address: str
    settings: Any = None
    policy: Policy = field(default_factory=Policy)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class MembersConfig:
    """Every user of a CRM permission set or profile, each synced with ``[mailbox_defaults]``.

    Who they are is resolved through the CRM once per round (:mod:`calsync.engine.members`).
    """

    group: UserGroup
    provider: str
    settings: Any = None
    policy: Policy = field(default_factory=Policy)

    def mailbox(self, address: str) -> MailboxConfig:
        """The mailbox of the member with ``address``, named after the address."""
        address = address.strip().lower()
        return MailboxConfig(
            name=address,
            provider=self.provider,
            address=address,
            settings=self.settings,
            policy=self.policy,
        )


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class NotifyConfig:
    """Notification channels (``[notify]``)."""

    #: Enabled channel names; ``log`` is always on.
    channels: tuple[str, ...] = ("log",)
    #: Each channel's validated settings, by name.
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: At most one message per this interval, listing everything held since the last one
    #: (``digest_interval = "1h"``); ``None``: one message per round.
    digest_interval: timedelta | None = None


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """A whole, valid configuration."""

    #: The state database's URL; a relative SQLite path is resolved against the file's folder.
    state: str
    crm: CrmConfig
    mailboxes: tuple[MailboxConfig, ...]
    policy: Policy
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    state_options: StateOptions = field(default_factory=StateOptions)
    #: The admin console's users and sign-in (``[web]``, see :mod:`calsync.config.web`).
    web: WebSettings = field(default_factory=WebSettings)
    #: The file it was read from, if any.
    path: Path | None = None
    #: Every user of a CRM group, synced besides :attr:`mailboxes` (``[mailbox_defaults]``).
    members: MembersConfig | None = None

    def mailbox(self, name: str) -> MailboxConfig:
        """The mailbox called ``name``; raises :class:`ConfigError` listing the names otherwise."""
        for mailbox in self.mailboxes:
            if mailbox.name == name:
                return mailbox
        names = ", ".join(m.name for m in self.mailboxes) or "none"
        raise ConfigError(f"--mailbox: no mailbox named {name!r}; configured: {names}")

    def secrets(self) -> list[tuple[str, Secret]]:
        """Every secret reference with its path, for checking they can be read."""
        found: list[tuple[str, Secret]] = []
        _collect_secrets(self.crm.settings, "crm.settings", found)
        for index, mailbox in enumerate(self.mailboxes):
            _collect_secrets(mailbox.settings, f"mailboxes[{index}].settings", found)
        if self.members is not None:
            _collect_secrets(self.members.settings, "mailbox_defaults.settings", found)
        for name, settings in self.notify.settings.items():
            _collect_secrets(settings, f"notify.{name}", found)
        _collect_secrets(self.web.session_secret, "web.session_secret", found)
        return found


def load_config(path: str | Path, registry: Any = None) -> Config:
    """Read and validate the configuration file at ``path``.

    :param registry: a :class:`~calsync.plugins.Registry`; by default the plugins the file
        names are loaded.
    :raises ConfigError: listing every problem with its path.
    """
    file = Path(path)
    try:
        return parse_config(read_document(file), registry=registry, path=file)
    except ConfigError as exc:
        raise ConfigError(exc.problems, file=file) from None


def parse_config(
    data: Mapping[str, Any], *, registry: Any = None, path: Path | None = None
) -> Config:
    """Validate configuration ``data`` (a parsed TOML document); see :func:`load_config`."""
    problems: list[str] = []
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(unknown_key("", key, _TOP_KEYS))
    defaults = data.get("mailbox_defaults")
    data = with_mailbox_defaults(data, problems)

    state, state_options = state_table(data.get("state", DEFAULT_STATE_URL), path, problems)

    policy_table = data.get("policy", {})
    policy = read_policy(policy_table, "policy", problems) or Policy()

    if registry is None:
        registry = _registry_for(data, defaults, problems)

    crm = _crm(data.get("crm"), registry, problems)
    members = _members(defaults, policy_table, registry, problems)
    mailboxes = _mailboxes(
        data.get("mailboxes"), policy_table, registry, problems, required=not names_group(defaults)
    )
    notify = _notify(data.get("notify", {}), registry, problems)
    web = parse_web(data.get("web", {}), problems)

    if problems:
        # A table read twice (the defaults' policy, say) names each problem once.
        raise ConfigError(list(dict.fromkeys(problems)))
    assert crm is not None
    if path is not None:
        # Like the state database, secret files named relatively sit beside the file.
        folder = path.parent.resolve()
        crm = replace(crm, settings=_anchored(crm.settings, folder))
        if members is not None:
            members = replace(members, settings=_anchored(members.settings, folder))
        mailboxes = [replace(m, settings=_anchored(m.settings, folder)) for m in mailboxes]
        notify = replace(
            notify, settings={k: _anchored(v, folder) for k, v in notify.settings.items()}
        )
    return Config(
        state=state,
        state_options=state_options,
        crm=crm,
        mailboxes=tuple(mailboxes),
        policy=policy,
        notify=notify,
        web=web,
        path=path,
        members=members,
    )


# -- the parts ---------------------------------------------------------------------------------


def _registry_for(data: Mapping[str, Any], defaults: object, problems: list[str]) -> Any:
    from calsync.plugins import Registry, discover, get_plugin_manager

    mailboxes = data.get("mailboxes")
    tables = [data.get("crm"), defaults, *(mailboxes if isinstance(mailboxes, list) else [])]
    names = {
        table["provider"]
        for table in tables
        if isinstance(table, dict) and isinstance(table.get("provider"), str)
    }
    try:
        installed = discover()
        # A provider is normally registered by the plugin of the same name; a name that is
        # no plugin's makes us load them all so the error can list the real choices.
        wanted = names if names <= installed.keys() else None
        if wanted is not None and "notify" in installed:
            wanted = wanted | {"notify"}  # the built-in notification channels
        return Registry(get_plugin_manager(wanted))
    except PluginError as exc:
        problems.append(f"plugins: {exc}")
        return Registry(get_plugin_manager([]))


def _provider_settings(
    registry: Any, role: Role, table: dict[str, Any], path: str, problems: list[str]
) -> tuple[str | None, Any]:
    name = table.get("provider")
    if not isinstance(name, str):
        problems.append(f"{path}.provider: required; name the {role} provider to use")
        return None, None
    try:
        spec = registry.provider(role, name)
    except PluginError as exc:
        problems.append(f"{path}.provider: {exc}")
        return None, None
    raw = table.get("settings", {})
    kind = spec.provider.settings_type
    if kind is None:
        if raw:
            problems.append(f"{path}.settings: provider {name!r} takes no settings")
        return name, None
    settings, found = structure(raw, kind, f"{path}.settings")
    problems += found
    return name, settings


def _crm(table: object, registry: Any, problems: list[str]) -> CrmConfig | None:
    if not isinstance(table, dict):
        problems.append(
            'crm: required table naming the CRM provider, e.g. [crm] provider = "salesforce"'
        )
        return None
    for key in table:
        if key not in ("provider", "settings", "api_reserve"):
            problems.append(unknown_key("crm", key, ("provider", "settings", "api_reserve")))
    reserve = table.get("api_reserve", 0.2)
    if isinstance(reserve, bool) or not isinstance(reserve, int | float) or not 0 <= reserve < 1:
        problems.append(
            f"crm.api_reserve: a share of the daily API allowance from 0 to 0.99, got {reserve!r}"
        )
        reserve = 0.2
    name, settings = _provider_settings(registry, Role.CRM, table, "crm", problems)
    return CrmConfig(provider=name, settings=settings, api_reserve=reserve) if name else None


_MAILBOX_KEYS: Final = ("name", "provider", "address", "settings", "policy")
#: What the state database stores a mailbox name in (any database, PostgreSQL included).
MAX_NAME_LENGTH: Final = 128
#: An address as SMTP allows it (RFC 5321: 64 + 1 + 255 characters), no spaces.
_ADDRESS: Final = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}")


def _name_problem(name: str) -> str | None:
    if len(name) > MAX_NAME_LENGTH:
        return f"{len(name)} characters; a mailbox name has at most {MAX_NAME_LENGTH}"
    if name != name.strip() or not name.isprintable():
        return f"{name!r} has spaces around it or characters that cannot be printed"
    return None


def _members(
    defaults: object, policy_table: object, registry: Any, problems: list[str]
) -> MembersConfig | None:
    group = user_group(defaults, problems)
    if group is None or not isinstance(defaults, dict):
        return None
    path = "mailbox_defaults"
    provider, settings = _provider_settings(registry, Role.MAILBOX, defaults, path, problems)
    policy = mailbox_policy(policy_table, defaults.get("policy", {}), f"{path}.policy", problems)
    if provider is None or policy is None:
        return None
    return MembersConfig(group=group, provider=provider, settings=settings, policy=policy)


def _mailboxes(
    tables: object, policy_table: object, registry: Any, problems: list[str], *, required: bool
) -> list[MailboxConfig]:
    if tables is not None and not isinstance(tables, list):
        problems.append(f"mailboxes: expected one [[mailboxes]] table per mailbox, got {tables!r}")
        return []
    if not tables:
        if required:
            problems.append(
                "mailboxes: at least one [[mailboxes]] entry is needed (or a permission_set "
                "or profile in [mailbox_defaults] whose users are synced)"
            )
        return []
    result: list[MailboxConfig] = []
    names: dict[str, int] = {}
    addresses: dict[str, int] = {}
    for index, table in enumerate(tables):
        path = f"mailboxes[{index}]"
        if not isinstance(table, dict):
            problems.append(f"{path}: expected a table")
            continue
        for key in table:
            if key not in _MAILBOX_KEYS:
                problems.append(unknown_key(path, key, _MAILBOX_KEYS))
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f'{path}.name: required; a short unique name such as "alice"')
        elif (problem := _name_problem(name)) is not None:
            problems.append(f"{path}.name: {problem}")
        elif name in names:
            problems.append(
                f"{path}.name: {name!r} is already the name of mailboxes[{names[name]}]"
            )
        else:
            names[name] = index
        address = table.get("address")
        if not isinstance(address, str) or not _ADDRESS.fullmatch(address.strip()):
            problems.append(
                f"{path}.address: required; the owner's e-mail address, got {address!r}"
            )
            address = None
        else:
            address = address.strip().lower()
            if address in addresses:
                problems.append(
                    f"{path}.address: {address} is already used by mailboxes[{addresses[address]}]"
                )
            addresses[address] = index
        provider, settings = _provider_settings(registry, Role.MAILBOX, table, path, problems)
        policy = mailbox_policy(policy_table, table.get("policy", {}), f"{path}.policy", problems)
        if provider and isinstance(name, str) and address and policy:
            result.append(
                MailboxConfig(
                    name=name, provider=provider, address=address, settings=settings, policy=policy
                )
            )
    return result


def _notify(table: object, registry: Any, problems: list[str]) -> NotifyConfig:
    if not isinstance(table, dict):
        problems.append("notify: expected a table")
        return NotifyConfig()
    channels = table.get("channels", ["log"])
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        problems.append(f"notify.channels: expected a list of channel names, got {channels!r}")
        return NotifyConfig()
    known = getattr(registry, "notifiers", {})
    settings: dict[str, Any] = {}
    interval = duration(table.get("digest_interval"), "notify.digest_interval", problems)
    for key in table:
        if key not in ("channels", "digest_interval") and key not in known:
            problems.append(
                f"notify.{key}: unknown channel; installed: {', '.join(sorted(known)) or 'none'}"
            )
    for name in channels:
        spec = known.get(name)
        if spec is None and name == "log":
            continue  # the log channel is always there, even before its plugin loads
        if spec is None:
            problems.append(
                f"notify.channels: unknown channel {name!r}; installed: {', '.join(sorted(known)) or 'none'}"
            )
            continue
        if spec.settings_type is not None:
            value, found = structure(table.get(name, {}), spec.settings_type, f"notify.{name}")
            problems += found
            settings[name] = value
    return NotifyConfig(
        channels=tuple(dict.fromkeys(["log", *channels])),
        settings=settings,
        digest_interval=interval,
    )


def _anchored(value: Any, folder: Path) -> Any:
    """``value`` with each secret file given by a relative path made relative to ``folder``."""
    if isinstance(value, Secret):
        if value.file is None or Path(value.file).is_absolute():
            return value
        return Secret(file=str(folder / value.file))
    if is_dataclass(value) and not isinstance(value, type):
        return replace(
            value,
            **{f.name: _anchored(getattr(value, f.name), folder) for f in fields(value) if f.init},
        )
    return value


def _collect_secrets(value: Any, path: str, found: list[tuple[str, Secret]]) -> None:
    if isinstance(value, Secret):
        found.append((path, value))
        return
    fields_ = getattr(value, "__dataclass_fields__", None)
    if fields_:
        for name in fields_:
            _collect_secrets(getattr(value, name), f"{path}.{name}", found)
