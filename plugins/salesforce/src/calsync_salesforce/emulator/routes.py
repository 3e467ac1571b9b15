"""Mapping REST URLs to endpoint names (the request counters' keys) and their parameters.

Endpoint names: ``versions``, ``resources``, ``describe`` (global), ``limits``,
``sobjects.basicInfo``, ``sobjects.create``, ``sobjects.describe``, ``sobjects.get``,
``sobjects.update``, ``sobjects.delete``, ``sobjects.deleteSeriesOnwards``,
``sobjects.getByExternalId``, ``sobjects.upsert``, ``sobjects.deleteByExternalId``,
``sobjects.updated``, ``sobjects.deleted``, ``query``, ``queryAll``, ``queryMore``,
``composite.sobjects.create`` / ``.update`` / ``.delete`` / ``.retrieve`` / ``.upsert``,
``oauth2.userinfo`` (``/services/oauth2/userinfo``), ``methodNotAllowed`` and ``unknown``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_plus, urlsplit

_PREFIX = re.compile(r"^/services/data/?(?:v(\d+\.\d+)(/.*)?)?$")
DEFAULT_VERSION = "59.0"
#: The OpenID Connect UserInfo endpoint, on the instance as on the login host ("Query for
#: User Information": https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm).
_USERINFO = "/services/oauth2/userinfo"


@dataclass(frozen=True, slots=True)
class Route:
    """Where a request goes: its endpoint name, the API version, and path parameters."""

    endpoint: str
    version: str = DEFAULT_VERSION
    params: dict[str, str] = field(default_factory=dict)
    #: For ``methodNotAllowed``: the methods the resource does accept.
    allowed: tuple[str, ...] = ()


_SOBJECT_RECORD = {"GET": "sobjects.get", "PATCH": "sobjects.update", "DELETE": "sobjects.delete"}
_EXTERNAL = {
    "GET": "sobjects.getByExternalId",
    "PATCH": "sobjects.upsert",
    "DELETE": "sobjects.deleteByExternalId",
}
_COLLECTION = {
    "POST": "composite.sobjects.create",
    "PATCH": "composite.sobjects.update",
    "DELETE": "composite.sobjects.delete",
}


def route(method: str, url: str) -> Route:
    """Name the endpoint ``method url`` targets."""
    path = urlsplit(url).path
    if path.rstrip("/") == _USERINFO:
        return _pick(
            method, {"GET": "oauth2.userinfo", "POST": "oauth2.userinfo"}, DEFAULT_VERSION, {}
        )
    match = _PREFIX.match(path)
    if match is None:
        return Route("unknown")
    version, rest = match[1], match[2]
    if version is None:
        return _pick(method, {"GET": "versions"}, DEFAULT_VERSION, {})
    raw = [p for p in (rest or "").strip("/").split("/") if p]
    return _route(method, version, raw)


def _pick(method: str, table: dict[str, str], version: str, params: dict[str, str]) -> Route:
    endpoint = table.get(method)
    if endpoint is None:
        return Route("methodNotAllowed", version, params, tuple(table))
    return Route(endpoint, version, params)


def _route(method: str, version: str, raw: list[str]) -> Route:
    parts = [unquote(p) for p in raw]
    count = len(parts)
    head = parts[0] if parts else ""
    if count == 0:
        return _pick(method, {"GET": "resources"}, version, {})
    if head == "limits" and count == 1:
        return _pick(method, {"GET": "limits"}, version, {})
    if head in ("query", "queryAll"):
        if count == 1:
            return _pick(method, {"GET": head}, version, {})
        if count == 2:
            return _pick(
                method, {"GET": "queryMore"}, version, {"token": parts[1], "resource": head}
            )
    if head == "composite" and count >= 2 and parts[1] == "sobjects":
        if count == 2:
            return _pick(method, _COLLECTION, version, {})
        if count == 3:
            return _pick(
                method, {"GET": "composite.sobjects.retrieve"}, version, {"sobject": parts[2]}
            )
        if count == 4:
            params = {"sobject": parts[2], "field": parts[3]}
            return _pick(method, {"PATCH": "composite.sobjects.upsert"}, version, params)
    if head == "sobjects":
        return _sobjects(method, version, parts[1:], raw[1:])
    return Route("unknown", version)


def _sobjects(method: str, version: str, parts: list[str], raw: list[str]) -> Route:
    if not parts:
        return _pick(method, {"GET": "describe"}, version, {})
    params = {"sobject": parts[0]}
    if len(parts) == 1:
        return _pick(
            method, {"GET": "sobjects.basicInfo", "POST": "sobjects.create"}, version, params
        )
    second = parts[1]
    if len(parts) == 2:
        if second in ("describe", "updated", "deleted"):
            return _pick(method, {"GET": f"sobjects.{second}"}, version, params)
        return _pick(method, _SOBJECT_RECORD, version, {**params, "id": second})
    if len(parts) == 3:
        if parts[2] == "fromThisEventOnwards":
            return _pick(
                method,
                {"DELETE": "sobjects.deleteSeriesOnwards"},
                version,
                {**params, "id": second},
            )
        # simple-salesforce quotes external id values with quote_plus (a space is '+', a
        # plus is %2B), so the value is decoded form-style.
        value = unquote_plus(raw[2])
        return _pick(method, _EXTERNAL, version, {**params, "field": second, "value": value})
    return Route("unknown", version)
