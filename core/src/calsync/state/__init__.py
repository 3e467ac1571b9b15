"""The state database (SQLAlchemy Core): the embedded default SQLite file, or PostgreSQL.

:class:`State` is the only way the rest of calsync reads or writes it. Several writes can
be grouped with :meth:`State.atomic`, which the engine uses so that the results of a
batch of writes, the removal of their outbox entries and the links they create are
committed together or not at all.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import (
    Connection,
    Engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from calsync.errors import StateError
from calsync.issues import Issue
from calsync.state import rows as convert
from calsync.state import schema
from calsync.state.database import BUSY_TIMEOUT, Database
from calsync.state.lease import Holder, Lease
from calsync.state.records import (
    DirectionStatus,
    Link,
    LinkKind,
    MailboxState,
    MailboxStatus,
    PassRecord,
    ResetState,
    Side,
)

__all__ = [
    "BUSY_TIMEOUT",
    "KEEP_PASSES",
    "DirectionStatus",
    "Link",
    "LinkKind",
    "MailboxState",
    "MailboxStatus",
    "OutboxEntry",
    "PassRecord",
    "ResetState",
    "Side",
    "State",
    "check_database",
]


#: How long the rows of past passes are kept by default (statistics look back a day).
KEEP_PASSES: Final = timedelta(days=30)
#: How often taking a lease starts over when other processes change it meanwhile.
_LEASE_ATTEMPTS: Final = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxEntry:
    """A write started but not confirmed: a create on ``side`` for the item ``source_key``."""

    mailbox: str
    side: Side
    operation: str
    source_key: str
    created_at: datetime
    id: int | None = None


class State:
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
        self.database = Database(url, busy_timeout=busy_timeout)
        self.engine: Engine = self.database.engine
        try:
            with self.database.translated():
                self._prepare()
        except BaseException:
            self.engine.dispose()
            raise
        self._conn: contextvars.ContextVar[Connection | None] = contextvars.ContextVar(
            f"calsync-state-{id(self)}", default=None
        )

    def _prepare(self) -> None:
        version = self.database.schema_version()
        if version is None:
            with self.database.begin(write=True) as conn:
                schema.metadata.create_all(conn)
                conn.execute(
                    insert(schema.meta).values(
                        key="schema_version", value=str(schema.SCHEMA_VERSION)
                    )
                )
            return
        if version == schema.SCHEMA_VERSION:
            return
        # An earlier version: brought up to this one, step by step.
        with self.database.begin(write=True) as conn:
            while version < schema.SCHEMA_VERSION:
                schema.MIGRATIONS[version](conn)
                version += 1
                conn.execute(
                    update(schema.meta)
                    .where(schema.meta.c.key == "schema_version")
                    .values(value=str(version))
                )

    def close(self) -> None:
        """Release the connection pool."""
        self.database.dispose()

    # -- transactions ----------------------------------------------------------------------

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

    # -- links -------------------------------------------------------------------------------

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

    # -- leases ------------------------------------------------------------------------------

    def take_lease(
        self, mailbox: str, holder: Holder, *, now: datetime, ttl: timedelta
    ) -> Lease | None:
        """Take (or renew) ``mailbox``'s lease for ``holder``; None, or the lease of the holder in the way.

        Exactly one process gets it: on SQLite the read and the write happen under the
        database's write lock; on PostgreSQL a row inserted or changed by another process
        meanwhile makes the attempt start over. A database that cannot be written (locked
        past the busy timeout, read-only) raises :class:`StateError`: no pass starts.
        """
        table = schema.leases
        with self.database.translated():
            for _ in range(_LEASE_ATTEMPTS):
                try:
                    with self.database.begin(write=True) as conn:
                        row = (
                            conn.execute(select(table).where(table.c.mailbox == mailbox))
                            .mappings()
                            .first()
                        )
                        if row is None:
                            conn.execute(
                                insert(table).values(
                                    mailbox=mailbox, holder=str(holder), expires_at=now + ttl
                                )
                            )
                            return None
                        current = convert.lease(row)
                        if not current.is_free_for(holder, now):
                            return current
                        # Only if nobody took it since it was read: the holder is part of the match.
                        taken = conn.execute(
                            update(table)
                            .where(table.c.mailbox == mailbox, table.c.holder == row["holder"])
                            .values(holder=str(holder), expires_at=now + ttl)
                        )
                        if taken.rowcount == 1:
                            return None
                except IntegrityError:
                    pass  # another process inserted it first: read it again
        raise StateError(
            f"the lease of mailbox {mailbox} in {self.database.name} changed hands "
            f"{_LEASE_ATTEMPTS} times while being taken; try again"
        )

    def lease(self, mailbox: str) -> Lease | None:
        """``mailbox``'s lease as stored (possibly expired)."""
        table = schema.leases
        with self._tx(write=False) as conn:
            row = conn.execute(select(table).where(table.c.mailbox == mailbox)).mappings().first()
        return None if row is None else convert.lease(row)

    def release_lease(self, mailbox: str, holder: Holder) -> None:
        """Give ``mailbox``'s lease up, if ``holder`` still holds it."""
        table = schema.leases
        with self._tx() as conn:
            conn.execute(
                delete(table).where(table.c.mailbox == mailbox, table.c.holder == str(holder))
            )

    # -- cursors -----------------------------------------------------------------------------

    def cursors(self, mailbox: str) -> dict[Side, str]:
        """The stored cursor of each side."""
        table = schema.cursors
        with self._tx(write=False) as conn:
            rows = conn.execute(
                select(table.c.side, table.c.cursor).where(table.c.mailbox == mailbox)
            )
            return {Side(side): cursor for side, cursor in rows}

    def set_cursor(self, mailbox: str, side: Side, cursor: str | None, at: datetime) -> None:
        """Store (or with ``None`` forget) a side's cursor."""
        table = schema.cursors
        with self._tx() as conn:
            conn.execute(delete(table).where(table.c.mailbox == mailbox, table.c.side == str(side)))
            if cursor is not None:
                conn.execute(
                    insert(table).values(
                        mailbox=mailbox, side=str(side), cursor=cursor, updated_at=at
                    )
                )

    # -- outbox ------------------------------------------------------------------------------

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

    # -- issues ------------------------------------------------------------------------------

    def issues(
        self, mailbox: str | None = None, *, open_only: bool = True, code: str | None = None
    ) -> list[Issue]:
        """Issues, newest first."""
        table = schema.issues
        query = select(table).order_by(table.c.last_seen.desc(), table.c.id.desc())
        if mailbox is not None:
            query = query.where(table.c.mailbox == mailbox)
        if open_only:
            query = query.where(table.c.resolved_at.is_(None))
        if code is not None:
            query = query.where(table.c.code == code)
        with self._tx(write=False) as conn:
            return [convert.issue(row) for row in conn.execute(query).mappings()]

    def save_issue(self, issue: Issue) -> Issue:
        """Insert or update an issue row; returns it with its id."""
        values = {f.name: getattr(issue, f.name) for f in fields(issue)}
        values["side"] = str(issue.side)
        values["item_id"] = issue.item_id or ""
        values["related_ids"] = list(issue.related_ids)
        issue_id = values.pop("id")
        table = schema.issues
        with self._tx() as conn:
            if issue_id is None:
                issue_id = convert.inserted_id(conn.execute(insert(table).values(**values)))
            else:
                conn.execute(update(table).where(table.c.id == issue_id).values(**values))
        return replace(issue, id=issue_id)

    # -- mailbox status ----------------------------------------------------------------------

    def mailbox(self, name: str) -> MailboxState | None:
        """The stored status of mailbox ``name``."""
        table = schema.mailboxes
        with self._tx(write=False) as conn:
            row = conn.execute(select(table).where(table.c.name == name)).mappings().first()
        if row is None:
            return None
        return MailboxState(
            name=row["name"],
            address=row["address"],
            provider=row["provider"],
            status=MailboxStatus(row["status"]),
            enabled=row["enabled"],
            suspended_by=row["suspended_by"],
            reset=ResetState(row["reset"]),
            crm_user=row["crm_user"],
            up_status=DirectionStatus(row["up_status"]),
            down_status=DirectionStatus(row["down_status"]),
            consecutive_failures=row["consecutive_failures"],
            last_pass_at=row["last_pass_at"],
            last_success_at=row["last_success_at"],
        )

    def save_mailbox(self, state: MailboxState) -> None:
        """Insert or update a mailbox's status."""
        values: dict[str, Any] = {f.name: getattr(state, f.name) for f in fields(state)}
        for key in ("status", "reset", "up_status", "down_status"):
            values[key] = str(values[key])
        table = schema.mailboxes
        with self._tx() as conn:
            done = conn.execute(
                update(table).where(table.c.name == state.name).values(**values)
            ).rowcount
            if not done:
                conn.execute(insert(table).values(**values))

    # -- passes and statistics ---------------------------------------------------------------

    def record_pass(self, record: PassRecord) -> None:
        """Remember what a pass did, and forget every pass older than ``keep_passes``."""
        table = schema.passes
        with self._tx() as conn:
            conn.execute(insert(table).values(**asdict(record)))
            if self.keep_passes is not None:
                cutoff = record.finished_at - self.keep_passes
                conn.execute(delete(table).where(table.c.finished_at < cutoff))

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


def check_database(url: str, *, busy_timeout: float = BUSY_TIMEOUT) -> None:
    """Check that calsync can use the database at ``url``, creating and changing nothing.

    :raises StateError: saying what is wrong and what to do, as :class:`State` would.
    """
    database = Database(url, busy_timeout=busy_timeout, create=False)
    try:
        database.check()
    finally:
        database.dispose()
