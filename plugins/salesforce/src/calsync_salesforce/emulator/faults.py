"""Armed faults rendered the way Salesforce answers them.

* ``AUTH_EXPIRED``: 401 ``[{"message": "Session expired or invalid", "errorCode":
  "INVALID_SESSION_ID"}]`` (a JSON list: simple-salesforce reads ``[0]["errorCode"]``).
* ``THROTTLE``: 403 ``REQUEST_LIMIT_EXCEEDED`` "TotalRequests Limit exceeded.", with a
  ``Retry-After`` header carrying the fault's hint (Salesforce itself sends none; the header
  is the emulator's way to give the hint every emulator gives). With ``429`` in ``detail``:
  429 Too Many Requests (RFC 6585), as a gateway in front of the org or a concurrent-request
  limit answers.
* ``SERVER_ERROR``: 500 ``UNKNOWN_EXCEPTION``, or 503 ``SERVER_UNAVAILABLE`` when the fault's
  ``detail`` has ``503``, both JSON error lists; ``html`` in ``detail`` answers the
  maintenance page (503) or the edge's 502 page instead, ``retry-after`` adds the header.
* ``TIMEOUT``: no answer.
* ``MALFORMED``: 200 with an HTML page instead of JSON (what a proxy or maintenance page
  returns).
* ``CURSOR_EXPIRED``: every open query cursor expires; ``queryMore`` answers 400
  ``INVALID_QUERY_LOCATOR`` and getUpdated/getDeleted 400 ``INVALID_REPLICATION_DATE``;
  elsewhere the request is answered normally (the next ``queryMore`` fails).
* ``PARTIAL_FAILURE``: in a collection call the record at index ``int(detail)`` (default 0)
  fails with ``UNABLE_TO_LOCK_ROW`` while the others succeed; a single-record write fails
  with it as a whole; reads decline it (it stays armed for the next write).
"""

from __future__ import annotations

import json

from calsync.emulation import Fault, FaultKind, HttpResponse
from calsync.emulation.answers import FrontAnswers
from calsync_salesforce.emulator.errors import SalesforceError, invalid_session, request_limit

#: The pages answered in front of the org: the maintenance page (Salesforce knowledge
#: article 000116783: "HTTP 503 (Service Unavailable)" during maintenance windows), and a
#: 502 when Salesforce Edge cannot reach the instance (REST API Developer Guide, "Status Codes
#: and Error Responses": 502).
ERROR_PAGES = {
    503: b"<!DOCTYPE html><html><head><title>Salesforce - Down for Maintenance</title>"
    b"<style>body{font-family:sans-serif}</style></head><body><h1>Down for Maintenance</h1>"
    b"<p>Salesforce is down for maintenance. We'll be back shortly.</p></body></html>",
    502: b"<html><head><title>502 Bad Gateway</title></head><body>"
    b"<h1>Bad Gateway</h1><p>The server could not reach the instance.</p></body></html>",
}
MALFORMED_BODY = (
    b"<html><head><title>Service Unavailable</title></head>"
    b"<body>The service is temporarily unavailable.</body></html>"
)
#: The org's answers in front of the API: an HTML page where JSON was expected (MALFORMED),
#: the maintenance page or the edge's 502 (SERVER_ERROR ``html``, 503 unless named).
ANSWERS = FrontAnswers(
    malformed=MALFORMED_BODY,
    content_type="text/html;charset=UTF-8",
    page=lambda status: ERROR_PAGES.get(status, MALFORMED_BODY),
    default_status=503,
)


def fault_error(kind: FaultKind, endpoint: str, fault: Fault) -> SalesforceError | None:
    """Return the error a fault answers with on ``endpoint`` (``None``: handled elsewhere)."""
    if kind is FaultKind.AUTH_EXPIRED:
        return invalid_session()
    if kind is FaultKind.THROTTLE:
        if "429" in fault.detail:
            return SalesforceError(
                429, "REQUEST_LIMIT_EXCEEDED", "Too many requests.", with_fields=False
            )
        return request_limit()
    if kind is FaultKind.SERVER_ERROR:
        if fault.status() == 503:
            return SalesforceError(
                503,
                "SERVER_UNAVAILABLE",
                "Server temporarily unavailable. Please try again later.",
                with_fields=False,
            )
        return SalesforceError(
            500,
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred. Please include this ErrorId if you contact support: "
            "1234567890-12345 (-1234567890)",
            with_fields=False,
        )
    if kind is FaultKind.CURSOR_EXPIRED and endpoint == "queryMore":
        return SalesforceError(
            400, "INVALID_QUERY_LOCATOR", "invalid query locator", with_fields=False
        )
    if kind is FaultKind.CURSOR_EXPIRED and endpoint in ("sobjects.updated", "sobjects.deleted"):
        return SalesforceError(
            400,
            "INVALID_REPLICATION_DATE",
            "startDate cannot be more than 30 days ago",
            with_fields=False,
        )
    return None


def error_response(error: SalesforceError, headers: dict[str, str]) -> HttpResponse:
    """Return an error as a JSON-list response."""
    return HttpResponse(
        status=error.status,
        headers={"Content-Type": "application/json;charset=UTF-8", **headers},
        body=json.dumps(error.wire()).encode("utf-8"),
    )


def partial_failure_index(fault: Fault) -> int:
    """Which record of a collection call the PARTIAL_FAILURE fault fails."""
    return int(fault.detail) if fault.detail.strip().isdigit() else 0
