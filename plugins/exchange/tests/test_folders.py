"""GetFolder and FindFolder: the standard folders, missing folders, other people's mailboxes."""

from __future__ import annotations

from datetime import datetime

import pytest
from ews_testing import ALICE, BOB, PASSWORD, utc
from exchangelib import Account
from exchangelib.errors import ErrorAccessDenied, ErrorFolderNotFound
from exchangelib.folders import ArchiveInbox, Calendar, DistinguishedFolderId, Inbox
from exchangelib.properties import Mailbox
from exchangelib.services import GetFolder

from calsync_exchange.emulator import EwsEmulator, in_process_account


def test_calendar_is_two_getfolder_calls_and_names_the_calendar(
    account: Account, emulator: EwsEmulator
) -> None:
    calendar = account.calendar
    assert isinstance(calendar, Calendar)
    assert calendar.name == "Calendar"
    assert calendar.folder_class == "IPF.Appointment"
    assert emulator.counts == {"GetFolder": 2}
    assert account.root.id != calendar.id
    # The calendar sits in the Top of Information Store (msgfolderroot), as in Exchange.
    assert calendar.parent_folder_id.id == account.msg_folder_root.id


def test_calendar_total_count_follows_the_store(account: Account, emulator: EwsEmulator) -> None:
    emulator.seed_item(ALICE, subject="a", start=_t(9), end=_t(10))
    emulator.seed_item(ALICE, subject="b", start=_t(11), end=_t(12))
    assert account.calendar.total_count == 2


def test_a_folder_the_mailbox_does_not_have_is_error_folder_not_found(account: Account) -> None:
    folder_id = DistinguishedFolderId(
        id=ArchiveInbox.DISTINGUISHED_FOLDER_ID, mailbox=Mailbox(email_address=ALICE)
    )  # a mailbox without an archive
    results = list(
        GetFolder(account=account).call(folders=[folder_id], shape="IdOnly", additional_fields=[])
    )
    assert len(results) == 1
    assert isinstance(results[0], ErrorFolderNotFound)


def test_the_standard_folders_exist_and_find_folder_lists_them(
    account: Account, emulator: EwsEmulator
) -> None:
    """Every mailbox has Exchange's distinguished folders (EWS reference,
    DistinguishedFolderId) and FindFolder lists them (EWS reference, FindFolder)."""
    inbox = account.inbox
    assert isinstance(inbox, Inbox) and inbox.name == "Inbox"
    assert inbox.parent_folder_id.id == account.msg_folder_root.id
    assert account.contacts.folder_class == "IPF.Contact"
    assert account.tasks.name == "Tasks"
    below_top = {f.name for f in account.msg_folder_root.children}
    assert {"Inbox", "Calendar", "Contacts", "Tasks", "Sent Items", "Deleted Items"} <= below_top
    assert emulator.counts.get("FindFolder", 0) >= 1
    assert "Calendar" in {f.name for f in account.root.walk()}


def test_another_mailbox_is_refused_without_delegation(emulator: EwsEmulator) -> None:
    with (
        in_process_account(emulator, BOB, password=PASSWORD) as bob,
        pytest.raises(ErrorAccessDenied),
    ):
        # Bob's own credentials, Alice's calendar (DELEGATE access names Alice's mailbox).
        _ = Account(
            ALICE, config=bob.protocol.config, autodiscover=False, access_type="delegate"
        ).calendar


def test_a_delegate_may_open_the_other_calendar(emulator: EwsEmulator) -> None:
    emulator.grant_delegate(ALICE, to=BOB)
    emulator.seed_item(ALICE, subject="Alice's", start=_t(9), end=_t(10))
    with in_process_account(emulator, BOB, password=PASSWORD) as bob:
        alice = Account(
            ALICE, config=bob.protocol.config, autodiscover=False, access_type="delegate"
        )
        assert [i.subject for i in alice.calendar.all()] == ["Alice's"]


def _t(hour: int) -> datetime:
    return utc(2025, 2, 3, hour)
