"""The folders every mailbox has: their distinguished ids, names, classes and tree.

Exchange names its standard folders by ``DistinguishedFolderId`` (EWS reference,
DistinguishedFolderId element,
https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/distinguishedfolderid):
``root`` holds ``msgfolderroot`` (the "Top of Information Store"), which holds the mail and
PIM folders below. A client can read any of them (GetFolder) and list them (FindFolder);
only the calendar holds items in the emulator, the others are empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from calsync_exchange.emulator.records import CALENDAR_FOLDER, ROOT_FOLDER

__all__ = ["STANDARD_FOLDERS", "FolderSpec", "children", "descendants"]


@dataclass(frozen=True, slots=True)
class FolderSpec:
    """One standard folder."""

    parent: str | None
    display_name: str
    #: The folder element EWS answers with (``t:Folder``, ``t:CalendarFolder``...).
    element: str = "Folder"
    folder_class: str | None = "IPF.Note"


#: Distinguished id -> folder, parents before children (the order FindFolder lists them in).
STANDARD_FOLDERS: Final[dict[str, FolderSpec]] = {
    ROOT_FOLDER: FolderSpec(None, "", folder_class=None),
    "msgfolderroot": FolderSpec(ROOT_FOLDER, "Top of Information Store", folder_class=None),
    "inbox": FolderSpec("msgfolderroot", "Inbox"),
    "outbox": FolderSpec("msgfolderroot", "Outbox"),
    "sentitems": FolderSpec("msgfolderroot", "Sent Items"),
    "deleteditems": FolderSpec("msgfolderroot", "Deleted Items"),
    "drafts": FolderSpec("msgfolderroot", "Drafts"),
    "junkemail": FolderSpec("msgfolderroot", "Junk Email"),
    CALENDAR_FOLDER: FolderSpec(
        "msgfolderroot", "Calendar", "CalendarFolder", folder_class="IPF.Appointment"
    ),
    "contacts": FolderSpec("msgfolderroot", "Contacts", "ContactsFolder", "IPF.Contact"),
    "tasks": FolderSpec("msgfolderroot", "Tasks", "TasksFolder", "IPF.Task"),
    "notes": FolderSpec("msgfolderroot", "Notes", folder_class="IPF.StickyNote"),
    "journal": FolderSpec("msgfolderroot", "Journal", folder_class="IPF.Journal"),
}


def children(name: str) -> list[str]:
    """The folders directly below ``name`` (FindFolder ``Traversal="Shallow"``)."""
    return [child for child, spec in STANDARD_FOLDERS.items() if spec.parent == name]


def descendants(name: str) -> list[str]:
    """Every folder below ``name``, depth first (FindFolder ``Traversal="Deep"``)."""
    found: list[str] = []
    for child in children(name):
        found += [child, *descendants(child)]
    return found
