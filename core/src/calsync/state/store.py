"""One state database, opened: :class:`State`, composed of a store for each concern.

The links (:mod:`.links`), the leases (:mod:`.lease`), the cursors (:mod:`.cursors`), the
outbox (:mod:`.outbox`), the issues (:mod:`.issues`), each mailbox's status
(:mod:`.mailboxes`), the pass history (:mod:`.history`) and the notifications waiting
for a digest (:mod:`.notices`) share one database and its
transactions (:mod:`.transactions`). Opening creates the schema on first use and brings an
earlier version up to this one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, insert, update

from calsync.state import schema
from calsync.state.cursors import CursorStore, select_cursors
from calsync.state.database import BUSY_TIMEOUT, Database
from calsync.state.history import KEEP_PASSES, PassHistory
from calsync.state.issues import IssueStore, select_marker_issues
from calsync.state.lease import LeaseStore
from calsync.state.links import LinkStore, select_links
from calsync.state.mailboxes import MailboxStore
from calsync.state.notices import NoticeStore
from calsync.state.outbox import OutboxStore, select_outbox
from calsync.state.pass_rows import PassRows

__all__ = ["State", "check_database"]


class State(
    LinkStore,
    LeaseStore,
    CursorStore,
    OutboxStore,
    IssueStore,
    MailboxStore,
    PassHistory,
    NoticeStore,
):
    """Access to one state database.

    Every failure of the database leaves it as a :class:`~calsync.errors.StateError` naming
    the database and what to do (see :mod:`calsync.state.database`).
    """

    def __init__(
        self,
        url: str,
        *,
        busy_timeout: float = BUSY_TIMEOUT,
        keep_passes: timedelta | None = KEEP_PASSES,
    ) -> None:
        """Open (and on first use create) the database at ``url``; refuse another schema version.

        :param busy_timeout: SQLite: seconds to wait for another process's write lock.
        :param keep_passes: how long the rows of past passes are kept (``None``: for ever).
        """
        self.url = url
        self.keep_passes = keep_passes
        database = Database(url, busy_timeout=busy_timeout)
        try:
            with database.translated():
                _prepare(database)
        except BaseException:
            database.engine.dispose()
            raise
        super().__init__(database)

    def close(self) -> None:
        """Release the connection pool."""
        self.database.dispose()

    def _read_rows(self, conn: Connection, mailbox: str) -> PassRows:
        """The rows a pass keeps (see :meth:`pass_rows`): four reads in one transaction."""
        return PassRows(
            mailbox=mailbox,
            cursors=select_cursors(conn, mailbox),
            links={link.id: link for link in select_links(conn, mailbox) if link.id is not None},
            outbox={e.id: e for e in select_outbox(conn, mailbox) if e.id is not None},
            issues={i.id: i for i in select_marker_issues(conn, mailbox) if i.id is not None},
        )


def _prepare(database: Database) -> None:
    """Create the schema in a new database, or bring an earlier version up to this one."""
    version = database.schema_version()
    if version is None:
        with database.begin(write=True) as conn:
            schema.metadata.create_all(conn)
            conn.execute(
                insert(schema.meta).values(key="schema_version", value=str(schema.SCHEMA_VERSION))
            )
        return
    if version == schema.SCHEMA_VERSION:
        return
    # An earlier version: brought up to this one, step by step.
    with database.begin(write=True) as conn:
        while version < schema.SCHEMA_VERSION:
            schema.MIGRATIONS[version](conn)
            version += 1
            conn.execute(
                update(schema.meta)
                .where(schema.meta.c.key == "schema_version")
                .values(value=str(version))
            )


def check_database(url: str, *, busy_timeout: float = BUSY_TIMEOUT) -> None:
    """Check that calsync can use the database at ``url``, creating and changing nothing.

    :raises StateError: saying what is wrong and what to do, as :class:`State` would.
    """
    database = Database(url, busy_timeout=busy_timeout, create=False)
    try:
        database.check()
    finally:
        database.dispose()
