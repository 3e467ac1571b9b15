"""Building a provider from its context: its settings, its mailbox's address, every problem at once.

Every provider's :meth:`~calsync.providers.Provider.from_context` starts the same way: the
settings table (or the settings type's defaults when the configuration has none), the
mailbox's address for a mailbox provider, and a :class:`~calsync.errors.ConfigError` that
names the configuration path of each problem. A settings type may have a ``problems()``
method returning what is missing or wrong for the values given together (a secret required
by the chosen authentication, say); each becomes a line of the error::

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        settings, address = mailbox_settings(cls, context)
        return cls(settings, address)
"""

from __future__ import annotations

from typing import Any

from calsync.errors import ConfigError
from calsync.providers import Provider, ProviderContext, Role

__all__ = ["mailbox_settings", "provider_settings"]


def _where(provider: type[Provider], context: ProviderContext) -> str:
    return f"mailboxes.{context.name}" if provider.role is Role.MAILBOX else context.name


def provider_settings(provider: type[Provider], context: ProviderContext) -> Any:
    """``provider``'s settings from ``context``: the table given, else its type's defaults.

    :raises ConfigError: the settings are another provider's, or their ``problems()`` found
        something; one line per problem, each naming its path.
    """
    wanted = provider.settings_type
    settings = context.settings
    if wanted is None:
        return settings
    where = _where(provider, context)
    if settings is None:
        settings = wanted()
    elif not isinstance(settings, wanted):
        raise ConfigError(f"{where}.settings: these are not {provider.name} settings")
    problems = getattr(settings, "problems", None)
    found = list(problems()) if callable(problems) else []
    if found:
        raise ConfigError([f"{where}.settings: {problem}" for problem in found])
    return settings


def mailbox_settings(provider: type[Provider], context: ProviderContext) -> tuple[Any, str]:
    """A mailbox provider's settings (see :func:`provider_settings`) and the mailbox's address.

    :raises ConfigError: the mailbox has no address, or the settings have problems.
    """
    if context.address is None:
        where = _where(provider, context)
        raise ConfigError(f"{where}: the mailbox needs its address (provider {provider.name})")
    return provider_settings(provider, context), context.address
