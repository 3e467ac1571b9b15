"""UpdateItem: SetItemField / AppendToItemField / DeleteItemField, with change-key checks.

Conflict handling follows Exchange: with ``NeverOverwrite`` a stale change key fails the
item with ``ErrorIrresolvableConflict``; ``AutoResolve`` (exchangelib's default) requires a
change key but applies the update over newer changes, reporting how many properties it
overwrote in ``m:ConflictResults``; ``AlwaysOverwrite`` applies without looking.
Updating an occurrence turns it into an exception, and its master gains a new change key.
"""

from __future__ import annotations

from calsync_exchange.emulator import fields as F
from calsync_exchange.emulator import ids, mutations
from calsync_exchange.emulator._xml import Element, local, m, sub, t
from calsync_exchange.emulator.calendar import Entry
from calsync_exchange.emulator.context import Context
from calsync_exchange.emulator.errors import EwsError, schema_error
from calsync_exchange.emulator.mutations import Change
from calsync_exchange.emulator.ops_items import (
    SEND_UPDATES,
    disposition_of,
    record_meeting_message,
)
from calsync_exchange.emulator.soap import Response
from calsync_exchange.emulator.xml_item import parse_value
from calsync_exchange.emulator.xml_render import render_id
from calsync_exchange.emulator.xml_request import (
    ExtendedUri,
    IdRef,
    OccurrenceRef,
    parse_id,
    parse_path,
)

_ACTIONS = {"SetItemField": "set", "AppendToItemField": "append", "DeleteItemField": "delete"}
_CONFLICT_MODES = ("NeverOverwrite", "AutoResolve", "AlwaysOverwrite")


def _change(elem: Element, ctx: Context) -> Change:
    action = _ACTIONS.get(local(elem))
    if action is None or len(elem) == 0:
        raise schema_error(f"Unexpected update element {local(elem)!r}.")
    path = parse_path(elem[0])
    if isinstance(path, ExtendedUri):
        if action == "delete":
            return Change("delete", path)
        prop = elem[1].find(t("ExtendedProperty")) if len(elem) > 1 else None
        if prop is None:
            raise schema_error("SetItemField for an extended property needs an ExtendedProperty.")
        values = prop.find(t("Values"))
        if values is not None:
            return Change(action, path, tuple(v.text or "" for v in values.findall(t("Value"))))  # type: ignore[arg-type]
        return Change(action, path, prop.findtext(t("Value")) or "")  # type: ignore[arg-type]
    field = F.BY_URI.get(path.uri)
    if field is None or field.attr is None:
        raise EwsError(
            "ErrorInvalidPropertySet" if action != "delete" else "ErrorInvalidPropertyDelete",
            field_uri=path.uri,
        )
    if action == "delete":
        return Change("delete", field)
    if len(elem) < 2:
        raise schema_error(f"{local(elem)} needs an item element.")
    value_elem = elem[1].find(t(field.element))
    if value_elem is None:
        raise schema_error(f"{local(elem)} for {path.uri} must contain a {field.element} element.")
    return Change(action, field, parse_value(field, value_elem, ctx.zone))  # type: ignore[arg-type]


def _parse(ctx: Context) -> list[tuple[IdRef, list[Change]] | EwsError]:
    changes_elem = ctx.payload.find(m("ItemChanges"))
    if changes_elem is None:
        raise schema_error("UpdateItem needs ItemChanges.")
    parsed: list[tuple[IdRef, list[Change]] | EwsError] = []
    for item_change in changes_elem:
        ref = parse_id(item_change[0])
        updates = item_change.find(t("Updates"))
        try:
            parsed.append(
                (ref, [_change(u, ctx) for u in (updates if updates is not None else ())])
            )
        except EwsError as error:
            parsed.append(error)
    return parsed


def _conflicts(ref: IdRef, entry: Entry, changes: list[Change], mode: str) -> int:
    """Check the change key; return how many properties an AutoResolve overwrote."""
    if ref.change_key is None:
        if mode == "AutoResolve":
            raise EwsError("ErrorChangeKeyRequiredForWriteOperations")
        return 0
    # For an OccurrenceItemId the change key is the master's.
    holder = (
        entry.master
        if isinstance(ref, OccurrenceRef) and entry.master is not None
        else entry.record
    )
    current = ids.change_key(holder.number, holder.version)
    if ref.change_key == current or mode == "AlwaysOverwrite":
        return 0
    if mode == "NeverOverwrite":
        raise EwsError("ErrorIrresolvableConflict")
    seen = ids.change_key_version(ref.change_key, holder.number)
    if seen is None:
        raise EwsError("ErrorInvalidChangeKey")
    overwritten = 0
    for change in changes:
        attr = (
            f"extended:{change.target.key.name}"
            if isinstance(change.target, ExtendedUri)
            else change.target.attr
        )
        if holder.field_versions.get(attr or "", 0) > seen:
            overwritten += 1
    return overwritten


def update_item(ctx: Context) -> Response:
    """Answer UpdateItem."""
    mode = ctx.payload.get("ConflictResolution", "AutoResolve")
    if mode not in _CONFLICT_MODES:
        raise schema_error(f"The ConflictResolution value {mode!r} is invalid.")
    disposition = disposition_of(ctx, "SendMeetingInvitationsOrCancellations", SEND_UPDATES)
    parsed = _parse(ctx)
    response = ctx.response("UpdateItem")
    for index, item in enumerate(parsed):
        try:
            if isinstance(item, EwsError):
                raise item
            ref, changes = item
            mailbox, entry = ctx.entry(ref)
            overwritten = _conflicts(ref, entry, changes, mode)
            if ctx.partial_failure(index, len(parsed)):
                raise EwsError("ErrorItemSave")
            record = mutations.update(ctx.store, mailbox, entry, changes)
        except EwsError as error:
            response.error(error)
            continue
        record_meeting_message(ctx, mailbox, record, "update", disposition)
        message = response.success()
        updated = sub(sub(message, m("Items")), t("CalendarItem"))
        render_id(
            updated, t("ItemId"), record.item_id, ids.change_key(record.number, record.version)
        )
        sub(sub(message, m("ConflictResults")), t("Count"), str(overwritten))
    return response
