"""The base class of every emulator core."""

from __future__ import annotations

import abc
import threading
from collections import Counter
from collections.abc import Mapping

from calsync.emulation._clock import Clock, SystemClock
from calsync.emulation._faults import Fault, FaultPlan
from calsync.emulation._http import HttpRequest, HttpResponse


class Emulator(abc.ABC):
    """A transport-neutral, stateful emulator of one service.

    Subclasses implement :meth:`dispatch` (route a request, answer from the store) and
    :meth:`render_fault` (answer an armed fault in the service's own shape), plus
    :meth:`reset`, :meth:`snapshot` and seeding helpers for their store; they may decline a
    fault that does not apply to a request (:meth:`fault_applies`). The base class counts
    requests per endpoint, consults the fault plan and serialises access to the store so
    the threaded server is safe. Every transport (in-process adapters, the socket server)
    calls only :meth:`handle`, so an emulator never depends on the client library.
    """

    #: Endpoints of another service the emulator also answers (Google's OAuth token endpoint
    #: next to the Calendar API): only faults that name them reach them, so that a fault
    #: armed on "the service" does not also take down its sign-in.
    separate_endpoints: frozenset[str] = frozenset()

    #: Names a fault may be armed on that stand for several endpoints, e.g. the conformance
    #: suite's provider call ``"write"`` for EWS's CreateItem, UpdateItem and DeleteItem. A
    #: fault armed on an alias hits the first request to any of its endpoints.
    fault_aliases: Mapping[str, frozenset[str]] = {}

    def __init__(self, *, clock: Clock | None = None) -> None:
        """Create an emulator reading time from ``clock`` (default: the system clock)."""
        self.clock: Clock = clock or SystemClock()
        self.faults = FaultPlan()
        self._counts: Counter[str] = Counter()
        self._received: list[HttpRequest] = []
        self._lock = threading.RLock()

    # -- what subclasses provide -------------------------------------------------------

    @abc.abstractmethod
    def endpoint_of(self, request: HttpRequest) -> str:
        """Name the endpoint ``request`` targets, e.g. ``"FindItem"`` or ``"events.list"``.

        The name keys the request counters and selects armed faults.
        """

    @abc.abstractmethod
    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        """Answer ``request`` (already counted and checked against the fault plan)."""

    @abc.abstractmethod
    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        """Answer an armed :class:`~calsync.emulation.Fault` in the service's own wire shape."""

    def fault_applies(self, endpoint: str, request: HttpRequest, fault: Fault) -> bool:
        """Whether the armed ``fault`` applies to ``request`` (default: every fault applies).

        Return ``False`` to decline it, e.g. a partial failure on a request that is not a
        batch: the fault is not used up and stays armed, in its place, for the next request
        it applies to. Called with the emulator's lock held; do not touch the store's
        state here, only look.
        """
        return True

    @abc.abstractmethod
    def reset(self) -> None:
        """Forget every record, counter and armed fault."""

    @abc.abstractmethod
    def snapshot(self) -> dict[str, object]:
        """Return a JSON-able copy of the store, for assertions and debugging."""

    # -- the shared request path ---------------------------------------------------------

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one request: count it, apply an armed fault or dispatch it."""
        endpoint = self.endpoint_of(request)
        with self._lock:
            self._counts[endpoint] += 1
            self._received.append(request)
            fault = self.faults.take(
                endpoint,
                named_only=endpoint in self.separate_endpoints,
                aliases=[alias for alias, names in self.fault_aliases.items() if endpoint in names],
                applies=lambda armed: self.fault_applies(endpoint, request, armed),
            )
            if fault is not None:
                return self.render_fault(endpoint, request, fault)
            return self.dispatch(endpoint, request)

    @property
    def counts(self) -> dict[str, int]:
        """Requests received per endpoint since the last reset."""
        with self._lock:
            return dict(self._counts)

    @property
    def received(self) -> tuple[HttpRequest, ...]:
        """Every request received, in order, faulted ones included (kept across resets)."""
        with self._lock:
            return tuple(self._received)

    @property
    def total_requests(self) -> int:
        """All requests received since the last reset."""
        with self._lock:
            return sum(self._counts.values())

    def reset_counts(self) -> None:
        """Zero the request counters (the store is kept)."""
        with self._lock:
            self._counts.clear()
