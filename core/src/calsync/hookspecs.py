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
new parameters without breaking plugins.
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
    implements. ``ProviderSpec.name`` is what integrators write as ``provider = "<name>"``;
    it must be lower-case and unique per role among the installed plugins. A plugin that
    implements nothing yet returns nothing.

    Example::

        @hookimpl
        def calsync_providers():
            yield ProviderSpec(provider=ExchangeMailbox, description="Exchange / Office 365")

    .. versionadded:: 0.1
    """
    return ()


@hookspec
def calsync_harnesses() -> Iterable[HarnessSpec]:
    """Register conformance harnesses.

    Return one :class:`~calsync.plugins.HarnessSpec` per provider the plugin can drive in
    the conformance suite: a factory that starts the provider's emulator (or, with live
    credentials, connects to a real tenant) and returns a
    :class:`~calsync.harness.MailboxHarness` or :class:`~calsync.harness.CrmHarness`.

    .. versionadded:: 0.1
    """
    return ()


@hookspec
def calsync_notifiers() -> Iterable[NotifierSpec]:
    """Register notification channels.

    Return one :class:`~calsync.plugins.NotifierSpec` per channel (``"log"``, ``"smtp"``,
    ...). Integrators enable channels in the ``[notify]`` table of the configuration; the
    engine sends through them when credentials fail (EX-22) and after 10 consecutive failed
    passes (EX-24).

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
    Return ``None`` to let other plugins try.

    Stops at first non-None result, see pluggy's ``firstresult``.

    :param zone_id: the zone id as the provider reported it.

    .. versionadded:: 0.1
    """
    return None
