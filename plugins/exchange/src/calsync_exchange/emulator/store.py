"""The emulator's in-memory store: mailboxes, calendar items, applications and tokens.

Every change to an item takes a new version from one monotonic counter; the change key is
derived from it (so it changes on every write) and SyncFolderItems compares versions to
find what changed. Times come from the injected clock.
"""

from __future__ import annotations

import itertools
import secrets
import uuid
from datetime import datetime

from calsync.emulation import Clock
from calsync_exchange.emulator import calendar, ids
from calsync_exchange.emulator.calendar import Entry
from calsync_exchange.emulator.errors import EwsError
from calsync_exchange.emulator.ids import MalformedIdError
from calsync_exchange.emulator.records import (
    ApplicationRecord,
    CalendarRecord,
    MailboxRecord,
    TokenRecord,
)
from calsync_exchange.emulator.values import MeetingMessage, TimeZoneSpec

#: The attributes whose change makes a master's occurrences move (exceptions are dropped).
SERIES_ATTRS = frozenset({"start", "end", "recurrence", "start_zone", "end_zone", "is_all_day"})


def new_uid() -> str:
    """Return a Global Object Id in the hex form Exchange gives new items' ``UID``."""
    return ("040000008200E00074C5B7101A82E008" + "0" * 24 + "10000000" + uuid.uuid4().hex).upper()


class EwsStore:
    """Everything the emulated Exchange organisation holds."""

    def __init__(self, clock: Clock) -> None:
        """Start empty, reading time from ``clock``."""
        self.clock = clock
        self.mailboxes: dict[str, MailboxRecord] = {}
        self.applications: dict[str, ApplicationRecord] = {}
        self.tokens: dict[str, TokenRecord] = {}
        self.meeting_messages: list[MeetingMessage] = []
        self._numbers = itertools.count(1)
        self._versions = itertools.count(1)
        #: Signs sync states so a tampered or foreign state is refused.
        self.sync_secret = secrets.token_bytes(16)

    # -- mailboxes ------------------------------------------------------------------------

    def add_mailbox(
        self, address: str, *, password: str | None, name: str, time_zone: TimeZoneSpec
    ) -> MailboxRecord:
        """Create a mailbox; addresses are case-insensitive."""
        key = address.lower()
        if key in self.mailboxes:
            raise ValueError(f"mailbox {address} already exists")
        record = MailboxRecord(
            address=address,
            index=len(self.mailboxes) + 1,
            name=name,
            password=password,
            time_zone=time_zone,
        )
        self.mailboxes[key] = record
        return record

    def find_mailbox(self, address: str | None) -> MailboxRecord | None:
        """Return the mailbox with ``address`` (any case), or ``None``."""
        return self.mailboxes.get((address or "").lower())

    def mailbox(self, address: str) -> MailboxRecord:
        """Return the mailbox with ``address``; ``KeyError`` when there is none."""
        found = self.find_mailbox(address)
        if found is None:
            raise KeyError(f"no mailbox {address}")
        return found

    def mailbox_by_index(self, index: int) -> MailboxRecord | None:
        """Return the mailbox an id's index names."""
        return next((mb for mb in self.mailboxes.values() if mb.index == index), None)

    # -- versions and records ----------------------------------------------------------------

    def next_version(self) -> int:
        """Return a new, never reused version number."""
        return next(self._versions)

    def new_record(
        self, mailbox: MailboxRecord, values: dict[str, object], item_id: str | None = None
    ) -> CalendarRecord:
        """Create and store a calendar record (not yet normalised)."""
        number = next(self._numbers)
        now = self.clock.now()
        values = dict(values)
        values.setdefault("uid", new_uid())
        values.setdefault("organizer", mailbox.person)
        values.setdefault("start_zone", mailbox.time_zone)
        values.setdefault("end_zone", values["start_zone"])
        record = CalendarRecord(
            number=number,
            mailbox=mailbox.address,
            item_id=item_id or ids.item_id(mailbox.index, number),
            version=self.next_version(),
            created=now,
            last_modified=now,
            **values,  # type: ignore[arg-type]
        )
        mailbox.items[number] = record
        return record

    def touch(self, record: CalendarRecord, changed: set[str]) -> None:
        """Give ``record`` a new version (and change key) after ``changed`` attributes changed."""
        record.version = self.next_version()
        record.last_modified = self.clock.now()
        for attr in changed:
            record.field_versions[attr] = record.version

    def record_by_id(self, mailbox: MailboxRecord, item_id: str) -> CalendarRecord | None:
        """Return the stored record (single, master or exception) with ``item_id``, if any."""
        try:
            decoded = ids.decode(item_id)
        except MalformedIdError:
            return None
        record = mailbox.items.get(decoded.number)
        if (
            decoded.kind == "occurrence"
            and record is not None
            and decoded.original_start is not None
        ):
            number = record.exceptions.get(decoded.original_start)
            record = mailbox.items.get(number) if number is not None else None
        return record if record is not None and record.item_id == item_id else None

    def master_of(self, mailbox: MailboxRecord, record: CalendarRecord) -> CalendarRecord | None:
        """Return the master of an exception."""
        if record.master_number is None:
            return None
        return mailbox.items.get(record.master_number)

    # -- resolving ids -------------------------------------------------------------------------

    def locate(self, item_id: str) -> tuple[MailboxRecord, ids.DecodedId]:
        """Decode an item id and find its mailbox (errors as EWS answers them)."""
        try:
            decoded = ids.decode(item_id)
        except MalformedIdError:
            raise EwsError("ErrorInvalidIdMalformed") from None
        if decoded.kind not in ("item", "occurrence"):
            raise EwsError("ErrorInvalidIdMalformed")
        mailbox = self.mailbox_by_index(decoded.mailbox_index)
        if mailbox is None:
            raise EwsError("ErrorItemNotFound")
        return mailbox, decoded

    def resolve(self, item_id: str) -> tuple[MailboxRecord, Entry]:
        """Return the entry an ``ItemId`` names (a stored item or an occurrence)."""
        mailbox, decoded = self.locate(item_id)
        record = mailbox.items.get(decoded.number)
        if decoded.kind == "item":
            if record is None or record.master_number is not None:
                raise EwsError("ErrorItemNotFound")
            return mailbox, calendar.stored_entry(record, self.master_of(mailbox, record))
        assert decoded.original_start is not None
        if record is None or record.recurrence is None:
            raise EwsError("ErrorItemNotFound")
        if decoded.original_start in record.deleted or not calendar.series_of(record).contains(
            decoded.original_start
        ):
            raise EwsError("ErrorItemNotFound")
        return mailbox, calendar.occurrence_entry(mailbox, record, decoded.original_start)

    def resolve_occurrence(self, master_id: str, index: int) -> tuple[MailboxRecord, Entry]:
        """``OccurrenceItemId``: occurrence ``index`` of the master ``master_id``."""
        mailbox, master = self.resolve(master_id)
        if master.kind != "RecurringMaster":
            raise EwsError("ErrorCalendarCannotUseIdForOccurrenceId")
        return mailbox, calendar.occurrence_at_index(mailbox, master.record, index)

    def resolve_master(self, occurrence_id: str) -> tuple[MailboxRecord, Entry]:
        """``RecurringMasterItemId``: the master of an occurrence or exception."""
        mailbox, entry = self.resolve(occurrence_id)
        if entry.master is None:
            raise EwsError("ErrorCalendarCannotUseIdForRecurringMasterId")
        return mailbox, calendar.stored_entry(entry.master)

    # -- occurrences ------------------------------------------------------------------------------

    def materialise(self, mailbox: MailboxRecord, entry: Entry) -> CalendarRecord:
        """Turn an unmodified occurrence into a stored exception (copying its master)."""
        master = entry.record
        assert entry.original_start is not None
        copy = {
            name: getattr(master, name)
            for name in CalendarRecord.__dataclass_fields__
            if name
            not in (
                "number",
                "mailbox",
                "item_id",
                "version",
                "created",
                "last_modified",
                "recurrence",
                "exceptions",
                "deleted",
                "field_versions",
                "extended",
            )
        }
        copy.update(
            start=entry.start,
            end=entry.end,
            master_number=master.number,
            original_start=entry.original_start,
            extended=dict(master.extended),
        )
        # Exchange keeps the occurrence's id when it becomes an exception.
        exception = self.new_record(mailbox, copy, item_id=entry.item_id)
        master.exceptions[entry.original_start] = exception.number
        self.touch(master, set())
        return exception

    def delete_entry(self, mailbox: MailboxRecord, entry: Entry) -> None:
        """Delete an item; an occurrence or exception becomes a deleted occurrence."""
        if entry.kind in ("Occurrence", "Exception"):
            master = entry.master
            assert master is not None
            assert entry.original_start is not None
            number = master.exceptions.pop(entry.original_start, None)
            if number is not None:
                del mailbox.items[number]
            master.deleted.add(entry.original_start)
            self.touch(master, set())
            return
        record = entry.record
        for number in record.exceptions.values():
            mailbox.items.pop(number, None)
        del mailbox.items[record.number]

    def forget_exception(self, mailbox: MailboxRecord, exception: CalendarRecord) -> None:
        """Undo :meth:`materialise` (the write that needed it failed)."""
        master = self.master_of(mailbox, exception)
        if master is not None and exception.original_start is not None:
            master.exceptions.pop(exception.original_start, None)
        mailbox.items.pop(exception.number, None)

    def drop_exceptions(self, mailbox: MailboxRecord, master: CalendarRecord) -> None:
        """Forget a master's exceptions and deletions (its pattern or times changed)."""
        for number in master.exceptions.values():
            mailbox.items.pop(number, None)
        master.exceptions.clear()
        master.deleted.clear()

    # -- meeting messages ----------------------------------------------------------------

    def record_message(self, message: MeetingMessage) -> None:
        """Remember a meeting message a caller asked to send (nothing is sent)."""
        self.meeting_messages.append(message)

    def now(self) -> datetime:
        """Return the clock's time."""
        return self.clock.now()
