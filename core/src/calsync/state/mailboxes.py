"""Each mailbox's status (EX-27): enabled, suspended, reset, each direction's progress."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import insert, select, update

from calsync.state import rows as convert
from calsync.state import schema
from calsync.state.records import (
    DirectionStatus,
    MailboxState,
    MailboxStatus,
    ResetState,
)
from calsync.state.transactions import Transactional

__all__ = ["MailboxStore"]


class MailboxStore(Transactional):
    """Every mailbox's status (part of :class:`~calsync.state.State`)."""

    def mailbox(self, name: str) -> MailboxState | None:
        """The stored status of mailbox ``name``."""
        return self.mailboxes([name]).get(name)

    def mailboxes(self, names: Sequence[str]) -> dict[str, MailboxState]:
        """The stored status of each of ``names`` that has one (a statement per thousand)."""
        table = schema.mailboxes
        found: dict[str, MailboxState] = {}
        with self._tx(write=False) as conn:
            for chunk in convert.chunked(names):
                rows = conn.execute(select(table).where(table.c.name.in_(chunk))).mappings()
                found |= {row["name"]: _status(row) for row in rows}
        return found

    def save_mailbox(self, state: MailboxState) -> None:
        """Insert or update a mailbox's status."""
        values: dict[str, Any] = {f.name: getattr(state, f.name) for f in fields(state)}
        for key in ("status", "reset", "up_status", "down_status"):
            values[key] = str(values[key])
        table = schema.mailboxes
        with self._tx() as conn:
            done = conn.execute(
                update(table).where(table.c.name == state.name).values(**values)
            ).rowcount
            if not done:
                conn.execute(insert(table).values(**values))


def _status(row: Any) -> MailboxState:
    return MailboxState(
        name=row["name"],
        address=row["address"],
        provider=row["provider"],
        status=MailboxStatus(row["status"]),
        enabled=row["enabled"],
        suspended_by=row["suspended_by"],
        reset=ResetState(row["reset"]),
        crm_user=row["crm_user"],
        up_status=DirectionStatus(row["up_status"]),
        down_status=DirectionStatus(row["down_status"]),
        consecutive_failures=row["consecutive_failures"],
        last_pass_at=row["last_pass_at"],
        last_success_at=row["last_success_at"],
    )
