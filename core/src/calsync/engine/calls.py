"""Provider calls as the engine makes them: counted by side, and every error naming its side.

A pass talks to two providers. Wrapped in :class:`Tagged`, each call counts towards its
side's figure (``calsync status``, the pass history, bench/) and a
:class:`~calsync.errors.ProviderError` it raises says which side refused (``AUTH_FAILED``
names the CRM or the mailbox) even when the provider did not say so itself; so does a
:class:`~calsync.errors.ConfigError` of the CRM's (``crm: ...``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from calsync.errors import ConfigError, ProviderError
from calsync.state.records import Side

__all__ = ["Tagged", "side_name", "side_of"]

logger = logging.getLogger("calsync.engine")


class Tagged:
    """Wraps a provider so every error it raises says which side it came from (and counts calls)."""

    def __init__(self, provider: Any, side: str, calls: Counter[str]) -> None:
        """Wrap ``provider`` of ``side`` (``mailbox`` or ``crm``), counting into ``calls``."""
        self._provider, self._side, self._counter = provider, side, calls

    def __getattr__(self, name: str) -> Any:
        """The provider's attribute; a method is counted, timed and tagged."""
        attribute = getattr(self._provider, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self._counter[self._side] += 1
            started = time.monotonic()
            try:
                return _tagged(lambda: attribute(*args, **kwargs), self._side)
            finally:  # -vv: every provider call (names only, never arguments: they hold content)
                logger.debug("%s.%s: %.3f s", self._side, name, time.monotonic() - started)

        return call


def _tagged(call: Callable[[], Any], side: str) -> Any:
    try:
        return call()
    except ProviderError as exc:
        if exc.source is None:
            exc.source = side
        raise
    except ConfigError as exc:
        if side != "crm":
            raise  # the mailbox's own: its report and issue name the mailbox already
        # A secret a provider reads on first use (a session id, say): say it is the CRM's.
        raise ConfigError([f"crm: {problem}" for problem in exc.problems]) from exc


def side_of(exc: ProviderError) -> Side:
    """The side whose provider raised ``exc``."""
    return Side.CRM if exc.source == "crm" else Side.MAILBOX


def side_name(side: Side) -> str:
    """How messages name ``side``."""
    return "CRM" if side is Side.CRM else "mailbox"
