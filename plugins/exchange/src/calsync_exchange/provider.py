"""The ``exchange`` mailbox provider: one person's Exchange / Office 365 calendar via exchangelib.

Reads are SyncFolderItems deltas (the sync state is the cursor) followed by batched
GetItem; writes are batched CreateItem / UpdateItem / DeleteItem that never send meeting
mail; the CRM cross-reference is an extended property found with one FindItem per batch;
markers are two categories registered in the mailbox's master category list. Every
method translates exchangelib's errors into calsync's at its boundary.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Self

import requests.adapters
from exchangelib import Q
from exchangelib.credentials import BaseCredentials

from calsync.building import mailbox_settings
from calsync.identity import asked, by_counterpart
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
from calsync.timezones import to_zoneinfo
from calsync_exchange import properties, pulling
from calsync_exchange.connection import Connection
from calsync_exchange.conversions import PROVIDER, Reading
from calsync_exchange.errors import ERRORS
from calsync_exchange.markers import Markers
from calsync_exchange.sdklogging import protect_logs
from calsync_exchange.settings import ExchangeSettings
from calsync_exchange.writing import Writer
from calsync_exchange.zones import ZoneReading, install_overlay

__all__ = ["ExchangeMailbox"]

#: Counterpart ids per FindItem restriction (an ``Or`` of ``IsEqualTo``).
FIND_BATCH = 100


class ExchangeMailbox(MailboxProvider):
    """One Exchange / Office 365 mailbox's default calendar.

    :param settings: the validated ``[mailboxes.settings]`` table.
    :param address: the mailbox's primary SMTP address.
    :param credentials: exchangelib credentials to use instead of the settings' (tests and
        the harness; the settings' secrets are then not read).
    :param transport: a ``requests`` adapter class every request goes through (e.g. bound
        to an in-process emulator); ``None`` uses the network.
    :param clock: the current time (custom time zones are compared from then on).
    """

    name = PROVIDER
    capabilities = frozenset(
        {
            Capability.RECURRENCE,
            Capability.ALL_DAY,
            Capability.PRIVACY,
            Capability.MEETINGS,
            Capability.CROSS_REFERENCE,
            Capability.MARKERS,
            Capability.DESIGNATION,
        }
    )
    settings_type = ExchangeSettings

    def __init__(
        self,
        settings: ExchangeSettings,
        address: str,
        *,
        credentials: BaseCredentials | None = None,
        transport: type[requests.adapters.HTTPAdapter] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Prepare the connection; nothing is sent before the first call."""
        install_overlay()
        protect_logs()
        properties.register()
        self.settings = settings
        self._address = address.strip().lower()
        self._clock = clock or (lambda: datetime.now(UTC))
        self.connection = Connection.open(
            settings, self._address, credentials=credentials, transport=transport
        )
        self.markers = Markers(self.connection, self._clock)
        self._default_zone = ZoneReading(settings.time_zone, to_zoneinfo(settings.time_zone))

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """Build the provider from its settings; secrets are read now."""
        settings, address = mailbox_settings(cls, context)
        return cls(settings, address)

    @property
    def address(self) -> str:
        """The mailbox owner's address."""
        return self._address

    def probe(self) -> str:
        """One GetFolder of the calendar: the credentials, and the right to the mailbox, work."""
        with ERRORS.boundary("probe"):
            calendar = self.connection.calendar
            type(calendar).resolve(account=self.connection.account, folder=calendar)
        return f"calendar of {self._address}"

    def _reading(self) -> Reading:
        return Reading(
            address=self._address,
            default_zone=self._default_zone,
            now=self._clock(),
            marker_titles=frozenset(self.markers.titles),
        )

    # -- the contract ------------------------------------------------------------------------

    def pull(self, cursor: str | None) -> Delta:
        """Changes since ``cursor`` (a SyncFolderItems sync state); everything when ``None``."""
        with ERRORS.boundary("pull"):
            return pulling.pull(self.connection, cursor, self._reading())

    def fetch(self, ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """The current items ``ids`` (one GetItem per 512); gone ones are absent."""
        with ERRORS.boundary("fetch"):
            items = pulling.read_items(self.connection, ids, self._reading())
        return {item.ref.id: item for item in items if item.ref is not None}

    def find_by_counterpart(self, counterpart_ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Singles and series masters carrying one of ``counterpart_ids``, keyed by it.

        One FindItem per batch of ids (an ``Or`` of ``IsEqualTo`` on the extended property),
        then one GetItem for what it found. Exchange compares case-insensitively; the
        answer is filtered case-sensitively.
        """
        wanted = asked(counterpart_ids)
        with ERRORS.boundary("find"):
            ids: list[str] = []
            for start in range(0, len(wanted), FIND_BATCH):
                chunk = wanted[start : start + FIND_BATCH]
                query = functools.reduce(
                    operator.or_, (Q(**{properties.COUNTERPART: value}) for value in chunk)
                )
                matches = self.connection.calendar.filter(query).only("id", "changekey")
                ids.extend(m.id for m in matches if getattr(m, "id", None))
            items = pulling.read_items(self.connection, ids, self._reading())
        return by_counterpart(items, wanted)

    def web_link(self, item_id: str) -> str | None:
        """None: EWS documents no Outlook on the web URL form to build from an item id.

        An item can carry ``WebClientReadFormQueryString`` (https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/webclientreadformquerystring),
        but the provider does not read it, and the console makes no call to fetch one.
        """
        return None

    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Apply ``writes`` in batched calls, never telling attendees; results in order."""
        if not writes:
            return []
        with ERRORS.boundary("write"):
            return Writer(self.connection, self._reading()).write(list(writes))

    def set_markers(self, changes: Sequence[MarkerChange]) -> list[WriteResult]:
        """Show or remove markers as categories; the person's own categories stay."""
        if not changes:
            return []
        with ERRORS.boundary("markers"):
            return self.markers.set(changes)

    def close(self) -> None:
        """Close the HTTP sessions and forget the cached protocol."""
        self.connection.close()
