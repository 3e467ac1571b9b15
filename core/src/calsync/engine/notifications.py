"""Telling people: the channels, a round's digest, and what a pass's end is worth a message.

A credential refused (EX-22) and :data:`FAILURES_BEFORE_NOTICE` failed passes in a row
(EX-24) notify the people who look after the mailbox. Within a round, notifications are
held and go out at its end as one digest; outside one (``calsync enable``, a worker's
single pass) they go out at once. They pass through the state database
(:mod:`calsync.state.notices`): with ``[notify] digest_interval`` they wait there and go
out as one digest at most once per interval, and a channel that could not deliver
(:class:`~calsync.notify.NotDelivered`: the mail server down or refusing) leaves them
there, to be sent again at the end of a later round or pass. A channel that fails is
logged and the others still send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Final

from calsync.config import MailboxConfig, NotifyConfig
from calsync.engine.calls import side_name
from calsync.engine.plan import Hit
from calsync.issues import definition
from calsync.notify import NotDelivered, Notification, NotificationKind, Notifier, digest
from calsync.plugins import Registry
from calsync.state import State
from calsync.state.records import MailboxState

__all__ = ["FAILURES_BEFORE_NOTICE", "Notifications"]

logger = logging.getLogger("calsync.engine")

#: Consecutive failed passes after which the people looking after a mailbox are told.
FAILURES_BEFORE_NOTICE: Final = 10


class Notifications:
    """The enabled channels, and what is held for the round under way.

    :param registry: the plugins (asked on first need, for the channels ``[notify]`` names).
    :param given: ready channels (tests); built from ``[notify]`` otherwise.
    """

    def __init__(
        self,
        config: NotifyConfig,
        *,
        registry: Callable[[], Registry],
        given: Sequence[Notifier] | None = None,
        state: State | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Send through the channels ``config`` enables (or ``given``).

        :param state: where notifications wait for the next digest (with a digest interval).
        """
        self._config, self._registry = config, registry
        self._state, self._clock = state, clock or (lambda: datetime.now(UTC))
        self._channels = list(given) if given is not None else None
        #: The notifications of the round under way, sent as one digest at its end.
        self._held: list[Notification] | None = None
        #: Whether notifications may wait in the state database (a failed send, a digest
        #: not yet due, or an earlier process's): a pass outside a round then looks.
        self._waiting = True

    @property
    def channels(self) -> list[Notifier]:
        """The enabled notification channels."""
        if self._channels is None:
            from calsync.notify.log import LogNotifier

            built: list[Notifier] = []
            for name in self._config.channels:
                spec = self._registry().notifiers.get(name)
                if spec is None:
                    if name == "log":
                        built.append(LogNotifier())
                    continue
                built.append(spec.factory(self._config.settings.get(name)))
            self._channels = built
        return self._channels

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold what is delivered inside the block; send it as one digest when it ends."""
        self._held = []
        try:
            yield
        finally:
            held, self._held = self._held, None
            self._out(held)

    def deliver(self, notification: Notification) -> None:
        """Send ``notification`` (at the end of the round under way, if one is)."""
        if self._held is not None:
            self._held.append(notification)
            return
        self._out([notification])

    def _out(self, notifications: Sequence[Notification]) -> None:
        """Send ``notifications`` as one message, with what still waits, when it is due."""
        if self._state is None:  # nowhere to keep them: a failed send is only logged
            if notifications:
                self._send_together(notifications)
            return
        for notification in notifications:
            self._state.hold_notice(notification)
        interval = self._config.digest_interval or timedelta(0)
        waiting = self._state.send_due_notices(self._clock(), interval, self._send_together)
        self._waiting = waiting > 0

    def _send_together(self, notifications: Sequence[Notification]) -> bool:
        return self._send(notifications[0] if len(notifications) == 1 else digest(notifications))

    def after_pass(
        self, mailbox: MailboxConfig, status: MailboxState, hits: Sequence[Hit], at: datetime
    ) -> None:
        """Tell people what the pass that just ended (``hits``, ``status``) needs them for."""
        auth = next((h for h in hits if h.code == "AUTH_FAILED"), None)
        if auth is not None:
            who = side_name(auth.side)
            self._tell(
                mailbox,
                NotificationKind.AUTH_FAILED,
                f"the {who} refused the credentials; sync is suspended",
                definition("AUTH_FAILED").render_advice(side=who, mailbox=mailbox.name),
                at,
            )
        if status.consecutive_failures == FAILURES_BEFORE_NOTICE:
            self._tell(
                mailbox,
                NotificationKind.FAILING,
                f"{FAILURES_BEFORE_NOTICE} passes in a row failed",
                f"Run `calsync issues --mailbox {mailbox.name}` to see why.",
                at,
            )
        told = auth is not None or status.consecutive_failures == FAILURES_BEFORE_NOTICE
        if not told and self._held is None and self._waiting:
            self._out(())  # a worker's pass: what waits goes out when due, rounds or not

    def _tell(
        self,
        mailbox: MailboxConfig,
        kind: NotificationKind,
        summary: str,
        advice: str,
        at: datetime,
    ) -> None:
        self.deliver(
            Notification(
                kind=kind,
                mailbox=mailbox.name,
                address=mailbox.address,
                summary=summary,
                advice=advice,
                at=at,
            )
        )

    def _send(self, notification: Notification) -> bool:
        """Send through every channel; whether none said it must be sent again."""
        delivered = True
        for notifier in self.channels:
            try:
                notifier.notify(notification)
            except NotDelivered:
                delivered = False  # the channel logged why
            except Exception:
                logger.exception("notification channel %r failed", notifier)
        return delivered
