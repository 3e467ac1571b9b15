"""Who is syncing a mailbox right now: one process at a time, even across machines.

Two ``calsync sync`` runs against one state database (a ``--watch`` service and a
person's manual run, say) would each see the same changes and each create the
counterparts. Before a pass, the engine takes the mailbox's lease in the state database;
another process finds it taken and leaves the mailbox alone. A lease names its holder by
host and process id, so a run that follows a killed one on the same host takes over at
once; a holder on another host is waited out until the lease expires. A pass renews its
lease between its steps once a quarter of it has passed (:data:`RENEW_AFTER`), and stops if
it finds that another process took it meanwhile.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Self

from sqlalchemy import Connection, Executable, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from calsync.errors import StateError
from calsync.state import schema
from calsync.state.transactions import Transactional

__all__ = ["LEASE_TIME", "RENEW_AFTER", "Holder", "Lease", "LeaseLost", "LeaseStore"]

#: How long a lease lasts unless renewed (a pass renews it between its steps). Only a holder
#: on another host that died mid-pass keeps a mailbox waiting this long.
LEASE_TIME: Final = timedelta(hours=1)
#: How long a pass goes on before it renews its lease: until then three quarters of it are
#: left, so no other process may have taken it, and there is nothing to check.
RENEW_AFTER: Final = LEASE_TIME / 4
#: How often taking a lease starts over when other processes change it meanwhile.
_LEASE_ATTEMPTS: Final = 5


@dataclass(frozen=True, slots=True)
class Holder:
    """A process that may hold leases."""

    host: str
    pid: int

    @classmethod
    def this_process(cls) -> Self:
        """The running process."""
        return cls(host=socket.gethostname(), pid=os.getpid())

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read a holder back from its stored form ``host:pid``."""
        host, _, pid = text.rpartition(":")
        return cls(host=host, pid=int(pid) if pid.isdigit() else 0)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"

    def is_gone(self) -> bool:
        """Whether this holder is known to have ended (a process of this host that no longer runs)."""
        if self.host != socket.gethostname() or self.pid <= 0:
            return False  # another host's processes cannot be seen from here
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False  # it runs, as another user
        return False


@dataclass(frozen=True, slots=True, kw_only=True)
class Lease:
    """A mailbox's lease as stored."""

    mailbox: str
    holder: Holder
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        """Whether the lease still holds at ``now``: not expired, its holder not gone."""
        return self.expires_at > now and not self.holder.is_gone()

    def is_free_for(self, holder: Holder, now: datetime) -> bool:
        """Whether ``holder`` may take this lease at ``now``."""
        return self.holder == holder or not self.is_live(now)


class LeaseLost(Exception):
    """Another process took a mailbox's lease in the middle of a pass (it had expired)."""

    def __init__(self, lease: Lease) -> None:
        """Name the lease as the other process now holds it."""
        super().__init__(f"{lease.holder} took over the sync of {lease.mailbox}")
        self.lease = lease


class LeaseStore(Transactional):
    """Every mailbox's lease (part of :class:`~calsync.state.State`)."""

    def take_lease(
        self, mailbox: str, holder: Holder, *, now: datetime, ttl: timedelta
    ) -> Lease | None:
        """Take (or renew) ``mailbox``'s lease for ``holder``; None, or the lease of the holder in the way.

        Exactly one process gets it. One statement claims it where it is free (no row, the
        holder's own, or expired): on SQLite under the database's write lock, on PostgreSQL
        as an ``INSERT ... ON CONFLICT DO UPDATE ... WHERE``, which waits for another
        process's claim of the same row and then finds it taken. Only a lease in the way is
        read, to name its holder, or to take it over from a process of this host that is
        gone. Inside :meth:`atomic` it is part of the block's transaction. A database that
        cannot be written (locked past the busy timeout, read-only) raises
        :class:`StateError`: no pass starts.
        """
        table = schema.leases
        mine, until = str(holder), now + ttl
        with self._tx() as conn:
            claim = _claim(conn, mailbox, mine, now, until)
            for _ in range(_LEASE_ATTEMPTS):
                if claim is not None and conn.execute(claim).first() is not None:
                    return None
                row = (
                    conn.execute(select(table).where(table.c.mailbox == mailbox)).mappings().first()
                )
                if row is None:
                    if claim is not None:
                        continue  # given up since the claim: claimed again
                    conn.execute(
                        insert(table).values(mailbox=mailbox, holder=mine, expires_at=until)
                    )
                    return None
                current = _lease(row)
                if not current.is_free_for(holder, now):
                    return current
                # Its holder is gone: only if nobody took it since it was read.
                taken = conn.execute(
                    update(table)
                    .where(table.c.mailbox == mailbox, table.c.holder == row["holder"])
                    .values(holder=mine, expires_at=until)
                )
                if taken.rowcount == 1:
                    return None
        raise StateError(
            f"the lease of mailbox {mailbox} in {self.database.name} changed hands "
            f"{_LEASE_ATTEMPTS} times while being taken; try again"
        )

    def lease(self, mailbox: str) -> Lease | None:
        """``mailbox``'s lease as stored (possibly expired)."""
        table = schema.leases
        with self._tx(write=False) as conn:
            row = conn.execute(select(table).where(table.c.mailbox == mailbox)).mappings().first()
        return None if row is None else _lease(row)

    def release_lease(self, mailbox: str, holder: Holder) -> None:
        """Give ``mailbox``'s lease up, if ``holder`` still holds it."""
        table = schema.leases
        with self._tx() as conn:
            conn.execute(
                delete(table).where(table.c.mailbox == mailbox, table.c.holder == str(holder))
            )


def _lease(row: Any) -> Lease:
    return Lease(
        mailbox=row["mailbox"], holder=Holder.parse(row["holder"]), expires_at=row["expires_at"]
    )


def _claim(
    conn: Connection, mailbox: str, holder: str, now: datetime, until: datetime
) -> Executable | None:
    """The statement that takes ``mailbox``'s lease where it is free, naming it if it did.

    ``None`` for a database without ``INSERT ... ON CONFLICT`` (only SQLite and PostgreSQL
    have one that calsync knows): the lease is then read first and written after.
    """
    table = schema.leases
    dialect = conn.dialect.name
    if dialect == "postgresql":
        claim: postgresql.Insert | sqlite.Insert = postgresql.insert(table)
    elif dialect == "sqlite":
        claim = sqlite.insert(table)
    else:
        return None
    claim = claim.values(mailbox=mailbox, holder=holder, expires_at=until)
    return claim.on_conflict_do_update(
        index_elements=[table.c.mailbox],
        set_={"holder": claim.excluded.holder, "expires_at": claim.excluded.expires_at},
        where=or_(table.c.holder == holder, table.c.expires_at <= now),
    ).returning(table.c.mailbox)
