"""The ``smtp`` channel: notifications by e-mail."""

from __future__ import annotations

import enum
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Final

from calsync.config.secrets import Secret
from calsync.config.values import Seconds
from calsync.notify import NotDelivered, Notification

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
        """Send the e-mail.

        :raises NotDelivered: the server could not be reached or refused it (logged here).
        """
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
            # Calsync's logs name mailboxes, not people's addresses: the recipients' domains
            # say which mail system it was. The password is never part of the message.
            domains = ", ".join(sorted({_domain(r) or r for r in settings.recipients}))
            logger.error(
                "could not send the notification for %s by e-mail (to %s, through %s:%d): %s; "
                "kept, to be sent again on a later pass",
                notification.mailbox,
                domains,
                settings.host,
                settings.port,
                _reason(exc),
            )
            raise NotDelivered(notification.mailbox) from exc


#: An address in a server's answer (``550 <bob@example.com>: unknown``): all but its domain.
_LOCAL_PART = re.compile(r"[^\s<>@\"'(),;:\[\]{}]+@")


def _reason(exc: OSError | smtplib.SMTPException) -> str:
    """What went wrong, in the server's words when it answered, without whole addresses."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        reason = f"the server answered {exc.smtp_code} {text}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in exc.recipients.values()})
        reason = f"the server refused every recipient ({', '.join(codes)})"
    else:
        reason = str(exc) or type(exc).__name__
    return _LOCAL_PART.sub("…@", reason)


def _domain(address: str) -> str | None:
    """The domain of ``address`` (``None`` without one: for Message-IDs, the host's own name)."""
    return address.rpartition("@")[2] or None
