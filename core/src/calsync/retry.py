"""When to ask a failing service again: one ``Retry-After`` parser and one back-off policy.

Every provider fails fast and says what the service asked for: a throttled call raises
:class:`~calsync.errors.ThrottledError`, a service that is down for now (503 with a
``Retry-After``) raises :class:`~calsync.errors.ServiceUnavailableError`, each carrying the
service's hint in ``retry_after`` (seconds, read with :func:`parse_retry_after`). Whoever
repeats the work (the engine repeats a whole pass, which is idempotent) waits with
:class:`Backoff`:

* a hint up to :data:`MAX_WAIT` seconds is waited for as given;
* a longer hint is not waited for: the pass ends, the issue says when calsync tries again,
  and the next pass after that time does (a pass never holds a mailbox for an hour);
* throttling without a hint (Google's 403 rate limits send none) waits exponentially
  longer with random jitter (1 s, 2 s, 4 s ... plus up to 1 s), as Google and Microsoft
  advise, so that many mailboxes throttled together do not come back together;
* a failure without a hint that is not throttling (a 500, a timeout, a refused connection)
  is not repeated within the pass: the next scheduled pass is the retry.

The waiting and stopping are tenacity's (``wait_exponential_jitter``, ``stop_after_attempt``),
the header parsing urllib3's (``Retry.parse_retry_after``: delta-seconds or an HTTP date,
RFC 9110 §10.2.3): both are what the field already uses, and neither is a provider SDK.

Example::

    for attempt in Backoff().retrying(sleep=time.sleep):
        with attempt:
            run_the_pass()
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import tenacity
from tenacity.stop import stop_base
from tenacity.wait import wait_base
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

from calsync.errors import ServiceUnavailableError, ThrottledError

__all__ = ["MAX_WAIT", "Backoff", "hint_of", "parse_retry_after", "worth_waiting"]

logger = logging.getLogger(__name__)

#: The longest a service's hint is waited for within one pass, in seconds (documented in
#: docs/operating.md). Longer hints end the pass; the next pass after the hint retries.
MAX_WAIT: Final = 60.0

#: urllib3 parses the header; one stateless instance serves every call.
_PARSER: Final = Retry(total=0)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait: delta-seconds or an HTTP date.

    :returns: the wait (``0.0`` for a date in the past), or ``None`` when there is no
        header or it is not a valid value (a service's typo must not fail the call).
    """
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(_PARSER.parse_retry_after(value.strip())))
    except (InvalidHeader, ValueError, OverflowError):
        return None


def hint_of(exc: BaseException | None) -> float | None:
    """The seconds ``exc`` says the service asked to wait, when it said."""
    if isinstance(exc, ThrottledError | ServiceUnavailableError):
        return exc.retry_after
    return None


def worth_waiting(exc: BaseException) -> bool:
    """Whether repeating after a wait may succeed: throttling, or an outage with a hint."""
    if isinstance(exc, ThrottledError):
        return True
    return isinstance(exc, ServiceUnavailableError) and exc.retry_after is not None


class _HintTooLong(stop_base):
    """Stop when the service asked for a longer wait than the policy allows."""

    def __init__(self, longest: float) -> None:
        self.longest = longest

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        outcome = retry_state.outcome
        if outcome is None or not outcome.failed:
            return False
        hint = hint_of(outcome.exception())
        return hint is not None and hint > self.longest


class _HintOrBackoff(wait_base):
    """Wait as long as the service asked; without a hint, exponentially with jitter."""

    def __init__(self, backoff: wait_base) -> None:
        self.backoff = backoff

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        hint = hint_of(outcome.exception()) if outcome is not None and outcome.failed else None
        return hint if hint is not None else self.backoff(retry_state)


@dataclass(frozen=True, slots=True, kw_only=True)
class Backoff:
    """How often, and how long apart, work that a service turned away is tried again.

    :param attempts: tries in all, the first included.
    :param initial: the first wait without a hint, in seconds; it doubles each time.
    :param longest: the cap: a longer hint is not waited for, and no wait is longer.
    :param jitter: up to this many random seconds added to a wait without a hint.
    """

    attempts: int = 3
    initial: float = 1.0
    longest: float = MAX_WAIT
    jitter: float = 1.0

    def __post_init__(self) -> None:
        """Refuse a policy that could not work."""
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.initial < 0 or self.jitter < 0 or self.longest < self.initial:
            raise ValueError("waits must not be negative, and longest must not be below initial")

    def retrying(
        self,
        *,
        sleep: Callable[[float], None] = time.sleep,
        retry_on: Callable[[BaseException], bool] = worth_waiting,
        name: str = "",
    ) -> tenacity.Retrying:
        """A tenacity ``Retrying`` that follows this policy; the last error is re-raised.

        :param sleep: how to wait (tests pass a recorder).
        :param retry_on: which errors are worth repeating the work for.
        :param name: what is retried, for the log line each wait writes.
        """

        def log_wait(state: tenacity.RetryCallState) -> None:
            assert state.outcome is not None and state.next_action is not None
            logger.info(
                "%s: %s; trying again in %.1f s",
                name or "call",
                state.outcome.exception(),
                state.next_action.sleep,
            )

        return tenacity.Retrying(
            sleep=sleep,
            stop=tenacity.stop_after_attempt(self.attempts) | _HintTooLong(self.longest),
            wait=_HintOrBackoff(
                tenacity.wait_exponential_jitter(
                    multiplier=self.initial, max=self.longest, jitter=self.jitter
                )
            ),
            retry=tenacity.retry_if_exception(retry_on),
            before_sleep=log_wait,
            reraise=True,
        )
