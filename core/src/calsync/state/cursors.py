"""Where each side's next pull continues: a cursor per mailbox and side."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select

from calsync.state import schema
from calsync.state.records import Side
from calsync.state.transactions import Transactional

__all__ = ["CursorStore"]


class CursorStore(Transactional):
    """Each mailbox's cursors (part of :class:`~calsync.state.State`)."""

    def cursors(self, mailbox: str) -> dict[Side, str]:
        """The stored cursor of each side."""
        table = schema.cursors
        with self._tx(write=False) as conn:
            rows = conn.execute(
                select(table.c.side, table.c.cursor).where(table.c.mailbox == mailbox)
            )
            return {Side(side): cursor for side, cursor in rows}

    def set_cursor(self, mailbox: str, side: Side, cursor: str | None, at: datetime) -> None:
        """Store (or with ``None`` forget) a side's cursor."""
        table = schema.cursors
        with self._tx() as conn:
            conn.execute(delete(table).where(table.c.mailbox == mailbox, table.c.side == str(side)))
            if cursor is not None:
                conn.execute(
                    insert(table).values(
                        mailbox=mailbox, side=str(side), cursor=cursor, updated_at=at
                    )
                )
