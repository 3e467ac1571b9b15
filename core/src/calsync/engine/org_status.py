"""Issues about the whole organisation: a refused shared credential, a spent API allowance.

The CRM credential is shared by every mailbox. When the CRM refuses it, calsync opens one
``AUTH_FAILED`` issue for the organisation (mailbox :data:`~calsync.issues.ORGANISATION`)
and tells people once, instead of suspending and notifying each mailbox. Mailboxes keep
their own status, cursors and links: nothing is marked on them. Each round tries the CRM
again; the first one it accepts resolves the issue, tells people, and runs every pass,
which reads everything changed meanwhile from where it stopped.

Likewise, when calsync's calls reach into the share of the CRM's daily API allowance kept
for the org's other integrations, rounds run no passes and ``API_ALLOWANCE_LOW`` is open
until the allowance frees up. Each round's read of the organisation is kept in the pass
history under :data:`~calsync.issues.ORGANISATION`, with the allowance as the CRM last
stated it (``calsync status`` shows it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from calsync.engine.issuelog import record
from calsync.engine.plan import Hit
from calsync.issues import ORGANISATION, Issue
from calsync.providers import ApiUsage
from calsync.state import State
from calsync.state.records import PassRecord, Side

__all__ = [
    "SLOWED_DETAIL",
    "SUSPENDED_DETAIL",
    "open_issue",
    "raise_issue",
    "record_read",
    "resolve",
]

#: What a mailbox's report says while the organisation is suspended.
SUSPENDED_DETAIL = (
    "the CRM refused the credentials calsync shares for the organisation; every mailbox "
    "waits until it accepts them again (each round tries)"
)
#: What a mailbox's report says while the API allowance is nearly used.
SLOWED_DETAIL = (
    "the CRM's daily API allowance is nearly used (the reserved share is left for other "
    "integrations); passes resume as it frees up"
)


def open_issue(state: State, code: str) -> Issue | None:
    """The organisation's open issue ``code``, if any."""
    return next(iter(state.issues(ORGANISATION, open_only=True, code=code)), None)


def raise_issue(state: State, code: str, params: Mapping[str, object], now: datetime) -> bool:
    """Open (or see again) the organisation's issue ``code``; ``True`` when newly opened."""
    newly = open_issue(state, code) is None
    hit = Hit(code=code, side=Side.CRM, item_id=None, params=params)
    record(state, ORGANISATION, [hit], handled=(), succeeded=False, now=now)
    return newly


def resolve(state: State, code: str, now: datetime) -> bool:
    """Resolve the organisation's open issue ``code``; ``True`` when there was one."""
    issue = open_issue(state, code)
    if issue is None:
        return False
    state.save_issue(replace(issue, resolved_at=now))
    return True


def record_read(
    state: State,
    started: datetime,
    finished: datetime,
    outcome: str,
    calls: int,
    usage: ApiUsage | None,
) -> None:
    """Keep the round's read of the organisation in the pass history (and the allowance)."""
    figures = {"crm": calls}
    if usage is not None:
        figures |= {"api_used": usage.used, "api_allowed": usage.allowed}
    state.record_pass(
        PassRecord(
            mailbox=ORGANISATION,
            started_at=started,
            finished_at=finished,
            outcome=outcome,
            api_calls=figures,
        )
    )
