"""Markers on Google Calendar events (and, through :mod:`calsync_gmail.labels`, on mail).

Showing a marker on an event:

* its colour becomes red (``colorId`` ``"11"``, Tomato); the person's own ``colorId`` is
  stashed in the private property ``calsyncOwnColor`` (``""`` for the calendar colour) the
  first time, so that a changed marker does not stash our own red;
* the marker's detail label goes in the private property ``calsyncMarker`` and, for the
  person to read, in a delimited block at the end of the description
  (:mod:`calsync_gmail.marker_text`), which every read strips again.

Removing it restores the stashed colour (only while the event is still red: a colour the
person chose meanwhile is kept), removes both properties and the description block.
Events are read once (batched ``events.get``), patched once (batched, ``sendUpdates=none``);
changes that would change nothing cost no write. The mail of the event is labelled or
unlabelled afterwards; when that fails the item's result says so (the calendar part is
idempotent and is simply done again).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from calsync.markers import DEFAULT_TITLE, Marker, MarkerChange, recolour
from calsync.providers import ItemFailure, WriteResult
from calsync_gmail import ids
from calsync_gmail.convert import private_properties
from calsync_gmail.errors import item_failure
from calsync_gmail.labels import MailLabels
from calsync_gmail.marker_text import strip_marker, with_marker
from calsync_gmail.series import GONE, is_cancelled
from calsync_gmail.session import Session
from calsync_gmail.write import ref_of

__all__ = ["RED", "marker_patch", "set_markers"]

#: Calendar's event colour 11, "Tomato": the red of the palette.
RED: Final = "11"


def marker_patch(event: dict[str, Any], marker: Marker | None) -> dict[str, Any] | None:
    """The patch that shows ``marker`` on ``event`` (removes any for ``None``); ``None``: nothing to do."""
    props = private_properties(event)
    description = str(event.get("description", ""))
    marked = ids.MARKER in props
    colour = recolour(
        event.get("colorId"),
        props.get(ids.OWN_COLOR, "") if marked else None,
        showing=marker is not None,
        red=RED,
    )
    patch: dict[str, Any] = {"colorId": colour.colour} if colour.changes else {}
    if marker is not None:
        label = marker.detail_label
        changed = {ids.OWN_COLOR: colour.kept} if not marked else {}
        if props.get(ids.MARKER) != label:
            changed[ids.MARKER] = label
        if changed:
            patch["extendedProperties"] = {"private": changed}
        wanted = with_marker(description, label)
    else:
        if marked:
            patch["extendedProperties"] = {"private": {ids.MARKER: None, ids.OWN_COLOR: None}}
        wanted = strip_marker(description)
    if wanted != description:
        patch["description"] = wanted
    return patch or None


def _not_found(item_id: str) -> WriteResult:
    return WriteResult(
        failure=ItemFailure(code="INTERNAL_ERROR", message=f"event {item_id} not found")
    )


def _read(session: Session, item_ids: list[str]) -> dict[str, dict[str, Any] | WriteResult]:
    events, cal = session.events(), session.calendar_id
    requests = [events.get(calendarId=cal, eventId=i) for i in item_ids]
    out: dict[str, dict[str, Any] | WriteResult] = {}
    for item_id, (reply, error) in zip(
        item_ids, session.client.batch("calendar", requests, "events.get(markers)"), strict=True
    ):
        if error is not None:
            gone = error.resp.status in GONE
            out[item_id] = (
                _not_found(item_id)
                if gone
                else WriteResult(failure=item_failure(error, "events.get"))
            )
        elif ref_of(reply) is None or is_cancelled(reply):
            out[item_id] = _not_found(item_id)
        else:
            out[item_id] = reply
    return out


def set_markers(
    session: Session, labels: MailLabels | None, changes: Sequence[MarkerChange]
) -> list[WriteResult]:
    """Show or remove markers; one result per change (the last change of an item wins)."""
    final = {change.item_id: change.marker for change in changes}
    current = _read(session, list(final))
    results: dict[str, WriteResult] = {}
    uids: dict[str, str] = {}
    #: The title of the marker an event shows now: which label a removal takes off.
    shown: dict[str, str] = {}
    pending: list[tuple[str, Any]] = []
    events, cal = session.events(), session.calendar_id
    for item_id, marker in final.items():
        event = current[item_id]
        if isinstance(event, WriteResult):
            results[item_id] = event
            continue
        if isinstance(event.get("iCalUID"), str):
            uids[item_id] = event["iCalUID"]
        label = private_properties(event).get(ids.MARKER, "")
        shown[item_id] = label.split(": ", 1)[0] if ": " in label else DEFAULT_TITLE
        patch = marker_patch(event, marker)
        if patch is None:
            results[item_id] = WriteResult(ref=ref_of(event))
            continue
        request = events.patch(calendarId=cal, eventId=item_id, body=patch, sendUpdates="none")
        pending.append((item_id, request))
    outcomes = session.client.batch("calendar", [r for _, r in pending], "events.patch(markers)")
    for (item_id, _), (reply, error) in zip(pending, outcomes, strict=True):
        if error is not None:
            results[item_id] = WriteResult(failure=item_failure(error, "events.patch(markers)"))
        else:
            ref = ref_of(reply)
            message = "Google answered the marker patch with something that is not an event"
            failure = (
                None
                if ref is not None
                else ItemFailure(code="INVALID_SERVER_REPLY", message=message)
            )
            results[item_id] = WriteResult(ref=ref, failure=failure)
    if labels is not None:
        _relabel(labels, final, uids, shown, results)
    return [results[change.item_id] for change in changes]


def _relabel(
    labels: MailLabels,
    final: dict[str, Marker | None],
    uids: dict[str, str],
    shown: dict[str, str],
    results: dict[str, WriteResult],
) -> None:
    by_title: dict[str, tuple[list[str], list[str]]] = {}
    for item_id, marker in final.items():
        uid = uids.get(item_id)
        if uid is None or not results[item_id].ok:
            continue
        title = marker.title if marker is not None else shown[item_id]
        flag, clear = by_title.setdefault(title, ([], []))
        (flag if marker is not None else clear).append(uid)
    for title, (flag, clear) in by_title.items():
        failed = labels.relabel(title, flag, clear)
        for item_id, uid in uids.items():
            if uid in failed and results[item_id].ok:
                # The event did change: keep its new ref so the engine knows its own write.
                results[item_id] = WriteResult(ref=results[item_id].ref, failure=failed[uid])
