"""The providers of a worker process: every call counted, and one CRM provider for all threads.

Every provider call of a worker counts in ``calsync_api_calls{service, endpoint}``
(:class:`Counted`). The CRM provider is one per process (:class:`SharedCrm`), the rounds'
and every pass's: what it learnt of the org (Salesforce: the describe its queries and
writes are shaped by) is learnt once per process, not once per thread as when each thread
kept its own (16 to 21 describes in a round of 2,000 mailboxes, bench/results.json).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Final

from calsync.engine.org_round import FACTS_LIFETIME
from calsync.workers import metrics

__all__ = ["Counted", "SharedCrm"]

#: Provider methods that answer from what the provider holds, without a request.
_NOT_CALLS: Final = frozenset({"api_usage", "close", "web_link"})


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
            return self._call(name, attribute, counter, args, kwargs)

        return call

    def _call(self, name: str, method: Any, counter: Any, args: Any, kwargs: Any) -> Any:
        counter.inc()
        return method(*args, **kwargs)


class SharedCrm(Counted):
    """The CRM provider every thread of a worker process uses.

    Its calls take turns: a provider holds one HTTP session and the latest answer's headers
    (where a refusal's Retry-After is read), neither made for threads. A round costs the
    CRM a few calls besides a write per changed mailbox, so threads seldom wait here, while
    their mailbox calls run side by side.

    What it learnt of the org is renewed (:meth:`renew`) once it is as old as a round's
    facts may be (:data:`~calsync.engine.org_round.FACTS_LIFETIME`).
    """

    def __init__(self, provider: Any, service: str) -> None:
        """Share ``provider`` (counted as ``service``'s) between threads."""
        super().__init__(provider, service)
        self._turns = threading.RLock()
        #: When the org was last described (or the provider built: it describes on first need).
        self._described = time.monotonic()

    def renew(self) -> None:
        """Describe the org again when the last description is too old (one thread does).

        A round planned in this process does it as it reads the organisation's facts again
        (``features``); a process whose rounds are planned elsewhere does it here.
        """
        if not self._stale():  # most passes: no wait for another thread's call
            return
        with self._turns:
            if self._stale():
                self.features()

    def _stale(self) -> bool:
        return time.monotonic() - self._described >= FACTS_LIFETIME.total_seconds()

    def _call(self, name: str, method: Any, counter: Any, args: Any, kwargs: Any) -> Any:
        with self._turns:
            answer = super()._call(name, method, counter, args, kwargs)
            if name == "features":
                self._described = time.monotonic()
            return answer
