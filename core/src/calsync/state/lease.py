"""Who is syncing a mailbox right now: one process at a time, even across machines.

Two ``calsync sync`` runs against one state database (a ``--watch`` service and a
person's manual run, say) would each see the same changes and each create the
counterparts. Before a pass, the engine takes the mailbox's lease in the state database;
another process finds it taken and leaves the mailbox alone. A lease names its holder by
host and process id, so a run that follows a killed one on the same host takes over at
once; a holder on another host is waited out until the lease expires. A pass renews its
lease between its steps, and stops if it finds that another process took it meanwhile.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Self

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from calsync.errors import StateError
from calsync.state import schema
from calsync.state.transactions import Transactional

__all__ = ["LEASE_TIME", "Holder", "Lease", "LeaseLost", "LeaseStore"]

#: How long a lease lasts unless renewed (a pass renews it between its steps). Only a holder
#: on another host that died mid-pass keeps a mailbox waiting this long.
LEASE_TIME: Final = timedelta(hours=1)
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
                        current = _lease(row)
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
