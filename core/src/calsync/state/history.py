"""The pass history: what each pass (and each round's read of the organisation) did.

``calsync status``, the statistics and the console read it; rows older than the state's
``keep_passes`` are forgotten as new ones come: at most once every :data:`PRUNE_EVERY`
(by the passes' own clock), not with every pass, whose history row is its one write when
nothing changed.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, func, insert, select

from calsync.state import schema
from calsync.state.records import PassRecord
from calsync.state.transactions import Transactional

__all__ = ["KEEP_PASSES", "PRUNE_EVERY", "PassHistory"]

#: How long the rows of past passes are kept by default (statistics look back a day).
KEEP_PASSES: Final = timedelta(days=30)
#: How often a process forgets the rows past ``keep_passes``: statistics look back a day,
#: and an hour's more rows in a month's are nothing to read past.
PRUNE_EVERY: Final = timedelta(hours=1)


class PassHistory(Transactional):
    """Every pass recorded (part of :class:`~calsync.state.State`)."""

    #: How long the rows of past passes are kept (``None``: for ever).
    keep_passes: timedelta | None
    #: When this process last forgot old passes (by the passes' clock).
    _pruned_at: datetime | None = None

    def record_pass(self, record: PassRecord) -> None:
        """Remember what a pass did, and forget the passes older than ``keep_passes``.

        Those are forgotten by the first pass this process records, then every
        :data:`PRUNE_EVERY`.
        """
        table = schema.passes
        last, at = self._pruned_at, record.finished_at
        prune = self.keep_passes is not None and (
            last is None or not last <= at < last + PRUNE_EVERY
        )
        with self._tx() as conn:
            conn.execute(insert(table).values(**asdict(record)))
            if prune and self.keep_passes is not None:
                conn.execute(delete(table).where(table.c.finished_at < at - self.keep_passes))
        if prune:
            self._pruned_at = at

    def synced_since(self, moment: datetime, mailbox: str | None = None) -> int:
        """Records synced (both directions) by passes that finished after ``moment``."""
        table = schema.passes
        query = select(func.coalesce(func.sum(table.c.synced_up + table.c.synced_down), 0)).where(
            table.c.finished_at > moment
        )
        if mailbox is not None:
            query = query.where(table.c.mailbox == mailbox)
        with self._tx(write=False) as conn:
            return int(conn.execute(query).scalar() or 0)

    def last_activity(self) -> datetime | None:
        """When the last pass that synced something finished."""
        table = schema.passes
        with self._tx(write=False) as conn:
            return conn.execute(
                select(func.max(table.c.finished_at)).where(
                    table.c.synced_up + table.c.synced_down > 0
                )
            ).scalar()

    def recent_passes(self, mailbox: str, limit: int = 10) -> list[PassRecord]:
        """The last passes of ``mailbox``, newest first."""
        table = schema.passes
        with self._tx(write=False) as conn:
            rows = conn.execute(
                select(table)
                .where(table.c.mailbox == mailbox)
                .order_by(table.c.id.desc())
                .limit(limit)
            ).mappings()
            return [PassRecord(**{k: v for k, v in row.items() if k != "id"}) for row in rows]
