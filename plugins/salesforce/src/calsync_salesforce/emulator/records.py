"""Low-level record writes shared by the DML pipeline and the server's own side effects.

Every write goes through here so that audit fields are always right: ``CreatedDate`` /
``LastModifiedDate`` / ``SystemModstamp`` from the org's clock, ``IsDeleted`` and the delete
log for ``/deleted`` and ``queryAll``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calsync_salesforce.emulator.standard_objects import CALLER
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from calsync_salesforce.emulator.schema import ObjectDef
    from calsync_salesforce.emulator.state import OrgState


def defaults(sobject: ObjectDef, user_id: str) -> Record:
    """Return the values the server fills in on create for fields the body leaves out."""
    out: Record = {}
    for spec in sobject.fields:
        if spec.default is None:
            continue
        out[spec.name] = user_id if spec.default == CALLER else spec.default
    return out


def insert(org: OrgState, sobject: str, record: Record, user_id: str) -> Record:
    """Give ``record`` an id and audit fields and store it; return what was stored."""
    now = org.now()
    stored = {
        **record,
        "Id": record.get("Id") or org.store.new_id(sobject),
        "IsDeleted": False,
        "CreatedDate": now,
        "CreatedById": user_id,
        "LastModifiedDate": now,
        "LastModifiedById": user_id,
        "SystemModstamp": now,
    }
    org.store.put(sobject, stored)
    return stored


def modify(org: OrgState, sobject: str, record: Record, user_id: str, **changes: Any) -> Record:
    """Store ``record`` with ``changes`` applied and fresh modification stamps."""
    now = org.now()
    stored = {
        **record,
        **changes,
        "LastModifiedDate": now,
        "LastModifiedById": user_id,
        "SystemModstamp": now,
    }
    org.store.put(sobject, stored)
    return stored


def soft_delete(org: OrgState, sobject: str, record: Record, user_id: str) -> None:
    """Move ``record`` to the recycle bin (``IsDeleted``; listed by ``/deleted``)."""
    if record.get("IsDeleted"):
        return
    stored = modify(org, sobject, record, user_id, IsDeleted=True)
    org.store.log_deletion(sobject, stored["Id"], stored["SystemModstamp"])


def live_rows(org: OrgState, sobject: str) -> list[Record]:
    """Every record of ``sobject`` that is not deleted, oldest first."""
    return [r for r in org.store.rows(sobject) if not r.get("IsDeleted")]
