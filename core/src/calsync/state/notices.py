"""Notifications held for the next digest, and when the last digest went out.

With ``[notify] digest_interval``, what a round would tell people waits in the state
database until the interval since the last digest has passed; then it goes out as one
message. Kept in the database, a restart neither loses what waits nor sends it twice, and
several processes (workers) share one schedule: the digest is taken, sent and recorded
in one transaction, so a second process finds nothing left to send.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import RowMapping, delete, insert, select, update

from calsync.notify import Notification, NotificationKind
from calsync.state import schema
from calsync.state.transactions import Transactional

__all__ = ["NoticeStore"]

#: The ``calsync_meta`` key of when the last digest went out.
_SENT_AT = "digest_sent_at"


class NoticeStore(Transactional):
    """Notifications waiting for the next digest (part of :class:`~calsync.state.State`)."""

    def hold_notice(self, notification: Notification) -> None:
        """Keep ``notification`` for the next digest."""
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
        send: Callable[[Sequence[Notification]], None],
    ) -> int:
        """Send what is held if ``interval`` passed since the last digest; return how many.

        ``send`` gets the held notifications, oldest first, inside the transaction that then
        forgets them and records the time: killed while sending, nothing is lost.
        """
        meta, notices = schema.meta, schema.notices
        with self.atomic(), self._tx() as conn:
            last = conn.execute(
                select(meta.c.value).where(meta.c.key == _SENT_AT)
            ).scalar_one_or_none()
            if last is not None and now - datetime.fromisoformat(last) < interval:
                return 0
            rows = conn.execute(select(notices).order_by(notices.c.id)).all()
            if not rows:
                return 0
            send([_notification(row._mapping) for row in rows])
            conn.execute(delete(notices).where(notices.c.id <= rows[-1].id))
            if last is None:
                conn.execute(insert(meta).values(key=_SENT_AT, value=now.isoformat()))
            else:
                conn.execute(
                    update(meta).where(meta.c.key == _SENT_AT).values(value=now.isoformat())
                )
            return len(rows)


def _notification(values: RowMapping) -> Notification:
    return Notification(
        kind=NotificationKind(values["kind"]),
        mailbox=values["mailbox"],
        address=values["address"],
        summary=values["summary"],
        advice=values["advice"],
        at=values["at"],
    )
