"""What every operation handler receives: the store, the caller and the request's options."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import final

from calsync_exchange.emulator import ids, timezones
from calsync_exchange.emulator._xml import Element
from calsync_exchange.emulator.auth import Identity, check_access
from calsync_exchange.emulator.calendar import Entry
from calsync_exchange.emulator.errors import EwsError
from calsync_exchange.emulator.folders import STANDARD_FOLDERS
from calsync_exchange.emulator.records import CALENDAR_FOLDER, MailboxRecord
from calsync_exchange.emulator.soap import Response, ServerBuild
from calsync_exchange.emulator.store import EwsStore
from calsync_exchange.emulator.values import TimeZoneSpec
from calsync_exchange.emulator.xml_request import (
    FolderRef,
    IdRef,
    ItemRef,
    MasterRef,
    OccurrenceRef,
)

KNOWN_FOLDERS = tuple(STANDARD_FOLDERS)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """One request being answered.

    ``zone_context`` is the request's ``TimeZoneContext`` (``None`` when absent);
    ``fail_last`` is set when a PARTIAL_FAILURE fault is armed for this request: the last
    item of the batch then fails while the others succeed.
    """

    store: EwsStore
    build: ServerBuild
    identity: Identity
    acting: MailboxRecord
    payload: Element
    zone_context: TimeZoneSpec | None = None
    fail_last: bool = False

    @property
    def zone_spec(self) -> TimeZoneSpec:
        """The zone naive times and new items default to: the request's, else the mailbox's."""
        return self.zone_context or self.acting.time_zone

    @property
    def zone(self) -> tzinfo:
        """:attr:`zone_spec` as a ``tzinfo``."""
        return timezones.resolve(self.zone_spec)

    def response(self, operation: str) -> Response:
        """Return a new response document for ``operation``."""
        return Response(operation, self.build)

    def partial_failure(self, index: int, count: int) -> bool:
        """Whether item ``index`` of ``count`` is the one an armed PARTIAL_FAILURE breaks."""
        return self.fail_last and index == count - 1

    # -- resolving what requests name --------------------------------------------------------

    def folder(self, ref: FolderRef) -> tuple[MailboxRecord, str]:
        """Return the mailbox and folder (``root``/``calendar``) a folder id names."""
        if ref.distinguished is not None:
            mailbox = self.acting
            if ref.mailbox:
                found = self.store.find_mailbox(ref.mailbox)
                if found is None:
                    raise EwsError("ErrorNonExistentMailbox")
                mailbox = found
            check_access(self.acting, mailbox)
            if ref.distinguished not in KNOWN_FOLDERS:
                raise EwsError("ErrorFolderNotFound")
            return mailbox, ref.distinguished
        try:
            decoded = ids.decode(ref.folder_id or "")
        except ids.MalformedIdError:
            raise EwsError("ErrorInvalidIdMalformed") from None
        mailbox_or_none = self.store.mailbox_by_index(decoded.mailbox_index)
        if decoded.kind != "folder" or mailbox_or_none is None:
            raise EwsError("ErrorFolderNotFound")
        check_access(self.acting, mailbox_or_none)
        name = ids.folder_name(ref.folder_id or "")
        if name not in KNOWN_FOLDERS:
            raise EwsError("ErrorFolderNotFound")
        return mailbox_or_none, name

    def calendar_folder(self, ref: FolderRef) -> MailboxRecord:
        """Return the mailbox whose calendar ``ref`` names; other folders hold no calendar items."""
        mailbox, name = self.folder(ref)
        if name != CALENDAR_FOLDER:
            raise EwsError(
                "ErrorCannotCreateCalendarItemInNonCalendarFolder",
                "Calendar items can only be created in the calendar folder.",
            )
        return mailbox

    def entry(self, ref: IdRef) -> tuple[MailboxRecord, Entry]:
        """Return the mailbox and entry an item id (of any form) names, if the caller may see it."""
        if isinstance(ref, ItemRef):
            mailbox, entry = self.store.resolve(ref.item_id)
        elif isinstance(ref, OccurrenceRef):
            mailbox, entry = self.store.resolve_occurrence(ref.master_id, ref.index)
        else:
            assert isinstance(ref, MasterRef)
            mailbox, entry = self.store.resolve_master(ref.occurrence_id)
        check_access(self.acting, mailbox)
        return mailbox, entry
