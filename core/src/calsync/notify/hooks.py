"""Registers the built-in notification channels, like any other plugin."""

from __future__ import annotations

from collections.abc import Iterator

from calsync.notify.log import LogNotifier
from calsync.notify.smtp import SmtpNotifier, SmtpSettings
from calsync.plugins import NotifierSpec, hookimpl


@hookimpl
def calsync_notifiers() -> Iterator[NotifierSpec]:
    """``log`` (always on) and ``smtp``."""
    yield NotifierSpec(name="log", factory=LogNotifier)
    yield NotifierSpec(name="smtp", factory=SmtpNotifier, settings_type=SmtpSettings)
