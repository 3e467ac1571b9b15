"""Creates, updates and deletes as Calendar batch requests, one result per write.

Every write carries ``sendUpdates=none``: guests are never e-mailed. Updates are patches
of the fields asked for. An occurrence without an id of its own is addressed by its
instance id (``<series>_<original start>``): patching it makes an exception, deleting it
cancels that occurrence. A delete of something already gone (404, 410) succeeds.

Creates choose their id (base32hex of the counterpart id, :func:`calsync.identity.derived_id`).
A replayed create therefore meets its first attempt as 409 ``duplicate``; the event is read
and, when it is ours (same counterpart) or a deleted tombstone of ours, patched to the
desired state (``status: confirmed`` restores a tombstone) and adopted.

Updates that rewrite the description of an event carrying a marker put the marker's block
back in a second, batched patch (the engine's body never holds marker text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from calsync.identity import derived_id
from calsync.model import CalendarItem, ItemRef
from calsync.policy import Operation
from calsync.providers import ItemFailure, Write, WriteResult
from calsync_gmail import ids
from calsync_gmail.convert import own_counterpart, private_properties
from calsync_gmail.errors import item_failure
from calsync_gmail.marker_text import with_marker
from calsync_gmail.series import GONE, is_cancelled
from calsync_gmail.session import PROVIDER, Session
from calsync_gmail.to_event import item_to_event, patch_for

__all__ = ["ref_of", "write"]

_WHAT = "events write"


@dataclass(slots=True)
class _Plan:
    index: int
    write: Write
    event_id: str
    request: Any
    #: For creates: the whole body, to adopt or restore on a 409.
    body: dict[str, Any] | None = None


def ref_of(reply: Any) -> ItemRef | None:
    """The ref of an Event reply, or ``None`` when the reply is not one."""
    if not isinstance(reply, dict) or not reply.get("id") or not reply.get("etag"):
        return None
    return ItemRef(provider=PROVIDER, id=str(reply["id"]), change_token=str(reply["etag"]))


def _garbage() -> WriteResult:
    message = "Google answered the write with something that is not an event"
    return WriteResult(failure=ItemFailure(code="INVALID_SERVER_REPLY", message=message))


def _target(write: Write) -> str:
    if write.target is not None:
        return write.target
    assert write.item is not None and write.item.occurrence_key is not None
    return ids.instance_id(*write.item.occurrence_key)


def _plan(session: Session, index: int, write: Write) -> _Plan:
    events, cal = session.events(), session.calendar_id
    item = write.item
    if write.operation is Operation.DELETE:
        event_id = _target(write)
        request = events.delete(calendarId=cal, eventId=event_id, sendUpdates="none")
        return _Plan(index, write, event_id, request)
    assert item is not None
    if write.operation is Operation.CREATE and item.occurrence_key is None:
        event_id = derived_id(item.counterpart_id)
        body = item_to_event(item, event_id=event_id, calendar_zone=session.zone)
        request = events.insert(calendarId=cal, body=body, sendUpdates="none")
        return _Plan(index, write, event_id, request, body)
    # An update, or a "create" of an exception: patch the (instance) id.
    event_id = _target(write)
    fields = None if write.operation is Operation.CREATE else write.fields
    patch = patch_for(item, fields, event_id=event_id, calendar_zone=session.zone)
    if not patch:
        return _Plan(index, write, event_id, events.get(calendarId=cal, eventId=event_id))
    request = events.patch(calendarId=cal, eventId=event_id, body=patch, sendUpdates="none")
    return _Plan(index, write, event_id, request)


def _restore_body(body: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if k not in ("id", "eventType")}
    out.setdefault("attendees", [])
    out["status"] = "confirmed"
    return out


def _settle_conflicts(
    session: Session, plans: list[_Plan], results: list[WriteResult | None]
) -> None:
    """Adopt (or restore) the events that 409'd because a create was replayed."""
    events, cal = session.events(), session.calendar_id
    reads = [events.get(calendarId=cal, eventId=p.event_id) for p in plans]
    patches: list[_Plan] = []
    for plan, (reply, error) in zip(
        plans, session.client.batch("calendar", reads, _WHAT), strict=True
    ):
        item = plan.write.item
        assert item is not None and plan.body is not None
        if error is not None:
            results[plan.index] = WriteResult(failure=item_failure(error, "events.get after 409"))
            continue
        ours = isinstance(reply, dict) and (
            is_cancelled(reply) or own_counterpart(reply) == item.counterpart_id
        )
        if not ours:
            message = f"the event id {plan.event_id} is taken by an event calsync did not write"
            results[plan.index] = WriteResult(
                failure=ItemFailure(code="INTERNAL_ERROR", message=message)
            )
            continue
        body = _restore_body(plan.body)
        request = events.patch(calendarId=cal, eventId=plan.event_id, body=body, sendUpdates="none")
        patches.append(_Plan(plan.index, plan.write, plan.event_id, request))
    _apply(session, patches, results)


def _apply(
    session: Session, plans: list[_Plan], results: list[WriteResult | None]
) -> list[tuple[_Plan, dict[str, Any]]]:
    """Run ``plans``; fill ``results``; return the plans that succeeded with their replies."""
    conflicts: list[_Plan] = []
    done: list[tuple[_Plan, dict[str, Any]]] = []
    outcomes = session.client.batch("calendar", [p.request for p in plans], _WHAT)
    for plan, (reply, error) in zip(plans, outcomes, strict=True):
        operation = plan.write.operation
        if error is not None:
            status = error.resp.status
            if operation is Operation.DELETE and status in GONE:
                results[plan.index] = WriteResult()
            elif plan.body is not None and status == 409:
                conflicts.append(plan)
            else:
                results[plan.index] = WriteResult(failure=item_failure(error, _WHAT))
            continue
        if operation is Operation.DELETE:
            results[plan.index] = WriteResult()
            continue
        ref = ref_of(reply)
        results[plan.index] = _garbage() if ref is None else WriteResult(ref=ref)
        if ref is not None:
            done.append((plan, reply))
    if conflicts:
        _settle_conflicts(session, conflicts, results)
    return done


def _remark(
    session: Session, done: list[tuple[_Plan, dict[str, Any]]], results: list[WriteResult | None]
) -> None:
    """Put the marker block back on marked events whose description a write replaced."""
    events, cal = session.events(), session.calendar_id
    plans = []
    for plan, reply in done:
        label = private_properties(reply).get(ids.MARKER)
        item: CalendarItem | None = plan.write.item
        if not label or item is None:
            continue
        description = str(reply.get("description", ""))
        wanted = with_marker(description, label)
        if wanted != description:
            body = {"description": wanted}
            request = events.patch(
                calendarId=cal, eventId=plan.event_id, body=body, sendUpdates="none"
            )
            plans.append(_Plan(plan.index, plan.write, plan.event_id, request))
    if plans:
        _apply(session, plans, results)


def write(session: Session, writes: Sequence[Write]) -> list[WriteResult]:
    """Apply ``writes`` in Calendar batches; one result per write, in order."""
    results: list[WriteResult | None] = [None] * len(writes)
    plans = [_plan(session, index, w) for index, w in enumerate(writes)]
    done = _apply(session, plans, results)
    _remark(session, done, results)
    out: list[WriteResult] = []
    for result in results:
        out.append(result if result is not None else _garbage())
    return out
