"""Armed faults rendered the way Exchange (and Entra ID) fail.

* THROTTLE: HTTP 500 SOAP fault ``ErrorServerBusy`` with ``BackOffMilliseconds`` (exchangelib
  reads it into ``ErrorServerBusy.back_off``); the token endpoint answers 429 + Retry-After.
* AUTH_EXPIRED: HTTP 401 with the challenge of the scheme the client used (a bearer token is
  revoked, so the client must fetch a new one); the token endpoint answers
  ``invalid_client`` (expired client secret).
* SERVER_ERROR: HTTP 500 with IIS's HTML error page, no SOAP fault; ``502`` / ``503`` /
  ``504`` in the fault's ``detail`` answer that status with the page of what stands in front
  of EWS, and ``retry-after`` adds the header (see :class:`~calsync.emulation.Fault`).
* TIMEOUT: no answer at all.
* MALFORMED: HTTP 200 with a truncated SOAP document.
* CURSOR_EXPIRED: every sync state issued so far expires; a SyncFolderItems request is
  answered with ``ErrorInvalidSyncStateData``, other requests are served normally.
* PARTIAL_FAILURE: handled by the emulator: the last item of a GetItem, CreateItem,
  UpdateItem or DeleteItem batch fails; other operations decline it (it stays armed).
"""

from __future__ import annotations

import json

from calsync.emulation import Fault, FaultKind, HttpRequest, HttpResponse
from calsync.emulation.answers import FrontAnswers
from calsync_exchange.emulator.auth import BASIC_CHALLENGE, BEARER_CHALLENGE
from calsync_exchange.emulator.errors import SoapFault
from calsync_exchange.emulator.soap import CONTENT_TYPE, ServerBuild, fault_body

IIS_ERROR_PAGE = (
    b"<html><head><title>Runtime Error</title></head><body>"
    b"<h1>Server Error in '/EWS' Application.<hr width=100% size=1 color=silver></h1>"
    b"<h2><i>Runtime Error</i></h2></body></html>"
)
#: What answers in front of EWS when it is down: HTTP.sys's page when the application pool
#: is stopped or its queue is full ("HTTP Error 503. The service is unavailable.", IIS
#: documentation "HTTP Error 503.0 - Service Unavailable"), a load balancer's 502 / 504.
ERROR_PAGES = {
    503: b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">'
    b"<HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD><BODY><h2>Service Unavailable</h2>"
    b"<hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>",
    502: b"<html><head><title>502 Bad Gateway</title></head><body><center>"
    b"<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
    504: b"<html><head><title>504 Gateway Time-out</title></head><body><center>"
    b"<h1>504 Gateway Time-out</h1></center></body></html>",
}
TRUNCATED_SOAP = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Hea'
)
#: EWS's 5xx answers are IIS's pages (or a load balancer's), never SOAP.
EWS_ANSWERS = FrontAnswers(
    malformed=TRUNCATED_SOAP,
    content_type=CONTENT_TYPE,
    page=lambda status: ERROR_PAGES.get(status, IIS_ERROR_PAGE),
    always_a_page=True,
)
TOKEN_ANSWERS = FrontAnswers(malformed=b'{"token_type": "Bea', content_type="application/json")


def _json(status: int, payload: dict[str, object], **headers: str) -> HttpResponse:
    return HttpResponse(
        status=status,
        headers={"Content-Type": "application/json; charset=utf-8", **headers},
        body=json.dumps(payload).encode(),
    )


def render_token_fault(fault: Fault) -> HttpResponse:
    """Render a fault on the Entra ID token endpoint."""
    if fault.kind is FaultKind.THROTTLE:
        return _json(
            429,
            {
                "error": "temporarily_unavailable",
                "error_description": "AADSTS50196: Too many requests.",
            },
            **{"Retry-After": str(max(1, round(fault.retry_after)))},
        )
    if fault.kind is FaultKind.AUTH_EXPIRED:
        return _json(
            401,
            {
                "error": "invalid_client",
                "error_description": "AADSTS7000222: The provided client secret keys are expired.",
            },
        )
    answer = TOKEN_ANSWERS.answer(fault)
    if answer is not None:
        return answer
    return _json(
        500,
        {"error": "server_error", "error_description": "AADSTS90033: A transient error occurred."},
    )


def render_ews_fault(fault: Fault, request: HttpRequest, build: ServerBuild) -> HttpResponse:
    """Render a THROTTLE, AUTH_EXPIRED, SERVER_ERROR, TIMEOUT or MALFORMED EWS answer."""
    if fault.kind is FaultKind.THROTTLE:
        busy = SoapFault(
            "ErrorServerBusy",
            fault.detail or "The server cannot service this request right now. Try again later.",
            back_off_ms=int(fault.retry_after * 1000),
        )
        return HttpResponse(
            status=500, headers={"Content-Type": CONTENT_TYPE}, body=fault_body(busy)
        )
    if fault.kind is FaultKind.AUTH_EXPIRED:
        bearer = request.headers.get("authorization", "").lower().startswith("bearer")
        headers = {"WWW-Authenticate": BEARER_CHALLENGE if bearer else BASIC_CHALLENGE}
        if bearer:
            headers["x-ms-diagnostics"] = '2000003;reason="The token has expired."'
        return HttpResponse(status=401, headers=headers)
    answer = EWS_ANSWERS.answer(fault) or EWS_ANSWERS.error_page(fault)
    assert answer is not None  # EWS_ANSWERS has a page
    return answer
