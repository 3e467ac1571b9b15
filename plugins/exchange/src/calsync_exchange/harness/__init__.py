"""The conformance harness of the ``exchange`` provider, over an in-process EWS emulator.

It seeds and reads mailboxes through the emulator's seed and read API (never through the
provider), and hands out providers that talk to the same emulator through exchangelib and
an in-process transport. Marker checks read what a person would see: the red
``"Sync Error"`` category (red in the master category list) and the detail category.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from exchangelib import Credentials

from calsync.emulation import Fault, FaultKind
from calsync.emulation.requests_transport import InProcessAdapter
from calsync.emulation.server import EmulatorServer
from calsync.harness import Endpoint, MailboxHarness, MarkerView
from calsync.markers import DEFAULT_TITLE, is_marker_label
from calsync.model import CalendarItem, EventType, Moment
from calsync.timezones import to_zoneinfo
from calsync_exchange.emulator import EwsEmulator
from calsync_exchange.emulator.errors import EwsError
from calsync_exchange.harness.faults import ALIASES
from calsync_exchange.harness.records import from_record, seed_values, windows_id
from calsync_exchange.provider import ExchangeMailbox
from calsync_exchange.settings import ExchangeSettings

__all__ = ["ExchangeHarness"]

_SEEDED = (
    "subject",
    "body",
    "location",
    "start",
    "end",
    "zone",
    "privacy",
    "show_as",
    "categories",
    "organizer",
    "attendees",
    "attendee_copy",
    "uid",
    "counterpart_id",
    "recurrence",
)


class ExchangeHarness(MailboxHarness):
    """Drives an in-process :class:`EwsEmulator` (a fresh one by default)."""

    provider_name = "exchange"

    def __init__(self, emulator: EwsEmulator | None = None) -> None:
        """Use ``emulator``, or start an empty one."""
        self.emulator = emulator or EwsEmulator()
        self.emulator.fault_aliases = ALIASES
        self._adapter = InProcessAdapter.bound_to(self.emulator)
        self._passwords: dict[str, str] = {}
        self._zones: dict[str, str] = {}
        self._providers: list[ExchangeMailbox] = []

    # -- mailboxes ---------------------------------------------------------------------------

    def open_mailbox(self, address: str, *, zone: str = "UTC") -> ExchangeMailbox:
        """Create ``address`` (its regional zone ``zone``) if new; return a provider bound to it."""
        key = address.lower()
        if self.emulator.store.find_mailbox(key) is None:
            self._passwords[key] = secrets.token_urlsafe(12)
            self._zones[key] = zone
            self.emulator.add_mailbox(
                key, password=self._passwords[key], time_zone=windows_id(zone)
            )
        provider = ExchangeMailbox(
            ExchangeSettings(time_zone=zone),
            key,
            credentials=Credentials(key, self._passwords[key]),
            transport=self._adapter,
        )
        self._providers.append(provider)
        return provider

    def serve(self) -> Endpoint:
        """Serve the emulator on 127.0.0.1 for the mailboxes opened so far (basic auth)."""
        server = EmulatorServer(self.emulator).start()

        def settings(address: str | None) -> dict[str, Any]:
            key = (address or "").lower()
            if key not in self._passwords:
                raise KeyError(f"open the mailbox {address!r} before serving")
            return {
                "endpoint": f"{server.url}/EWS/Exchange.asmx",
                "auth": "basic",
                "password": {"env": _password_variable(key)},
                "time_zone": self._zones.get(key, "UTC"),
            }

        # The emulator's own throw-away passwords, not anyone's secrets.
        environment = {_password_variable(k): v for k, v in self._passwords.items()}
        return Endpoint(
            url=server.url, settings=settings, environment=environment, stop=server.stop
        )

    def _zone(self, address: str) -> str:
        zone = self.emulator.store.mailbox(address).time_zone
        return getattr(zone, "zone_id", "UTC")

    # -- items -------------------------------------------------------------------------------

    def seed(self, address: str, item: CalendarItem) -> str:
        """Create ``item`` in the mailbox directly (a series with its exclusions)."""
        if item.event_type is not EventType.DEFAULT:
            raise ValueError(f"Exchange has no {item.event_type} items (no SPECIAL_EVENT_TYPES)")
        if item.occurrence_key is not None:
            series_id, original_start = item.occurrence_key
            changes = {n: getattr(item, n) for n in ("subject", "body", "location", "start", "end")}
            return self.edit_occurrence(address, series_id, original_start, **changes)
        changes = {name: getattr(item, name) for name in _SEEDED}
        if not item.attendee_copy:
            del changes["attendee_copy"]  # who organises follows from the organizer
        zone = item.zone or self._zone(address)
        values = seed_values(changes, zone=zone)
        if item.attendee_copy and item.organizer is None:
            values["my_response_type"] = "Accept"
        item_id = self.emulator.seed_item(address, **values)
        if item.recurrence is not None:
            for moment in item.recurrence.exclusions:
                self.remove_occurrence(address, item_id, moment)
        return item_id

    def wire_sample(self) -> Mapping[str, Any]:
        """:data:`~calsync.harness.WIRE_ITEM` as EWS documents a CalendarItem.

        GetItem returns ``Start`` and ``End`` as xs:dateTime in UTC ("2027-06-07T08:00:00Z");
        the zone is the ``StartTimeZone`` element's Windows ``Id`` (EWS reference, Start,
        StartTimeZone, CalendarItemType).
        """
        return {
            "Subject": "Wire sample",
            "Location": "Room 1",
            "Start": "2027-06-07T08:00:00Z",
            "End": "2027-06-07T09:00:00Z",
            "StartTimeZone": {"Id": "W. Europe Standard Time"},
            "IsAllDayEvent": False,
            "CalendarItemType": "Single",
        }

    def wire(self, item_id: str, address: str | None = None) -> Mapping[str, Any]:
        """The item's elements as GetItem returns them (times in UTC, as EWS sends them)."""
        data = self.emulator.item(address or "", item_id)
        if data is None:
            raise KeyError(f"no item {item_id} in {address}")
        return {
            "Subject": data["subject"],
            "Location": data["location"],
            "Start": f"{data['start'].astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}",
            "End": f"{data['end'].astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}",
            "StartTimeZone": {"Id": data["start_time_zone"]},
            "IsAllDayEvent": data["is_all_day"],
            "CalendarItemType": data["kind"],
        }

    def read(self, address: str, item_id: str) -> CalendarItem | None:
        """The item as the provider would report it (``None`` when gone)."""
        data = self.emulator.item(address, item_id)
        if data is None or data["kind"] == "Occurrence":
            return None
        series_zone = None
        if data["master_id"]:
            master = self.emulator.item(address, data["master_id"])
            series_zone = master["start_time_zone"] if master else None
        return from_record(data, address, series_zone)

    def items(self, address: str) -> tuple[CalendarItem, ...]:
        """Every stored item: singles, series masters and their exceptions (as the sandbox)."""
        records = self.emulator.items(address)
        zones = {d["item_id"]: d["start_time_zone"] for d in records}
        return tuple(
            from_record(data, address, zones.get(data["master_id"] or "")) for data in records
        )

    def edit(self, address: str, item_id: str, **changes: Any) -> None:
        """Change an item as its owner would in Outlook (marker categories stay)."""
        data = self.emulator.item(address, item_id)
        if data is None:
            raise KeyError(f"no item {item_id} in {address}")
        if "categories" in changes:
            markers = [c for c in data["categories"] if is_marker_label(c)]
            changes = {**changes, "categories": (*changes["categories"], *markers)}
        start = data["start_date"] if data["is_all_day"] else data["start"]
        values = seed_values(changes, zone=data["start_time_zone"], start=start)
        self.emulator.update_item(address, item_id, **values)
        recurrence = changes.get("recurrence")
        if recurrence is not None:
            for moment in recurrence.exclusions:
                self.remove_occurrence(address, item_id, moment)

    def _original(self, address: str, series_id: str, original_start: Moment) -> datetime:
        """An original start as the emulator keys it: an instant (an all-day one's midnight)."""
        if isinstance(original_start, datetime):
            return original_start.astimezone(UTC)
        master = self.emulator.item(address, series_id)
        tz = to_zoneinfo(master["start_time_zone"] if master else None) or UTC
        day: date = original_start
        return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)

    def edit_occurrence(
        self, address: str, series_id: str, original_start: Moment, **changes: Any
    ) -> str:
        """Change one occurrence (it becomes an exception); return its id."""
        master = self.emulator.item(address, series_id)
        zone = master["start_time_zone"] if master else self._zone(address)
        return self.emulator.modify_occurrence(
            address,
            series_id,
            original_start=self._original(address, series_id, original_start),
            **seed_values(changes, zone=zone),
        )

    def remove(self, address: str, item_id: str) -> None:
        """Delete an item (a master with its exceptions); nothing if it is gone."""
        if self.emulator.item(address, item_id) is not None:
            self.emulator.delete_item(address, item_id)

    def remove_occurrence(self, address: str, series_id: str, original_start: Moment) -> None:
        """Delete one occurrence; nothing if it (or its series) is gone already."""
        with contextlib.suppress(EwsError, KeyError):
            self.emulator.delete_occurrence(
                address,
                series_id,
                original_start=self._original(address, series_id, original_start),
            )

    # -- what the person sees ------------------------------------------------------------------

    def marker(self, address: str, item_id: str) -> MarkerView:
        """The flag shows when the item has the red ``"Sync Error"`` category."""
        data = self.emulator.item(address, item_id)
        labels = data["categories"] if data else []
        red = self.emulator.master_categories(address).get(DEFAULT_TITLE) == 0
        detail = next((c for c in labels if c.startswith(f"{DEFAULT_TITLE}: ")), None)
        return MarkerView(flagged=DEFAULT_TITLE in labels and red, detail=detail)

    def invitations_sent(self) -> int:
        """Meeting messages callers asked the emulator to send (nothing is sent)."""
        return self.emulator.invitations_sent

    # -- faults and credentials ---------------------------------------------------------------

    def inject(self, kind: FaultKind, **options: Any) -> None:
        """Arm a fault; ``endpoint`` may name an EWS operation or a provider call."""
        self.emulator.faults.arm(Fault(kind=FaultKind(kind), **options))

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.emulator.faults.clear()

    def revoke_credentials(self) -> None:
        """Change every opened mailbox's password: requests get HTTP 401."""
        for address in self._passwords:
            self.emulator.set_password(address, secrets.token_urlsafe(12))
        self.emulator.revoke_tokens()

    def restore_credentials(self) -> None:
        """Accept the providers' passwords again."""
        for address, password in self._passwords.items():
            self.emulator.set_password(address, password)

    def close(self) -> None:
        """Close every provider handed out."""
        for provider in self._providers:
            provider.close()
        self._providers.clear()


def _password_variable(address: str) -> str:
    return "CALSYNC_EMULATOR_EWS_PASSWORD_" + re.sub(r"[^A-Z0-9]+", "_", address.upper())
