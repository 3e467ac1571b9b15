"""What a pass that failed as a whole means: its issue, its outcome, its mailbox's status.

Credentials refused suspend the mailbox (EX-22), an address no CRM user has suspends it
too (EX-28), a service that asked to slow down is tried again next pass (EX-25), a service
down or answering nonsense fails the pass with that issue, and anything unexpected is an
``INTERNAL_ERROR`` with the pass's correlation id, logged with its traceback (EX-24). A
configuration that cannot be used (a secret gone since ``calsync check``) fails this
mailbox's pass alone, with ``CONFIG_INVALID``; the command exits 2 after the others ran.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from calsync.config import MailboxConfig
from calsync.engine.calls import side_name, side_of
from calsync.engine.plan import Hit
from calsync.engine.report import MISCONFIGURED
from calsync.errors import (
    AuthError,
    ConfigError,
    InvalidReplyError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.logs import correlation_id
from calsync.state.records import MailboxStatus, Side

__all__ = ["AddressNotLinked", "Failure", "failure_of"]

logger = logging.getLogger("calsync.engine")


class AddressNotLinked(Exception):
    """The mailbox address matches no CRM user (EX-28)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """Why a pass failed as a whole, and what that does to its mailbox."""

    #: ``failed`` (the next pass tries again), ``misconfigured`` or ``suspended``.
    outcome: str
    #: The mailbox's issue saying why.
    hit: Hit
    detail: str = ""
    #: The status the mailbox takes and the code that suspended it (``None``: unchanged).
    suspends: tuple[MailboxStatus, str] | None = None


def failure_of(exc: Exception, mailbox: MailboxConfig, clock: Callable[[], datetime]) -> Failure:
    """What ``exc``, raised by ``mailbox``'s pass, means (an unexpected one is logged)."""
    # Each issue is a literal Hit: core/tests/test_advice.py reads the parameters each code's
    # raisers supply from these calls.
    if isinstance(exc, AddressNotLinked):
        hit = Hit(
            code="ADDRESS_NOT_LINKED",
            side=Side.CRM,
            item_id=None,
            params={"address": mailbox.address},
        )
        suspends = (MailboxStatus.ADDRESS_NOT_LINKED, "ADDRESS_NOT_LINKED")
        return Failure(outcome="suspended", hit=hit, suspends=suspends)
    if isinstance(exc, ConfigError):
        # A setup mistake (a secret that can no longer be read, settings the provider
        # refuses), not an INTERNAL_ERROR: this mailbox waits for the fix, the others sync.
        detail = "; ".join(exc.problems)
        hit = Hit(code="CONFIG_INVALID", side=Side.MAILBOX, item_id=None, params={"detail": detail})
        return Failure(outcome=MISCONFIGURED, hit=hit, detail=detail)
    if isinstance(exc, AuthError):
        side = side_of(exc)
        hit = Hit(
            code="AUTH_FAILED",
            side=side,
            item_id=None,
            params={"side": side_name(side), "detail": str(exc)},
        )
        suspends = (MailboxStatus.SUSPENDED, "AUTH_FAILED")
        return Failure(outcome="suspended", hit=hit, detail=str(exc), suspends=suspends)
    if isinstance(exc, ThrottledError):
        retry_at = clock() + timedelta(seconds=exc.retry_after or 60)
        side = side_of(exc)
        hit = Hit(
            code="THROTTLED",
            side=side,
            item_id=None,
            params={"side": side_name(side), "retry_at": retry_at.isoformat(timespec="seconds")},
        )
        return Failure(outcome="failed", hit=hit, detail=str(exc))
    if isinstance(exc, ServiceUnavailableError | InvalidReplyError):
        side = side_of(exc)
        hit = Hit(
            code=exc.code,
            side=side,
            item_id=None,
            params={"side": side_name(side), "detail": str(exc)},
        )
        return Failure(outcome="failed", hit=hit, detail=str(exc))
    correlation = correlation_id() or "-"
    logger.error("pass for %s failed (correlation id %s)", mailbox.name, correlation, exc_info=exc)
    hit = Hit(
        code="INTERNAL_ERROR",
        side=Side.MAILBOX,
        item_id=None,
        params={"correlation_id": correlation, "detail": f"{type(exc).__name__}: {exc}"},
    )
    return Failure(
        outcome="failed", hit=hit, detail=f"{type(exc).__name__} (correlation id {correlation})"
    )
