"""Per-object server behaviour: derivations and rules before a save, effects after it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calsync_salesforce.emulator.records import soft_delete
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.schema import ObjectDef
    from calsync_salesforce.emulator.state import OrgState


class Behavior:
    """What Salesforce does around a save of one object type; the default does nothing."""

    def prepare(
        self,
        org: OrgState,
        caller: Caller,
        sobject: ObjectDef,
        record: Record,
        old: Record | None,
        changes: Record,
    ) -> Record:
        """Derive fields and enforce the object's rules; return the record to store.

        :param record: the prospective record (defaults or the old record, plus ``changes``).
        :param old: the stored record on update, ``None`` on create.
        :param changes: the fields the request sets (canonical names, coerced values).
        :raises SalesforceError: when Salesforce would refuse the save.
        """
        return record

    def after_save(
        self, org: OrgState, caller: Caller, record: Record, old: Record | None, changes: Record
    ) -> None:
        """Side effects once ``record`` is stored (related records, child events ...)."""

    def delete(self, org: OrgState, caller: Caller, sobject: str, record: Record) -> None:
        """Delete ``record`` (to the recycle bin) and whatever goes with it."""
        soft_delete(org, sobject, record, caller.user_id)


class PersonBehavior(Behavior):
    """Users, contacts and leads: ``Name`` is ``FirstName LastName``."""

    def prepare(
        self,
        org: OrgState,
        caller: Caller,
        sobject: ObjectDef,
        record: Record,
        old: Record | None,
        changes: Record,
    ) -> Record:
        """Compute ``Name``."""
        name = " ".join(p for p in (record.get("FirstName"), record.get("LastName")) if p)
        return {**record, "Name": name}
