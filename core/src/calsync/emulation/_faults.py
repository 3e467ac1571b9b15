"""Fault injection shared by the emulators.

A test arms a :class:`FaultPlan` with :class:`Fault` entries; the emulator consults the
plan on every request and answers the first matching fault in its own service's wire shape
(an EWS SOAP fault, a Google JSON error, a Salesforce error list).

A fault matches a request by endpoint name: the name the emulator counts the request
under, or an alias that stands for several of them (a provider call such as ``"write"``
that is one of several service operations). The emulator may still decline a matching
fault that does not apply to this request (a partial failure on a request that is not a
batch); a declined fault is not used up and waits, in its place, for a request it applies
to.
"""

from __future__ import annotations

import enum
import math
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import final


class FaultKind(enum.StrEnum):
    """The faults every emulator can produce."""

    #: The service asks the client to slow down (EWS ErrorServerBusy, Google 403/429,
    #: Salesforce REQUEST_LIMIT_EXCEEDED), with a retry hint.
    THROTTLE = "throttle"
    #: Credentials are no longer accepted (401 / expired session / invalid credentials).
    AUTH_EXPIRED = "auth-expired"
    #: The service fails with a 5xx answer.
    SERVER_ERROR = "server-error"
    #: The service never answers.
    TIMEOUT = "timeout"
    #: The service answers 200 with a body that does not parse.
    MALFORMED = "malformed"
    #: The incremental-sync cursor is no longer valid (Google 410, EWS invalid sync state).
    CURSOR_EXPIRED = "cursor-expired"
    #: In a batch or collection call, one part fails while the others succeed.
    PARTIAL_FAILURE = "partial-failure"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Fault:
    """One armed fault.

    ``endpoint`` limits it to requests the emulator counts under that name (``None``: any
    request). ``times`` is how many requests it affects; ``None`` means until cleared.
    """

    kind: FaultKind
    endpoint: str | None = None
    times: int | None = 1
    #: Seconds the client is told to wait (throttling).
    retry_after: float = 1.0
    #: Free text the emulator may put in the error it renders.
    detail: str = ""

    # SERVER_ERROR variants, named in ``detail`` (several may be combined, e.g.
    # ``"503 html retry-after"``): the status, an HTML page (what a load balancer or proxy in
    # front of the service answers) instead of the service's own error body, and a
    # ``Retry-After`` header of ``retry_after`` seconds.

    def status(self, default: int = 500) -> int:
        """The HTTP status asked for: ``502``, ``503`` or ``504`` in ``detail``, else ``default``."""
        for status in (502, 503, 504):
            if str(status) in self.detail:
                return status
        return default

    @property
    def html(self) -> bool:
        """Whether the answer is an HTML error page (``html`` in ``detail``)."""
        return "html" in self.detail

    def retry_after_header(self) -> dict[str, str]:
        """``Retry-After`` in whole seconds when ``detail`` asks for it (``retry-after``)."""
        if "retry-after" not in self.detail:
            return {}
        return {"Retry-After": str(math.ceil(self.retry_after))}


class FaultPlan:
    """The faults armed on one emulator; consulted once per request, thread-safe."""

    def __init__(self) -> None:
        """Start with nothing armed."""
        self._armed: list[list[object]] = []  # [fault, remaining]
        self._lock = threading.Lock()

    def arm(self, fault: Fault) -> None:
        """Arm ``fault``; earlier faults take precedence over later ones."""
        with self._lock:
            self._armed.append([fault, fault.times])

    def inject(self, kind: FaultKind | str, **options: object) -> None:
        """Shorthand for ``arm(Fault(kind=kind, **options))``."""
        self.arm(Fault(kind=FaultKind(kind), **options))  # type: ignore[arg-type]

    def take(
        self,
        endpoint: str,
        *,
        named_only: bool = False,
        aliases: Collection[str] = (),
        applies: Callable[[Fault], bool] | None = None,
    ) -> Fault | None:
        """Return the first armed fault for ``endpoint`` that applies, using up one of its times.

        :param named_only: only a fault naming ``endpoint`` (or an alias) matches, not one
            armed for any endpoint.
        :param aliases: other names ``endpoint`` answers to (see the module docstring).
        :param applies: asked about each matching fault in precedence order; a fault it
            declines (``False``) is skipped and stays armed, times unchanged.
        """
        names = {endpoint, *aliases}
        with self._lock:
            for entry in self._armed:
                fault, remaining = entry
                assert isinstance(fault, Fault)
                if fault.endpoint is None and named_only:
                    continue
                if fault.endpoint is not None and fault.endpoint not in names:
                    continue
                if applies is not None and not applies(fault):
                    continue
                if remaining is not None:
                    assert isinstance(remaining, int)
                    entry[1] = remaining - 1
                    if remaining - 1 <= 0:
                        self._armed.remove(entry)
                return fault
        return None

    def clear(self) -> None:
        """Disarm everything."""
        with self._lock:
            self._armed.clear()

    @property
    def armed(self) -> tuple[Fault, ...]:
        """The faults still armed, in precedence order."""
        with self._lock:
            return tuple(entry[0] for entry in self._armed)  # type: ignore[misc]
