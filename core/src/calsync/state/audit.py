"""The audit log: who did what to which mailbox, and when (the admin console writes it).

One table, ``audit_log``, in the state database. It is not part of the sync schema
(:mod:`calsync.state.schema`): the engine never reads it, and it is created the first time
an :class:`AuditLog` opens the database, so a database without it stays valid.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import final

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, select

from calsync.state import State
from calsync.state.schema import UtcDateTime

__all__ = ["AuditEntry", "AuditLog"]

_metadata = MetaData()

audit_log = Table(
    "audit_log",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    #: The signed-in person's name.
    Column("who", String(128), nullable=False),
    #: enable | disable | reset | allow-mass-delete
    Column("action", String(32), nullable=False),
    Column("mailbox", String(128), nullable=False),
    #: What came of it: "done", "queued", "refused: ...", a pass's outcome.
    Column("outcome", Text, nullable=False, default=""),
)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    """One action taken by a person."""

    at: datetime
    who: str
    action: str
    mailbox: str
    outcome: str
    id: int | None = None


class AuditLog:
    """The audit log of one state database."""

    def __init__(self, state: State) -> None:
        """Use ``state``'s database, creating the table on first use."""
        self._engine = state.engine
        _metadata.create_all(self._engine, checkfirst=True)

    def record(self, entry: AuditEntry) -> AuditEntry:
        """Append ``entry``; returns it with its id."""
        with self._engine.begin() as conn:
            result = conn.execute(
                insert(audit_log).values(
                    at=entry.at,
                    who=entry.who,
                    action=entry.action,
                    mailbox=entry.mailbox,
                    outcome=entry.outcome,
                )
            )
        key = result.inserted_primary_key
        return replace(entry, id=int(key[0]) if key else None)

    def entries(self, *, mailbox: str | None = None, limit: int = 50) -> list[AuditEntry]:
        """The latest entries, newest first."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if mailbox is not None:
            query = query.where(audit_log.c.mailbox == mailbox)
        with self._engine.connect() as conn:
            return [
                AuditEntry(
                    id=row["id"],
                    at=row["at"],
                    who=row["who"],
                    action=row["action"],
                    mailbox=row["mailbox"],
                    outcome=row["outcome"],
                )
                for row in conn.execute(query).mappings()
            ]
