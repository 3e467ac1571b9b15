"""The Salesforce REST emulator: authentication, API allocation, routing, faults.

Every answer carries ``Sforce-Limit-Info: api-usage=N/M`` (simple-salesforce parses it into
``sf.api_usage``). Each authenticated request counts against the org's rolling 24-hour
``DailyApiRequests`` allocation; once it is used up the API answers 403
``REQUEST_LIMIT_EXCEEDED`` until the window moves on.
"""

from __future__ import annotations

import json
import re
from typing import Any

from calsync.emulation import Clock, Emulator, Fault, FaultKind, HttpRequest, HttpResponse
from calsync_salesforce.emulator import faults
from calsync_salesforce.emulator.context import Caller
from calsync_salesforce.emulator.errors import SalesforceError, invalid_session, request_limit
from calsync_salesforce.emulator.handlers import HANDLERS
from calsync_salesforce.emulator.org import Org
from calsync_salesforce.emulator.routes import Route, route

DEFAULT_INSTANCE_URL = "https://acme.my.salesforce.com"
_BEARER = re.compile(r"^(?:Bearer|OAuth)\s+(\S+)$", re.IGNORECASE)
_COLLECTION_ENDPOINTS = frozenset(
    {
        "composite.sobjects.create",
        "composite.sobjects.update",
        "composite.sobjects.upsert",
        "composite.sobjects.delete",
    }
)
_SINGLE_WRITES = frozenset(
    {
        "sobjects.create",
        "sobjects.update",
        "sobjects.delete",
        "sobjects.upsert",
        "sobjects.deleteByExternalId",
    }
)
#: Every endpoint that writes records: what a fault armed on the provider call "write" hits.
WRITE_ENDPOINTS = _COLLECTION_ENDPOINTS | _SINGLE_WRITES


class SalesforceEmulator(Emulator):
    """A stateful Salesforce REST API (the subset a calendar sync uses) over one org.

    :param clock: drives ``CreatedDate`` / ``SystemModstamp``, replication windows, cursor
        expiry and the API allocation window.
    :param instance_url: the https URL clients use (for :mod:`.transport` helpers).
    """

    def __init__(
        self, *, clock: Clock | None = None, instance_url: str = DEFAULT_INSTANCE_URL
    ) -> None:
        """Create an emulator with an empty org (two profiles, no users)."""
        super().__init__(clock=clock)
        self.instance_url = instance_url.rstrip("/")
        self.org = Org(self.clock, self._lock)

    # -- Emulator ------------------------------------------------------------------------

    def endpoint_of(self, request: HttpRequest) -> str:
        """Return the endpoint name (see :mod:`.routes`)."""
        return route(request.method, request.url).endpoint

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        """Authenticate, charge the API allocation, and run the endpoint's handler."""
        return self._answer(request, fail_index=None)

    def fault_applies(self, endpoint: str, request: HttpRequest, fault: Fault) -> bool:
        """A partial failure waits, armed, for a write: reads decline it."""
        if fault.kind is FaultKind.PARTIAL_FAILURE:
            return endpoint in WRITE_ENDPOINTS
        return True

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        """Answer an armed fault in Salesforce's shape (see :mod:`.faults`)."""
        headers = self._limit_header()
        common = faults.ANSWERS.answer(fault, headers)
        if common is not None:
            return common
        if fault.kind is FaultKind.SERVER_ERROR:
            headers.update(fault.retry_after_header())
        if fault.kind is FaultKind.CURSOR_EXPIRED:
            self.org.cursors.expire_all()
        if fault.kind is FaultKind.THROTTLE:
            headers["Retry-After"] = f"{fault.retry_after:g}"
        error = faults.fault_error(fault.kind, endpoint, fault)
        if error is not None:
            return faults.error_response(error, headers)
        if fault.kind is FaultKind.PARTIAL_FAILURE:
            return self._answer(request, fail_index=faults.partial_failure_index(fault))
        return self._answer(request, fail_index=None)

    def reset(self) -> None:
        """Empty the org, counters and faults (the clock is kept)."""
        with self._lock:
            self.org.reset()
            self.faults.clear()
            self.reset_counts()

    def snapshot(self) -> dict[str, object]:
        """Return a JSON-able copy of the org (records on the wire, settings, sessions)."""
        with self._lock:
            return self.org.snapshot()

    # -- request path --------------------------------------------------------------------

    def _limit_header(self) -> dict[str, str]:
        used = self.org.usage.used(self.org.now())
        return {"Sforce-Limit-Info": f"api-usage={used}/{self.org.settings.daily_api_requests}"}

    def _caller(self, request: HttpRequest, where: Route) -> Caller:
        match = _BEARER.match(request.headers.get("authorization", "").strip())
        caller = self.org.caller_for(match[1], float(where.version)) if match else None
        if caller is None:
            raise invalid_session()
        return caller

    def _answer(self, request: HttpRequest, *, fail_index: int | None) -> HttpResponse:
        where = route(request.method, request.url)
        try:
            if where.endpoint == "versions":
                return self._json(
                    200, [{"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"}]
                )
            caller = self._caller(request, where)
            now = self.org.now()
            if self.org.usage.used(now) >= self.org.settings.daily_api_requests:
                raise request_limit()
            self.org.usage.record(now)
            self.org.recycle_bin.purge(now, self.org.settings.recycle_bin_capacity)
            status, body = HANDLERS[where.endpoint](self.org, caller, request, where, fail_index)
        except SalesforceError as error:
            return faults.error_response(error, self._limit_header())
        return self._json(status, body)

    def _json(self, status: int, body: Any) -> HttpResponse:
        headers = self._limit_header()
        if body is None:
            return HttpResponse(status=status, headers=headers)
        headers["Content-Type"] = "application/json;charset=UTF-8"
        return HttpResponse(status=status, headers=headers, body=json.dumps(body).encode("utf-8"))
