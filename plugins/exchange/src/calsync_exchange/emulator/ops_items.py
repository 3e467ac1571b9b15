"""GetItem, CreateItem and DeleteItem.

Meeting messages are never sent: when a caller asks for invitations or cancellations
(anything but ``SendToNone``) on a meeting it organises, the request is recorded as a
:class:`~calsync_exchange.emulator.values.MeetingMessage` so tests can count them.
"""

from __future__ import annotations

from typing import Literal

from calsync_exchange.emulator import ids, mutations
from calsync_exchange.emulator._xml import m, sub, t
from calsync_exchange.emulator.context import Context
from calsync_exchange.emulator.errors import EwsError, schema_error
from calsync_exchange.emulator.records import CalendarRecord, MailboxRecord
from calsync_exchange.emulator.soap import Response
from calsync_exchange.emulator.values import MeetingMessage
from calsync_exchange.emulator.xml_item import Assignment, parse_calendar_item
from calsync_exchange.emulator.xml_render import render_id, render_item
from calsync_exchange.emulator.xml_request import parse_folder, parse_ids, parse_shape

SEND_INVITATIONS = ("SendToNone", "SendOnlyToAll", "SendToAllAndSaveCopy")
SEND_UPDATES = (
    "SendToNone",
    "SendOnlyToAll",
    "SendOnlyToChanged",
    "SendToAllAndSaveCopy",
    "SendToChangedAndSaveCopy",
)


def record_meeting_message(
    ctx: Context,
    mailbox: MailboxRecord,
    record: CalendarRecord,
    kind: Literal["invitation", "update", "cancellation"],
    disposition: str,
) -> None:
    """Count a meeting message the caller asked for, if one would go out."""
    if disposition == "SendToNone" or not record.is_meeting:
        return
    if record.organizer.email.lower() != mailbox.address.lower():
        return  # only the organizer sends invitations, updates and cancellations
    ctx.store.record_message(
        MeetingMessage(
            kind=kind,
            mailbox=mailbox.address,
            item_id=record.item_id,
            subject=record.subject,
            recipients=record.attendee_addresses(),
            disposition=disposition,
            at=ctx.store.now(),
        )
    )
    record.meeting_request_was_sent = True


def get_item(ctx: Context) -> Response:
    """Answer GetItem: one message per id, ``ErrorItemNotFound`` & co. per message."""
    response = ctx.response("GetItem")
    shape = parse_shape(ctx.payload.find(m("ItemShape")))
    refs = parse_ids(ctx.payload.find(m("ItemIds")))
    for index, ref in enumerate(refs):
        try:
            if ctx.partial_failure(index, len(refs)):
                raise EwsError("ErrorItemCorrupt")
            mailbox, entry = ctx.entry(ref)
        except EwsError as error:
            response.error(error)
            continue
        render_item(sub(response.success(), m("Items")), mailbox, entry, shape)
    return response


def disposition_of(ctx: Context, attribute: str, allowed: tuple[str, ...]) -> str:
    """The request's meeting-message ``attribute``, required for calendar items as in Exchange."""
    disposition = ctx.payload.get(attribute)
    if disposition is None:
        raise EwsError(f"Error{attribute}Required", f"{attribute} is required for calendar items.")
    if disposition not in allowed:
        raise schema_error(f"The {attribute} value {disposition!r} is invalid.")
    return disposition


def create_item(ctx: Context) -> Response:
    """Answer CreateItem for calendar items."""
    disposition = disposition_of(ctx, "SendMeetingInvitations", SEND_INVITATIONS)
    folder = ctx.payload.find(m("SavedItemFolderId"))
    items = ctx.payload.find(m("Items"))
    if items is None:
        raise schema_error("CreateItem needs Items.")
    # Exchange validates the whole request before it creates anything.
    parsed: list[list[Assignment] | EwsError] = []
    for elem in items:
        try:
            parsed.append(parse_calendar_item(elem, ctx.zone))
        except EwsError as error:
            parsed.append(error)
    response = ctx.response("CreateItem")
    for index, assignments in enumerate(parsed):
        try:
            if isinstance(assignments, EwsError):
                raise assignments
            mailbox = (
                ctx.calendar_folder(parse_folder(folder[0])) if folder is not None else ctx.acting
            )
            if ctx.partial_failure(index, len(parsed)):
                raise EwsError("ErrorItemSave")
            record = mutations.create(ctx.store, mailbox, assignments, ctx.zone_spec)
        except EwsError as error:
            response.error(error)
            continue
        record_meeting_message(ctx, mailbox, record, "invitation", disposition)
        created = sub(sub(response.success(), m("Items")), t("CalendarItem"))
        render_id(
            created, t("ItemId"), record.item_id, ids.change_key(record.number, record.version)
        )
    return response


def delete_item(ctx: Context) -> Response:
    """Answer DeleteItem (items, occurrences, exceptions, masters with their exceptions)."""
    disposition = disposition_of(ctx, "SendMeetingCancellations", SEND_INVITATIONS)
    response = ctx.response("DeleteItem")
    refs = parse_ids(ctx.payload.find(m("ItemIds")))
    for index, ref in enumerate(refs):
        try:
            if ctx.partial_failure(index, len(refs)):
                raise EwsError("ErrorCannotDeleteObject")
            mailbox, entry = ctx.entry(ref)
        except EwsError as error:
            response.error(error)
            continue
        record_meeting_message(ctx, mailbox, entry.record, "cancellation", disposition)
        ctx.store.delete_entry(mailbox, entry)
        response.success()
    return response
