"""sObject Collections: ``/composite/sobjects`` create, update, upsert, delete, retrieve.

Up to 200 records per write (2000 ids per retrieve), one API call. The answer is 200 with
one result per record, in order: ``{"id", "success": true, "errors": []}`` or
``{"success": false, "errors": [{"statusCode", "message", "fields"}]}``. With
``allOrNone`` one failure rolls every record back and the others report
``ALL_OR_NONE_OPERATION_ROLLED_BACK``. Each record is atomic on its own either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from calsync_salesforce.emulator import dml
from calsync_salesforce.emulator.errors import SalesforceError, json_parser
from calsync_salesforce.emulator.ids import normalize_id
from calsync_salesforce.emulator.rendering import render
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.state import OrgState

MAX_RECORDS = 200
MAX_RETRIEVE = 2000
ROLLED_BACK = SalesforceError(
    400,
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using "
    "AllOrNone header",
)
#: The transient per-record error the PARTIAL_FAILURE fault injects.
LOCK_MESSAGE = "unable to obtain exclusive access to this record or 1 records: "

Outcome = tuple[str, bool | None]  # (id, created) -- created only for upserts


def too_many(limit: int = MAX_RECORDS) -> SalesforceError:
    """400 for a collection call over the record limit."""
    return SalesforceError(
        400,
        "EXCEEDED_ID_LIMIT",
        f"record limit reached. cannot submit more than {limit} records into this call",
        with_fields=False,
    )


def _records(body: Any) -> tuple[list[Any], bool]:
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise json_parser("Expected a JSON object with a 'records' array")
    records = body["records"]
    if len(records) > MAX_RECORDS:
        raise too_many()
    return records, bool(body.get("allOrNone", False))


def _type_of(item: Any) -> str:
    attrs = item.get("attributes") if isinstance(item, dict) else None
    if not isinstance(attrs, dict) or not attrs.get("type"):
        raise SalesforceError(400, "INVALID_TYPE", "Must send a concrete entity type.")
    return str(attrs["type"])


def _run(
    org: OrgState,
    items: list[Any],
    all_or_none: bool,
    fail_index: int | None,
    operation: Callable[[Any], Outcome],
    id_of: Callable[[Any], str | None],
) -> list[dict[str, Any]]:
    outer = org.store.mark()
    results: list[dict[str, Any]] = []
    failed: set[int] = set()
    for index, item in enumerate(items):
        point = org.store.mark()
        try:
            if index == fail_index:
                raise SalesforceError(400, "UNABLE_TO_LOCK_ROW", LOCK_MESSAGE + (id_of(item) or ""))
            record_id, created = operation(item)
        except SalesforceError as error:
            org.store.rollback(point)
            failed.add(index)
            results.append(_failure(id_of(item), error))
            continue
        org.store.release(point)
        result: dict[str, Any] = {"id": record_id, "success": True, "errors": []}
        if created is not None:
            result["created"] = created
        results.append(result)
    if all_or_none and failed:
        org.store.rollback(outer)
        return [
            results[i] if i in failed else _failure(id_of(item), ROLLED_BACK)
            for i, item in enumerate(items)
        ]
    org.store.release(outer)
    return results


def _failure(record_id: str | None, error: SalesforceError) -> dict[str, Any]:
    result: dict[str, Any] = {"success": False, "errors": [error.record_error()]}
    if record_id:
        result = {"id": record_id, **result}
    return result


def create(
    org: OrgState, caller: Caller, body: Any, fail_index: int | None = None
) -> list[dict[str, Any]]:
    """``POST /composite/sobjects``."""
    items, all_or_none = _records(body)

    def one(item: Any) -> Outcome:
        name = _type_of(item)
        if any(key.lower() == "id" for key in item):
            raise SalesforceError(
                400, "INVALID_FIELD", "cannot specify Id in an insert call", ["Id"]
            )
        return dml.create(org, caller, name, item), None

    return _run(org, items, all_or_none, fail_index, one, lambda item: None)


def update(
    org: OrgState, caller: Caller, body: Any, fail_index: int | None = None
) -> list[dict[str, Any]]:
    """``PATCH /composite/sobjects``."""
    items, all_or_none = _records(body)

    def one(item: Any) -> Outcome:
        name = _type_of(item)
        raw_id = _id_in(item)
        if raw_id is None:
            raise SalesforceError(400, "MISSING_ARGUMENT", "Id not specified in an update call")
        record = _existing(org, caller, name, raw_id)
        fields = {k: v for k, v in item.items() if k.lower() != "id"}
        dml.update(org, caller, name, record["Id"], fields)
        return record["Id"], None

    return _run(org, items, all_or_none, fail_index, one, _id_in)


def upsert(
    org: OrgState, caller: Caller, name: str, field: str, body: Any, fail_index: int | None = None
) -> list[dict[str, Any]]:
    """``PATCH /composite/sobjects/{Object}/{ExternalIdField}``."""
    items, all_or_none = _records(body)

    def one(item: Any) -> Outcome:
        _type_of(item)
        key = next((k for k in item if k.lower() == field.lower()), None)
        if key is None or item[key] in (None, ""):
            raise SalesforceError(400, "MISSING_ARGUMENT", f"{field} not specified", [field])
        return dml.upsert(org, caller, name, field, str(item[key]), item)

    return _run(org, items, all_or_none, fail_index, one, lambda item: None)


def delete(
    org: OrgState, caller: Caller, ids: list[str], all_or_none: bool, fail_index: int | None = None
) -> list[dict[str, Any]]:
    """``DELETE /composite/sobjects?ids=...``."""
    if len(ids) > MAX_RECORDS:
        raise too_many()

    def one(raw_id: str) -> Outcome:
        record_id = normalize_id(raw_id)
        found = org.store.find(record_id) if record_id else None
        if record_id is None or (found is None and org.store.object_of(record_id) is None):
            raise SalesforceError(400, "MALFORMED_ID", f"malformed id {raw_id}")
        if found is None:
            raise SalesforceError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
        sobject, record = found
        if record.get("IsDeleted"):
            raise SalesforceError(400, "ENTITY_IS_DELETED", "entity is deleted")
        dml.delete(org, caller, sobject, record_id)
        return record_id, None

    return _run(org, ids, all_or_none, fail_index, one, lambda raw: raw)


def retrieve(
    org: OrgState, caller: Caller, name: str, ids: list[str], fields: list[str]
) -> list[Any]:
    """``GET /composite/sobjects/{Object}?ids=...&fields=...``: records, null where missing."""
    sobject = dml.sobject_for(org, caller, name)
    if len(ids) > MAX_RETRIEVE:
        raise too_many(MAX_RETRIEVE)
    if not fields:
        raise SalesforceError(
            400, "MISSING_ARGUMENT", "fields parameter is required", with_fields=False
        )
    specs = []
    for field in fields:
        spec = org.visible_field(caller, sobject, field)
        if spec is None:
            raise SalesforceError(
                400,
                "INVALID_FIELD",
                f"No such column '{field}' on entity '{sobject.name}'",
                with_fields=False,
            )
        specs.append(spec)
    out: list[Any] = []
    for raw_id in ids:
        record_id = normalize_id(raw_id)
        record = org.live(sobject.name, record_id) if record_id else None
        out.append(render(org, caller, sobject, record, specs) if record else None)
    return out


def _id_in(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    key = next((k for k in item if k.lower() == "id"), None)
    return str(item[key]) if key is not None and item[key] else None


def _existing(org: OrgState, caller: Caller, name: str, raw_id: str) -> Record:
    sobject = dml.sobject_for(org, caller, name)
    record_id = normalize_id(raw_id)
    if record_id is None or org.store.object_of(record_id) != sobject.name:
        raise SalesforceError(400, "MALFORMED_ID", f"malformed id {raw_id}", ["Id"])
    record = org.store.get(sobject.name, record_id)
    if record is None:
        raise SalesforceError(
            400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["Id"]
        )
    if record.get("IsDeleted"):
        raise SalesforceError(400, "ENTITY_IS_DELETED", "entity is deleted", ["Id"])
    return record
