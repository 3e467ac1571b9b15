"""Server behaviour of ``EventRelation``: invitees, and whos/whats added row by row.

A relation row cannot point at a child event, cannot repeat an (event, relation) pair, and
its kind must fit its target: a what (``IsWhat``) is an account or opportunity, a who
(``IsParent`` without ``IsWhat``) is a contact or lead, an invitee is a user, contact or
lead. Whos and whats need Shared Activities. Adding or removing a who or what row updates
the event's ``EventWhoIds`` / ``WhoId`` / ``WhatId`` through the event's own rules (so the
50-contacts-or-one-lead limit holds either way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calsync_salesforce.emulator import event_people
from calsync_salesforce.emulator.behavior_base import Behavior
from calsync_salesforce.emulator.errors import SalesforceError, integrity
from calsync_salesforce.emulator.records import soft_delete
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.schema import ObjectDef
    from calsync_salesforce.emulator.state import OrgState

_WHO = ("Contact", "Lead")
_WHAT = ("Account", "Opportunity")
_INVITEE = ("User", "Contact", "Lead")


class EventRelationBehavior(Behavior):
    """Checks and effects of inserting, updating and deleting relation rows."""

    def prepare(
        self,
        org: OrgState,
        caller: Caller,
        sobject: ObjectDef,
        record: Record,
        old: Record | None,
        changes: Record,
    ) -> Record:
        """Refuse relation rows Salesforce refuses."""
        if old is not None:
            return record
        event = org.live("Event", record["EventId"])
        assert event is not None  # the reference check found it
        if event.get("IsChild"):
            raise integrity("An EventRelation can't be related to a child event", ["EventId"])
        target = org.store.object_of(record["RelationId"])
        is_what, is_parent, is_invitee = record["IsWhat"], record["IsParent"], record["IsInvitee"]
        if (is_what or is_parent) and not org.settings.shared_activities:
            raise integrity(
                "Relating whos and whats through EventRelation needs Shared Activities",
                ["IsParent"],
            )
        allowed: tuple[str, ...] = (
            _WHAT if is_what else _WHO if is_parent and not is_invitee else _INVITEE
        )
        if is_what and is_invitee:
            allowed = ()
        if not (is_what or is_parent or is_invitee) or target not in allowed:
            raise integrity(
                f"Relation ID: id value of incorrect type: {record['RelationId']}", ["RelationId"]
            )
        for row in event_people.relations_of(org, event["Id"]):
            if row["RelationId"] == record["RelationId"]:
                raise SalesforceError(
                    400,
                    "DUPLICATE_VALUE",
                    "duplicate value found: RelationId duplicates value on record with id: "
                    + row["Id"],
                    ["RelationId"],
                )
        return record

    def after_save(
        self, org: OrgState, caller: Caller, record: Record, old: Record | None, changes: Record
    ) -> None:
        """Create the invited user's child event; fold whos and whats into the event."""
        if old is not None:
            return
        event = org.live("Event", record["EventId"])
        assert event is not None
        if record["IsWhat"]:
            _update_event(org, caller, event, {"WhatId": record["RelationId"]})
        elif record["IsParent"]:
            whos = [*(event.get("EventWhoIds") or []), record["RelationId"]]
            _update_event(org, caller, event, {"EventWhoIds": whos})
        if (
            record["IsInvitee"]
            and org.store.object_of(record["RelationId"]) == "User"
            and record["RelationId"] != event["OwnerId"]
        ):
            event_people.add_child(
                org, caller, org.live("Event", event["Id"]) or event, record["RelationId"]
            )
        event_people.refresh_group_flags(org, caller, event["Id"])

    def delete(self, org: OrgState, caller: Caller, sobject: str, record: Record) -> None:
        """Remove the row, the invited user's child event, and the who/what it stood for."""
        soft_delete(org, "EventRelation", record, caller.user_id)
        event = org.live("Event", record["EventId"])
        if event is None:
            return
        if record["IsInvitee"]:
            for child in event_people.children_of(org, event["Id"]):
                if child["OwnerId"] == record["RelationId"]:
                    soft_delete(org, "Event", child, caller.user_id)
        if record["IsWhat"]:
            _update_event(org, caller, event, {"WhatId": None})
        elif record["IsParent"]:
            whos = [w for w in event.get("EventWhoIds") or [] if w != record["RelationId"]]
            changes: Record = {"EventWhoIds": whos}
            if event.get("WhoId") == record["RelationId"]:
                changes["WhoId"] = whos[0] if whos else None
            _update_event(org, caller, event, changes)
        event_people.refresh_group_flags(org, caller, event["Id"])


def _update_event(org: OrgState, caller: Caller, event: Record, changes: Record) -> None:
    # Through the full pipeline so that the event's own rules (limits, privacy) apply.
    from calsync_salesforce.emulator.dml import save_changes

    save_changes(org, caller, org.require_object("Event"), event, changes)
