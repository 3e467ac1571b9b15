"""The emulated org: seeding (:mod:`.seed`) plus events and the read API.

Read helpers return copies of stored records: every field of the object (``None`` where
unset), canonical field names, Python values (``datetime``, ``date``, ``list`` ...).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from calsync_salesforce.emulator import dml, event_people
from calsync_salesforce.emulator.seed import OrgSeeding, wire_values
from calsync_salesforce.emulator.store import Record
from calsync_salesforce.emulator.values import to_wire


class Org(OrgSeeding):
    """One emulated org: its state, seed helpers, event helpers and read helpers."""

    # -- events --------------------------------------------------------------------------

    def insert_event(
        self, fields: dict[str, Any], *, owner: str | None = None, as_user: str | None = None
    ) -> str:
        """Create an event as its owner would (every derivation and rule applies); return its id.

        :param owner: the owner's user id (else ``fields["OwnerId"]``).
        :param as_user: who creates it for the owner, if not the owner (another integration
            user: its ``CreatedById`` and ``LastModifiedById``).
        :raises SalesforceError: what the API would answer for the same event.
        """
        owner_id = owner or fields.get("OwnerId")
        if not owner_id:
            raise ValueError("insert_event needs an owner (owner= or OwnerId)")
        return self._seed("Event", {**fields, "OwnerId": owner_id}, as_user or owner_id)

    def update_event(
        self, event_id: str, fields: dict[str, Any], *, as_user: str | None = None
    ) -> None:
        """Update an event as its owner (or ``as_user``) would through the API."""
        with self.lock:
            old = self.live("Event", event_id)
            if old is None:
                raise KeyError(f"no live event {event_id}")
            caller = self.system_caller(as_user or old["OwnerId"])
            sobject = self.require_object("Event")
            changes = dml.read_body(self, caller, sobject, wire_values(fields), creating=False)
            with self.store.atomic():
                dml.save_changes(self, caller, sobject, old, changes)

    def delete_record(self, sobject: str, record_id: str) -> None:
        """Delete a record (to the recycle bin) with Salesforce's cascades."""
        with self.lock:
            record = self.live(sobject, record_id)
            if record is None:
                raise KeyError(f"no live {sobject} {record_id}")
            from calsync_salesforce.emulator.behaviors import behavior_for

            with self.store.atomic():
                behavior_for(sobject).delete(
                    self, self.system_caller(record.get("OwnerId") or ""), sobject, record
                )

    def invite(self, event_id: str, relation_id: str, *, status: str = "New") -> str:
        """Invite a user, contact or lead to an event; return the ``EventRelation`` id."""
        with self.lock:
            event = self.live("Event", event_id)
            if event is None:
                raise KeyError(f"no live event {event_id}")
            fields = {
                "EventId": event_id,
                "RelationId": relation_id,
                "IsInvitee": True,
                "Status": status,
            }
            return self._seed("EventRelation", fields, event["OwnerId"])

    def event(self, event_id: str) -> dict[str, Any] | None:
        """Return a copy of the stored event (deleted ones included), or ``None``."""
        return self.record("Event", event_id)

    def events(
        self,
        *,
        owner: str | None = None,
        include_deleted: bool = False,
        include_children: bool = True,
    ) -> list[dict[str, Any]]:
        """Return copies of the stored events, oldest first, optionally only ``owner``'s."""
        return [
            e
            for e in self.records("Event", include_deleted=include_deleted)
            if (owner is None or e["OwnerId"] == owner)
            and (include_children or not e.get("IsChild"))
        ]

    def relations(self, event_id: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Return copies of the ``EventRelation`` rows of an event."""
        return [
            r
            for r in self.records("EventRelation", include_deleted=include_deleted)
            if r["EventId"] == event_id
        ]

    def children(self, event_id: str) -> list[dict[str, Any]]:
        """Return copies of the live child events (invited users' copies) of an event."""
        with self.lock:
            return [self._public("Event", e) for e in event_people.children_of(self, event_id)]

    def record(self, sobject: str, record_id: str) -> dict[str, Any] | None:
        """Return a copy of any stored record (deleted ones included), or ``None``."""
        with self.lock:
            found = self.store.get(sobject, record_id)
            return self._public(sobject, found) if found is not None else None

    def records(self, sobject: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Return copies of every record of ``sobject``, oldest first."""
        with self.lock:
            return [
                self._public(sobject, r)
                for r in self.store.rows(sobject)
                if include_deleted or not r.get("IsDeleted")
            ]

    def deleted_ids(self, sobject: str) -> list[str]:
        """Ids in the delete log of ``sobject``, in deletion order."""
        with self.lock:
            return [d.id for d in self.store.deletions if d.sobject == sobject]

    def snapshot(self) -> dict[str, object]:
        """Return a JSON-able view of the org."""
        with self.lock:
            return {
                "settings": dataclasses.asdict(self.settings),
                "records": {
                    name: [
                        {k: to_wire(v) for k, v in r.items() if not k.startswith("_")}
                        for r in table.values()
                    ]
                    for name, table in self.store.tables.items()
                },
                "deletions": [
                    {"sobject": d.sobject, "id": d.id, "deletedDate": to_wire(d.deleted_at)}
                    for d in self.store.deletions
                ],
                "validation_rules": [r.rule.name for r in self.rules],
                "api_requests_used": self.usage.used(self.now()),
            }

    def _public(self, sobject: str, record: Record) -> dict[str, Any]:
        # Every field of the object, None where unset; internal keys stay hidden.
        spec = self.object_def(sobject)
        out = dict.fromkeys((f.name for f in spec.fields), None) if spec else {}
        out.update(
            {
                k: list(v) if isinstance(v, list) else v
                for k, v in record.items()
                if not k.startswith("_")
            }
        )
        return out
