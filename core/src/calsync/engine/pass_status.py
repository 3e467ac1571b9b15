"""What a pass marks on its mailbox's status (EX-27): as it starts, and as it ends.

Starting, a pass says per direction whether it is a first (initial) sync or a continuing
one, and a marked reset starts by forgetting both cursors. Ending well, the mailbox is
active again, its failures forgotten and each direction in sync; ending badly, it counts
one more failure in a row.
"""

from __future__ import annotations

from datetime import datetime

from calsync.config import MailboxConfig
from calsync.engine.sync_pass import PassResult
from calsync.policy import Direction
from calsync.state import State
from calsync.state.records import (
    DirectionStatus,
    MailboxState,
    MailboxStatus,
    ResetState,
    Side,
)

__all__ = ["mark_finished", "mark_started"]

_SIDES = ((Direction.UP, Side.MAILBOX), (Direction.DOWN, Side.CRM))


def mark_started(state: State, mailbox: MailboxConfig, status: MailboxState, at: datetime) -> None:
    """Mark (and save) ``mailbox``'s status as a pass starts ``at``; a marked reset begins."""
    if status.reset is ResetState.MARKED:
        # A reset lists both sides in full again. The id map stays: it is the record of
        # what the last pass synced, the only way to tell which side changed an item, or
        # deleted it, since then (and the outbox still names what a killed pass created).
        for side in (Side.MAILBOX, Side.CRM):
            state.set_cursor(mailbox.name, side, None, at)
        status.reset = ResetState.IN_PROGRESS
    cursors = state.cursors(mailbox.name)
    for direction, side in _SIDES:
        value = (
            DirectionStatus.NOT_CONFIGURED
            if not mailbox.policy.syncs(direction)
            else DirectionStatus.SYNC_IN_PROGRESS
            if side in cursors
            else DirectionStatus.INITIAL_SYNC_IN_PROGRESS
        )
        _set_direction(status, direction, value)
    status.last_pass_at = at
    state.save_mailbox(status)


def mark_finished(status: MailboxState, outcome: str, result: PassResult, at: datetime) -> None:
    """Mark ``status`` as its pass ended ``at`` with ``outcome`` (``ok`` or another)."""
    if outcome != "ok":
        status.consecutive_failures += 1
        return
    status.consecutive_failures = 0
    status.last_success_at = at
    status.status = MailboxStatus.ACTIVE
    status.suspended_by = None
    if status.reset is ResetState.IN_PROGRESS:
        status.reset = ResetState.NONE
    for direction in (Direction.UP, Direction.DOWN):
        current = _get_direction(status, direction)
        if current is DirectionStatus.NOT_CONFIGURED:
            continue
        initial = current is DirectionStatus.INITIAL_SYNC_IN_PROGRESS
        _set_direction(
            status,
            direction,
            DirectionStatus.INITIAL_SYNC_COMPLETED if initial else DirectionStatus.IN_SYNC,
        )
    if result.suspend_for:
        status.status, status.suspended_by = MailboxStatus.SUSPENDED, result.suspend_for


def _get_direction(status: MailboxState, direction: Direction) -> DirectionStatus:
    return status.up_status if direction is Direction.UP else status.down_status


def _set_direction(status: MailboxState, direction: Direction, value: DirectionStatus) -> None:
    if direction is Direction.UP:
        status.up_status = value
    else:
        status.down_status = value
