"""The org's state: metadata, security, sessions and records, and what a user may see.

:class:`OrgState` is the part of the org the request handlers use; :class:`~calsync_
salesforce.emulator.org.Org` adds the typed seed and read API on top of it.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from calsync.emulation import Clock
from calsync_salesforce.emulator.context import DEFAULT_API_VERSION, Caller
from calsync_salesforce.emulator.cursors import QueryCursors
from calsync_salesforce.emulator.recycle_bin import RecycleBin
from calsync_salesforce.emulator.schema import FieldDef, ObjectDef, custom_field
from calsync_salesforce.emulator.settings import Access, ApiUsage, OrgSettings, Profile
from calsync_salesforce.emulator.standard_objects import NAME, STANDARD_OBJECTS
from calsync_salesforce.emulator.store import Record, Store
from calsync_salesforce.emulator.validation import CompiledRule
from calsync_salesforce.emulator.values import truncate_ms

#: The custom fields a fresh org declares: the sync's cross-reference / idempotency key.
DEFAULT_CUSTOM_FIELDS: tuple[tuple[str, FieldDef], ...] = (
    ("Event", custom_field("Calsync_Ref__c", external_id=True, unique=True)),
)
#: Profiles every org has.
DEFAULT_PROFILES = ("System Administrator", "Standard User")
#: API versions before 52.0 cannot create Lightning event series.
_SERIES_FIELDS = frozenset({"isrecurrence2", "recurrence2patterntext", "recurrence2patternversion"})


class OrgState:
    """Everything one emulated org holds."""

    def __init__(self, clock: Clock, lock: threading.RLock) -> None:
        """Create an empty org reading time from ``clock``, guarded by ``lock``."""
        self.clock = clock
        self.lock = lock
        self.store = Store()
        self.recycle_bin = RecycleBin(self.store)
        self.cursors = QueryCursors()
        self.usage = ApiUsage()
        self._reset_state()

    def _reset_state(self) -> None:
        self.store.clear()
        self.recycle_bin.clear()
        self.cursors.clear()
        self.usage.clear()
        self.settings = OrgSettings()
        self.objects: dict[str, ObjectDef] = {o.name.lower(): o for o in STANDARD_OBJECTS}
        for sobject, spec in DEFAULT_CUSTOM_FIELDS:
            self.objects[sobject.lower()] = self.objects[sobject.lower()].with_field(spec)
        self.profiles: dict[str, Profile] = {}
        self.sessions: dict[str, str] = {}
        self.rules: list[CompiledRule] = []
        self.created_at = self.now()
        for name in DEFAULT_PROFILES:
            self._new_profile(name)

    # -- time ----------------------------------------------------------------------------

    def now(self) -> datetime:
        """Return the org's current time, with Salesforce's millisecond precision."""
        return truncate_ms(self.clock.now())

    # -- metadata ------------------------------------------------------------------------

    def object_def(self, name: str) -> ObjectDef | None:
        """Return the object called ``name`` (any case), regardless of who asks."""
        return self.objects.get(name.lower())

    def require_object(self, name: str) -> ObjectDef:
        """Like :meth:`object_def` but raising ``KeyError`` for an unknown object."""
        found = self.object_def(name)
        if found is None:
            raise KeyError(f"no sObject {name!r} in the emulated org")
        return found

    # -- profiles and field-level security -----------------------------------------------

    def _new_profile(self, name: str) -> Profile:
        profile = Profile(id=self.store.new_id("Profile"), name=name)
        self.profiles[name.lower()] = profile
        self.store.put(
            "Profile",
            {
                "Id": profile.id,
                "Name": name,
                "IsDeleted": False,
                "CreatedDate": self.created_at,
                "LastModifiedDate": self.created_at,
                "SystemModstamp": self.created_at,
            },
        )
        return profile

    def profile_named(self, name: str, *, create: bool = False) -> Profile:
        """Return the profile called ``name``; with ``create`` a missing one is added."""
        found = self.profiles.get(name.lower())
        if found is None:
            if not create:
                raise KeyError(f"no profile {name!r}")
            found = self._new_profile(name)
        return found

    def profile_of_user(self, user_id: str) -> Profile:
        """Return the profile of a user."""
        user = self.store.get("User", user_id)
        if user is None:
            raise KeyError(f"no user {user_id!r}")
        return next(p for p in self.profiles.values() if p.id == user["ProfileId"])

    def visible_object(self, caller: Caller, name: str) -> ObjectDef | None:
        """Return the object if the org exposes it (EventWhoRelation: shared activities)."""
        found = self.object_def(name)
        if found is None or found is NAME:
            return None
        if found.name == "EventWhoRelation" and not self.settings.shared_activities:
            return None
        return found

    def visible_field(self, caller: Caller, sobject: ObjectDef, name: str) -> FieldDef | None:
        """Return the field if it exists in this org and the caller's profile may read it."""
        spec = sobject.field(name)
        if spec is None:
            return None
        if spec.name == "EventWhoIds" and not self.settings.shared_activities:
            return None
        if (
            caller.profile is not None
            and caller.profile.access(sobject.name, spec.name) is Access.HIDDEN
        ):
            return None
        return spec

    def readable_fields(self, caller: Caller, sobject: ObjectDef) -> list[FieldDef]:
        """Every field the caller may read, in describe order."""
        return [f for f in sobject.fields if self.visible_field(caller, sobject, f.name)]

    def writable(
        self, caller: Caller, sobject: ObjectDef, spec: FieldDef, *, creating: bool
    ) -> bool:
        """Whether the caller may set ``spec`` on create (``creating``) or update."""
        allowed = spec.createable if creating else spec.updateable
        if not allowed:
            return False
        if caller.profile is None:
            return True
        if spec.name.lower() in _SERIES_FIELDS and caller.api_version < 52.0:
            return False
        return caller.profile.access(sobject.name, spec.name) is not Access.READ_ONLY

    # -- sessions ------------------------------------------------------------------------

    def open_session(self, user_id: str) -> str:
        """Issue a new session id for ``user_id``."""
        session_id = "00D5g000000EMUL!" + secrets.token_urlsafe(24)
        self.sessions[session_id] = user_id
        return session_id

    def caller_for(
        self, session_id: str, api_version: float = DEFAULT_API_VERSION
    ) -> Caller | None:
        """Return the caller of a session (``None``: unknown, expired, or user inactive)."""
        user_id = self.sessions.get(session_id)
        if user_id is None:
            return None
        user = self.store.get("User", user_id)
        if user is None or not user["IsActive"]:
            return None
        return Caller(user_id, self.profile_of_user(user_id), api_version)

    def system_caller(self, user_id: str) -> Caller:
        """Return a caller acting as ``user_id`` in system mode (no FLS), for the seed API."""
        return Caller(user_id, None)

    # -- records -------------------------------------------------------------------------

    def live(self, sobject: str, record_id: str) -> Record | None:
        """Return the record unless it is missing or deleted."""
        record = self.store.get(sobject, record_id)
        return None if record is None or record.get("IsDeleted") else record

    def resolve(self, record_id: str) -> tuple[str, Record] | None:
        """Return the live record with this id, from any object."""
        found = self.store.find(record_id)
        if found is None or found[1].get("IsDeleted"):
            return None
        return found

    def user_zone(self, user_id: str) -> ZoneInfo:
        """Return the time zone of a user (``TimeZoneSidKey``); GMT for an unknown user."""
        user = self.store.get("User", user_id)
        return ZoneInfo(user["TimeZoneSidKey"] if user else "GMT")

    @staticmethod
    def name_view(sobject: str, record: Record) -> dict[str, Any]:
        """Return a record as the polymorphic ``Name`` pseudo-object shows it."""
        return {
            "Id": record["Id"],
            "Name": record.get("Name"),
            "Type": sobject,
            "Email": record.get("Email"),
            "FirstName": record.get("FirstName"),
            "LastName": record.get("LastName"),
        }
