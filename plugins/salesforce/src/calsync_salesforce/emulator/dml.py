"""The DML pipeline: create, update, delete and upsert, as Salesforce runs them.

Order of checks on a save (the first failure wins, as on the real service):

1. every body key names a field the caller can see (``INVALID_FIELD`` "No such column");
2. every such field is writable for the caller on this operation
   (``INVALID_FIELD_FOR_INSERT_UPDATE`` "bad field names on insert/update call");
3. values have the field's type, length, picklist and reference target (``JSON_PARSER_ERROR``,
   ``STRING_TOO_LONG``, ``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST``, ``MALFORMED_ID``, ...);
4. required fields (``REQUIRED_FIELD_MISSING``);
5. the object's own rules and derivations (:mod:`.behaviors`);
6. validation rules (``FIELD_CUSTOM_VALIDATION_EXCEPTION``);
7. unique fields (``DUPLICATE_VALUE``).

Each call is atomic: a failure leaves the store as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calsync_salesforce.emulator import references
from calsync_salesforce.emulator.behaviors import behavior_for
from calsync_salesforce.emulator.errors import (
    MultipleChoices,
    SalesforceError,
    bad_external_id_field,
    bad_field_names,
    cannot,
    entity_deleted,
    json_parser,
    no_such_column,
    not_found,
    required_missing,
)
from calsync_salesforce.emulator.ids import normalize_id
from calsync_salesforce.emulator.records import defaults, insert, modify
from calsync_salesforce.emulator.schema import FieldType, ObjectDef
from calsync_salesforce.emulator.store import Record
from calsync_salesforce.emulator.validation import enforce
from calsync_salesforce.emulator.values import coerce

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.state import OrgState


def sobject_for(org: OrgState, caller: Caller, name: str) -> ObjectDef:
    """Return the object a URL names, or 404 ``NOT_FOUND``."""
    found = org.visible_object(caller, name)
    if found is None:
        raise not_found()
    return found


def locate(org: OrgState, sobject: ObjectDef, raw_id: str, *, deleted_ok: bool = False) -> Record:
    """Return the record a URL id segment names.

    :raises SalesforceError: 404 ``NOT_FOUND`` for a malformed or unknown id, 404
        ``ENTITY_IS_DELETED`` for a deleted record unless ``deleted_ok``.
    """
    record_id = normalize_id(raw_id)
    if record_id is None:
        raise bad_external_id_field(raw_id)
    record = org.store.get(_table(sobject), record_id)
    if record is None:
        raise not_found()
    if record.get("IsDeleted") and not deleted_ok:
        raise entity_deleted()
    return record


def _table(sobject: ObjectDef) -> str:
    return "EventRelation" if sobject.name == "EventWhoRelation" else sobject.name


def read_body(
    org: OrgState, caller: Caller, sobject: ObjectDef, body: Any, *, creating: bool
) -> Record:
    """Check a JSON body against the schema as the caller sees it; return coerced changes."""
    if not isinstance(body, dict):
        raise json_parser("Cannot deserialize instance of sObject from a non-object value")
    specs = []
    for key in body:
        if key == "attributes":
            continue
        spec = org.visible_field(caller, sobject, key)
        if spec is None:
            raise no_such_column(key, sobject.name)
        specs.append((key, spec))
    refused = [
        spec.name for _, spec in specs if not org.writable(caller, sobject, spec, creating=creating)
    ]
    if refused:
        raise bad_field_names(sobject.name, refused)
    changes: Record = {}
    for key, spec in specs:
        value = coerce(spec, body[key])
        if spec.type in (FieldType.REFERENCE, FieldType.JUNCTION_ID_LIST) and value is not None:
            value = references.check(org, spec, value)
        elif spec.restricted_picklist and value is not None and value not in spec.picklist:
            raise SalesforceError(
                400,
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                f"{spec.label}: bad value for restricted picklist field: {value}",
                [spec.name],
            )
        changes[spec.name] = value
    return changes


def _check_required(sobject: ObjectDef, record: Record, changes: Record, *, creating: bool) -> None:
    missing = [
        spec.name
        for spec in sobject.fields
        if not spec.nillable
        and spec.createable
        and record.get(spec.name) is None
        and (creating or spec.name in changes)
    ]
    if missing:
        raise required_missing(missing)


def _check_unique(org: OrgState, sobject: ObjectDef, record: Record) -> None:
    for spec in sobject.fields:
        value = record.get(spec.name)
        if not spec.unique or value is None:
            continue
        for other in org.store.find_by(
            sobject.name, spec.name, value, case_sensitive=spec.case_sensitive
        ):
            if other["Id"] != record.get("Id") and not other.get("IsDeleted"):
                raise SalesforceError(
                    400,
                    "DUPLICATE_VALUE",
                    f"duplicate value found: {spec.name} duplicates value on record with id: "
                    f"{other['Id']}",
                    [spec.name],
                )


def save_new(org: OrgState, caller: Caller, sobject: ObjectDef, changes: Record) -> Record:
    """Run the create pipeline from step 4 on already-checked ``changes``; return the record."""
    record = {**defaults(sobject, caller.user_id), **changes}
    _check_required(sobject, record, changes, creating=True)
    behavior = behavior_for(sobject.name)
    record = behavior.prepare(org, caller, sobject, record, None, changes)
    enforce(org.rules, sobject.name, record)
    _check_unique(org, sobject, record)
    stored = insert(org, sobject.name, record, caller.user_id)
    behavior.after_save(org, caller, stored, None, changes)
    return stored


def save_changes(
    org: OrgState, caller: Caller, sobject: ObjectDef, old: Record, changes: Record
) -> Record:
    """Run the update pipeline from step 4 on already-checked ``changes``."""
    record = {**old, **changes}
    _check_required(sobject, record, changes, creating=False)
    behavior = behavior_for(sobject.name)
    record = behavior.prepare(org, caller, sobject, record, old, changes)
    enforce(org.rules, sobject.name, record)
    _check_unique(org, sobject, record)
    stored = modify(org, sobject.name, record, caller.user_id)
    behavior.after_save(org, caller, stored, old, changes)
    return stored


def create(org: OrgState, caller: Caller, name: str, body: Any) -> str:
    """``POST /sobjects/{name}/``: return the new record's id."""
    sobject = sobject_for(org, caller, name)
    if not sobject.createable:
        raise cannot("inserted", sobject.label)
    changes = read_body(org, caller, sobject, body, creating=True)
    with org.store.atomic():
        return str(save_new(org, caller, sobject, changes)["Id"])


def update(org: OrgState, caller: Caller, name: str, raw_id: str, body: Any) -> None:
    """``PATCH /sobjects/{name}/{id}``."""
    sobject = sobject_for(org, caller, name)
    if not sobject.updateable:
        raise cannot("updated", sobject.label)
    old = locate(org, sobject, raw_id)
    changes = read_body(org, caller, sobject, body, creating=False)
    with org.store.atomic():
        save_changes(org, caller, sobject, old, changes)


def delete(org: OrgState, caller: Caller, name: str, raw_id: str) -> None:
    """``DELETE /sobjects/{name}/{id}`` (to the recycle bin)."""
    sobject = sobject_for(org, caller, name)
    if not sobject.deletable:
        raise cannot("deleted", sobject.label)
    record = locate(org, sobject, raw_id)
    with org.store.atomic():
        behavior_for(sobject.name).delete(org, caller, sobject.name, record)


def find_by_external_id(
    org: OrgState, caller: Caller, sobject: ObjectDef, field: str, value: str
) -> list[Record]:
    """Return the live records whose External ID ``field`` equals ``value``.

    Case-insensitively, unless the field is case-sensitive.
    """
    spec = org.visible_field(caller, sobject, field)
    if spec is None or not (spec.external_id or spec.name == "Id"):
        raise bad_external_id_field(field)
    found = org.store.find_by(sobject.name, spec.name, value, case_sensitive=spec.case_sensitive)
    return [r for r in found if not r.get("IsDeleted")]


def upsert(
    org: OrgState, caller: Caller, name: str, field: str, value: str, body: Any
) -> tuple[str, bool]:
    """``PATCH /sobjects/{name}/{field}/{value}``: return (id, created)."""
    sobject = sobject_for(org, caller, name)
    matches = find_by_external_id(org, caller, sobject, field, value)
    spec = sobject.field(field)
    assert spec is not None
    if len(matches) > 1:
        base = f"/services/data/v{caller.api_version:.1f}/sobjects/{sobject.name}/"
        raise MultipleChoices(spec.name, value, [base + r["Id"] for r in matches])
    if isinstance(body, dict):
        sent = next((k for k in body if k.lower() == spec.name.lower()), None)
        if sent is not None:
            same = str(body[sent]) == value or (
                not spec.case_sensitive and str(body[sent]).casefold() == value.casefold()
            )
            if not same:
                raise SalesforceError(
                    400,
                    "INVALID_FIELD",
                    f"The value of {spec.name} in the URL and in the body differ",
                    [spec.name],
                )
            body = {k: v for k, v in body.items() if k != sent}
    if matches:
        changes = read_body(org, caller, sobject, body, creating=False)
        with org.store.atomic():
            save_changes(org, caller, sobject, matches[0], changes)
        return str(matches[0]["Id"]), False
    changes = read_body(org, caller, sobject, body, creating=True)
    changes[spec.name] = coerce(spec, value)
    with org.store.atomic():
        return str(save_new(org, caller, sobject, changes)["Id"]), True
