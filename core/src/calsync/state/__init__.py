"""The state database (SQLAlchemy Core): the embedded default SQLite file, or PostgreSQL.

:class:`State` (:mod:`.store`) is the only way the rest of calsync reads or writes it,
one store per concern: links, leases, cursors, outbox, issues, mailbox status, pass
history, notifications waiting for a digest. Several writes can be grouped with
:meth:`State.atomic`, which the engine uses so that the results of a batch of writes, the
removal of their outbox entries and the links they create are committed together or not
at all. Inside :meth:`State.pass_rows` a mailbox's rows are read once for its pass
(:mod:`.pass_rows`).
"""

from calsync.state.database import BUSY_TIMEOUT
from calsync.state.history import KEEP_PASSES
from calsync.state.outbox import OutboxEntry
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
from calsync.state.store import State, check_database

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
