"""The ``graph`` mailbox provider: one person's Microsoft 365 calendar through Microsoft Graph.

Reads are calendarView delta rounds (:mod:`calsync_graph.pulling`) followed by batched
GETs; writes are ``$batch`` calls of 20 that never send meeting mail; the CRM
cross-reference is the extended property the ``exchange`` provider also uses, found with
``$filter``; markers are two categories registered in the master category list. Every
method translates errors into calsync's at its boundary.

Client libraries: MSAL (tokens, with its own token cache) and httpx; see the plugin's
README for why not the msgraph SDK.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Self

import httpx

from calsync.building import mailbox_settings
from calsync.errors import CursorExpiredError
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
from calsync_graph import properties, pulling
from calsync_graph.client import GraphClient
from calsync_graph.convert import PROVIDER, Reading
from calsync_graph.errors import ERRORS
from calsync_graph.markers import Markers
from calsync_graph.reading import Reader, query
from calsync_graph.settings import GraphSettings
from calsync_graph.writing import Writer

__all__ = ["GraphMailbox"]


class GraphMailbox(MailboxProvider):
    """One Microsoft 365 mailbox's primary calendar.

    :param settings: the validated ``[mailboxes.settings]`` table.
    :param address: the mailbox's primary SMTP address (or its user principal name).
    :param transport: an httpx transport every request goes through (e.g. an in-process
        emulator); ``None`` uses the network (or ``settings.endpoint``).
    :param credential: MSAL's client credential instead of the settings' secrets (tests and
        the harness).
    :param clock: the current time (where the delta window is placed).
    :param sleep: how throttled reads are waited out (tests pass a recorder).
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
    settings_type = GraphSettings

    def __init__(
        self,
        settings: GraphSettings,
        address: str,
        *,
        transport: httpx.BaseTransport | None = None,
        credential: object = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Prepare the client; nothing is sent before the first call."""
        self.settings = settings
        self._address = address.strip().lower()
        self._clock = clock or (lambda: datetime.now(UTC))
        self.client = GraphClient(
            settings, self._address, transport=transport, credential=credential, sleep=sleep
        )
        #: Where the expired cursor's first round began: the full pull after it reaches back there.
        self._origin: datetime | None = None
        # Markers read raw categories: the marker titles of this reading do not matter there.
        self.markers = Markers(
            Reader(self.client, Reading(address=self._address, default_zone=settings.time_zone))
        )

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
        """One ``GET /users/{id}/calendar``: a token, and the right to this mailbox, work."""
        with ERRORS.boundary("probe"):
            calendar = self.client.request(
                "GET", f"{self.client.user}/calendar", params={"$select": "id,name"}
            )
        return f"calendar {calendar.get('name') or 'Calendar'} of {self._address}"

    def _reader(self) -> Reader:
        reading = Reading(
            address=self._address,
            default_zone=self.settings.time_zone,
            marker_titles=frozenset(self.markers.titles),
        )
        return Reader(self.client, reading)

    # -- the contract ------------------------------------------------------------------------

    def pull(self, cursor: str | None) -> Delta:
        """Changes since ``cursor`` (a delta round); the whole window when ``None``."""
        origin, self._origin = (self._origin if cursor is None else None), None
        try:
            with ERRORS.boundary("pull"):
                return pulling.pull(
                    self._reader(), self.settings, cursor, self._clock(), origin=origin
                )
        except CursorExpiredError:
            # The engine pulls in full next, on this provider: keep the expired round's origin.
            if cursor is not None:
                self._origin = pulling.origin_of(cursor)
            raise

    def fetch(self, ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """The current items ``ids`` (batched GETs); gone ones are absent."""
        with ERRORS.boundary("fetch"):
            items = self._reader().items(ids)
        wanted = set(ids)
        return {i.ref.id: i for i in items if i.ref is not None and i.ref.id in wanted}

    def find_by_counterpart(self, counterpart_ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Singles and series masters carrying one of ``counterpart_ids``, keyed by it.

        One ``$filter`` on the extended property per id, 20 to a ``$batch``; Graph compares
        values case-insensitively, so the answer is filtered case-sensitively.
        """
        wanted = asked(counterpart_ids)
        if not wanted:
            return {}
        reader = self._reader()
        with ERRORS.boundary("find"):
            requests = []
            for value in wanted:
                escaped = value.replace("'", "''")
                where = (
                    f"singleValueExtendedProperties/Any(ep: ep/id eq '{properties.COUNTERPART}'"
                    f" and ep/value eq '{escaped}')"
                )
                requests.append(
                    {
                        "method": "GET",
                        "url": f"{self.client.user}/events?"
                        + query({"$filter": where, "$select": "id"}),
                    }
                )
            ids: list[str] = []
            for part in self.client.batch(requests):
                if not part.ok:
                    raise part.error()
                ids += [e["id"] for e in part.body.get("value") or ()]
            items = reader.items(ids)
        return by_counterpart(items, wanted)

    def web_link(self, item_id: str) -> str | None:
        """None: Microsoft documents no Outlook on the web URL form to build from an event id.

        The event resource carries ``webLink`` ("The URL to open the event in Outlook on the
        web", https://learn.microsoft.com/en-us/graph/api/resources/event), but the provider
        keeps no copy of it, and the console makes no call to fetch one.
        """
        return None

    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Apply ``writes`` in ``$batch`` calls, never mailing attendees; results in order."""
        if not writes:
            return []
        with ERRORS.boundary("write"):
            return Writer(self._reader(), self.settings.time_zone).write(list(writes))

    def set_markers(self, changes: Sequence[MarkerChange]) -> list[WriteResult]:
        """Show or remove markers as categories; the person's own categories stay."""
        if not changes:
            return []
        with ERRORS.boundary("markers"):
            return self.markers.set(changes)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()
