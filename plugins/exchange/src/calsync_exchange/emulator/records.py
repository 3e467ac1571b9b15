"""The mutable records the EWS store keeps: mailboxes, calendar items, user configurations.

Records change in place as operations apply (a new change key on every change); the values
they hold (:mod:`calsync_exchange.emulator.values`) are immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from calsync_exchange.emulator.values import (
    Attendee,
    Body,
    ExtendedKey,
    Person,
    Recurrence,
    TimeZoneSpec,
)

#: The fields a client may write, by record attribute; used for conflict detection.
CALENDAR_FOLDER = "calendar"
ROOT_FOLDER = "root"


@dataclass(slots=True, kw_only=True)
class CalendarRecord:
    """One calendar item: a single item, a recurring master or an exception of a master.

    Occurrences are not stored: they are derived from their master. An exception (a
    modified occurrence) is stored with ``master_number`` and ``original_start`` set, and is
    listed on its master in :attr:`exceptions`.
    """

    number: int
    mailbox: str
    item_id: str
    version: int
    created: datetime
    last_modified: datetime
    start: datetime
    end: datetime
    start_zone: TimeZoneSpec
    end_zone: TimeZoneSpec
    organizer: Person
    uid: str
    subject: str | None = None
    body: Body | None = None
    categories: tuple[str, ...] = ()
    sensitivity: str = "Normal"
    importance: str = "Normal"
    reminder_is_set: bool = True
    reminder_minutes: int = 15
    reminder_due_by: datetime | None = None
    culture: str | None = "en-US"
    in_reply_to: str | None = None
    is_all_day: bool = False
    free_busy: str = "Busy"
    location: str | None = None
    when: str | None = None
    required: tuple[Attendee, ...] = ()
    optional: tuple[Attendee, ...] = ()
    resources: tuple[Attendee, ...] = ()
    my_response_type: str = "Organizer"
    is_cancelled: bool = False
    is_response_requested: bool | None = True
    meeting_request_was_sent: bool = False
    allow_new_time_proposal: bool | None = True
    conference_type: int | None = 0
    meeting_workspace_url: str | None = None
    net_show_url: str | None = None
    appointment_sequence: int = 0
    last_modified_name: str | None = None
    extended: dict[ExtendedKey, str | tuple[str, ...]] = field(default_factory=dict)
    recurrence: Recurrence | None = None
    #: On a master: original start (UTC) -> item number of the exception.
    exceptions: dict[datetime, int] = field(default_factory=dict)
    #: On a master: original starts (UTC) of deleted occurrences.
    deleted: set[datetime] = field(default_factory=set)
    #: On an exception: its master and the start the occurrence had in the pattern.
    master_number: int | None = None
    original_start: datetime | None = None
    #: The version each writable attribute last changed in (for conflict resolution).
    field_versions: dict[str, int] = field(default_factory=dict)

    @property
    def is_meeting(self) -> bool:
        """A calendar item with attendees is a meeting."""
        return bool(self.required or self.optional or self.resources)

    @property
    def kind(self) -> str:
        """``Single``, ``RecurringMaster`` or ``Exception`` (occurrences are never stored)."""
        if self.master_number is not None:
            return "Exception"
        return "RecurringMaster" if self.recurrence is not None else "Single"

    def attendee_addresses(self) -> tuple[str, ...]:
        """Every attendee's address, required first."""
        return tuple(a.person.email for a in (*self.required, *self.optional, *self.resources))


@dataclass(slots=True, kw_only=True)
class UserConfigurationRecord:
    """A user configuration object (a folder-associated item), e.g. ``CategoryList``."""

    item_id: str
    version: int
    dictionary_xml: bytes | None = None
    xml_data: bytes | None = None
    binary_data: bytes | None = None


@dataclass(slots=True, kw_only=True)
class MailboxRecord:
    """A mailbox with its owner's credentials, folders and calendar items."""

    address: str
    index: int
    name: str
    password: str | None
    time_zone: TimeZoneSpec
    #: Addresses that may impersonate this mailbox (service accounts, via Basic auth).
    impersonators: set[str] = field(default_factory=set)
    #: Addresses granted delegate access to this mailbox.
    delegates: set[str] = field(default_factory=set)
    #: Bumped to invalidate every sync state issued for this mailbox.
    sync_epoch: int = 0
    items: dict[int, CalendarRecord] = field(default_factory=dict)
    #: (folder, name) -> configuration.
    configurations: dict[tuple[str, str], UserConfigurationRecord] = field(default_factory=dict)

    @property
    def person(self) -> Person:
        """The owner as a ``t:Mailbox``."""
        return Person(email=self.address, name=self.name)


@dataclass(slots=True, kw_only=True)
class ApplicationRecord:
    """An Entra ID application registration allowed to use client credentials."""

    tenant: str
    client_id: str
    client_secret: str
    #: Mailboxes it may impersonate (``None``: every mailbox, like an unscoped grant).
    mailboxes: frozenset[str] | None = None


@dataclass(slots=True, kw_only=True)
class TokenRecord:
    """An access token the emulated token endpoint issued."""

    token: str
    client_id: str
    expires_at: datetime
    revoked: bool = False
