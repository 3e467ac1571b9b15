"""The id map: which mailbox item and which CRM event are one pair (their link)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select, update

from calsync.state import rows as convert
from calsync.state import schema
from calsync.state.records import Link
from calsync.state.transactions import Transactional

__all__ = ["LinkStore"]


class LinkStore(Transactional):
    """The links of every mailbox (part of :class:`~calsync.state.State`)."""

    def links(self, mailbox: str) -> list[Link]:
        """Every link of ``mailbox``."""
        with self._tx(write=False) as conn:
            rows = conn.execute(
                select(schema.links).where(schema.links.c.mailbox == mailbox)
            ).mappings()
            return [convert.link(row) for row in rows]

    def save_links(self, links: Iterable[Link]) -> None:
        """Insert new links (no id yet) and update the others."""
        new: list[Link] = []
        known: list[Link] = []
        for link in links:
            (known if link.id is not None else new).append(link)
        with self._tx() as conn:
            for link in new:
                values = convert.link_values(link)
                values.pop("id")
                link.id = convert.inserted_id(conn.execute(insert(schema.links).values(**values)))
            if known:
                table = schema.links
                for link in known:
                    values = convert.link_values(link)
                    conn.execute(
                        update(table).where(table.c.id == values.pop("id")).values(**values)
                    )

    def delete_links(self, ids: Iterable[int]) -> None:
        """Forget links."""
        chosen = list(ids)
        if chosen:
            with self._tx() as conn:
                conn.execute(delete(schema.links).where(schema.links.c.id.in_(chosen)))

    def organizer_event(self, uid: str, *, besides: str) -> tuple[str, str] | None:
        """The CRM event another mailbox synced for the meeting ``uid``: (mailbox, crm key)."""
        table = schema.links
        with self._tx(write=False) as conn:
            row = conn.execute(
                select(table.c.mailbox, table.c.crm_key)
                .where(table.c.uid == uid, table.c.mailbox != besides, table.c.shared.is_(False))
                .limit(1)
            ).first()
        return None if row is None else (row[0], row[1])
