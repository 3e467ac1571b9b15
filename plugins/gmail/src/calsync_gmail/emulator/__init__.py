"""A stateful emulator of Google Calendar v3, Gmail v1 and Google's OAuth token endpoint.

google-api-python-client talks to it unmodified, in process through
:class:`~calsync.emulation.httplib2_transport.InProcessHttp` (wrapped in
``google_auth_httplib2.AuthorizedHttp`` with real google-auth credentials) or through
:class:`~calsync.emulation.server.EmulatorServer` sockets::

    emulator = GoogleEmulator(clock=FrozenClock(...))
    emulator.add_user("alice@example.com", time_zone="Europe/Copenhagen")
    http = authorized_http(emulator, emulator.user_credentials("alice@example.com"))
    calendar = calendar_service(http)
    calendar.events().list(calendarId="primary").execute()

See :class:`GoogleEmulator` for the seed/read API and :mod:`._faults` for how each
:class:`~calsync.emulation.FaultKind` is answered.
"""

from __future__ import annotations

from calsync_gmail.emulator._colors import EVENT_COLORS
from calsync_gmail.emulator._emulator import BATCH_LIMITS, GoogleEmulator
from calsync_gmail.emulator._errors import ApiError
from calsync_gmail.emulator._oauth import (
    CALENDAR_SCOPE,
    DEFAULT_SCOPES,
    DEFAULT_TOKEN_URI,
    GMAIL_MODIFY_SCOPE,
    SERVICE_ACCOUNT_EMAIL,
)
from calsync_gmail.emulator._store import NotificationRequest
from calsync_gmail.emulator._transport import (
    GoogleEndpoints,
    authorized_http,
    calendar_service,
    gmail_service,
    new_batch,
)

__all__ = [
    "BATCH_LIMITS",
    "CALENDAR_SCOPE",
    "DEFAULT_SCOPES",
    "DEFAULT_TOKEN_URI",
    "EVENT_COLORS",
    "GMAIL_MODIFY_SCOPE",
    "SERVICE_ACCOUNT_EMAIL",
    "ApiError",
    "GoogleEmulator",
    "GoogleEndpoints",
    "NotificationRequest",
    "authorized_http",
    "calendar_service",
    "gmail_service",
    "new_batch",
]
