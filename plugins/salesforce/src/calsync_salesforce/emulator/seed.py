"""Seeding the emulated org: settings, people, metadata, security, validation rules.

Seeding writes straight into the store, bypassing the wire, but through the same pipeline
as the API in *system mode*: Salesforce's own rules, derivations and validation rules apply
(so seeded data is data a real org could hold), field-level security does not. Values may be
Python objects (``datetime``, ``date``) or their wire strings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from calsync_salesforce.emulator import dml
from calsync_salesforce.emulator.context import Caller
from calsync_salesforce.emulator.errors import SalesforceError
from calsync_salesforce.emulator.query import OrgCatalog
from calsync_salesforce.emulator.schema import FieldDef, FieldType, custom_field
from calsync_salesforce.emulator.settings import Access, OrgSettings
from calsync_salesforce.emulator.state import OrgState
from calsync_salesforce.emulator.validation import Condition, ValidationRule, compile_rule
from calsync_salesforce.emulator.values import to_wire


class OrgSeeding(OrgState):
    """The org's state plus the helpers that put people, metadata and rules into it."""

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

    def empty_recycle_bin(self, ids: Iterable[str] | None = None) -> None:
        """Empty the recycle bin as an administrator would (``ids``, or everything)."""
        with self.lock:
            self.recycle_bin.empty(None if ids is None else set(ids), self.now())

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

    def assign_permission_set(self, user_id: str, name: str) -> str:
        """Assign the permission set ``name`` (created if the org has none) to a user.

        Returns the ``PermissionSetAssignment`` id; deleting it takes the user out again.
        """
        with self.lock:
            found = [r for r in self.store.rows("PermissionSet") if r["Name"] == name]
            set_id = (
                found[0]["Id"]
                if found
                else self._seed(
                    "PermissionSet", {"Name": name, "Label": name.replace("_", " ")}, user_id
                )
            )
            fields = {"AssigneeId": user_id, "PermissionSetId": set_id}
            return self._seed("PermissionSetAssignment", fields, user_id)

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

    # -- helpers -------------------------------------------------------------------------

    def _seed(self, sobject: str, fields: dict[str, Any], acting_user: str | None) -> str:
        with self.lock:
            caller = self.system_caller(acting_user or self._any_user())
            spec = self.require_object(sobject)
            body = wire_values({k: v for k, v in fields.items() if k != "Id" and v is not None})
            changes = dml.read_body(self, caller, spec, body, creating=True)
            if sobject == "User":
                changes["UserType"] = "Standard"  # read-only: set by the licence, not by a write
            if "Id" in fields:
                changes["Id"] = fields["Id"]
            with self.store.atomic():
                return str(dml.save_new(self, caller, spec, changes)["Id"])

    def _any_user(self) -> str:
        users = self.store.rows("User")
        if not users:
            raise SalesforceError(
                400, "REQUIRED_FIELD_MISSING", "add a user first (records need an owner)"
            )
        return str(users[0]["Id"])


def wire_values(fields: dict[str, Any]) -> dict[str, Any]:
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
