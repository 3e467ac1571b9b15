"""The ``gmail`` mailbox provider: one person's Google Calendar (and Gmail, for markers).

Built on google-api-python-client over google-auth credentials. Tests and the harness
inject the ``http`` object (the emulator's in-process transport behind
``google_auth_httplib2.AuthorizedHttp``); :meth:`GmailMailbox.from_context` builds it from
the settings (secret references, endpoints) for real use and for the demo's local server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self

import google_auth_httplib2
import httplib2

from calsync.building import mailbox_settings
from calsync.markers import MarkerChange
from calsync.model import CalendarItem
from calsync.providers import (
    Capability,
    Delta,
    MailboxProvider,
    ProviderContext,
    Write,
    WriteResult,
)
from calsync_gmail import lookup, markers, pull, write
from calsync_gmail.client import GoogleClient
from calsync_gmail.credentials import credentials_from_settings
from calsync_gmail.labels import MailLabels
from calsync_gmail.session import PROVIDER, Session
from calsync_gmail.settings import GmailSettings

__all__ = ["GmailMailbox"]


class GmailMailbox(MailboxProvider):
    """A Google Calendar (with Gmail labels for markers) bound to one mailbox."""

    name = PROVIDER
    capabilities = frozenset(
        {
            Capability.RECURRENCE,
            Capability.ALL_DAY,
            Capability.PRIVACY,
            Capability.MEETINGS,
            Capability.CROSS_REFERENCE,
            Capability.MARKERS,
            Capability.SPECIAL_EVENT_TYPES,
        }
    )
    settings_type = GmailSettings

    def __init__(self, address: str, http: Any, settings: GmailSettings | None = None) -> None:
        """Serve ``address`` through ``http``, an authorized httplib2-like object.

        :param http: e.g. ``google_auth_httplib2.AuthorizedHttp(credentials, http=...)``;
            its credentials are the ones batches refresh.
        """
        self.settings = settings or GmailSettings()
        self._http = http
        self.session = Session(GoogleClient(http, self.settings), self.settings, address)
        self._labels = MailLabels(self.session) if self.settings.gmail_labels else None

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """Build the provider from validated settings; the secrets are read now."""
        settings, address = mailbox_settings(cls, context)
        credentials = credentials_from_settings(settings, address)
        transport = httplib2.Http(timeout=settings.timeout)
        http = google_auth_httplib2.AuthorizedHttp(credentials, http=transport)
        return cls(address, http, settings)

    @property
    def address(self) -> str:
        """The mailbox owner's address (lower-case)."""
        return self.session.address

    def probe(self) -> str:
        """One calendars.get: the credentials (and any delegation) work, the calendar exists."""
        return f"calendar {self.session.calendar_id} ({self.session.zone})"

    def pull(self, cursor: str | None) -> Delta:
        """What changed since ``cursor`` (a Calendar sync token); everything for ``None``."""
        return pull.pull(self.session, cursor)

    def fetch(self, ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """The current items ``ids``; gone ones are absent."""
        return lookup.fetch(self.session, ids)

    def find_by_counterpart(self, counterpart_ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """The items storing one of ``counterpart_ids``, keyed by it."""
        return lookup.find_by_counterpart(self.session, counterpart_ids)

    def web_link(self, item_id: str) -> str | None:
        """None: Google documents no URL form to build from an event id.

        The Events resource carries ``htmlLink`` ("An absolute link to this event in the
        Google Calendar Web UI", https://developers.google.com/calendar/api/v3/reference/events),
        but the provider keeps no copy of it, and the console makes no call to fetch one.
        """
        return None

    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Apply ``writes`` in Calendar batches, never notifying guests."""
        return write.write(self.session, writes)

    def set_markers(self, changes: Sequence[MarkerChange]) -> list[WriteResult]:
        """Show markers as red events with their detail, and label the related mail."""
        return markers.set_markers(self.session, self._labels, changes)

    def close(self) -> None:
        """Close the connections of the transport."""
        close = getattr(self._http, "close", None)
        if callable(close):
            close()
