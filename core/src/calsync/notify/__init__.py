"""Notifications: telling people when a mailbox needs them (EX-22, EX-24).

calsync notifies when a mailbox's credentials are refused and after 10 consecutive failed
passes. Channels are plugins (``calsync_notifiers``); the built-in ones are ``log`` (always
on) and ``smtp``. A notification never carries a secret or any item content.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, final

__all__ = ["Notification", "NotificationKind", "Notifier"]


class NotificationKind(enum.StrEnum):
    """Why someone is told."""

    #: Credentials were refused; the mailbox is suspended until they are renewed.
    AUTH_FAILED = "auth-failed"
    #: Passes keep failing (10 in a row).
    FAILING = "failing"
    #: The organisation's shared credentials work again: every mailbox syncs again.
    RESUMED = "resumed"


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


class Notifier(Protocol):
    """A notification channel."""

    def notify(self, notification: Notification) -> None:
        """Deliver ``notification``; must not raise for delivery problems (log them instead)."""
        ...
