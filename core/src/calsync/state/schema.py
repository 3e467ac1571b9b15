"""The state database's tables (SQLAlchemy Core) and its schema version.

What is stored: which item is whose counterpart, with change tokens and content hashes;
each mailbox's cursors; planned writes not yet confirmed (the outbox); issues with their
lifecycle; mailbox status; one row per pass for statistics; which process syncs each
mailbox now. What is never stored: secrets, and anything of a private item that the
policy keeps in its mailbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "metadata"]

#: Bump when the tables change, with a step in :data:`MIGRATIONS` from the version before;
#: a database of a newer version (or one no step reaches) is refused at start.
SCHEMA_VERSION: Final = 3


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store as naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("state stores aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Read back as aware UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

meta = Table(
    "calsync_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

#: The id map: one row per synced item, series master or occurrence.
links = Table(
    "links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mailbox", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    #: Identity on the mailbox side: the native id, or "<series id>|<original start>".
    Column("mailbox_key", String(512), nullable=False),
    Column("crm_key", String(512), nullable=False),
    Column("mailbox_token", String(255), nullable=False, default=""),
    Column("crm_token", String(255), nullable=False, default=""),
    Column("mailbox_hash", String(64), nullable=False, default=""),
    Column("crm_hash", String(64), nullable=False, default=""),
    #: The CRM event belongs to another mailbox's organizer (EX-09): never written from here.
    Column("shared", Boolean, nullable=False, default=False),
    #: The meeting's iCalendar UID, so attendees' copies find the organizer's event (EX-09).
    Column("uid", String(512), nullable=True, index=True),
    #: Series: the original starts of occurrences already removed on both sides.
    Column("exclusions", JSON, nullable=False, default=list),
    #: Occurrence: it was changed on its own (an exception), so its series no longer sets it.
    Column("detached", Boolean, nullable=False, default=False),
    Column("synced_at", UtcDateTime, nullable=False),
    UniqueConstraint("mailbox", "mailbox_key", name="uq_links_mailbox_key"),
    Index("ix_links_crm", "mailbox", "crm_key"),
)

cursors = Table(
    "cursors",
    metadata,
    Column("mailbox", String(128), primary_key=True),
    Column("side", String(16), primary_key=True),
    Column("cursor", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

#: Writes started but not yet confirmed; replayed (by adoption) after a crash.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mailbox", String(128), nullable=False, index=True),
    #: The side written to.
    Column("side", String(16), nullable=False),
    Column("operation", String(16), nullable=False),
    #: The source item's key: what the created item carries as its counterpart id.
    Column("source_key", String(512), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

issues = Table(
    "issues",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mailbox", String(128), nullable=False),
    Column("code", String(64), nullable=False),
    Column("side", String(16), nullable=False),
    #: The affected item's native id on ``side`` ("" for mailbox-wide issues).
    Column("item_id", String(512), nullable=False, default=""),
    Column("message", Text, nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    Column("count", Integer, nullable=False, default=1),
    Column("resolved_at", UtcDateTime, nullable=True),
    Column("correlation_id", String(64), nullable=True),
    Column("related_ids", JSON, nullable=False, default=list),
    #: Whether a marker is currently shown for it on the mailbox item.
    Column("marked", Boolean, nullable=False, default=False),
    Index("ix_issues_open", "mailbox", "resolved_at"),
)

mailboxes = Table(
    "mailboxes",
    metadata,
    Column("name", String(128), primary_key=True),
    Column("address", String(320), nullable=False),
    Column("provider", String(64), nullable=False),
    #: not-initialized | active | suspended | address-not-linked
    Column("status", String(32), nullable=False),
    #: What an admin chose (`calsync enable` / `disable`).
    Column("enabled", Boolean, nullable=False, default=True),
    #: The code of the issue that suspended it, if any.
    Column("suspended_by", String(64), nullable=True),
    #: "" | marked | in-progress
    Column("reset", String(16), nullable=False, default=""),
    Column("crm_user", String(64), nullable=True),
    Column("up_status", String(32), nullable=False),
    Column("down_status", String(32), nullable=False),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("last_pass_at", UtcDateTime, nullable=True),
    Column("last_success_at", UtcDateTime, nullable=True),
)

#: One row per pass: what it did, for statistics and "last sync activity".
passes = Table(
    "passes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mailbox", String(128), nullable=False, index=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=False, index=True),
    Column("outcome", String(32), nullable=False),
    Column("synced_up", Integer, nullable=False, default=0),
    Column("synced_down", Integer, nullable=False, default=0),
    Column("issues_open", Integer, nullable=False, default=0),
    Column("api_calls", JSON, nullable=False, default=dict),
)

#: Which process syncs a mailbox now (:mod:`calsync.state.lease`); added in version 2.
leases = Table(
    "leases",
    metadata,
    Column("mailbox", String(128), primary_key=True),
    #: ``host:pid`` of the holding process.
    Column("holder", String(320), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)


#: Notifications waiting for the next digest (``[notify] digest_interval``); added in
#: version 3. They never hold item content (see :mod:`calsync.notify`).
notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("mailbox", String(128), nullable=False),
    Column("address", String(320), nullable=False, default=""),
    Column("summary", Text, nullable=False),
    Column("advice", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)


def _add_leases(conn: Connection) -> None:
    leases.create(conn)


def _add_notices(conn: Connection) -> None:
    notices.create(conn)


#: Steps that bring a database from the version of their key to the next one.
MIGRATIONS: Final[dict[int, Callable[[Connection], None]]] = {1: _add_leases, 2: _add_notices}
