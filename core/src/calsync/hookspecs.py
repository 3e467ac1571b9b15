"""Hook specifications: how plugins extend calsync.

A plugin is a module of ``@hookimpl`` functions, registered through the ``calsync``
entry-point group (see :mod:`calsync.plugins`)::

    # pyproject.toml of calsync-example
    [project.entry-points.calsync]
    example = "calsync_example.hooks"

    # calsync_example/hooks.py
    from calsync import hookimpl
    from calsync.plugins import ProviderSpec

    @hookimpl
    def calsync_providers():
        yield ProviderSpec(provider=ExampleMailbox, description="Example mail service")

Hooks are always called with keyword arguments, so an implementation may accept fewer
arguments than its specification (pluggy's opt-in arguments) and specifications can grow
new parameters without breaking plugins. Keep the module import-light: import a
provider's SDK inside the hook, so that a plugin nobody configured cannot break a run.

``docs/writing-a-provider.md`` walks through a whole plugin; ``calsync new-provider NAME``
writes one to start from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from calsync.plugins import HarnessSpec, NotifierSpec, ProviderSpec

__all__ = [
    "calsync_harnesses",
    "calsync_notifiers",
    "calsync_providers",
    "calsync_resolve_timezone",
    "hookspec",
]

hookspec = pluggy.HookspecMarker("calsync")

# -------------------------------------------------------------------------------------
# Registration hooks: called once when the plugin manager is built.
# -------------------------------------------------------------------------------------


@hookspec
def calsync_providers() -> Iterable[ProviderSpec]:
    """Register provider types.

    Return (or yield) one :class:`~calsync.plugins.ProviderSpec` per provider the plugin
    implements: a :class:`~calsync.providers.MailboxProvider` or
    :class:`~calsync.providers.CrmProvider` subclass and one line for ``calsync plugins``.
    ``ProviderSpec.name`` is what integrators write as ``provider = "<name>"``; it must be
    lower-case and unique per role among the installed plugins (two plugins registering
    one name is an error naming both). Returning ``None`` or nothing registers nothing.

    Called once when the plugin manager is built, on plugins a configuration names (every
    installed one for ``calsync plugins``).

    Example::

        @hookimpl
        def calsync_providers():
            from calsync_exchange.provider import ExchangeMailbox  # the SDK, lazily

            yield ProviderSpec(provider=ExchangeMailbox, description="Exchange / Office 365")

    .. versionadded:: 0.1
    """
    return ()


@hookspec
def calsync_harnesses() -> Iterable[HarnessSpec]:
    """Register conformance harnesses.

    Return one :class:`~calsync.plugins.HarnessSpec` per provider the plugin can drive in
    the conformance suite: ``offline``, a factory without arguments that starts the
    provider's emulator and returns a :class:`~calsync.harness.MailboxHarness` or
    :class:`~calsync.harness.CrmHarness` on it; ``live`` (or ``None``), one that connects
    to a real tenant with credentials from the environment (``pytest --live``);
    ``known_gaps``, the cases the provider knowingly fails, each with a reason a user
    would accept. Returning ``None`` or nothing registers no harness: the provider is
    then not in ``calsync conformance``'s matrix.

    Besides the suite, ``calsync sandbox serve`` and ``calsync demo`` start every
    registered offline harness and serve those that override
    :meth:`~calsync.harness.Harness.serve`.

    Example::

        @hookimpl
        def calsync_harnesses():
            from calsync_example.harness import ExampleHarness

            yield HarnessSpec(provider="example", role=Role.MAILBOX, offline=ExampleHarness)

    .. versionadded:: 0.1
    """
    return ()


@hookspec
def calsync_notifiers() -> Iterable[NotifierSpec]:
    """Register notification channels.

    Return one :class:`~calsync.plugins.NotifierSpec` per channel (``"log"``, ``"smtp"``,
    ...): its name, a ``factory`` called with the validated settings (an instance of
    ``settings_type``, or ``None`` without one) that returns an object with
    ``notify(notification)``, and the ``settings_type`` its ``[notify.<name>]`` table is
    validated into. Integrators enable channels in the ``[notify]`` table of the
    configuration; the engine sends through them when credentials fail (EX-22) and after
    10 consecutive failed passes (EX-24). ``notify`` must not raise for a delivery
    problem: log it. Returning ``None`` or nothing registers no channel.

    Example::

        @hookimpl
        def calsync_notifiers():
            yield NotifierSpec(name="chat", factory=ChatNotifier, settings_type=ChatSettings)

    .. versionadded:: 0.1
    """
    return ()


# -------------------------------------------------------------------------------------
# Resolver hooks: the first plugin with an answer wins.
# -------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def calsync_resolve_timezone(zone_id: str) -> str | None:
    """Map a time-zone id calsync does not recognise to an IANA zone id.

    Called by time-zone matching after its own tables (exact id, tzdata links, the CLDR
    Windows table) found nothing, e.g. for a site's own custom Windows zone names.
    Return ``None`` to let other plugins try; when every plugin returns ``None`` the zone
    is unknown and the item gets ``UNSUPPORTED_TIME_ZONE`` (EX-19).

    Stops at first non-None result, see pluggy's ``firstresult``.

    :param zone_id: the zone id as the provider reported it.

    Example::

        @hookimpl
        def calsync_resolve_timezone(zone_id):
            return {"Head Office Time": "Europe/Berlin"}.get(zone_id)

    .. versionadded:: 0.1
    """
    return None
