"""The organisation's suspension: a shared credential refused stops every mailbox once.

The CRM credential is shared by every mailbox. When the CRM refuses it, calsync opens one
``AUTH_FAILED`` issue for the organisation (mailbox :data:`~calsync.issues.ORGANISATION`)
and tells people once, instead of suspending and notifying each mailbox. Mailboxes keep
their own status, cursors and links: nothing is marked on them. Each round tries the CRM
again; the first one it accepts resolves the issue, tells people, and runs every pass,
which reads everything changed meanwhile from where it stopped.
"""

from __future__ import annotations

from datetime import datetime

from calsync.engine.issuelog import record
from calsync.engine.plan import Hit
from calsync.issues import ORGANISATION, Issue
from calsync.state import State
from calsync.state.records import Side

__all__ = ["SUSPENDED_DETAIL", "open_suspension", "resume", "suspend"]

#: What a mailbox's report says while the organisation is suspended.
SUSPENDED_DETAIL = (
    "the CRM refused the credentials calsync shares for the organisation; every mailbox "
    "waits until it accepts them again (each round tries)"
)


def open_suspension(state: State) -> Issue | None:
    """The organisation's open ``AUTH_FAILED`` issue, when it is suspended."""
    return next(iter(state.issues(ORGANISATION, open_only=True, code="AUTH_FAILED")), None)


def suspend(state: State, detail: str, now: datetime) -> bool:
    """Record the refusal; ``True`` when it newly suspends the organisation (tell people)."""
    newly = open_suspension(state) is None
    hit = Hit(
        code="AUTH_FAILED", side=Side.CRM, item_id=None, params={"side": "CRM", "detail": detail}
    )
    record(state, ORGANISATION, [hit], handled=(), succeeded=False, now=now)
    return newly


def resume(state: State, now: datetime) -> bool:
    """Lift a suspension the CRM no longer stands by; ``True`` when there was one."""
    if open_suspension(state) is None:
        return False
    record(state, ORGANISATION, [], handled=(), succeeded=True, now=now)
    return True
