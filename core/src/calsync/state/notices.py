"""Notifications waiting to be sent, and when the last digest went out.

Every notification waits in the state database until a channel took it: with
``[notify] digest_interval`` until the interval since the last digest has passed, then
going out as one message; without one at once. Kept in the database, a restart neither
loses what waits nor sends it twice, and several processes (workers) share one schedule:
what waits is claimed before it is sent and forgotten once sent, so a second process
leaves it alone. A send that fails (the mail server down or refusing) forgets nothing: it
is tried again after :func:`retry_delay`, which grows with each failure in a row, so a
server that is down is not called at every pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from calsync.notify import Notification, NotificationKind
from calsync.state import schema
from calsync.state.transactions import Transactional

__all__ = ["RETRY_FIRST", "RETRY_MAX", "SENDING", "NoticeStore", "retry_delay"]

#: The ``calsync_meta`` key of when the last digest went out.
_SENT_AT = "digest_sent_at"
#: The ``calsync_meta`` keys of the failed sends in a row, and when to try again.
_FAILURES, _RETRY_AT = "notice_failures", "notice_retry_at"

#: The wait after a first failed send; it doubles with each further one, up to RETRY_MAX.
RETRY_FIRST: Final = timedelta(minutes=1)
#: The longest wait between two tries: a server back up is used within this.
RETRY_MAX: Final = timedelta(minutes=30)
#: How long a send under way keeps other processes from sending what it sends: longer
#: than a mail server's few timeouts; only a process killed while sending makes it count.
SENDING: Final = timedelta(minutes=10)


def retry_delay(failures: int) -> timedelta:
    """The wait before the next try after ``failures`` failed sends in a row."""
    doublings = min(max(failures - 1, 0), 16)  # bounded: the product stays small
    return min(RETRY_FIRST * (1 << doublings), RETRY_MAX)


class NoticeStore(Transactional):
    """Notifications waiting to be sent (part of :class:`~calsync.state.State`)."""

    def hold_notice(self, notification: Notification) -> None:
        """Keep ``notification`` until it is sent."""
        with self._tx() as conn:
            conn.execute(
                insert(schema.notices).values(
                    kind=str(notification.kind),
                    mailbox=notification.mailbox,
                    address=notification.address,
                    summary=notification.summary,
                    advice=notification.advice,
                    at=notification.at,
                )
            )

    def send_due_notices(
        self,
        now: datetime,
        interval: timedelta,
        send: Callable[[Sequence[Notification]], bool],
    ) -> int:
        """Send what waits if ``interval`` passed since the last digest; return how many still wait.

        ``send`` gets the waiting notifications, oldest first, and says whether they went
        out: if so they are forgotten, with the time recorded; if not they stay, and the
        next try waits :func:`retry_delay`.
        """
        notices = schema.notices
        with self._tx(write=False) as conn:
            # Most passes find nothing waiting: they need not wait for the write lock.
            if conn.execute(select(notices.c.id).limit(1)).first() is None:
                return 0
        with self._tx() as conn:
            rows = conn.execute(select(notices).order_by(notices.c.id)).all()
            values = _meta(conn)
            last = values.get(_SENT_AT)
            if last is not None and now - datetime.fromisoformat(last) < interval:
                return len(rows)
            retry_at = values.get(_RETRY_AT)
            if rows and retry_at is not None and now < datetime.fromisoformat(retry_at):
                return len(rows)
            if not rows:
                return 0
            # Claimed as a failed try until it is known to have gone: another process
            # leaves it alone meanwhile, and one killed while sending loses nothing.
            failures = int(values.get(_FAILURES, "0")) + 1
            _put(conn, _FAILURES, str(failures))
            _put(conn, _RETRY_AT, (now + max(retry_delay(failures), SENDING)).isoformat())
        # The mail server is talked to outside any transaction: a slow or silent one never
        # holds the state database's write lock.
        if not send([_notification(row._mapping) for row in rows]):
            with self._tx() as conn:
                _put(conn, _RETRY_AT, (now + retry_delay(failures)).isoformat())
            return len(rows)
        with self._tx() as conn:
            # Forgotten once sent (a process killed in between sends them once more);
            # those held while it was sent stay for the next time.
            conn.execute(delete(notices).where(notices.c.id <= rows[-1].id))
            conn.execute(delete(schema.meta).where(schema.meta.c.key.in_((_FAILURES, _RETRY_AT))))
            _put(conn, _SENT_AT, now.isoformat())
        return 0


def _meta(conn: Connection) -> dict[str, str]:
    meta = schema.meta
    keys = (_SENT_AT, _FAILURES, _RETRY_AT)
    return {
        row.key: row.value
        for row in conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.in_(keys)))
    }


def _put(conn: Connection, key: str, value: str) -> None:
    """Set ``key`` in ``calsync_meta``."""
    meta = schema.meta
    if conn.execute(update(meta).where(meta.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(meta).values(key=key, value=value))


def _notification(values: RowMapping) -> Notification:
    return Notification(
        kind=NotificationKind(values["kind"]),
        mailbox=values["mailbox"],
        address=values["address"],
        summary=values["summary"],
        advice=values["advice"],
        at=values["at"],
    )
