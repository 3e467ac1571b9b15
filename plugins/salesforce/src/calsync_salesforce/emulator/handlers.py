"""One function per REST resource: parse the request, act on the org, shape the answer.

Every handler returns ``(status, json_body)``; ``None`` as body means no content (204).
Errors are raised as :class:`~calsync_salesforce.emulator.errors.SalesforceError` and
rendered by the emulator.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from calsync.emulation import HttpRequest
from calsync_salesforce.emulator import composite, describe, dml, query, replication, series
from calsync_salesforce.emulator.errors import (
    MultipleChoices,
    SalesforceError,
    json_parser,
    not_found,
)
from calsync_salesforce.emulator.rendering import render, version_of
from calsync_salesforce.emulator.routes import Route

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.state import OrgState

Answer = tuple[int, Any]
#: The emulated org's id (the prefix of its session ids).
ORG_ID = "00D5g000000EMUL"
Handler = Callable[["OrgState", "Caller", HttpRequest, Route, "int | None"], Answer]


def _json(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except ValueError as error:
        raise json_parser(f"Unexpected character in JSON body: {error}") from None


def _resources(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    base = f"/services/data/v{route.version}"
    names = ("sobjects", "query", "queryAll", "composite", "limits")
    return 200, {name: f"{base}/{name}" for name in names}


def _describe_global(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    return 200, describe.describe_global(org, caller)


def _limits(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    allowed = org.settings.daily_api_requests
    remaining = max(0, allowed - org.usage.used(org.now()))
    return 200, {
        "DailyApiRequests": {"Max": allowed, "Remaining": remaining},
        "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
        "DataStorageMB": {"Max": 1024, "Remaining": 1024},
    }


def _userinfo(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    # "Query for User Information": the UserInfo endpoint answers for the user of the access
    # token only, with the OpenID Connect claims and Salesforce's own, ``user_id`` among them
    # (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm).
    user = org.store.get("User", caller.user_id) or {}
    return 200, {
        "sub": f"https://login.salesforce.com/id/{ORG_ID}/{caller.user_id}",
        "user_id": caller.user_id,
        "organization_id": ORG_ID,
        "preferred_username": user.get("Username"),
        "email": user.get("Email"),
        "zoneinfo": user.get("TimeZoneSidKey"),
        "active": bool(user.get("IsActive")),
    }


def _basic_info(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    sobject = dml.sobject_for(org, caller, route.params["sobject"])
    summary = {
        k: v for k, v in describe.describe_object(org, caller, sobject).items() if k != "fields"
    }
    return 200, {"objectDescribe": summary, "recentItems": []}


def _sobject_describe(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    return 200, describe.describe_object(
        org, caller, dml.sobject_for(org, caller, route.params["sobject"])
    )


def _lock_error(fail: int | None) -> None:
    if fail is not None:
        raise SalesforceError(400, "UNABLE_TO_LOCK_ROW", composite.LOCK_MESSAGE.rstrip(": "))


def _create(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    _lock_error(fail)
    record_id = dml.create(org, caller, route.params["sobject"], _json(request))
    return 201, {"id": record_id, "success": True, "errors": []}


def _get(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    sobject = dml.sobject_for(org, caller, route.params["sobject"])
    record = dml.locate(org, sobject, route.params["id"], deleted_ok=True)
    if record.get("IsDeleted"):
        raise not_found()
    wanted = request.param("fields")
    specs = None
    if wanted:
        specs = []
        for name in wanted.split(","):
            spec = org.visible_field(caller, sobject, name.strip())
            if spec is None:
                raise SalesforceError(
                    400,
                    "INVALID_FIELD",
                    f"No such column '{name.strip()}' on entity '{sobject.name}'",
                )
            specs.append(spec)
    return 200, render(org, caller, sobject, record, specs)


def _update(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    _lock_error(fail)
    dml.update(org, caller, route.params["sobject"], route.params["id"], _json(request))
    return 204, None


def _delete(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    _lock_error(fail)
    dml.delete(org, caller, route.params["sobject"], route.params["id"])
    return 204, None


def _delete_onwards(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    sobject = dml.sobject_for(org, caller, route.params["sobject"])
    if sobject.name != "Event":
        raise not_found()
    record = dml.locate(org, sobject, route.params["id"])
    with org.store.atomic():
        series.delete_onwards(org, caller, record)
    return 204, None


def _external(org: OrgState, caller: Caller, route: Route) -> list[dict[str, Any]]:
    sobject = dml.sobject_for(org, caller, route.params["sobject"])
    found = dml.find_by_external_id(
        org, caller, sobject, route.params["field"], route.params["value"]
    )
    if len(found) > 1:
        base = f"/services/data/v{version_of(caller)}/sobjects/{sobject.name}/"
        raise MultipleChoices(
            route.params["field"], route.params["value"], [base + r["Id"] for r in found]
        )
    if not found:
        raise not_found()
    return found


def _get_external(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    record = _external(org, caller, route)[0]
    return 200, render(org, caller, dml.sobject_for(org, caller, route.params["sobject"]), record)


def _upsert(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    _lock_error(fail)
    p = route.params
    record_id, created = dml.upsert(
        org, caller, p["sobject"], p["field"], p["value"], _json(request)
    )
    if created:
        return 201, {"id": record_id, "success": True, "errors": [], "created": True}
    return 204, None


def _delete_external(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    _lock_error(fail)
    record = _external(org, caller, route)[0]
    dml.delete(org, caller, route.params["sobject"], record["Id"])
    return 204, None


def _replication(kind: str) -> Handler:
    def handler(
        org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
    ) -> Answer:
        sobject = dml.sobject_for(org, caller, route.params["sobject"])
        run = replication.updated if kind == "updated" else replication.deleted
        return 200, run(org, sobject, request.param("start"), request.param("end"))

    return handler


def _query(include_deleted: bool) -> Handler:
    def handler(
        org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
    ) -> Answer:
        soql = request.param("q")
        if not soql:
            raise SalesforceError(
                400, "MALFORMED_QUERY", "A query string has to be specified", with_fields=False
            )
        size = query.batch_size(request.headers.get("sforce-query-options"))
        return 200, query.run(org, caller, soql, include_deleted=include_deleted, batch=size)

    return handler


def _query_more(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    size = query.batch_size(request.headers.get("sforce-query-options"))
    return 200, query.more(org, caller, route.params["token"], batch=size)


def _collection(kind: str) -> Handler:
    def handler(
        org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
    ) -> Answer:
        if kind == "create":
            return 200, composite.create(org, caller, _json(request), fail)
        if kind == "update":
            return 200, composite.update(org, caller, _json(request), fail)
        if kind == "upsert":
            p = route.params
            return 200, composite.upsert(
                org, caller, p["sobject"], p["field"], _json(request), fail
            )
        if kind == "delete":
            ids = [i for i in (request.param("ids") or "").split(",") if i]
            all_or_none = (request.param("allOrNone") or "false").lower() == "true"
            return 200, composite.delete(org, caller, ids, all_or_none, fail)
        ids = [i for i in (request.param("ids") or "").split(",") if i]
        fields = [f.strip() for f in (request.param("fields") or "").split(",") if f.strip()]
        return 200, composite.retrieve(org, caller, route.params["sobject"], ids, fields)

    return handler


def _method_not_allowed(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    raise SalesforceError(
        405,
        "METHOD_NOT_ALLOWED",
        f"HTTP Method '{request.method}' not allowed. Allowed are {','.join(route.allowed)}",
        with_fields=False,
    )


def _unknown(
    org: OrgState, caller: Caller, request: HttpRequest, route: Route, fail: int | None
) -> Answer:
    raise not_found()


HANDLERS: dict[str, Handler] = {
    "resources": _resources,
    "describe": _describe_global,
    "limits": _limits,
    "oauth2.userinfo": _userinfo,
    "sobjects.basicInfo": _basic_info,
    "sobjects.describe": _sobject_describe,
    "sobjects.create": _create,
    "sobjects.get": _get,
    "sobjects.update": _update,
    "sobjects.delete": _delete,
    "sobjects.deleteSeriesOnwards": _delete_onwards,
    "sobjects.getByExternalId": _get_external,
    "sobjects.upsert": _upsert,
    "sobjects.deleteByExternalId": _delete_external,
    "sobjects.updated": _replication("updated"),
    "sobjects.deleted": _replication("deleted"),
    "query": _query(False),
    "queryAll": _query(True),
    "queryMore": _query_more,
    "composite.sobjects.create": _collection("create"),
    "composite.sobjects.update": _collection("update"),
    "composite.sobjects.upsert": _collection("upsert"),
    "composite.sobjects.delete": _collection("delete"),
    "composite.sobjects.retrieve": _collection("retrieve"),
    "methodNotAllowed": _method_not_allowed,
    "unknown": _unknown,
}
