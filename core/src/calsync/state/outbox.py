"""The outbox: creates started but not confirmed, so a killed pass's are adopted, not repeated.

Before a batch of creates goes out, each is recorded here; the batch's results, the links
they make and the removal of these entries are committed together. A pass that finds
entries left over looks for what they created (by counterpart) and adopts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select

from calsync.state import rows as convert
from calsync.state import schema
from calsync.state.records import Side
from calsync.state.transactions import Transactional

__all__ = ["OutboxEntry", "OutboxStore"]


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxEntry:
    """A write started but not confirmed: a create on ``side`` for the item ``source_key``."""

    mailbox: str
    side: Side
    operation: str
    source_key: str
    created_at: datetime
    id: int | None = None


class OutboxStore(Transactional):
    """Each mailbox's unconfirmed writes (part of :class:`~calsync.state.State`)."""

    def outbox(self, mailbox: str) -> list[OutboxEntry]:
        """Unconfirmed writes of ``mailbox``."""
        table = schema.outbox
        with self._tx(write=False) as conn:
            rows = conn.execute(
                select(table).where(table.c.mailbox == mailbox).order_by(table.c.id)
            ).mappings()
            return [
                OutboxEntry(
                    id=row["id"],
                    mailbox=row["mailbox"],
                    side=Side(row["side"]),
                    operation=row["operation"],
                    source_key=row["source_key"],
                    created_at=row["created_at"],
                )
                for row in rows
            ]

    def add_outbox(self, entries: Sequence[OutboxEntry]) -> list[int]:
        """Record writes about to be made; returns their ids."""
        ids = []
        with self._tx() as conn:
            for entry in entries:
                values = {k: v for k, v in asdict(entry).items() if k != "id"}
                values["side"] = str(entry.side)
                ids.append(
                    convert.inserted_id(conn.execute(insert(schema.outbox).values(**values)))
                )
        return ids

    def clear_outbox(self, ids: Iterable[int]) -> None:
        """Forget confirmed (or adopted) writes."""
        chosen = list(ids)
        if chosen:
            with self._tx() as conn:
                conn.execute(delete(schema.outbox).where(schema.outbox.c.id.in_(chosen)))
