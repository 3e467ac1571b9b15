"""The read side of the EWS emulator's API: items, views, categories, messages, snapshots.

Assertions read what a provider did through these, never through the wire.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from calsync_exchange.emulator import calendar, categories, readback
from calsync_exchange.emulator.records import CALENDAR_FOLDER, CalendarRecord, MailboxRecord
from calsync_exchange.emulator.values import ExtendedKey, MeetingMessage
from calsync_exchange.emulator.xml_request import PROPERTY_SETS

if TYPE_CHECKING:
    from calsync_exchange.emulator.store import EwsStore


def extended_key(
    name: str | ExtendedKey, property_set: str = "PublicStrings", property_type: str = "String"
) -> ExtendedKey:
    """Return the :class:`ExtendedKey` of a named property (a PublicStrings string by default)."""
    if isinstance(name, ExtendedKey):
        return name
    return ExtendedKey(
        PROPERTY_SETS.get(property_set, property_set.strip("{}").upper()), name, property_type
    )


class ReadApi:
    """Read helpers mixed into :class:`~calsync_exchange.emulator.EwsEmulator`."""

    store: EwsStore

    def _record(self, address: str, item_id: str) -> tuple[MailboxRecord, CalendarRecord]:
        mailbox = self.store.mailbox(address)
        record = self.store.record_by_id(mailbox, item_id)
        if record is None:
            raise KeyError(f"no item {item_id} in {address}")
        return mailbox, record

    def item(self, address: str, item_id: str) -> dict[str, Any] | None:
        """Return item (or occurrence) ``item_id`` as a dictionary; ``None`` once it is gone."""
        mailbox = self.store.mailbox(address)
        try:
            found_mailbox, entry = self.store.resolve(item_id)
        except Exception:
            return None
        if found_mailbox is not mailbox:
            return None
        return readback.entry_dict(mailbox, entry)

    def items(self, address: str) -> list[dict[str, Any]]:
        """Every stored item (singles, masters, exceptions) in creation order."""
        mailbox = self.store.mailbox(address)
        return [readback.record_dict(mailbox, r) for r in mailbox.items.values()]

    def calendar_view(self, address: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Return what a CalendarView of ``[start, end)`` returns (occurrences expanded)."""
        mailbox = self.store.mailbox(address)
        return [readback.entry_dict(mailbox, e) for e in calendar.view(mailbox, start, end)]

    def categories(self, address: str, item_id: str) -> tuple[str, ...]:
        """Return the categories on an item."""
        return self._record(address, item_id)[1].categories

    def master_categories(self, address: str) -> dict[str, int]:
        """Return the mailbox's master category list: name -> colour index (0 red, -1 none)."""
        config = self.store.mailbox(address).configurations.get(
            (CALENDAR_FOLDER, categories.CONFIGURATION_NAME)
        )
        return categories.parse(config.xml_data if config else None)

    def extended_property(
        self,
        address: str,
        item_id: str,
        name: str,
        property_set: str = "PublicStrings",
        property_type: str = "String",
    ) -> str | tuple[str, ...] | None:
        """Return an extended property's stored value on an item."""
        return self._record(address, item_id)[1].extended.get(
            extended_key(name, property_set, property_type)
        )

    def meeting_messages(self, address: str | None = None) -> tuple[MeetingMessage, ...]:
        """Meeting messages callers asked for (nothing is sent), optionally for one mailbox."""
        return tuple(
            m
            for m in self.store.meeting_messages
            if address is None or m.mailbox.lower() == address.lower()
        )

    @property
    def invitations_sent(self) -> int:
        """How many meeting messages (invitations, updates, cancellations) callers asked to send."""
        return len(self.store.meeting_messages)

    def snapshot(self) -> dict[str, object]:
        """Return a JSON-able picture of the whole store."""
        return {
            "mailboxes": [readback.mailbox_snapshot(m) for m in self.store.mailboxes.values()],
            "applications": sorted(self.store.applications),
            "meeting_messages": [
                readback.jsonable(vars_of(m)) for m in self.store.meeting_messages
            ],
        }


def vars_of(message: MeetingMessage) -> dict[str, Any]:
    """Return a meeting message as a dictionary."""
    return {f: getattr(message, f) for f in MeetingMessage.__dataclass_fields__}
