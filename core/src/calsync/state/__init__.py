"""The state database (SQLAlchemy Core): the embedded default SQLite file, or PostgreSQL.

:class:`State` is the only way the rest of calsync reads or writes it. Several writes can
be grouped with :meth:`State.atomic`, which the engine uses so that the results of a
batch of writes, the removal of their outbox entries and the links they create are
committed together or not at all.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib.util
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError

from calsync.errors import StateError
from calsync.issues import Issue, Source
from calsync.state import schema
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
]


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
    """Access to one state database."""

    def __init__(self, url: str) -> None:
        """Open (and on first use create) the database at ``url``; refuse another schema version."""
        self.url = url
        try:
            self.engine: Engine = create_engine(_with_driver(url), future=True)
            try:
                self._prepare()
            except BaseException:
                self.engine.dispose()
                raise
        except SQLAlchemyError as exc:
            raise StateError(f"cannot use the state database {self._safe_url()}: {exc}") from exc
        except ImportError as exc:
            raise StateError(
                f"cannot use the state database {self._safe_url()}: its driver {exc.name!r} is "
                "not installed (for PostgreSQL: pip install 'calsync[postgresql]')"
            ) from exc
        self._conn: contextvars.ContextVar[Connection | None] = contextvars.ContextVar(
            f"calsync-state-{id(self)}", default=None
        )

    def _safe_url(self) -> str:
        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except ArgumentError:
            return "(an unreadable URL)"

    def _prepare(self) -> None:
        existing = set(inspect(self.engine).get_table_names())
        if "calsync_meta" in existing:
            with self.engine.connect() as conn:
                found = conn.execute(
                    select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
                ).scalar()
            self._migrate(found)
            return
        if existing & {t.name for t in schema.metadata.sorted_tables}:
            raise StateError(
                f"{self._safe_url()} holds tables that are not calsync's; use another database"
            )
        schema.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            conn.execute(
                insert(schema.meta).values(key="schema_version", value=str(schema.SCHEMA_VERSION))
            )

    def _migrate(self, found: str | None) -> None:
        """Bring a database of an earlier schema version up to this one, step by step."""
        version = int(found) if found is not None and found.isdigit() else None
        if (
            version is None
            or version > schema.SCHEMA_VERSION
            or version not in (set(schema.MIGRATIONS) | {schema.SCHEMA_VERSION})
        ):
            raise StateError(
                f"the state database {self._safe_url()} has schema version {found}, "
                f"this calsync needs version {schema.SCHEMA_VERSION}; point `state` at a new "
                "database (calsync adopts existing counterparts, nothing is duplicated)"
            )
        with self.engine.begin() as conn:
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
        self.engine.dispose()

    # -- transactions ----------------------------------------------------------------------

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """Group every write inside the block into one transaction."""
        if self._conn.get() is not None:
            yield
            return
        with self.engine.begin() as conn:
            token = self._conn.set(conn)
            try:
                yield
            finally:
                self._conn.reset(token)

    @contextlib.contextmanager
    def _tx(self) -> Iterator[Connection]:
        current = self._conn.get()
        if current is not None:
            yield current
            return
        with self.engine.begin() as conn:
            yield conn

    # -- links -------------------------------------------------------------------------------

    def links(self, mailbox: str) -> list[Link]:
        """Every link of ``mailbox``."""
        with self._tx() as conn:
            rows = conn.execute(
                select(schema.links).where(schema.links.c.mailbox == mailbox)
            ).mappings()
            return [_link(row) for row in rows]

    def save_links(self, links: Iterable[Link]) -> None:
        """Insert new links (no id yet) and update the others."""
        new: list[Link] = []
        known: list[Link] = []
        for link in links:
            (known if link.id is not None else new).append(link)
        with self._tx() as conn:
            for link in new:
                values = _link_values(link)
                values.pop("id")
                link.id = _inserted_id(conn.execute(insert(schema.links).values(**values)))
            if known:
                table = schema.links
                for link in known:
                    values = _link_values(link)
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
        with self._tx() as conn:
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
        """Take (or renew) ``mailbox``'s lease for ``holder``; None, or the lease of the holder in the way."""
        table = schema.leases
        expires_at = now + ttl
        try:
            with self.engine.begin() as conn:
                row = (
                    conn.execute(select(table).where(table.c.mailbox == mailbox)).mappings().first()
                )
                if row is None:
                    conn.execute(
                        insert(table).values(
                            mailbox=mailbox, holder=str(holder), expires_at=expires_at
                        )
                    )
                    return None
                current = Lease(
                    mailbox=mailbox,
                    holder=Holder.parse(row["holder"]),
                    expires_at=row["expires_at"],
                )
                if not current.is_free_for(holder, now):
                    return current
                # Only if nobody took it since it was read: the holder is part of the match.
                taken = conn.execute(
                    update(table)
                    .where(table.c.mailbox == mailbox, table.c.holder == row["holder"])
                    .values(holder=str(holder), expires_at=expires_at)
                )
                if taken.rowcount == 1:
                    return None
        except (IntegrityError, OperationalError):
            # Another process inserted it first, or (SQLite) held the write lock: read who.
            pass
        found = self.lease(mailbox)
        return found if found is not None and found.holder != holder else None

    def lease(self, mailbox: str) -> Lease | None:
        """``mailbox``'s lease as stored (possibly expired)."""
        table = schema.leases
        with self._tx() as conn:
            row = conn.execute(select(table).where(table.c.mailbox == mailbox)).mappings().first()
        if row is None:
            return None
        return Lease(
            mailbox=mailbox, holder=Holder.parse(row["holder"]), expires_at=row["expires_at"]
        )

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
        with self._tx() as conn:
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
        with self._tx() as conn:
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
                ids.append(_inserted_id(conn.execute(insert(schema.outbox).values(**values))))
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
        with self._tx() as conn:
            return [_issue(row) for row in conn.execute(query).mappings()]

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
                issue_id = _inserted_id(conn.execute(insert(table).values(**values)))
            else:
                conn.execute(update(table).where(table.c.id == issue_id).values(**values))
        from dataclasses import replace

        return replace(issue, id=issue_id)

    # -- mailbox status ----------------------------------------------------------------------

    def mailbox(self, name: str) -> MailboxState | None:
        """The stored status of mailbox ``name``."""
        table = schema.mailboxes
        with self._tx() as conn:
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

    def forget_mailbox_sync(self, mailbox: str) -> None:
        """Drop a mailbox's links, cursors and outbox (a reset); issues and history stay."""
        with self._tx() as conn:
            for table in (schema.links, schema.cursors, schema.outbox):
                conn.execute(delete(table).where(table.c.mailbox == mailbox))

    # -- passes and statistics ---------------------------------------------------------------

    def record_pass(self, record: PassRecord) -> None:
        """Remember what a pass did."""
        with self._tx() as conn:
            conn.execute(insert(schema.passes).values(**asdict(record)))

    def synced_since(self, moment: datetime, mailbox: str | None = None) -> int:
        """Records synced (both directions) by passes that finished after ``moment``."""
        table = schema.passes
        query = select(func.coalesce(func.sum(table.c.synced_up + table.c.synced_down), 0)).where(
            table.c.finished_at > moment
        )
        if mailbox is not None:
            query = query.where(table.c.mailbox == mailbox)
        with self._tx() as conn:
            return int(conn.execute(query).scalar() or 0)

    def last_activity(self) -> datetime | None:
        """When the last pass that synced something finished."""
        table = schema.passes
        with self._tx() as conn:
            return conn.execute(
                select(func.max(table.c.finished_at)).where(
                    table.c.synced_up + table.c.synced_down > 0
                )
            ).scalar()

    def recent_passes(self, mailbox: str, limit: int = 10) -> list[PassRecord]:
        """The last passes of ``mailbox``, newest first."""
        table = schema.passes
        with self._tx() as conn:
            rows = conn.execute(
                select(table)
                .where(table.c.mailbox == mailbox)
                .order_by(table.c.id.desc())
                .limit(limit)
            ).mappings()
            return [PassRecord(**{k: v for k, v in row.items() if k != "id"}) for row in rows]


def _inserted_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _link(row: Any) -> Link:
    return Link(
        id=row["id"],
        mailbox=row["mailbox"],
        kind=LinkKind(row["kind"]),
        mailbox_key=row["mailbox_key"],
        crm_key=row["crm_key"],
        mailbox_token=row["mailbox_token"],
        crm_token=row["crm_token"],
        mailbox_hash=row["mailbox_hash"],
        crm_hash=row["crm_hash"],
        shared=row["shared"],
        uid=row["uid"],
        exclusions=list(row["exclusions"] or []),
        detached=row["detached"],
        synced_at=row["synced_at"],
    )


def _link_values(link: Link) -> dict[str, Any]:
    values = {f.name: getattr(link, f.name) for f in fields(link)}
    values["kind"] = str(link.kind)
    values["exclusions"] = list(link.exclusions)
    return values


def _issue(row: Any) -> Issue:
    return Issue(
        id=row["id"],
        code=row["code"],
        mailbox=row["mailbox"],
        side=Source(row["side"]),
        item_id=row["item_id"] or None,
        message=row["message"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        count=row["count"],
        resolved_at=row["resolved_at"],
        correlation_id=row["correlation_id"],
        related_ids=tuple(row["related_ids"] or ()),
        marked=row["marked"],
    )


def _with_driver(url: str) -> URL | str:
    """``postgresql://`` through psycopg 3 (what ``calsync[postgresql]`` installs).

    SQLAlchemy takes a bare ``postgresql://`` to mean psycopg2; a URL naming its driver
    (``postgresql+psycopg2://``) is left as it is.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # create_engine names what is wrong with it
    if parsed.drivername == "postgresql" and importlib.util.find_spec("psycopg") is not None:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed
