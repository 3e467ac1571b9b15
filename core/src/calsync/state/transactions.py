"""The database a state store works on, the transaction each of its calls runs in, and a pass's rows.

Every store of :class:`~calsync.state.State` reads and writes through :meth:`_tx`: inside
an :meth:`~Transactional.atomic` block that is the block's one transaction, otherwise a
transaction of its own. The block's transaction begins with its first statement: a block
that ends up writing nothing (an idle pass's) sends nothing, not even ``BEGIN``. Every
failure of the database leaves as a :class:`~calsync.errors.StateError` (see
:mod:`calsync.state.database`).

Inside :meth:`~Transactional.pass_rows`, one mailbox's links, cursors, outbox and open
issues are read once, together, and kept (:mod:`.pass_rows`): its pass holds the lease, so
no other pass writes them meanwhile, and its own writes update what is kept as they are
made. A transaction that fails (rolled back) drops what is kept; the next read reads it
again. Rows not yet read when a write is made are read after it, as it left them.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

from sqlalchemy import Connection, Engine

from calsync.state.database import Database
from calsync.state.pass_rows import PassRows

__all__ = ["Transactional"]


class _Deferred:
    """An :meth:`~Transactional.atomic` block's transaction, begun when first needed."""

    def __init__(self, begin: Callable[[], Connection]) -> None:
        self._begin = begin
        self._conn: Connection | None = None

    def connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._begin()
        return self._conn


class _Kept:
    """What :meth:`~Transactional.pass_rows` keeps: its mailbox, and its rows once read."""

    def __init__(self, mailbox: str) -> None:
        self.mailbox = mailbox
        self.rows: PassRows | None = None


class Transactional:
    """What every state store shares: the database, the transaction under way, a pass's rows."""

    def __init__(self, database: Database) -> None:
        """Work on ``database``."""
        self.database = database
        self.engine: Engine = database.engine
        self._conn: contextvars.ContextVar[_Deferred | None] = contextvars.ContextVar(
            f"calsync-state-{id(self)}", default=None
        )
        self._kept: contextvars.ContextVar[_Kept | None] = contextvars.ContextVar(
            f"calsync-pass-rows-{id(self)}", default=None
        )

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """Group every write inside the block into one transaction (begun by its first statement)."""
        if self._conn.get() is not None:
            yield
            return
        try:
            with self.database.translated(), contextlib.ExitStack() as opened:
                token = self._conn.set(
                    _Deferred(lambda: opened.enter_context(self.database.begin(write=True)))
                )
                try:
                    yield
                finally:
                    self._conn.reset(token)
        except BaseException:
            self._drop_rows()  # what the block wrote to them was rolled back
            raise

    @contextlib.contextmanager
    def pass_rows(self, mailbox: str) -> Iterator[None]:
        """Keep ``mailbox``'s rows inside the block: its pass's, which holds its lease.

        The first read of its links, cursors, outbox or issues reads all four, in the
        transaction under way; later reads are answered from what is kept, which the
        block's own writes keep up to date.
        """
        token = self._kept.set(_Kept(mailbox))
        try:
            yield
        finally:
            self._kept.reset(token)

    @contextlib.contextmanager
    def _tx(self, *, write: bool = True) -> Iterator[Connection]:
        current = self._conn.get()
        if current is not None:
            yield current.connection()
            return
        try:
            with self.database.translated(), self.database.begin(write=write) as conn:
                yield conn
        except BaseException:
            self._drop_rows()
            raise

    def _rows(self, mailbox: str | None) -> PassRows | None:
        """``mailbox``'s kept rows (read now if not yet), if :meth:`pass_rows` keeps them."""
        kept = self._kept.get()
        if kept is None or mailbox is None or kept.mailbox != mailbox:
            return None
        if kept.rows is None:
            with self._tx(write=False) as conn:
                kept.rows = self._read_rows(conn, mailbox)
        return kept.rows

    def _kept_rows(self, mailbox: str | None = None) -> PassRows | None:
        """The rows kept (of ``mailbox``), if read already: a write updates them, never reads them."""
        kept = self._kept.get()
        if kept is None or (mailbox is not None and kept.mailbox != mailbox):
            return None
        return kept.rows

    def _read_rows(self, conn: Connection, mailbox: str) -> PassRows:
        """Read ``mailbox``'s rows to keep (:class:`~calsync.state.State` knows how)."""
        raise NotImplementedError

    def _drop_rows(self) -> None:
        kept = self._kept.get()
        if kept is not None:
            kept.rows = None
