"""The ``log`` channel: notifications as warnings in calsync's log."""

from __future__ import annotations

import logging

from calsync.notify import Notification

__all__ = ["LogNotifier"]

logger = logging.getLogger("calsync.notify")


class LogNotifier:
    """Writes every notification to the ``calsync.notify`` logger."""

    def __init__(self, settings: object = None) -> None:
        """The log channel takes no settings."""

    def notify(self, notification: Notification) -> None:
        """Log ``notification`` as a warning."""
        logger.warning(
            "%s: %s — %s", notification.mailbox, notification.summary, notification.advice
        )
