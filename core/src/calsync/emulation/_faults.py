"""Fault injection shared by the emulators.

A test arms a :class:`FaultPlan` with :class:`Fault` entries; the emulator consults the
plan on every request and answers the first matching fault in its own service's wire shape
(an EWS SOAP fault, a Google JSON error, a Salesforce error list).
"""

from __future__ import annotations

import enum
import threading
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

    def take(self, endpoint: str, *, named_only: bool = False) -> Fault | None:
        """Return the first armed fault matching ``endpoint`` and use up one of its times.

        :param named_only: only a fault naming ``endpoint`` matches, not one armed for any.
        """
        with self._lock:
            for entry in self._armed:
                fault, remaining = entry
                assert isinstance(fault, Fault)
                if fault.endpoint != endpoint and (named_only or fault.endpoint is not None):
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
