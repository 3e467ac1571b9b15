"""The id map: which mailbox item and which CRM event are one pair (their link)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, select, update

from calsync.state import rows as convert
from calsync.state import schema
from calsync.state.records import Link
from calsync.state.transactions import Transactional

__all__ = ["LinkStore", "select_links"]


class LinkStore(Transactional):
    """The links of every mailbox (part of :class:`~calsync.state.State`)."""

    def links(self, mailbox: str) -> list[Link]:
        """Every link of ``mailbox``."""
        kept = self._rows(mailbox)
        if kept is not None:
            return kept.link_copies()
        with self._tx(write=False) as conn:
            return select_links(conn, mailbox)

    def save_links(self, links: Iterable[Link]) -> None:
        """Insert new links (no id yet) and update the others."""
        new: list[Link] = []
        known: list[Link] = []
        for link in links:
            (known if link.id is not None else new).append(link)
        if not new and not known:
            return
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
            for mailbox in {link.mailbox for link in (*new, *known)}:
                kept = self._kept_rows(mailbox)
                if kept is not None:
                    kept.saved_links(link for link in (*new, *known) if link.mailbox == mailbox)

    def delete_links(self, ids: Iterable[int]) -> None:
        """Forget links."""
        chosen = list(ids)
        if chosen:
            with self._tx() as conn:
                conn.execute(delete(schema.links).where(schema.links.c.id.in_(chosen)))
                kept = self._kept_rows()
                if kept is not None:
                    kept.deleted_links(chosen)

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


def select_links(conn: Connection, mailbox: str) -> list[Link]:
    """Every link of ``mailbox``, read in ``conn``'s transaction."""
    rows = conn.execute(select(schema.links).where(schema.links.c.mailbox == mailbox))
    return [convert.link(row) for row in rows.mappings()]
