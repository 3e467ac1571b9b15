"""Who an event is about and who is invited: ``WhoId``, ``EventWhoIds``, ``EventRelation``.

With Shared Activities an event relates to one lead *or* up to 50 contacts. ``EventWhoIds``
(create/update) replaces the list; its first id becomes ``WhoId`` unless one is given; a
``WhoId`` not in the list is added as primary (API 37.0+); clearing the list keeps only
``WhoId``; clearing ``WhoId`` promotes the next who. Each who (and the ``WhatId``) is an
``EventRelation`` row with ``IsParent = true`` (``IsWhat`` for the what); the read-only
``EventWhoRelation`` view shows the who rows. Without Shared Activities there is one who and
``EventWhoIds`` does not exist.

Invitees are ``EventRelation`` rows with ``IsInvitee = true``. Inviting a *user* creates a
child event owned by that user (``IsChild = true``); contacts, leads and resources get only
the relation row. A parent with invitees is a group event (``GroupEventType = '1'``);
updates to the parent flow to its children; deleting an invitee row deletes the child.

The texts of the "one lead or 50 contacts" refusals were not captured from a live org;
they are the emulator's wording with Salesforce's error code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calsync_salesforce.emulator.errors import integrity
from calsync_salesforce.emulator.records import insert, modify, soft_delete
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.state import OrgState

MAX_CONTACTS = 50
#: Fields a child event copies from its parent (and receives again on every parent update).
SHARED_WITH_CHILDREN = (
    "Subject", "Description", "Location", "StartDateTime", "EndDateTime", "ActivityDateTime",
    "ActivityDate", "EndDate", "DurationInMinutes", "IsAllDayEvent", "IsPrivate", "ShowAs",
    "Type", "WhoId", "WhatId", "AccountId", "RecurrenceActivityId", "ActivityRecurrence2Id",
    "IsRecurrence2",
)  # fmt: skip
#: Internal link from a child event to its parent (never rendered: not a schema field).
PARENT = "_ParentEventId"


def derive_whos(org: OrgState, record: Record, old: Record | None, changes: Record) -> Record:
    """Set ``WhoId``, ``EventWhoIds``, ``WhoCount`` and ``WhatCount`` and check the limits."""
    what_count = 1 if record.get("WhatId") else 0
    if not org.settings.shared_activities:
        who = record.get("WhoId")
        return {
            **record,
            "EventWhoIds": [who] if who else [],
            "WhoCount": int(bool(who)),
            "WhatCount": what_count,
        }
    old_whos: list[str] = list(old.get("EventWhoIds") or []) if old else []
    old_primary = old.get("WhoId") if old else None
    if "EventWhoIds" in changes:
        whos = list(dict.fromkeys(changes["EventWhoIds"] or []))
        if "WhoId" in changes:
            primary = changes["WhoId"]
        else:
            primary = old_primary if old_primary in whos or not changes["EventWhoIds"] else None
        primary = primary or (whos[0] if whos else None)
        if primary and primary not in whos:
            whos.insert(0, primary)
    elif "WhoId" in changes:
        primary = changes["WhoId"]
        whos = [w for w in old_whos if w != old_primary]
        if primary:
            whos = [primary, *(w for w in whos if w != primary)]
        else:
            primary = whos[0] if whos else None
    else:
        whos, primary = old_whos, record.get("WhoId")
    _check_limits(org, whos)
    return {
        **record,
        "WhoId": primary,
        "EventWhoIds": whos,
        "WhoCount": len(whos),
        "WhatCount": what_count,
    }


def _check_limits(org: OrgState, whos: list[str]) -> None:
    leads = [w for w in whos if org.store.object_of(w) == "Lead"]
    contacts = len(whos) - len(leads)
    if leads and contacts:
        raise integrity(
            "An event can be related to one lead or to up to 50 contacts, not both", ["EventWhoIds"]
        )
    if len(leads) > 1:
        raise integrity("An event can be related to only one lead", ["EventWhoIds"])
    if contacts > MAX_CONTACTS:
        raise integrity(
            f"An event can be related to up to {MAX_CONTACTS} contacts", ["EventWhoIds"]
        )


def relations_of(org: OrgState, event_id: str) -> list[Record]:
    """Return the live ``EventRelation`` rows of an event."""
    return [
        r for r in org.store.find_by("EventRelation", "EventId", event_id) if not r["IsDeleted"]
    ]


def sync_relations(org: OrgState, caller: Caller, event: Record) -> None:
    """Make the event's who/what relation rows match ``EventWhoIds`` and ``WhatId``."""
    if not org.settings.shared_activities or event.get("IsChild"):
        return
    whos = list(event.get("EventWhoIds") or [])
    what = event.get("WhatId")
    rows = {}
    for row in relations_of(org, event["Id"]):
        target = row["RelationId"]
        stale = (row["IsWhat"] and target != what) or (
            row["IsParent"] and not row["IsWhat"] and target not in whos
        )
        if stale and row["IsInvitee"]:
            row = modify(org, "EventRelation", row, caller.user_id, IsParent=False, IsWhat=False)
        elif stale:
            soft_delete(org, "EventRelation", row, caller.user_id)
            continue
        rows[target] = row
    for who in whos:
        existing = rows.get(who)
        if existing is None:
            _relate(org, caller, event["Id"], who, invitee=False, parent=True, what=False)
        elif not existing["IsParent"]:
            modify(org, "EventRelation", existing, caller.user_id, IsParent=True)
    if what and what not in rows:
        _relate(org, caller, event["Id"], what, invitee=False, parent=True, what=True)


def _relate(
    org: OrgState,
    caller: Caller,
    event_id: str,
    target: str,
    *,
    invitee: bool,
    parent: bool,
    what: bool,
) -> Record:
    row = {
        "EventId": event_id,
        "RelationId": target,
        "IsInvitee": invitee,
        "IsParent": parent,
        "IsWhat": what,
        "Status": "New" if invitee else None,
        "Response": None,
        "RespondedDate": None,
    }
    return insert(org, "EventRelation", row, caller.user_id)


def children_of(org: OrgState, event_id: str) -> list[Record]:
    """Return the live child events (one per invited user) of a parent event."""
    return [e for e in org.store.find_by("Event", PARENT, event_id) if not e["IsDeleted"]]


def add_child(org: OrgState, caller: Caller, parent: Record, invitee_id: str) -> Record:
    """Create the invited user's copy of ``parent``."""
    child = {name: parent.get(name) for name in SHARED_WITH_CHILDREN}
    child.update(
        OwnerId=invitee_id,
        IsChild=True,
        IsGroupEvent=True,
        GroupEventType="1",
        IsReminderSet=False,
        ReminderDateTime=None,
        IsArchived=False,
        EventSubtype="Event",
        EventWhoIds=[],
        IsRecurrence=False,
        IsRecurrence2Exception=False,
        IsRecurrence2Exclusion=False,
        WhoCount=parent.get("WhoCount", 0),
        WhatCount=parent.get("WhatCount", 0),
        **{PARENT: parent["Id"]},
    )
    return insert(org, "Event", child, caller.user_id)


def propagate_to_children(org: OrgState, caller: Caller, parent: Record) -> None:
    """Copy the parent's shared fields to every child event that differs."""
    for child in children_of(org, parent["Id"]):
        changes = {n: parent.get(n) for n in SHARED_WITH_CHILDREN if child.get(n) != parent.get(n)}
        if changes:
            modify(org, "Event", child, caller.user_id, **changes)


def refresh_group_flags(org: OrgState, caller: Caller, event_id: str) -> None:
    """Set ``IsGroupEvent`` / ``GroupEventType`` of a parent and its children from its invitees."""
    parent = org.live("Event", event_id)
    if parent is None or parent.get("GroupEventType") == "3":
        return
    grouped = any(r["IsInvitee"] for r in relations_of(org, event_id))
    kind = "1" if grouped else "0"
    for event in (parent, *children_of(org, event_id)):
        if event.get("IsGroupEvent") != grouped or event.get("GroupEventType") != kind:
            modify(org, "Event", event, caller.user_id, IsGroupEvent=grouped, GroupEventType=kind)


def delete_with_dependents(org: OrgState, caller: Caller, event: Record) -> None:
    """Delete an event with its child events and relation rows."""
    for child in children_of(org, event["Id"]):
        soft_delete(org, "Event", child, caller.user_id)
    for row in relations_of(org, event["Id"]):
        soft_delete(org, "EventRelation", row, caller.user_id)
    soft_delete(org, "Event", event, caller.user_id)


def delete_child(org: OrgState, caller: Caller, child: Record) -> None:
    """Delete an invitee's child event: the invitee leaves the parent's invitee list."""
    soft_delete(org, "Event", child, caller.user_id)
    parent_id = child.get(PARENT)
    if parent_id is None:
        return
    for row in relations_of(org, parent_id):
        if row["RelationId"] == child["OwnerId"] and row["IsInvitee"]:
            soft_delete(org, "EventRelation", row, caller.user_id)
    refresh_group_flags(org, caller, parent_id)
