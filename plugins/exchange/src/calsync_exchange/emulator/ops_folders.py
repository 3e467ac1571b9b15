"""GetFolder: the root of the mailbox and its calendar folder."""

from __future__ import annotations

from calsync_exchange.emulator import ids
from calsync_exchange.emulator._xml import Element, m, sub, t
from calsync_exchange.emulator.context import Context
from calsync_exchange.emulator.errors import EwsError
from calsync_exchange.emulator.records import CALENDAR_FOLDER, ROOT_FOLDER, MailboxRecord
from calsync_exchange.emulator.soap import Response
from calsync_exchange.emulator.xml_request import parse_folders, parse_path

_DISPLAY_NAMES = {ROOT_FOLDER: "", CALENDAR_FOLDER: "Calendar"}


def get_folder(ctx: Context) -> Response:
    """Answer GetFolder, one message per requested folder."""
    response = ctx.response("GetFolder")
    shape = ctx.payload.find(m("FolderShape"))
    base = shape.findtext(t("BaseShape")) if shape is not None else "IdOnly"
    wanted = set()
    additional = shape.find(t("AdditionalProperties")) if shape is not None else None
    for child in additional if additional is not None else ():
        path = parse_path(child)
        wanted.add(getattr(path, "uri", ""))
    if base != "IdOnly":
        wanted |= {
            "folder:DisplayName",
            "folder:TotalCount",
            "folder:ChildFolderCount",
            "folder:FolderClass",
        }
    for ref in parse_folders(ctx.payload.find(m("FolderIds"))):
        try:
            mailbox, name = ctx.folder(ref)
        except EwsError as error:
            response.error(error)
            continue
        message = response.success()
        _render_folder(sub(message, m("Folders")), mailbox, name, wanted)
    return response


def _render_folder(parent: Element, mailbox: MailboxRecord, name: str, wanted: set[str]) -> None:
    folder = sub(parent, t("CalendarFolder" if name == CALENDAR_FOLDER else "Folder"))
    change_key = ids.change_key(0, mailbox.index)
    sub(folder, t("FolderId"), Id=ids.folder_id(mailbox.index, name), ChangeKey=change_key)
    if "folder:ParentFolderId" in wanted and name != ROOT_FOLDER:
        sub(
            folder,
            t("ParentFolderId"),
            Id=ids.folder_id(mailbox.index, ROOT_FOLDER),
            ChangeKey=change_key,
        )
    if "folder:FolderClass" in wanted and name == CALENDAR_FOLDER:
        sub(folder, t("FolderClass"), "IPF.Appointment")
    if "folder:DisplayName" in wanted:
        sub(folder, t("DisplayName"), _DISPLAY_NAMES[name])
    if "folder:TotalCount" in wanted:
        total = (
            sum(1 for r in mailbox.items.values() if r.master_number is None)
            if name == CALENDAR_FOLDER
            else 0
        )
        sub(folder, t("TotalCount"), str(total))
    if "folder:ChildFolderCount" in wanted:
        sub(folder, t("ChildFolderCount"), "1" if name == ROOT_FOLDER else "0")
    if "folder:UnreadCount" in wanted and name != CALENDAR_FOLDER:
        sub(folder, t("UnreadCount"), "0")
    if "folder:DistinguishedFolderId" in wanted:
        sub(folder, t("DistinguishedFolderId"), name)
