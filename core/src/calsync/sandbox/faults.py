"""Fault injection for the sandbox providers, which have no wire of their own.

The sandbox services keep a :class:`~calsync.emulation.FaultPlan` like the emulators do;
a provider call consults it and raises the calsync error the real providers translate
the same fault into, so the engine sees the same thing either way.
"""

from __future__ import annotations

from calsync.emulation import Fault, FaultKind, FaultPlan
from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidReplyError,
    ServiceUnavailableError,
    ThrottledError,
)

__all__ = ["BATCHES", "check"]

#: The sandbox calls that write a batch, the only ones a partial failure applies to.
BATCHES = frozenset({"write", "markers"})


def check(plan: FaultPlan, endpoint: str, *, side: str, revoked: bool = False) -> Fault | None:
    """Raise for the first armed fault matching ``endpoint``.

    Returns a :attr:`FaultKind.PARTIAL_FAILURE` fault instead of raising it: only batch
    calls know which part to fail. Other calls decline it, and it stays armed for the next
    batch call.
    """
    if revoked:
        raise AuthError(f"the sandbox {side} refused the credentials", source=side)
    fault = plan.take(
        endpoint,
        applies=lambda armed: armed.kind is not FaultKind.PARTIAL_FAILURE or endpoint in BATCHES,
    )
    if fault is None or fault.kind is FaultKind.PARTIAL_FAILURE:
        return fault
    detail = fault.detail or endpoint
    match fault.kind:
        case FaultKind.THROTTLE:
            raise ThrottledError(
                f"the sandbox {side} is busy ({detail})", retry_after=fault.retry_after, source=side
            )
        case FaultKind.AUTH_EXPIRED:
            raise AuthError(f"the sandbox {side} session expired ({detail})", source=side)
        case FaultKind.SERVER_ERROR | FaultKind.TIMEOUT:
            raise ServiceUnavailableError(
                f"the sandbox {side} failed: {fault.kind} ({detail})", source=side
            )
        case FaultKind.MALFORMED:
            raise InvalidReplyError(f"the sandbox {side} answered garbage ({detail})", source=side)
        case FaultKind.CURSOR_EXPIRED:
            raise CursorExpiredError(f"the sandbox {side} no longer knows the cursor", source=side)
    return None
