"""The typed seed API of the EWS emulator: writing to the store, bypassing the wire.

The conformance harness and provider tests use it to put mailboxes and calendar items in
place and to read what the provider did. Seeded writes follow the same rules as writes
over the wire (all-day alignment, master anchoring, new change keys) and show up in
SyncFolderItems like changes made in Outlook would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from calsync_exchange.emulator import calendar, categories, ids, mutations, timezones
from calsync_exchange.emulator.reading import ReadApi, extended_key
from calsync_exchange.emulator.records import (
    CALENDAR_FOLDER,
    ApplicationRecord,
    MailboxRecord,
    UserConfigurationRecord,
)
from calsync_exchange.emulator.values import (
    FREE_BUSY,
    IMPORTANCES,
    RESPONSE_TYPES,
    SENSITIVITIES,
    Attendee,
    Body,
    Person,
    TimeZoneSpec,
)

if TYPE_CHECKING:
    from calsync_exchange.emulator.store import EwsStore

#: Seed fields stored as they are, under the same record attribute name.
_SCALARS = frozenset(
    {
        "subject",
        "location",
        "when",
        "sensitivity",
        "importance",
        "free_busy",
        "is_all_day",
        "is_cancelled",
        "uid",
        "reminder_is_set",
        "reminder_minutes",
        "my_response_type",
        "recurrence",
        "meeting_request_was_sent",
    }
)
_CHOICES = {
    "sensitivity": SENSITIVITIES,
    "importance": IMPORTANCES,
    "free_busy": FREE_BUSY,
    "my_response_type": RESPONSE_TYPES,
}


def _person(value: str | Person) -> Person:
    return Person(email=value) if isinstance(value, str) else value


def _attendees(values: Iterable[str | Person | Attendee]) -> tuple[Attendee, ...]:
    return tuple(v if isinstance(v, Attendee) else Attendee(person=_person(v)) for v in values)


class SeedApi(ReadApi):
    """Seed and read helpers mixed into :class:`~calsync_exchange.emulator.EwsEmulator`."""

    store: EwsStore

    # -- organisation -----------------------------------------------------------------------

    def add_mailbox(
        self,
        address: str,
        *,
        password: str | None = None,
        name: str | None = None,
        time_zone: str | TimeZoneSpec = "W. Europe Standard Time",
        master_categories: Mapping[str, int] | None = None,
    ) -> str:
        """Create a mailbox with root and calendar folders; returns its address.

        :param password: enables Basic auth for the owner (``None``: no password login).
        :param time_zone: Windows or IANA id (or a spec): the mailbox's regional zone.
        :param master_categories: seeds the ``CategoryList`` (name -> colour, 0 = red).
        """
        self.store.add_mailbox(
            address,
            password=password,
            name=name or address.partition("@")[0].title(),
            time_zone=timezones.spec_for(time_zone),
        )
        if master_categories is not None:
            self.set_master_categories(address, master_categories)
        return address

    def add_application(
        self,
        *,
        tenant: str,
        client_id: str,
        client_secret: str,
        mailboxes: Iterable[str] | None = None,
    ) -> None:
        """Register an app for the client-credentials grant (``mailboxes``: impersonation scope)."""
        scope = frozenset(m.lower() for m in mailboxes) if mailboxes is not None else None
        self.store.applications[client_id] = ApplicationRecord(
            tenant=tenant, client_id=client_id, client_secret=client_secret, mailboxes=scope
        )

    def allow_impersonation(self, address: str, *, by: str) -> None:
        """Let the Basic-auth account ``by`` impersonate mailbox ``address``."""
        self.store.mailbox(address).impersonators.add(by.lower())

    def grant_delegate(self, address: str, *, to: str) -> None:
        """Give ``to`` delegate access to mailbox ``address``."""
        self.store.mailbox(address).delegates.add(to.lower())

    def set_password(self, address: str, password: str | None) -> None:
        """Change (or remove) a mailbox owner's password."""
        self.store.mailbox(address).password = password

    def revoke_tokens(self) -> None:
        """Revoke every access token issued so far (clients must fetch new ones)."""
        for token in self.store.tokens.values():
            token.revoked = True

    def invalidate_sync_states(self, address: str | None = None) -> None:
        """Expire every sync state issued for ``address`` (or for all mailboxes)."""
        boxes = [self.store.mailbox(address)] if address else list(self.store.mailboxes.values())
        for mailbox in boxes:
            mailbox.sync_epoch += 1

    # -- items ----------------------------------------------------------------------------------

    def _values(
        self, mailbox: MailboxRecord, fields: Mapping[str, Any], zone: TimeZoneSpec
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, value in fields.items():
            if key in _SCALARS:
                if key in _CHOICES and value not in _CHOICES[key]:
                    raise ValueError(f"{key}={value!r}: expected one of {_CHOICES[key]}")
                values[key] = value
            elif key == "body":
                values["body"] = (
                    None
                    if value is None
                    else (value if isinstance(value, Body) else Body(content=value))
                )
            elif key == "categories":
                values["categories"] = tuple(value)
            elif key in ("required", "optional", "resources"):
                values[key] = _attendees(value)
            elif key == "organizer":
                values["organizer"] = _person(value)
            elif key == "time_zone":
                values["start_zone"] = timezones.spec_for(value)
                values.setdefault("end_zone", values["start_zone"])
            elif key == "end_time_zone":
                values["end_zone"] = timezones.spec_for(value)
            elif key in ("start", "end"):
                values[key] = value
            elif key == "extended":
                values["extended"] = {extended_key(k): v for k, v in value.items()}
            else:
                raise TypeError(f"unknown item field {key!r}")
        start_zone = timezones.resolve(values.get("start_zone", zone))
        end_zone = timezones.resolve(values.get("end_zone", values.get("start_zone", zone)))
        for key, tz in (("start", start_zone), ("end", end_zone)):
            value = values.get(key)
            if isinstance(value, date) and not isinstance(value, datetime):
                values[key] = timezones.local_midnight(value, tz)
                values.setdefault("is_all_day", True)
            elif isinstance(value, datetime) and value.tzinfo is None:
                values[key] = value.replace(tzinfo=tz).astimezone(UTC)
        return values

    def seed_item(self, address: str, **fields: Any) -> str:
        """Create a calendar item directly in the store; returns its item id.

        Fields: ``subject``, ``start``/``end`` (aware datetimes; naive ones are read in the
        item's zone; ``date`` values make an all-day item, end exclusive), ``time_zone``,
        ``end_time_zone``, ``is_all_day``, ``body`` (str or :class:`Body`), ``categories``,
        ``sensitivity``, ``importance``, ``free_busy``, ``location``, ``organizer``,
        ``required``/``optional``/``resources`` (addresses, :class:`Person` or
        :class:`Attendee`), ``my_response_type``, ``is_cancelled``, ``uid``, ``recurrence``
        (:class:`Recurrence`), ``extended`` (name or :class:`ExtendedKey` -> value),
        ``reminder_is_set``, ``reminder_minutes``, ``meeting_request_was_sent``.
        """
        mailbox = self.store.mailbox(address)
        values = self._values(mailbox, fields, mailbox.time_zone)
        if "start" not in values or "end" not in values:
            raise TypeError("seed_item needs start and end")
        organizer = values.get("organizer")
        if organizer is not None and organizer.email.lower() != mailbox.address.lower():
            values.setdefault("my_response_type", "Accept")
        record = self.store.new_record(mailbox, values)
        try:
            mutations.normalise(self.store, mailbox, record, changed=set(values))
        except Exception:
            del mailbox.items[record.number]
            raise
        return record.item_id

    def _occurrence(
        self, address: str, master_id: str, index: int | None, original_start: datetime | None
    ) -> tuple[MailboxRecord, calendar.Entry]:
        mailbox, master = self._record(address, master_id)
        if index is not None:
            return mailbox, calendar.occurrence_at_index(mailbox, master, index)
        if original_start is None:
            raise TypeError("give index or original_start")
        return mailbox, calendar.occurrence_entry(mailbox, master, original_start.astimezone(UTC))

    def update_item(self, address: str, item_id: str, **fields: Any) -> str:
        """Change a stored item as its owner would in Outlook; returns the new change key."""
        mailbox, record = self._record(address, item_id)
        values = self._values(mailbox, fields, record.start_zone)
        extended = values.pop("extended", None)
        changed = {k for k, v in values.items() if getattr(record, k) != v}
        for key, value in values.items():
            setattr(record, key, value)
        if extended is not None:
            record.extended.update(extended)
        mutations.normalise(self.store, mailbox, record, changed)
        self.store.touch(record, changed)
        master = self.store.master_of(mailbox, record)
        if master is not None:
            self.store.touch(master, set())
        return ids.change_key(record.number, record.version)

    def modify_occurrence(
        self,
        address: str,
        master_id: str,
        *,
        index: int | None = None,
        original_start: datetime | None = None,
        **fields: Any,
    ) -> str:
        """Turn an occurrence into an exception with ``fields`` changed; returns its id."""
        mailbox, entry = self._occurrence(address, master_id, index, original_start)
        record = (
            entry.record if entry.kind == "Exception" else self.store.materialise(mailbox, entry)
        )
        self.update_item(address, record.item_id, **fields)
        return record.item_id

    def delete_occurrence(
        self,
        address: str,
        master_id: str,
        *,
        index: int | None = None,
        original_start: datetime | None = None,
    ) -> None:
        """Delete one occurrence (the master gains a DeletedOccurrence)."""
        mailbox, entry = self._occurrence(address, master_id, index, original_start)
        self.store.delete_entry(mailbox, entry)

    def delete_item(self, address: str, item_id: str) -> None:
        """Delete a stored item (a master with all its exceptions)."""
        mailbox, record = self._record(address, item_id)
        master = self.store.master_of(mailbox, record)
        self.store.delete_entry(mailbox, calendar.stored_entry(record, master))

    def set_master_categories(self, address: str, colours: Mapping[str, int]) -> None:
        """Write the mailbox's master category list (name -> Outlook colour index)."""
        mailbox = self.store.mailbox(address)
        key = (CALENDAR_FOLDER, categories.CONFIGURATION_NAME)
        version = self.store.next_version()
        record = mailbox.configurations.get(key) or UserConfigurationRecord(
            item_id=ids.config_id(mailbox.index, version), version=version
        )
        record.xml_data = categories.render(dict(colours), self.store.now())
        record.version = version
        mailbox.configurations[key] = record
