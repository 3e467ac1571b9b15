"""Finding, loading and registering plugins.

Plugins register through the ``calsync`` entry-point group: the entry-point name is the
plugin's name and its value a module of ``@hookimpl`` functions. Discovering plugins reads
entry-point metadata only; a plugin's module is imported when the configuration names it
(or when a command lists everything), so a broken plugin nobody uses cannot break a run.
The built-in sandbox providers register the same way, through core's own entry point.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any, Final, final

import pluggy

from calsync import hookspecs
from calsync.errors import PluginError, ProviderNotInstalled
from calsync.providers import Capability, Provider, Role

if TYPE_CHECKING:
    from calsync.harness import Harness

__all__ = [
    "DISABLE_ENV",
    "PROJECT",
    "HarnessSpec",
    "NotifierSpec",
    "PluginInfo",
    "ProviderPlugin",
    "ProviderSpec",
    "Registry",
    "discover",
    "get_plugin_manager",
    "hookimpl",
    "load_registry",
]

#: The one name used for the hook markers, the plugin manager and the entry-point group.
PROJECT: Final = "calsync"
#: Comma-separated plugin names never to load (as tox's TOX_DISABLED_EXTERNAL_PLUGINS).
DISABLE_ENV: Final = "CALSYNC_DISABLED_PLUGINS"

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marker for hook implementations: ``from calsync import hookimpl``."""


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderSpec:
    """A provider type a plugin registers (see ``calsync_providers``)."""

    provider: type[Provider]
    #: One line for ``calsync plugins``.
    description: str = ""

    def __post_init__(self) -> None:
        """Check the provider class declares what the registry needs."""
        name = getattr(self.provider, "name", None)
        if not isinstance(name, str) or not name or name != name.lower():
            raise PluginError(
                f"{self.provider.__qualname__}.name must be a non-empty lower-case string"
            )
        if not isinstance(getattr(self.provider, "role", None), Role):
            raise PluginError(
                f"{self.provider.__qualname__} must derive from MailboxProvider or CrmProvider"
            )

    @property
    def name(self) -> str:
        """What integrators write as ``provider = "<name>"``."""
        return self.provider.name

    @property
    def role(self) -> Role:
        """Mailbox or CRM."""
        return self.provider.role

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What the provider can do."""
        return self.provider.capabilities


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class HarnessSpec:
    """A conformance harness a plugin registers (see ``calsync_harnesses``)."""

    #: The provider the harness drives.
    provider: str
    role: Role
    #: Starts the emulator and returns a harness connected to it.
    offline: Callable[[], Harness]
    #: Connects to a real tenant with credentials from the environment; ``None`` if unsupported.
    live: Callable[[], Harness] | None = None
    #: Conformance cases the provider knowingly fails, by case id, each with the reason.
    known_gaps: Mapping[str, str] = field(default_factory=dict)


def _named(path: str) -> Any:
    """The object ``"package.module:attribute"`` names, imported now."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderPlugin:
    """The hooks of a plugin that brings one provider and its harness, written as data.

    A plugin's hooks module then needs no functions of its own::

        PLUGIN = ProviderPlugin(
            provider="calsync_example.provider:ExampleMailbox",
            description="Example Calendar (example-sdk)",
            harness="calsync_example.harness:ExampleHarness",
        )
        calsync_providers = PLUGIN.calsync_providers
        calsync_harnesses = PLUGIN.calsync_harnesses

    Classes are named ``"module:attribute"`` and imported when the hook is called, so that
    finding plugins imports no SDK (see :mod:`calsync.hookspecs`).

    :param provider: the provider class.
    :param description: one line for ``calsync plugins``.
    :param harness: the harness class (its ``offline`` factory), if the plugin has one.
    :param known_gaps: conformance cases the provider knowingly fails, with the reasons.
    """

    provider: str
    description: str
    harness: str | None = None
    known_gaps: Mapping[str, str] = field(default_factory=dict)

    @hookimpl
    def calsync_providers(self) -> Iterator[ProviderSpec]:
        """The provider."""
        yield ProviderSpec(provider=_named(self.provider), description=self.description)

    @hookimpl
    def calsync_harnesses(self) -> Iterator[HarnessSpec]:
        """The harness over the provider's emulator, when there is one; no live mode."""
        if self.harness is None:
            return
        provider: type[Provider] = _named(self.provider)
        yield HarnessSpec(
            provider=provider.name,
            role=provider.role,
            offline=_named(self.harness),
            known_gaps=self.known_gaps,
        )


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class NotifierSpec:
    """A notification channel a plugin registers (see ``calsync_notifiers``)."""

    name: str
    #: Builds the channel from its validated settings.
    factory: Callable[[Any], Any]
    #: A frozen dataclass its ``[notify.<name>]`` table is validated into, or ``None``.
    settings_type: type[Any] | None = None


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class PluginInfo:
    """A plugin found in entry-point metadata, before loading."""

    name: str
    distribution: str
    version: str
    entry_point: EntryPoint


def discover() -> dict[str, PluginInfo]:
    """Find installed plugins without importing them.

    Raises :class:`PluginError` when two distributions register the same plugin name.
    """
    found: dict[str, PluginInfo] = {}
    for ep in entry_points(group=PROJECT):
        dist = ep.dist
        info = PluginInfo(
            name=ep.name,
            distribution=dist.name if dist else "?",
            version=dist.version if dist else "?",
            entry_point=ep,
        )
        seen = found.get(ep.name)
        if seen is not None and seen.distribution != info.distribution:
            both = sorted(f"{i.distribution} {i.version}" for i in (seen, info))
            raise PluginError(
                f"plugin name {ep.name!r} is registered by two distributions, "
                f"{both[0]} and {both[1]}; uninstall one of them"
            )
        found[ep.name] = info
    return dict(sorted(found.items()))


def get_plugin_manager(
    names: Collection[str] | None = None, *, blocked: Collection[str] | None = None
) -> pluggy.PluginManager:
    """Build a plugin manager with the plugins ``names`` loaded (all installed ones if ``None``).

    :param names: plugin names to load; unknown names raise :class:`ProviderNotInstalled`.
    :param blocked: plugin names never to load; defaults to :data:`DISABLE_ENV`.
    """
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    if blocked is None:
        blocked = [n.strip() for n in os.environ.get(DISABLE_ENV, "").split(",") if n.strip()]
    for name in blocked:
        pm.set_blocked(name)
    installed = discover()
    wanted = installed.keys() if names is None else names
    for name in wanted:
        info = installed.get(name)
        if info is None:
            raise ProviderNotInstalled(
                f"plugin {name!r} is not installed; installed: {', '.join(installed) or 'none'}"
            )
        if pm.is_blocked(name) or pm.has_plugin(name):
            continue
        try:
            module = info.entry_point.load()
        except Exception as exc:
            raise PluginError(
                f"plugin {name!r} ({info.distribution} {info.version}) failed to load: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        pm.register(module, name=name)
    pm.check_pending()
    return pm


@final
class Registry:
    """What the loaded plugins registered, checked for clashes."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        """Collect the specs every loaded plugin registered."""
        self.plugin_manager = pm
        self.providers: dict[tuple[Role, str], ProviderSpec] = {}
        self.harnesses: dict[tuple[Role, str], HarnessSpec] = {}
        self.notifiers: dict[str, NotifierSpec] = {}
        self._origin: dict[object, str] = {}
        for plugin_name, specs in _per_plugin(pm, "calsync_providers"):
            for spec in specs:
                self._add(self.providers, (spec.role, spec.name), spec, plugin_name, "provider")
        for plugin_name, specs in _per_plugin(pm, "calsync_harnesses"):
            for harness in specs:
                key = (harness.role, harness.provider)
                self._add(self.harnesses, key, harness, plugin_name, "harness")
        for plugin_name, specs in _per_plugin(pm, "calsync_notifiers"):
            for notifier in specs:
                self._add(self.notifiers, notifier.name, notifier, plugin_name, "notifier")

    def _add(
        self, table: dict[Any, Any], key: object, spec: object, plugin: str, what: str
    ) -> None:
        if key in table:
            raise PluginError(
                f"{what} {key!r} is registered by both plugin {self._origin[key]!r} and {plugin!r}"
            )
        table[key] = spec
        self._origin[key] = plugin

    def plugin_of(self, role: Role, name: str) -> str:
        """The plugin that registered provider ``name``."""
        return self._origin[(role, name)]

    def provider(self, role: Role, name: str) -> ProviderSpec:
        """Return the provider ``name`` of ``role``, or raise listing the installed choices."""
        spec = self.providers.get((role, name))
        if spec is None:
            choices = sorted(n for r, n in self.providers if r is role)
            raise ProviderNotInstalled(
                f"unknown {role} provider {name!r}; installed: {', '.join(choices) or 'none'}"
            )
        return spec


def load_registry(names: Collection[str] | None = None) -> Registry:
    """Load the plugins ``names`` (all if ``None``) and return what they registered."""
    return Registry(get_plugin_manager(names))


def _per_plugin(pm: pluggy.PluginManager, hook_name: str) -> Iterable[tuple[str, list[Any]]]:
    """Call a registration hook on each plugin separately, to know who registered what."""
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        yield impl.plugin_name, list(impl.function() or ())
