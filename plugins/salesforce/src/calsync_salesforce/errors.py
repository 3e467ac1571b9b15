"""Salesforce's error table: simple-salesforce and requests exceptions as calsync's errors.

Use :func:`translated` around every call to the service, in the spirit of httpx's
``map_exceptions``: whatever the SDK or the transport raises leaves it as a
:class:`~calsync.errors.ProviderError` subclass, never as an SDK type.

=====================================================  ===================================
What the service or the transport did                   Raised
=====================================================  ===================================
401 ``INVALID_SESSION_ID``, a failed login               :class:`AuthError`
403 ``REQUEST_LIMIT_EXCEEDED``, 429                     :class:`ThrottledError` (``Retry-After``)
5xx (``retry_after`` from a 503's ``Retry-After``),     :class:`ServiceUnavailableError`
timeouts, refused connections, a login's 5xx
a body that is not JSON, or JSON of the wrong shape,    :class:`InvalidReplyError`
a refusal without the API's JSON (a 404 web page)
400 ``INVALID_QUERY_LOCATOR`` / ``INVALID_REPLICATION_DATE`` while reading changes
                                                         :class:`CursorExpiredError`
anything else the service refused                       :class:`ProviderError`
=====================================================  ===================================

Messages are one line: an HTML page a proxy or a maintenance window answers with is cut to
its title (:func:`calsync.replies.summary`), and a call that got no answer says whether the
connection was refused or timed out (:func:`calsync.replies.unreachable`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

import requests
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
)

from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.replies import summary
from calsync.retry import parse_retry_after
from calsync.translation import ErrorRule, ErrorTable

__all__ = ["CURSOR_CODES", "ERRORS", "error_code", "retry_after_of", "translated"]

#: Login fault codes (SOAP ``sf:exceptionCode``) of a busy or unavailable service.
BUSY: Final = frozenset({"REQUEST_LIMIT_EXCEEDED"})
DOWN: Final = frozenset({"SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION"})
#: Codes that mean a query cursor or replication window is no longer valid.
CURSOR_CODES = frozenset({"INVALID_QUERY_LOCATOR", "INVALID_REPLICATION_DATE"})


def error_code(content: Any) -> tuple[str, str]:
    """``(errorCode, message)`` of an error body (a JSON list of errors), as far as it has them."""
    first = content[0] if isinstance(content, list) and content else content
    if isinstance(first, dict):
        return str(first.get("errorCode") or ""), str(first.get("message") or "")
    return "", summary(str(content))


def retry_after_of(response: requests.Response | None) -> float | None:
    """Seconds the response's ``Retry-After`` header asks to wait, if it has one."""
    return None if response is None else parse_retry_after(response.headers.get("Retry-After"))


def _sdk(table: ErrorTable, exc: BaseException, what: str) -> ProviderError | None:
    if isinstance(exc, SalesforceExpiredSession):
        return AuthError(f"Salesforce refused the session: {_describe(exc)}")
    if isinstance(exc, SalesforceAuthenticationFailed):
        # simple-salesforce raises this for any failed login answer, a maintenance page too:
        # its code is then the HTTP status (the body was neither a SOAP fault nor JSON).
        message = summary(str(exc.message))
        if exc.code in BUSY or exc.code == 429:
            return ThrottledError(f"Salesforce's login asked to slow down: {message}")
        if exc.code in DOWN or (isinstance(exc.code, int) and exc.code >= 500):
            return ServiceUnavailableError(f"Salesforce's login failed: {message}")
        return AuthError(f"Salesforce refused the sign-in: {message}")
    if isinstance(exc, SalesforceError):
        code, _ = error_code(exc.content)
        detail = f"HTTP {exc.status} {_describe(exc)}"
        if _not_the_api(exc):
            return InvalidReplyError(
                f"Salesforce answered something that is not its REST API's: {detail}; "
                "is instance_url the org's My Domain URL, and no proxy in between?"
            )
        return table.error(what, status=exc.status, code=code, detail=detail)
    return None


def _not_the_api(exc: SalesforceError) -> bool:
    """A refusal without the API's JSON body: a web server or proxy answered, not Salesforce.

    Its 5xx, 401 and 429 mean what they mean from anyone (the HTTP rules); any other
    refusal (a 404 page at a wrong URL) was never the API's, so retrying will not help.
    """
    status = exc.status if isinstance(exc.status, int) else 0
    return (
        not isinstance(exc.content, list | dict) and status not in (401, 410, 429) and status < 500
    )


#: What Salesforce's answers mean (the REST API's status codes and ``errorCode`` values,
#: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
#: An expired query locator is a passing failure, except while reading changes: see
#: :data:`READING_CHANGES`.
ERRORS: Final = ErrorTable(
    service="Salesforce",
    source="crm",
    rules=(
        ErrorRule(ThrottledError, codes=BUSY),
        ErrorRule(ServiceUnavailableError, codes=CURSOR_CODES, says="dropped a query"),
    ),
    transport_errors=(requests.exceptions.RequestException, OSError),
    # requests' own JSONDecodeError derives from it too.
    unreadable=(json.JSONDecodeError,),
    translate=_sdk,
)
#: The same table for a block that reads changes since a cursor.
READING_CHANGES: Final = dataclasses.replace(
    ERRORS,
    rules=(
        ErrorRule(CursorExpiredError, codes=CURSOR_CODES, says="expired the cursor"),
        *ERRORS.rules,
    ),
)


@contextmanager
def translated(
    *,
    last_response: Callable[[], requests.Response | None] = lambda: None,
    reading_changes: bool = False,
) -> Iterator[None]:
    """Raise calsync's errors for whatever the SDK or the transport raises inside.

    :param last_response: the latest HTTP response: the SDK's exceptions carry no headers,
        so a refusal's ``Retry-After`` is read there.
    :param reading_changes: the block reads changes since a cursor, so an expired query
        locator means the cursor expired (elsewhere it is a passing failure).
    """
    try:
        with (READING_CHANGES if reading_changes else ERRORS).boundary(""):
            yield
    except (ThrottledError, ServiceUnavailableError) as exc:
        if exc.retry_after is None and isinstance(exc.__cause__, SalesforceError):
            exc.retry_after = retry_after_of(last_response())
        raise


def _describe(exc: SalesforceError) -> str:
    code, message = error_code(exc.content)
    return f"{code}: {message}" if code else message or f"HTTP {exc.status}"
