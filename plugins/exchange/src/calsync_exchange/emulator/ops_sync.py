"""SyncFolderItems: changes to the calendar folder since a sync state.

Only singles and recurring masters are items of the folder; a change to an occurrence (it
became an exception, moved, or was deleted) shows up as an ``Update`` of its master.
Changes are paged by ``MaxChangesReturned`` (1-512, as the schema allows);
``IncludesLastItemInRange`` is false while more remain.

EWS reference, SyncFolderItems operation
(https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/syncfolderitems-operation):
the response's ``SyncState`` is passed back to get the changes since, ``Changes`` holds
``Create``, ``Update``, ``Delete`` (``ItemId`` only) and ``ReadFlagChange`` entries, and an
unusable state is ``ErrorInvalidSyncStateData``.
"""

from __future__ import annotations

from calsync_exchange.emulator import calendar, ids, syncstate
from calsync_exchange.emulator._xml import M, T, m, render_bool, sub, t
from calsync_exchange.emulator.context import Context
from calsync_exchange.emulator.errors import EwsError, SoapFault, schema_error
from calsync_exchange.emulator.records import CALENDAR_FOLDER, MailboxRecord
from calsync_exchange.emulator.soap import Response
from calsync_exchange.emulator.xml_render import render_id, render_item
from calsync_exchange.emulator.xml_request import (
    ItemRef,
    Shape,
    parse_folder,
    parse_ids,
    parse_shape,
)

MAX_CHANGES = 512


def _max_changes(ctx: Context) -> int:
    text = ctx.payload.findtext(m("MaxChangesReturned"))
    if text is None:
        raise schema_error(
            "The element 'SyncFolderItems' has incomplete content: MaxChangesReturned."
        )
    try:
        value = int(text)
    except ValueError:
        raise schema_error(f"The value '{text}' of MaxChangesReturned is not an integer.") from None
    if not 1 <= value <= MAX_CHANGES:
        raise SoapFault(
            "ErrorSchemaValidation",
            "The request failed schema validation.",
            violation=(
                f"The '{M}:MaxChangesReturned' element is invalid - The value '{value}' is invalid "
                f"according to its datatype '{T}:MaxSyncChangesReturnedType' - The "
                f"{'MaxInclusive' if value > MAX_CHANGES else 'MinInclusive'} constraint failed."
            ),
        )
    return value


def invalid_state(response: Response) -> None:
    """Answer an unusable state as Exchange does: an error with an empty state."""
    message = response.error(EwsError("ErrorInvalidSyncStateData"))
    sub(message, m("SyncState"))
    sub(message, m("IncludesLastItemInRange"), "true")


def sync_folder_items(ctx: Context) -> Response:
    """Answer SyncFolderItems."""
    shape = parse_shape(ctx.payload.find(m("ItemShape")))
    limit = _max_changes(ctx)
    folder_elem = ctx.payload.find(m("SyncFolderId"))
    if folder_elem is None or len(folder_elem) != 1:
        raise schema_error("SyncFolderItems needs one SyncFolderId.")
    ignore = {r.item_id for r in parse_ids(ctx.payload.find(m("Ignore"))) if isinstance(r, ItemRef)}
    response = ctx.response("SyncFolderItems")
    try:
        mailbox, folder = ctx.folder(parse_folder(folder_elem[0]))
        text = ctx.payload.findtext(m("SyncState"))
        if text:
            state = syncstate.decode(
                text,
                ctx.store.sync_secret,
                mailbox_index=mailbox.index,
                folder=folder,
                epoch=mailbox.sync_epoch,
            )
        else:
            state = syncstate.SyncState(mailbox.index, folder, mailbox.sync_epoch)
    except EwsError as error:
        if error.code == "ErrorInvalidSyncStateData":
            invalid_state(response)
        else:
            response.error(error)
        return response
    _answer(ctx, response, mailbox, folder, state, shape, limit, ignore)
    return response


def _answer(
    ctx: Context,
    response: Response,
    mailbox: MailboxRecord,
    folder: str,
    state: syncstate.SyncState,
    shape: Shape,
    limit: int,
    ignore: set[str],
) -> None:
    current = {
        r.number: r
        for r in mailbox.items.values()
        if r.master_number is None and folder == CALENDAR_FOLDER
    }
    pending = sorted(
        (r for r in current.values() if state.known.get(r.number) != r.version),
        key=lambda r: r.version,
    )
    deleted = sorted(n for n in state.known if n not in current)
    changes: list[tuple[str, int]] = [("Delete", n) for n in deleted]
    changes += [("Update" if r.number in state.known else "Create", r.number) for r in pending]
    known = dict(state.known)
    page: list[tuple[str, int]] = []
    processed = 0
    for kind, number in changes:
        ignored = kind != "Delete" and current[number].item_id in ignore
        if not ignored and len(page) == limit:
            break
        processed += 1
        if kind == "Delete":
            del known[number]
        else:
            known[number] = current[number].version
        if not ignored:
            page.append((kind, number))
    new_state = syncstate.SyncState(mailbox.index, folder, mailbox.sync_epoch, known)
    message = response.success()
    sub(message, m("SyncState"), syncstate.encode(new_state, ctx.store.sync_secret))
    sub(message, m("IncludesLastItemInRange"), render_bool(processed == len(changes)))
    container = sub(message, m("Changes"))
    for kind, number in page:
        change = sub(container, t(kind))
        if kind == "Delete":
            render_id(
                change,
                t("ItemId"),
                ids.item_id(mailbox.index, number),
                ids.change_key(number, state.known[number]),
            )
        else:
            render_item(change, mailbox, calendar.stored_entry(current[number]), shape)
