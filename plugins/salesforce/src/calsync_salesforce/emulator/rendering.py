"""Records as the REST API renders them: ``attributes`` first, then fields, on the wire."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calsync_salesforce.emulator.schema import FieldDef, ObjectDef
from calsync_salesforce.emulator.standard_objects import NAME
from calsync_salesforce.emulator.store import Record
from calsync_salesforce.emulator.values import to_wire

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.soql import BoundPath, Catalog
    from calsync_salesforce.emulator.state import OrgState


def version_of(caller: Caller) -> str:
    """Return the API version as it appears in URLs (``59.0``)."""
    return f"{caller.api_version:.1f}"


def record_url(caller: Caller, sobject: str, record_id: str) -> str:
    """Return the sObject Rows URL of a record."""
    return f"/services/data/v{version_of(caller)}/sobjects/{sobject}/{record_id}"


def attributes(
    caller: Caller, sobject: str, record_id: str, shown_as: str | None = None
) -> dict[str, str]:
    """Return the ``attributes`` object of a rendered record."""
    return {"type": shown_as or sobject, "url": record_url(caller, sobject, record_id)}


def render(
    org: OrgState,
    caller: Caller,
    sobject: ObjectDef,
    record: Record,
    fields: list[FieldDef] | None = None,
) -> dict[str, Any]:
    """Return a whole record (every field the caller may read, or just ``fields``)."""
    out: dict[str, Any] = {"attributes": attributes(caller, sobject.name, record["Id"])}
    for spec in fields if fields is not None else org.readable_fields(caller, sobject):
        out[spec.name] = to_wire(record.get(spec.name))
    return out


def render_selected(
    caller: Caller, catalog: Catalog, sobject: str, record: Record, select: tuple[BoundPath, ...]
) -> dict[str, Any]:
    """Return a query row: the selected fields, relationship paths as nested records (or null)."""
    out: dict[str, Any] = {"attributes": attributes(caller, sobject, record["Id"])}
    for bound in select:
        container: dict[str, Any] = out
        current: Record | None = record
        for step in bound.steps:
            key = step.reference.relationship_name or step.reference.name
            target_id = current.get(step.reference.name) if current is not None else None
            found = catalog.resolve(target_id) if target_id else None
            if found is None:
                container.setdefault(key, None)
                current = None
                break
            target_object, target = found
            nested = container.get(key)
            if not isinstance(nested, dict):
                shown = "Name" if step.target is NAME else target_object
                nested = {"attributes": attributes(caller, target_object, target["Id"], shown)}
                container[key] = nested
            container = nested
            current = catalog.name_view(target_object, target) if step.target is NAME else target
        if current is not None:
            container[bound.field.name] = to_wire(current.get(bound.field.name))
    return out
