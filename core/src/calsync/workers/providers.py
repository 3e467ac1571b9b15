"""The providers of a worker process: every call counted, and CRM providers all threads share.

Every provider call of a worker counts in ``calsync_api_calls{service, endpoint}``
(:class:`Counted`). The CRM providers are the process's (:class:`SharedCrm`), lent to the
rounds' and every pass's calls: what a provider learnt of the org (Salesforce: the
describe its queries and writes are shaped by) is learnt once per process, not once per
thread as when each thread kept its own (16 to 21 describes in a round of 2,000
mailboxes, bench/results.json).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Final

from calsync.engine.org_round import FACTS_LIFETIME
from calsync.workers import metrics

__all__ = ["BUSY_LIMIT", "Counted", "SharedCrm"]

#: Provider methods that answer from what the provider holds, without a request.
_NOT_CALLS: Final = frozenset({"api_usage", "close", "web_link"})
#: Seconds the process's CRM providers may stay busy, some call always waiting its turn,
#: before each waiting call opens a provider of its own. Longer than a burst of writes (the
#: passes of a round's changed mailboxes often start together: 16 writes at 150 ms are
#: done in 2.4 s; opening a provider after one second's wait opened 8 to 15 in
#: bench/worker_rounds.py), short against a queue that does not drain (a pass's four calls
#: on each of 16 threads: 100 such passes took 64 s on one provider).
BUSY_LIMIT: Final = 10.0


class Counted:
    """A provider whose every call counts in ``calsync_api_calls{service, endpoint}``."""

    def __init__(self, provider: Any, service: str) -> None:
        """Count the calls made to ``provider`` as ``service``'s."""
        self._provider, self._service = provider, service

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._provider, name)
        if not callable(attribute) or name in _NOT_CALLS:
            return attribute
        counter = metrics.API_CALLS.labels(service=self._service, endpoint=name)

        def call(*args: Any, **kwargs: Any) -> Any:
            counter.inc()
            return attribute(*args, **kwargs)

        return call


class SharedCrm:
    """The CRM providers every thread of a worker process shares, each lent to one call at a time.

    A provider holds one HTTP session and the latest answer's headers (where a refusal's
    Retry-After is read), neither made for threads; so a call borrows a provider no other
    call is using. Usually that is the one provider of the process: a round costs the CRM
    a few calls besides a write per changed mailbox, and a call waits its turn. When calls
    keep queueing — passes that read the CRM for themselves, because the round's read
    failed or many mailboxes were reset — and the providers have been busy for
    :data:`BUSY_LIMIT` without a pause, each waiting call opens another provider (which
    learns the org once in turn), so the threads' CRM calls run side by side again.

    What the providers learnt of the org is dropped once it is as old as a round's facts may
    be (:data:`~calsync.engine.org_round.FACTS_LIFETIME`, :meth:`renew`): the next call
    opens a provider that learns it anew.
    """

    def __init__(
        self, build: Callable[[], Any], service: str, *, busy_limit: float = BUSY_LIMIT
    ) -> None:
        """Lend providers made by ``build`` (counted as ``service``'s calls)."""
        self._build, self._service, self._busy_limit = build, service, busy_limit
        self._turns = threading.Condition()
        #: Providers no call is using, with the generation they were opened in.
        self._free: list[tuple[Any, int]] = []
        self._open: list[Any] = []
        self._generation = 0
        self._renewed = time.monotonic()
        self._latest: Any = None
        self._opened = 0
        #: Calls waiting for a provider.
        self._waiting = 0
        #: Since when every provider has been lent, and whether one was left free since.
        self._busy_since = time.monotonic()
        self._paused = True

    @property
    def opened(self) -> int:
        """Providers opened so far, closed ones included (each learns the org once)."""
        return self._opened

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not a provider's: never open one to look
            raise AttributeError(name)
        attribute = getattr(self._sample(), name)
        if not callable(attribute) or name in _NOT_CALLS:
            return attribute
        counter = metrics.API_CALLS.labels(service=self._service, endpoint=name)

        def call(*args: Any, **kwargs: Any) -> Any:
            provider, generation = self._take()
            try:
                counter.inc()
                return getattr(provider, name)(*args, **kwargs)
            finally:
                self._give_back(provider, generation)

        return call

    def api_usage(self) -> Any:
        """The CRM's daily API allowance as the latest answer to any of the providers said."""
        latest = self._latest
        return latest.api_usage() if latest is not None else None

    def renew(self) -> None:
        """Drop what the providers learnt of the org once it is too old (see the class)."""
        if time.monotonic() - self._renewed < FACTS_LIFETIME.total_seconds():
            return
        with self._turns:
            if time.monotonic() - self._renewed < FACTS_LIFETIME.total_seconds():
                return
            self._renewed = time.monotonic()
            self._generation += 1
            stale, self._free = self._free, []
            for provider, _ in stale:
                self._open.remove(provider)
        for provider, _ in stale:
            provider.close()

    def close(self) -> None:
        """Close every provider opened."""
        with self._turns:
            opened, self._open, self._free = self._open, [], []
        for provider in opened:
            provider.close()

    def _sample(self) -> Any:
        """A provider to ask what it is (attributes that send nothing)."""
        with self._turns:
            if self._open:
                return self._open[0]
        provider, generation = self._take()
        self._give_back(provider, generation)
        return provider

    def _take(self) -> tuple[Any, int]:
        with self._turns:
            while not self._free:
                busy = time.monotonic() - self._busy_since
                if self._open and busy < self._busy_limit:
                    self._waiting += 1
                    try:
                        self._turns.wait(self._busy_limit - busy)
                    finally:
                        self._waiting -= 1
                    continue
                if not self._open:
                    self._busy_since, self._paused = time.monotonic(), False
                provider = self._build()  # sends nothing yet: providers sign in on first call
                self._open.append(provider)
                self._opened += 1
                return provider, self._generation
            taken = self._free.pop()
            if not self._free and self._paused:  # the last free one: every provider is busy
                self._busy_since, self._paused = time.monotonic(), False
            return taken

    def _give_back(self, provider: Any, generation: int) -> None:
        with self._turns:
            self._latest = provider
            if generation == self._generation and provider in self._open:
                self._free.append((provider, generation))
                if self._waiting:
                    self._turns.notify()  # handed on: the providers stay busy
                else:
                    self._paused = True
                return
            if provider in self._open:
                self._open.remove(provider)
        provider.close()  # opened before a renewal: the org is learnt anew
