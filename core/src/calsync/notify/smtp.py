"""The ``smtp`` channel: notifications by e-mail."""

from __future__ import annotations

import enum
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Final

from calsync.config.secrets import Secret
from calsync.config.values import Seconds
from calsync.notify import Notification

__all__ = ["SmtpNotifier", "SmtpSettings", "Tls"]

logger = logging.getLogger("calsync.notify")


class Tls(enum.StrEnum):
    """How the connection to the SMTP server is protected."""

    NONE = "none"
    STARTTLS = "starttls"
    #: TLS from the first byte (SMTPS, usually port 465).
    IMPLICIT = "implicit"


#: Seconds to wait for the mail server, unless the settings say otherwise.
DEFAULT_TIMEOUT: Final = Seconds(30.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    """``[notify.smtp]``."""

    host: str
    port: int = 587
    tls: Tls = Tls.STARTTLS
    sender: str
    recipients: tuple[str, ...]
    username: str | None = None
    password: Secret | None = None
    timeout: Seconds = DEFAULT_TIMEOUT


class SmtpNotifier:
    """Sends each notification as a plain-text e-mail."""

    def __init__(self, settings: SmtpSettings) -> None:
        """Send through the server ``settings`` describe."""
        self.settings = settings

    def notify(self, notification: Notification) -> None:
        """Send the e-mail; delivery failures are logged, never raised into the sync."""
        settings = self.settings
        message = EmailMessage()
        message["From"] = settings.sender
        message["To"] = ", ".join(settings.recipients)
        message["Subject"] = notification.subject
        # RFC 5322 requires Date; Message-ID lets mail systems thread and de-duplicate.
        message["Date"] = format_datetime(notification.at)
        message["Message-ID"] = make_msgid("calsync", domain=_domain(settings.sender))
        message.set_content(notification.text)
        try:
            if settings.tls is Tls.IMPLICIT:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host,
                    settings.port,
                    timeout=settings.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            with client:
                if settings.tls is Tls.STARTTLS:
                    client.starttls(context=ssl.create_default_context())
                if settings.username and settings.password is not None:
                    client.login(settings.username, settings.password.reveal())
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            logger.error(
                "could not send the notification for %s by e-mail: %s", notification.mailbox, exc
            )


def _domain(address: str) -> str | None:
    """The domain of ``address`` (for Message-IDs), or the host's own name when it has none."""
    return address.rpartition("@")[2] or None
