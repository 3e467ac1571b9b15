"""The conformance harness over the in-process Google emulator.

It seeds and reads the emulator's store directly (never through the provider), converting
items with the plugin's own functions, and hands out providers that reach the emulator
through ``InProcessHttp`` with service-account credentials impersonating the mailbox (as a
Workspace deployment runs). Revoking credentials withdraws the domain-wide delegation,
as a Workspace admin would; restoring grants it again.

``inject`` accepts the emulator's endpoint names (``calendar.events.list``, ``batch``,
``gmail.users.labels.create`` ...) and, for suites written against any provider, the
generic names ``pull`` (the list calls), ``write``/``fetch``/``find``/``markers`` (the
Calendar batch that carries them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from calsync.emulation import Fault, FaultKind
from calsync.emulation.server import EmulatorServer
from calsync.harness import Endpoint, MailboxHarness, MarkerView
from calsync.identity import derived_id
from calsync.model import CalendarItem, Moment
from calsync_gmail import ids
from calsync_gmail.convert import Reading, event_to_item, private_properties
from calsync_gmail.emulator import GoogleEmulator, GoogleEndpoints, authorized_http
from calsync_gmail.marker_text import detail_of
from calsync_gmail.markers import RED
from calsync_gmail.moments import canonical_zone, from_event_time
from calsync_gmail.provider import GmailMailbox
from calsync_gmail.session import PROVIDER
from calsync_gmail.settings import GmailSettings
from calsync_gmail.to_event import item_to_event, patch_for

__all__ = ["GmailHarness"]

GENERIC_ENDPOINTS: Final = {
    "pull": "calendar.events.list",
    "write": "batch",
    "fetch": "batch",
    "find": "batch",
    "markers": "batch",
}


class GmailHarness(MailboxHarness):
    """Seeds and reads a :class:`GoogleEmulator`; opens ``gmail`` providers on it."""

    provider_name = PROVIDER

    def __init__(
        self, emulator: GoogleEmulator | None = None, settings: GmailSettings | None = None
    ) -> None:
        """Drive ``emulator`` (a fresh one on the system clock by default)."""
        self.emulator = emulator or GoogleEmulator()
        self.settings = settings or GmailSettings()
        self._providers: list[GmailMailbox] = []
        self._delegated: set[str] = set(self.emulator.oauth.delegated_scopes)

    # -- mailboxes -----------------------------------------------------------------------

    def open_mailbox(self, address: str, *, zone: str = "UTC") -> GmailMailbox:
        """Add the user (calendar zone ``zone``) if new; a provider with injected http."""
        if address.lower() not in self.emulator.store.users:
            iana = canonical_zone(zone)
            if iana is None:
                raise ValueError(f"unknown time zone {zone!r}")
            self.emulator.add_user(address, time_zone=iana)
        credentials = self.emulator.service_account_credentials(address)
        provider = GmailMailbox(address, authorized_http(self.emulator, credentials), self.settings)
        self._providers.append(provider)
        return provider

    def _zone(self, address: str) -> str:
        return self.emulator.store.user(address).primary.time_zone

    def _reading(self, address: str) -> Reading:
        owner = address.lower()
        return Reading(
            provider=PROVIDER,
            owner=owner,
            calendar_zone=self._zone(address),
            self_addresses=frozenset({owner}),
        )

    def _item(self, address: str, event: dict[str, Any]) -> CalendarItem:
        cancelled: list[Moment] = []
        if event.get("recurrence"):
            zone = canonical_zone(event["start"].get("timeZone")) or self._zone(address)
            cancelled = [
                from_event_time(e["originalStartTime"], zone)
                for e in self.emulator.events(address, include_cancelled=True)
                if e.get("recurringEventId") == event["id"] and e.get("status") == "cancelled"
            ]
        return event_to_item(event, self._reading(address), cancelled)

    def serve(self) -> Endpoint:
        """Serve the emulator on 127.0.0.1; settings use the test service account by reference."""
        server = EmulatorServer(self.emulator).start()
        local = GoogleEndpoints.local(server.url)
        key = "CALSYNC_EMULATOR_GOOGLE_SERVICE_ACCOUNT"

        def settings(address: str | None) -> dict[str, Any]:
            return {
                "service_account_key": {"env": key},
                "calendar_api": local.calendar_api,
                "gmail_api": local.gmail_api,
                "calendar_batch_uri": local.calendar_batch,
                "gmail_batch_uri": local.gmail_batch,
                "token_uri": local.token_uri,
            }

        # The emulator's own throw-away key, not a secret of anyone's.
        info = self.emulator.service_account_info(token_uri=local.token_uri)
        return Endpoint(
            url=server.url, settings=settings, environment={key: json.dumps(info)}, stop=server.stop
        )

    # -- seeding and reading -------------------------------------------------------------

    def seed(self, address: str, item: CalendarItem) -> str:
        """Store ``item`` as the person (or, with an organizer, the meeting) would have it."""
        if item.occurrence_key is not None:
            return self.edit_occurrence(address, *item.occurrence_key, **_fields(item))
        event_id = derived_id(None)
        body = item_to_event(
            item, event_id=event_id, calendar_zone=self._zone(address), organizer=True
        )
        return self.emulator.seed_event(address, body)

    def wire_sample(self) -> Mapping[str, Any]:
        """:data:`~calsync.harness.WIRE_ITEM` as the Calendar API documents the event.

        ``start`` / ``end`` are EventDateTime objects: ``dateTime`` RFC 3339 with the offset,
        ``timeZone`` the IANA name; the title is ``summary`` (Events resource, Calendar API v3).
        """
        return {
            "summary": "Wire sample",
            "location": "Room 1",
            "start": {"dateTime": "2027-06-07T10:00:00+02:00", "timeZone": "Europe/Berlin"},
            "end": {"dateTime": "2027-06-07T11:00:00+02:00", "timeZone": "Europe/Berlin"},
            "status": "confirmed",
        }

    def wire(self, item_id: str, address: str | None = None) -> Mapping[str, Any]:
        """The event resource as ``events.get`` returns it."""
        event = self.emulator.event(address or "", item_id)
        if event is None:
            raise KeyError(f"no event {item_id} in {address}")
        return event

    def read(self, address: str, item_id: str) -> CalendarItem | None:
        """The item as the service holds it (markers stripped from the body)."""
        event = self.emulator.event(address, item_id)
        if event is None or event.get("status") == "cancelled":
            return None
        return self._item(address, event)

    def items(self, address: str) -> tuple[CalendarItem, ...]:
        """Every live single, series master and exception (a changed instance)."""
        return tuple(self._item(address, e) for e in self.emulator.events(address))

    def _patch(
        self, address: str, event_id: str, current: CalendarItem, changes: dict[str, Any]
    ) -> None:
        wanted = current.evolve(**changes)
        body = patch_for(
            wanted, frozenset(changes), event_id=event_id, calendar_zone=self._zone(address)
        )
        if "organizer" in changes and wanted.organizer is not None:
            body["organizer"] = {"email": wanted.organizer.address}
        self.emulator.patch_event(address, event_id, body)

    def edit(self, address: str, item_id: str, **changes: Any) -> None:
        """Change an item as the person would (a patch of the named fields)."""
        current = self.read(address, item_id)
        if current is None:
            raise KeyError(f"no event {item_id} in {address}")
        self._patch(address, item_id, current, changes)

    def edit_occurrence(
        self, address: str, series_id: str, original_start: Moment, **changes: Any
    ) -> str:
        """Patch the instance ``<series>_<original start>``, which makes it an exception."""
        instance = ids.instance_id(series_id, original_start)
        current = self.read(address, instance)
        if current is None:
            raise KeyError(f"series {series_id} has no occurrence at {original_start}")
        self._patch(address, instance, current, changes)
        return instance

    def remove(self, address: str, item_id: str) -> None:
        """Delete an item as the person would (it becomes a tombstone)."""
        self.emulator.delete_event(address, item_id)

    def remove_occurrence(self, address: str, series_id: str, original_start: Moment) -> None:
        """Delete one occurrence (a cancelled instance)."""
        self.emulator.delete_event(address, ids.instance_id(series_id, original_start))

    def marker(self, address: str, item_id: str) -> MarkerView:
        """Red with calsync's marker property, and the detail line of the description."""
        event = self.emulator.event(address, item_id) or {}
        flagged = event.get("colorId") == RED and ids.MARKER in private_properties(event)
        return MarkerView(flagged=flagged, detail=detail_of(str(event.get("description", ""))))

    def invitations_sent(self) -> int:
        """Writes that asked Google to e-mail guests (``sendUpdates`` all / externalOnly)."""
        return self.emulator.notifications_requested

    # -- faults and credentials ----------------------------------------------------------

    def inject(self, kind: FaultKind, **options: Any) -> None:
        """Arm a fault; generic endpoint names are mapped to the emulator's."""
        endpoint = options.pop("endpoint", None)
        endpoint = GENERIC_ENDPOINTS.get(endpoint, endpoint) if endpoint else None
        self.emulator.faults.arm(Fault(kind=FaultKind(kind), endpoint=endpoint, **options))

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.emulator.faults.clear()

    def revoke_credentials(self) -> None:
        """Withdraw the domain-wide delegation and every access token: refreshes now fail."""
        self.emulator.oauth.delegated_scopes.clear()
        self.emulator.expire_access_tokens()

    def restore_credentials(self) -> None:
        """Grant the delegation again; the providers' next refresh succeeds."""
        self.emulator.oauth.delegated_scopes.update(self._delegated)

    def close(self) -> None:
        """Close the providers handed out."""
        for provider in self._providers:
            provider.close()
        self._providers.clear()


def _fields(item: CalendarItem) -> dict[str, Any]:
    names = (
        "subject",
        "body",
        "location",
        "start",
        "end",
        "privacy",
        "show_as",
        "attendees",
        "counterpart_id",
    )
    return {name: getattr(item, name) for name in names}
