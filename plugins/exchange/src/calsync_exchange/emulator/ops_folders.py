"""GetFolder and FindFolder over the standard folders of a mailbox (see :mod:`.folders`)."""

from __future__ import annotations

from calsync_exchange.emulator import folders, ids
from calsync_exchange.emulator._xml import Element, m, render_bool, sub, t
from calsync_exchange.emulator.context import Context
from calsync_exchange.emulator.errors import EwsError, schema_error
from calsync_exchange.emulator.records import CALENDAR_FOLDER, MailboxRecord
from calsync_exchange.emulator.soap import Response
from calsync_exchange.emulator.xml_request import parse_folders, parse_path

#: FindFolder pages hold at most this many folders.
MAX_PAGE = 1000


def _wanted(ctx: Context) -> set[str]:
    """The folder properties the request's ``FolderShape`` asks for."""
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
    return wanted


def get_folder(ctx: Context) -> Response:
    """Answer GetFolder, one message per requested folder."""
    response = ctx.response("GetFolder")
    wanted = _wanted(ctx)
    for ref in parse_folders(ctx.payload.find(m("FolderIds"))):
        try:
            mailbox, name = ctx.folder(ref)
        except EwsError as error:
            response.error(error)
            continue
        message = response.success()
        _render_folder(sub(message, m("Folders")), mailbox, name, wanted)
    return response


def find_folder(ctx: Context) -> Response:
    """Answer FindFolder: the folders below each parent, one message per parent.

    EWS reference, FindFolder operation
    (https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/findfolder-operation):
    ``Traversal`` ``Shallow`` lists the direct children, ``Deep`` every descendant; the
    ``RootFolder`` carries ``IndexedPagingOffset``, ``TotalItemsInView`` and
    ``IncludesLastItemInRange``. A restriction is refused with ``ErrorInvalidOperation``.
    """
    response = ctx.response("FindFolder")
    wanted = _wanted(ctx)
    traversal = ctx.payload.get("Traversal", "Shallow")
    offset, limit = _view(ctx)
    for ref in parse_folders(ctx.payload.find(m("ParentFolderIds"))):
        try:
            mailbox, name = ctx.folder(ref)
            if ctx.payload.find(m("Restriction")) is not None:
                raise EwsError(
                    "ErrorInvalidOperation", "FindFolder restrictions are not available here."
                )
            if traversal not in ("Shallow", "Deep"):
                raise EwsError(
                    "ErrorInvalidOperation", f"Traversal {traversal} is not available here."
                )
        except EwsError as error:
            response.error(error)
            continue
        found = folders.descendants(name) if traversal == "Deep" else folders.children(name)
        page = found[offset : offset + limit]
        following = offset + len(page)
        root = sub(
            response.success(),
            m("RootFolder"),
            IndexedPagingOffset=str(following),
            TotalItemsInView=str(len(found)),
            IncludesLastItemInRange=render_bool(following >= len(found)),
        )
        container = sub(root, t("Folders"))
        for child in page:
            _render_folder(container, mailbox, child, wanted)
    return response


def _view(ctx: Context) -> tuple[int, int]:
    """The offset and page size of an ``IndexedPageFolderView`` (everything without one)."""
    view = ctx.payload.find(m("IndexedPageFolderView"))
    if view is None:
        return 0, MAX_PAGE
    try:
        offset = int(view.get("Offset", "0"))
        limit = min(int(view.get("MaxEntriesReturned", str(MAX_PAGE))), MAX_PAGE)
    except ValueError:
        raise schema_error(
            "IndexedPageFolderView needs integer Offset and MaxEntriesReturned."
        ) from None
    if view.get("BasePoint", "Beginning") != "Beginning" or offset < 0 or limit < 1:
        raise schema_error("IndexedPageFolderView is out of range.")
    return offset, limit


def _render_folder(parent: Element, mailbox: MailboxRecord, name: str, wanted: set[str]) -> None:
    spec = folders.STANDARD_FOLDERS[name]
    folder = sub(parent, t(spec.element))
    change_key = ids.change_key(0, mailbox.index)
    sub(folder, t("FolderId"), Id=ids.folder_id(mailbox.index, name), ChangeKey=change_key)
    if "folder:ParentFolderId" in wanted and spec.parent is not None:
        sub(
            folder,
            t("ParentFolderId"),
            Id=ids.folder_id(mailbox.index, spec.parent),
            ChangeKey=change_key,
        )
    if "folder:FolderClass" in wanted and spec.folder_class is not None:
        sub(folder, t("FolderClass"), spec.folder_class)
    if "folder:DisplayName" in wanted:
        sub(folder, t("DisplayName"), spec.display_name)
    if "folder:TotalCount" in wanted:
        total = (
            sum(1 for r in mailbox.items.values() if r.master_number is None)
            if name == CALENDAR_FOLDER
            else 0
        )
        sub(folder, t("TotalCount"), str(total))
    if "folder:ChildFolderCount" in wanted:
        sub(folder, t("ChildFolderCount"), str(len(folders.children(name))))
    if "folder:UnreadCount" in wanted and spec.element == "Folder":
        sub(folder, t("UnreadCount"), "0")
    if "folder:DistinguishedFolderId" in wanted:
        sub(folder, t("DistinguishedFolderId"), name)
