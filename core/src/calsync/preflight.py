"""``calsync check``: everything a pass needs, checked before one runs.

:func:`offline` finds every setup mistake that can be found without calling a service:
the secrets can be read (and are not empty), the state database can be used, and every
provider can be built from its settings, as a pass would build it. :func:`connect` then
reaches each service once and says, per mailbox, whether it would sync: credentials
accepted, calendar found, address linked to a CRM user.

A problem found here is a configuration error (exit 2), never an INTERNAL_ERROR of a pass.
Messages name where the problem is and never show a secret.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar, final

from calsync.config import Config, MailboxConfig
from calsync.errors import (
    CalsyncError,
    ConfigError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.plugins import Registry, load_registry
from calsync.providers import CrmProvider, MailboxProvider, Provider, ProviderContext, Role
from calsync.state import check_database

__all__ = ["Built", "Connections", "MailboxCheck", "Reached", "connect", "offline"]

T = TypeVar("T")


@dataclass
class Built:
    """The providers :func:`offline` could build, for :func:`connect` to use."""

    crm: CrmProvider | None = None
    mailboxes: dict[str, MailboxProvider] = field(default_factory=dict)

    def close(self) -> None:
        """Release every provider."""
        for provider in [self.crm, *self.mailboxes.values()]:
            if provider is not None:
                with contextlib.suppress(Exception):
                    provider.close()


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Reached:
    """What one check of ``check --connect`` found."""

    #: True: it works; False: it does not; None: not checked.
    ok: bool | None
    detail: str
    #: The failure may pass by itself (the service is down or throttling): not a setup mistake.
    transient: bool = False


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class MailboxCheck:
    """One mailbox as ``check --connect`` found it."""

    name: str
    address: str
    #: Its own service: credentials accepted, calendar found.
    mailbox: Reached
    #: Its address belongs to an active CRM user.
    crm_user: Reached


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Connections:
    """Everything ``check --connect`` reached."""

    crm: Reached
    mailboxes: tuple[MailboxCheck, ...]
    #: The CRM named the users of the group ``[mailbox_defaults]`` syncs (if it names one).
    members: Reached | None = None

    @property
    def failures(self) -> list[Reached]:
        """The checks that failed."""
        found = [self.crm, *(c for m in self.mailboxes for c in (m.mailbox, m.crm_user))]
        found += [self.members] if self.members else []
        return [check for check in found if check.ok is False]


def offline(config: Config, registry: Registry | None = None) -> tuple[list[str], Built]:
    """Every problem found without calling a service, and the providers built meanwhile."""
    problems: list[str] = []
    unreadable: set[str] = set()  # whose secrets cannot be read: not built, said once
    for path, secret in config.secrets():
        problem = secret.problem()
        if problem is not None:
            problems.append(f"{path}: {problem}")
            unreadable.add(path.split(".settings", 1)[0])
    try:
        check_database(config.state, busy_timeout=config.state_options.busy_timeout_seconds)
    except CalsyncError as exc:
        problems.append(f"state: {exc}")
    members = config.members
    registry = registry or load_registry(
        sorted(
            {config.crm.provider, *(m.provider for m in config.mailboxes)}
            | ({members.provider} if members else set())
        )
    )
    built = Built()
    if "crm" not in unreadable:
        context = ProviderContext(settings=config.crm.settings, name="crm")
        spec = registry.provider(Role.CRM, config.crm.provider)
        built.crm = _build(spec.provider, context, "crm", problems)
    for index, mailbox in enumerate(config.mailboxes):
        path = f"mailboxes[{index}]"
        if path not in unreadable:
            spec = registry.provider(Role.MAILBOX, mailbox.provider)
            provider = _build(spec.provider, _context(mailbox), path, problems)
            if provider is not None:
                built.mailboxes[mailbox.name] = provider
    if members is not None and "mailbox_defaults" not in unreadable:
        # Who the group's users are is asked at --connect; their mailboxes are built from
        # [mailbox_defaults] alone, so one built for any address finds what a pass would.
        sample = members.mailbox(GROUP_SAMPLE_ADDRESS)
        spec = registry.provider(Role.MAILBOX, members.provider)
        provider = _build(spec.provider, _context(sample), "mailbox_defaults", problems)
        if provider is not None:
            provider.close()
    return problems, built


def connect(config: Config, built: Built) -> Connections:
    """Reach each service once: the CRM (one lookup of every address), then each mailbox."""
    if built.crm is None:
        crm, users = Reached(ok=None, detail="not checked: its settings have problems"), {}
    else:
        crm_provider = built.crm
        crm, found = _reach(lambda: crm_provider.users([m.address for m in config.mailboxes]))
        users = dict(found or {})
        if crm.ok:
            crm = Reached(ok=True, detail=f"signed in; {len(users)} mailbox owner(s) are users")
    checks = []
    for mailbox in config.mailboxes:
        provider = built.mailboxes.get(mailbox.name)
        own = (
            Reached(ok=None, detail="not checked: its settings have problems")
            if provider is None
            else _reach(provider.probe)[0]
        )
        user = (
            Reached(ok=None, detail="not checked: the CRM was not reached")
            if not crm.ok
            else Reached(ok=True, detail=f"user {users[mailbox.address]}")
            if mailbox.address in users
            else Reached(
                ok=False, detail=f"ADDRESS_NOT_LINKED: no active CRM user has {mailbox.address}"
            )
        )
        checks.append(
            MailboxCheck(name=mailbox.name, address=mailbox.address, mailbox=own, crm_user=user)
        )
    members = _members(config, built.crm) if crm.ok and config.members else None
    return Connections(crm=crm, mailboxes=tuple(checks), members=members)


def _members(config: Config, crm: CrmProvider | None) -> Reached:
    """Whether the CRM names the users of the group the configuration syncs."""
    assert config.members is not None and crm is not None
    group = config.members.group
    reached, users = _reach(lambda: crm.active_users(group))
    if not reached.ok:
        return reached
    if users is None:
        return Reached(
            ok=False, detail=f"the CRM cannot list users by {group.kind.replace('_', ' ')}"
        )
    if not users:
        return Reached(ok=False, detail=f"no active user in {group}; is that its API name?")
    return Reached(ok=True, detail=f"{group}: {len(users)} user(s) synced")


# -- the parts ---------------------------------------------------------------------------------


#: The address the group's mailboxes are checked offline with (a pass uses each member's).
GROUP_SAMPLE_ADDRESS: Final = "member@example.invalid"


def _context(mailbox: MailboxConfig) -> ProviderContext:
    return ProviderContext(settings=mailbox.settings, name=mailbox.name, address=mailbox.address)


def _build(
    factory: type[Provider], context: ProviderContext, path: str, problems: list[str]
) -> Any:
    """Build a provider as a pass would (its secrets are read; no service is called)."""
    try:
        provider = factory.from_context(context)
    except ConfigError as exc:
        problems += [_under(path, context.name, problem) for problem in exc.problems]
        return None
    except CalsyncError as exc:
        problems.append(f"{path}: {exc}")
        return None
    except Exception as exc:
        # The provider's own failure: its type only, as its message may hold a secret.
        problems.append(
            f"{path}: the {factory.name} provider cannot be set up ({type(exc).__name__})"
        )
        return None
    return provider


def _under(path: str, name: str, problem: str) -> str:
    """``problem`` placed under ``path`` (``mailboxes[0]``), as the loader names places.

    A provider may have named the place itself, from the top of the file or by the
    mailbox's name (``mailboxes.alice.settings: ...``).
    """
    head, _, rest = problem.partition(":")
    if head.startswith(("crm", "mailboxes")) and " " not in head:
        return path + head.removeprefix("crm").removeprefix(f"mailboxes.{name}") + ":" + rest
    return f"{path}.settings: {problem}"


def _reach(call: Callable[[], T]) -> tuple[Reached, T | None]:
    """Call a service once: what it answered, or what went wrong (never a traceback)."""
    try:
        answer = call()
    except NotImplementedError:
        return Reached(ok=None, detail="not checked: the provider has no probe"), None
    except (ThrottledError, ServiceUnavailableError) as exc:
        return Reached(ok=False, detail=f"{exc.code}: {exc}", transient=True), None
    except ProviderError as exc:
        return Reached(ok=False, detail=f"{exc.code}: {exc}"), None
    except ConfigError as exc:
        return Reached(ok=False, detail="; ".join(exc.problems)), None
    except Exception as exc:
        # A provider's own failure: reported for its mailbox (its type only, as its message
        # may hold a secret) while the other mailboxes are still checked.
        return Reached(ok=False, detail=f"INTERNAL_ERROR: {type(exc).__name__}"), None
    return Reached(ok=True, detail=answer if isinstance(answer, str) else "reached"), answer
