"""The outbox: creates started but not confirmed, so a killed pass's are adopted, not repeated.

Before a batch of creates goes out, each is recorded here; the batch's results, the links
they make and the removal of these entries are committed together. A pass that finds
entries left over looks for what they created (by counterpart) and adopts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace

from sqlalchemy import Connection, delete, insert, select

from calsync.state import rows as convert
from calsync.state import schema
from calsync.state.records import OutboxEntry, Side
from calsync.state.transactions import Transactional

__all__ = ["OutboxEntry", "OutboxStore", "select_outbox"]


class OutboxStore(Transactional):
    """Each mailbox's unconfirmed writes (part of :class:`~calsync.state.State`)."""

    def outbox(self, mailbox: str) -> list[OutboxEntry]:
        """Unconfirmed writes of ``mailbox``."""
        kept = self._rows(mailbox)
        if kept is not None:
            return kept.outbox_entries()
        with self._tx(write=False) as conn:
            return select_outbox(conn, mailbox)

    def add_outbox(self, entries: Sequence[OutboxEntry]) -> list[int]:
        """Record writes about to be made; returns their ids."""
        if not entries:
            return []
        added = []
        with self._tx() as conn:
            for entry in entries:
                values = {k: v for k, v in asdict(entry).items() if k != "id"}
                values["side"] = str(entry.side)
                entry_id = convert.inserted_id(conn.execute(insert(schema.outbox).values(**values)))
                added.append(replace(entry, id=entry_id))
            for entry in added:
                kept = self._kept_rows(entry.mailbox)
                if kept is not None:
                    kept.added_outbox([entry])
        return [entry.id for entry in added if entry.id is not None]

    def clear_outbox(self, ids: Iterable[int]) -> None:
        """Forget confirmed (or adopted) writes."""
        chosen = list(ids)
        if chosen:
            with self._tx() as conn:
                conn.execute(delete(schema.outbox).where(schema.outbox.c.id.in_(chosen)))
                kept = self._kept_rows()
                if kept is not None:
                    kept.cleared_outbox(chosen)


def select_outbox(conn: Connection, mailbox: str) -> list[OutboxEntry]:
    """Unconfirmed writes of ``mailbox``, oldest first, read in ``conn``'s transaction."""
    table = schema.outbox
    rows = conn.execute(select(table).where(table.c.mailbox == mailbox).order_by(table.c.id))
    return [
        OutboxEntry(
            id=row["id"],
            mailbox=row["mailbox"],
            side=Side(row["side"]),
            operation=row["operation"],
            source_key=row["source_key"],
            created_at=row["created_at"],
        )
        for row in rows.mappings()
    ]
