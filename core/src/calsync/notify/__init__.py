"""Notifications: telling people when a mailbox needs them (EX-22, EX-24).

calsync notifies when a mailbox's credentials are refused and after 10 consecutive failed
passes. Channels are plugins (``calsync_notifiers``); the built-in ones are ``log`` (always
on) and ``smtp``. A notification never carries a secret or any item content.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, final

__all__ = ["NotDelivered", "Notification", "NotificationKind", "Notifier", "digest"]


class NotificationKind(enum.StrEnum):
    """Why someone is told."""

    #: Credentials were refused; the mailbox is suspended until they are renewed.
    AUTH_FAILED = "auth-failed"
    #: Passes keep failing (10 in a row).
    FAILING = "failing"
    #: The organisation's shared credentials work again: every mailbox syncs again.
    RESUMED = "resumed"
    #: Another sync product writes the same events into the CRM (duplicates).
    OTHER_SYNC_PRODUCT = "other-sync-product"
    #: Several of the above from one round, in one message.
    DIGEST = "digest"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Notification:
    """One message to the people who look after a mailbox."""

    kind: NotificationKind
    mailbox: str
    address: str
    #: One line: what happened.
    summary: str
    #: What to do about it.
    advice: str
    at: datetime

    @property
    def subject(self) -> str:
        """An e-mail subject."""
        return f"calsync: {self.summary} ({self.mailbox})"

    @property
    def text(self) -> str:
        """The plain-text body."""
        who = f"Mailbox: {self.mailbox} <{self.address}>" if self.address else "The organisation"
        return (
            f"{who}\n"
            f"When: {self.at.isoformat(timespec='seconds')}\n\n"
            f"{self.summary}\n\nWhat to do: {self.advice}\n"
        )


def digest(notifications: Sequence[Notification]) -> Notification:
    """One message for a round's notifications, listing each mailbox and what to do.

    People get one e-mail per round, not one per mailbox.
    """
    lines = [f"- {n.mailbox}: {n.summary}. {n.advice}" for n in notifications]
    return Notification(
        kind=NotificationKind.DIGEST,
        mailbox=f"{len(notifications)} notifications",
        address="",
        summary=f"{len(notifications)} things need attention",
        advice="\n" + "\n".join(lines),
        at=max(n.at for n in notifications),
    )


class NotDelivered(Exception):
    """A channel could not deliver a notification now (its server down or refusing).

    The channel has logged why; calsync keeps the notification and tries again later.
    """


class Notifier(Protocol):
    """A notification channel."""

    def notify(self, notification: Notification) -> None:
        """Deliver ``notification``.

        :raises NotDelivered: it did not go out (logged by the channel): it is sent again later.
        """
        ...
