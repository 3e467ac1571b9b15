"""Armed faults, answered the way Google's front ends answer them.

=================  ===========================================================================
FaultKind          What the client sees
=================  ===========================================================================
THROTTLE           403 ``rateLimitExceeded`` (domain ``usageLimits``; no header, as Google
                   sends it). ``detail="429"`` gives 429 with ``Retry-After`` = ``retry_after``
                   (rounded up); ``detail`` containing ``user`` gives ``userRateLimitExceeded``.
AUTH_EXPIRED       401 ``authError`` "Invalid Credentials" (google-auth refreshes and retries);
                   at the token endpoint, 400 ``invalid_grant`` (the refresh token is dead).
SERVER_ERROR       500 ``backendError``; ``503`` / ``502`` / ``504`` in ``detail`` give that
                   status, ``html`` the HTML page Google's front end answers instead of
                   JSON (as for a 502 when the backend cannot be reached; Google's
                   "Handle API errors" guide: retry 5xx with exponential back-off), and
                   ``retry-after`` a ``Retry-After`` header.
TIMEOUT            no answer: ``InProcessHttp`` raises :class:`TimeoutError` (``socket.timeout``).
MALFORMED          200 whose body is truncated JSON.
CURSOR_EXPIRED     every sync token is forgotten, then the request is served: the next list
                   with a ``syncToken`` (this one, if it has one) gets 410 ``fullSyncRequired``.
PARTIAL_FAILURE    taken by a batch: its first part fails with 500 ``backendError`` and is not
                   applied, the others run. Taken by a part inside a batch: that part fails.
                   Declined by a request outside a batch: it is served, and the fault stays
                   armed for the next batch.
=================  ===========================================================================
"""

from __future__ import annotations

import math
from datetime import timedelta

from calsync.emulation import Clock, Fault, FaultKind, HttpResponse
from calsync.emulation.answers import FrontAnswers
from calsync_gmail.emulator._errors import (
    JSON_TYPE,
    ApiError,
    Style,
    invalid_credentials,
    oauth_error,
)
from calsync_gmail.emulator._routes import TOKEN
from calsync_gmail.emulator._times import format_stamp

#: What a MALFORMED answer carries: the start of a JSON document, cut off.
MALFORMED_BODY = b'{"kind": "calendar#events", "items": [{"id": "'


def style_of(endpoint: str) -> Style:
    """Return the error shape of ``endpoint``'s API."""
    return "gmail" if endpoint.startswith("gmail.") else "calendar"


def part_failure() -> ApiError:
    """Return the error a batch part fails with under PARTIAL_FAILURE."""
    return ApiError(500, "backendError", "Backend Error")


def _throttle(fault: Fault, style: Style, clock: Clock) -> HttpResponse:
    if "429" in fault.detail:
        wait = max(1, math.ceil(fault.retry_after))
        message = "Rate Limit Exceeded"
        if style == "gmail":
            until = format_stamp(clock.now() + timedelta(seconds=wait))
            message = f"User-rate limit exceeded.  Retry after {until}"
        error = ApiError(
            429,
            "rateLimitExceeded",
            message,
            domain="usageLimits",
            headers={"retry-after": str(wait)},
        )
        return error.response(style)
    if "user" in fault.detail.lower():
        error = ApiError(
            403, "userRateLimitExceeded", "User Rate Limit Exceeded", domain="usageLimits"
        )
    else:
        error = ApiError(403, "rateLimitExceeded", "Rate Limit Exceeded", domain="usageLimits")
    return error.response(style)


def _server_error(fault: Fault, style: Style) -> HttpResponse:
    status, headers = fault.status(), fault.retry_after_header()
    message = "The service is currently unavailable." if status == 503 else "Backend Error"
    return ApiError(status, "backendError", message, headers=headers).response(style)


def google_error_page(status: int) -> bytes:
    """The page Google's front end answers when the API behind it fails (not JSON)."""
    name = {502: "Server Error", 503: "Service Unavailable", 504: "Gateway Timeout"}.get(
        status, "Server Error"
    )
    return (
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
        f"  <title>Error {status} ({name})!!1</title>\n"
        "  <style>*{margin:0;padding:0}html{font:15px/22px arial,sans-serif}</style>\n"
        "  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>\n"
        f"  <p><b>{status}.</b> <ins>That's an error.</ins>\n"
        "  <p>The server encountered a temporary error and could not complete your request."
        "<p>Please try again in 30 seconds.  <ins>That's all we know.</ins>\n"
    ).encode()


#: The front end's answers: a truncated JSON body, Google's own HTML error page.
ANSWERS = FrontAnswers(malformed=MALFORMED_BODY, content_type=JSON_TYPE, page=google_error_page)


def _token_endpoint_fault(fault: Fault) -> HttpResponse | None:
    if fault.kind is FaultKind.THROTTLE:
        return oauth_error(429, "rate_limit_exceeded", "Rate limit exceeded")
    if fault.kind is FaultKind.AUTH_EXPIRED:
        return oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
    if fault.kind is FaultKind.SERVER_ERROR:
        return oauth_error(
            503 if "503" in fault.detail else 500, "internal_failure", "Backend Error"
        )
    return None


def simple_fault(endpoint: str, fault: Fault, clock: Clock) -> HttpResponse | None:
    """Answer the faults that replace the response outright; ``None`` for the others."""
    if endpoint == TOKEN:
        answer = _token_endpoint_fault(fault)
        if answer is not None:
            return answer
    style = style_of(endpoint)
    if fault.kind is FaultKind.THROTTLE:
        return _throttle(fault, style, clock)
    if fault.kind is FaultKind.AUTH_EXPIRED:
        return invalid_credentials().response(style)
    answer = ANSWERS.answer(fault)
    if answer is None and fault.kind is FaultKind.SERVER_ERROR:
        return _server_error(fault, style)
    return answer
