"""Where each side's next pull continues: a cursor per mailbox and side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from calsync.state import rows as convert
from calsync.state import schema
from calsync.state.records import Side
from calsync.state.transactions import Transactional

__all__ = ["CursorStore", "select_cursors"]


class CursorStore(Transactional):
    """Each mailbox's cursors (part of :class:`~calsync.state.State`)."""

    def cursors(self, mailbox: str) -> dict[Side, str]:
        """The stored cursor of each side."""
        kept = self._rows(mailbox)
        if kept is not None:
            return dict(kept.cursors)
        with self._tx(write=False) as conn:
            return select_cursors(conn, mailbox)

    def cursors_of(self, names: Sequence[str]) -> dict[str, dict[Side, str]]:
        """The stored cursors of each of ``names`` (a statement per thousand)."""
        table = schema.cursors
        found: dict[str, dict[Side, str]] = {name: {} for name in names}
        with self._tx(write=False) as conn:
            for chunk in convert.chunked(names):
                rows = conn.execute(
                    select(table.c.mailbox, table.c.side, table.c.cursor).where(
                        table.c.mailbox.in_(chunk)
                    )
                )
                for mailbox, side, cursor in rows:
                    found[mailbox][Side(side)] = cursor
        return found

    def set_cursor(self, mailbox: str, side: Side, cursor: str | None, at: datetime) -> None:
        """Store (or with ``None`` forget) a side's cursor.

        A pass that keeps its rows (:meth:`pass_rows`) knows the stored cursor: one that
        did not move is not written again (an idle pass's usually has not).
        """
        kept = self._rows(mailbox)
        stored = kept.cursors.get(side) if kept is not None else None
        if kept is not None and stored == cursor:
            return
        table = schema.cursors
        this = (table.c.mailbox == mailbox, table.c.side == str(side))
        with self._tx() as conn:
            if cursor is None:
                conn.execute(delete(table).where(*this))
            elif stored is not None:
                conn.execute(update(table).where(*this).values(cursor=cursor, updated_at=at))
            else:
                if kept is None:  # not known whether one is stored
                    conn.execute(delete(table).where(*this))
                conn.execute(
                    insert(table).values(
                        mailbox=mailbox, side=str(side), cursor=cursor, updated_at=at
                    )
                )
            if kept is not None:
                if cursor is None:
                    kept.cursors.pop(side, None)
                else:
                    kept.cursors[side] = cursor


def select_cursors(conn: Connection, mailbox: str) -> dict[Side, str]:
    """The stored cursor of each side of ``mailbox``, read in ``conn``'s transaction."""
    table = schema.cursors
    rows = conn.execute(select(table.c.side, table.c.cursor).where(table.c.mailbox == mailbox))
    return {Side(side): cursor for side, cursor in rows}
