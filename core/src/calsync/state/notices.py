"""Notifications held for the next digest, and when the last digest went out.

With ``[notify] digest_interval``, what a round would tell people waits in the state
database until the interval since the last digest has passed; then it goes out as one
message. Kept in the database, a restart neither loses what waits nor sends it twice, and
several processes (workers) share one schedule: the digest is taken, sent and recorded
in one transaction, so a second process finds nothing left to send. (Functions of the
state package: they use :class:`~calsync.state.State`'s own transactions.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import RowMapping, delete, insert, select, update

from calsync.notify import Notification, NotificationKind
from calsync.state import State, schema

__all__ = ["hold", "send_due"]

#: The ``calsync_meta`` key of when the last digest went out.
_SENT_AT = "digest_sent_at"


def hold(state: State, notification: Notification) -> None:
    """Keep ``notification`` for the next digest."""
    with state._tx() as conn:
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


def send_due(
    state: State,
    now: datetime,
    interval_seconds: float,
    send: Callable[[Sequence[Notification]], None],
) -> int:
    """Send what is held, if ``interval_seconds`` passed since the last digest; return how many.

    ``send`` gets the held notifications, oldest first, inside the transaction that then
    forgets them and records the time: killed while sending, nothing is lost.
    """
    with state.atomic(), state._tx() as conn:
        last = conn.execute(
            select(schema.meta.c.value).where(schema.meta.c.key == _SENT_AT)
        ).scalar_one_or_none()
        if last is not None and (now - datetime.fromisoformat(last)).total_seconds() < (
            interval_seconds
        ):
            return 0
        rows = conn.execute(select(schema.notices).order_by(schema.notices.c.id)).all()
        if not rows:
            return 0
        send([_notification(row._mapping) for row in rows])
        conn.execute(delete(schema.notices).where(schema.notices.c.id <= rows[-1].id))
        values = {"key": _SENT_AT, "value": now.isoformat()}
        if last is None:
            conn.execute(insert(schema.meta).values(**values))
        else:
            conn.execute(update(schema.meta).where(schema.meta.c.key == _SENT_AT).values(**values))
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
