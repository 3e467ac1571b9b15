"""The seed and read API of the emulated org (for tests and the conformance harness).

Seeding writes straight into the store, bypassing the wire, but through the same pipeline
as the API in *system mode*: Salesforce's own rules, derivations and validation rules apply
(so seeded data is data a real org could hold), field-level security does not. Values may be
Python objects (``datetime``, ``date``) or their wire strings. Read helpers return copies
of stored records: canonical field names, Python values.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from calsync_salesforce.emulator import dml, event_people
from calsync_salesforce.emulator.context import Caller
from calsync_salesforce.emulator.errors import SalesforceError
from calsync_salesforce.emulator.query import OrgCatalog
from calsync_salesforce.emulator.schema import FieldDef, FieldType, custom_field
from calsync_salesforce.emulator.settings import Access, OrgSettings
from calsync_salesforce.emulator.state import OrgState
from calsync_salesforce.emulator.store import Record
from calsync_salesforce.emulator.validation import Condition, ValidationRule, compile_rule
from calsync_salesforce.emulator.values import to_wire


class Org(OrgState):
    """One emulated org: its state plus typed seed and read helpers."""

    # -- lifecycle and settings ----------------------------------------------------------

    def reset(self) -> None:
        """Back to a fresh org: no users or records, default settings and fields."""
        with self.lock:
            self._reset_state()

    def configure(self, **changes: Any) -> OrgSettings:
        """Change org settings (:class:`OrgSettings`): ``configure(multiday_events=False)``."""
        with self.lock:
            self.settings = dataclasses.replace(self.settings, **changes)
            return self.settings

    def use_api_requests(self, count: int) -> None:
        """Count ``count`` API requests as made now (to bring the allocation near its end)."""
        with self.lock:
            self.usage.record(self.now(), count)

    # -- people --------------------------------------------------------------------------

    def add_user(
        self,
        email: str,
        *,
        name: str | None = None,
        time_zone: str = "America/Los_Angeles",
        profile: str = "Standard User",
        active: bool = True,
        username: str | None = None,
    ) -> tuple[str, str]:
        """Create a user and a session for them; return ``(user_id, session_id)``.

        :param time_zone: the user's ``TimeZoneSidKey`` (must be in the picklist).
        :param profile: a profile name (created if the org does not have it yet).
        """
        with self.lock:
            first, last = _split_name(name, email)
            user_id = self.store.new_id("User")
            fields = {
                "Id": user_id,
                "Username": username or email,
                "Email": email,
                "FirstName": first,
                "LastName": last,
                "Alias": (email.split("@")[0] or "user")[:8],
                "TimeZoneSidKey": time_zone,
                "LocaleSidKey": "en_US",
                "LanguageLocaleKey": "en_US",
                "EmailEncodingKey": "UTF-8",
                "ProfileId": self.profile_named(profile, create=True).id,
                "IsActive": active,
            }
            self._seed("User", fields, user_id)
            return user_id, self.open_session(user_id)

    def expire_session(self, session_id: str) -> None:
        """Invalidate one session (its next request answers 401 ``INVALID_SESSION_ID``)."""
        with self.lock:
            self.sessions.pop(session_id, None)

    def add_contact(
        self,
        email: str | None,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        account_id: str | None = None,
        owner_id: str | None = None,
    ) -> str:
        """Create a contact; return its id."""
        first, last = (
            (first_name, last_name) if last_name else _split_name(None, email or "contact@x")
        )
        fields = {"Email": email, "FirstName": first, "LastName": last, "AccountId": account_id}
        return self._seed("Contact", fields, owner_id)

    def add_lead(
        self,
        email: str | None,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        company: str = "Unknown",
        owner_id: str | None = None,
    ) -> str:
        """Create a lead; return its id."""
        first, last = (first_name, last_name) if last_name else _split_name(None, email or "lead@x")
        fields = {"Email": email, "FirstName": first, "LastName": last, "Company": company}
        return self._seed("Lead", fields, owner_id)

    def add_account(self, name: str, *, owner_id: str | None = None) -> str:
        """Create an account; return its id."""
        return self._seed("Account", {"Name": name}, owner_id)

    def add_opportunity(
        self,
        name: str,
        *,
        account_id: str | None = None,
        stage: str = "Prospecting",
        close_date: date | str = "2030-12-31",
        owner_id: str | None = None,
    ) -> str:
        """Create an opportunity; return its id."""
        fields = {
            "Name": name,
            "AccountId": account_id,
            "StageName": stage,
            "CloseDate": close_date,
        }
        return self._seed("Opportunity", fields, owner_id)

    # -- metadata and security -----------------------------------------------------------

    def declare_field(
        self, sobject: str, name: str, type: FieldType | str = FieldType.STRING, **options: Any
    ) -> FieldDef:
        """Declare a custom field (see :func:`~.schema.custom_field` for the options)."""
        spec = custom_field(name, type, **options)
        with self.lock:
            target = self.require_object(sobject)
            self.objects[target.name.lower()] = target.with_field(spec)
        return spec

    def drop_field(self, sobject: str, name: str) -> None:
        """Remove a custom field from an object."""
        with self.lock:
            target = self.require_object(sobject)
            self.objects[target.name.lower()] = target.without_field(name)

    def deny_field(
        self, profile: str, field: str, *, read: bool = False, sobject: str = "Event"
    ) -> None:
        """Restrict a field for a profile.

        :param field: ``"WhoId"`` (on ``sobject``) or ``"Event.WhoId"``.
        :param read: ``True``: the field stays readable but not editable (read-only);
            ``False``: no access (absent from describe, ``INVALID_FIELD`` on write).
        """
        if "." in field:
            sobject, field = field.split(".", 1)
        with self.lock:
            spec = self.require_object(sobject).field(field)
            if spec is None:
                raise KeyError(f"no field {sobject}.{field}")
            if spec.required or spec.name == "Id":
                raise ValueError(f"{sobject}.{spec.name} is required; FLS cannot restrict it")
            access = Access.READ_ONLY if read else Access.HIDDEN
            self.profile_named(profile, create=True).restrictions[
                (sobject.lower(), spec.name.lower())
            ] = access

    def allow_field(self, profile: str, field: str, *, sobject: str = "Event") -> None:
        """Give a profile full access to a field again."""
        if "." in field:
            sobject, field = field.split(".", 1)
        with self.lock:
            self.profile_named(profile, create=True).restrictions.pop(
                (sobject.lower(), field.lower()), None
            )

    def add_validation_rule(
        self,
        sobject: str,
        name: str,
        condition: Condition | str,
        message: str,
        *,
        error_field: str | None = None,
    ) -> None:
        """Add an active validation rule: saves for which ``condition`` holds are refused.

        :param condition: a callable over the prospective record (canonical field names,
            Python values) or a SOQL ``WHERE`` expression such as
            ``"Subject LIKE '%secret%'"``.
        """
        rule = ValidationRule(
            sobject=sobject,
            name=name,
            condition=condition,
            message=message,
            error_field=error_field,
        )
        with self.lock:
            catalog = OrgCatalog.of(self, Caller("", None))
            self.rules.append(compile_rule(rule, catalog))

    def remove_validation_rule(self, name: str) -> None:
        """Deactivate the validation rule called ``name``."""
        with self.lock:
            self.rules = [r for r in self.rules if r.rule.name != name]

    # -- events --------------------------------------------------------------------------

    def insert_event(self, fields: dict[str, Any], *, owner: str | None = None) -> str:
        """Create an event as its owner would (every derivation and rule applies); return its id.

        :param owner: the owner's user id (else ``fields["OwnerId"]``).
        :raises SalesforceError: what the API would answer for the same event.
        """
        owner_id = owner or fields.get("OwnerId")
        if not owner_id:
            raise ValueError("insert_event needs an owner (owner= or OwnerId)")
        return self._seed("Event", {**fields, "OwnerId": owner_id}, owner_id)

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
            changes = dml.read_body(self, caller, sobject, _wire(fields), creating=False)
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

    # -- helpers -------------------------------------------------------------------------

    def _seed(self, sobject: str, fields: dict[str, Any], acting_user: str | None) -> str:
        with self.lock:
            caller = self.system_caller(acting_user or self._any_user())
            spec = self.require_object(sobject)
            body = _wire({k: v for k, v in fields.items() if k != "Id" and v is not None})
            changes = dml.read_body(self, caller, spec, body, creating=True)
            if "Id" in fields:
                changes["Id"] = fields["Id"]
            with self.store.atomic():
                return str(dml.save_new(self, caller, spec, changes)["Id"])

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

    def _any_user(self) -> str:
        users = self.store.rows("User")
        if not users:
            raise SalesforceError(
                400, "REQUIRED_FIELD_MISSING", "add a user first (records need an owner)"
            )
        return str(users[0]["Id"])


def _wire(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: to_wire(v) if isinstance(v, datetime | date) else v for k, v in fields.items()}


def _split_name(name: str | None, email: str) -> tuple[str | None, str]:
    if name:
        first, _, last = name.rpartition(" ")
        return (first or None), last
    local = email.split("@")[0]
    parts = [p.capitalize() for p in local.replace("_", ".").split(".") if p]
    if len(parts) >= 2:
        return " ".join(parts[:-1]), parts[-1]
    return None, parts[0] if parts else "Unknown"
