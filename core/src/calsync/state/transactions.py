"""The database a state store works on, and the transaction each of its calls runs in.

Every store of :class:`~calsync.state.State` reads and writes through :meth:`_tx`: inside
an :meth:`~Transactional.atomic` block that is the block's one transaction, otherwise a
transaction of its own. Every failure of the database leaves as a
:class:`~calsync.errors.StateError` (see :mod:`calsync.state.database`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from sqlalchemy import Connection, Engine

from calsync.state.database import Database

__all__ = ["Transactional"]


class Transactional:
    """What every state store shares: the database and the transaction under way."""

    def __init__(self, database: Database) -> None:
        """Work on ``database``."""
        self.database = database
        self.engine: Engine = database.engine
        self._conn: contextvars.ContextVar[Connection | None] = contextvars.ContextVar(
            f"calsync-state-{id(self)}", default=None
        )

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """Group every write inside the block into one transaction."""
        if self._conn.get() is not None:
            yield
            return
        with self.database.translated(), self.database.begin(write=True) as conn:
            token = self._conn.set(conn)
            try:
                yield
            finally:
                self._conn.reset(token)

    @contextlib.contextmanager
    def _tx(self, *, write: bool = True) -> Iterator[Connection]:
        current = self._conn.get()
        if current is not None:
            yield current
            return
        with self.database.translated(), self.database.begin(write=write) as conn:
            yield conn
