"""Translating simple-salesforce and requests exceptions into calsync's errors.

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
a body that is not JSON, or JSON of the wrong shape     :class:`InvalidReplyError`
400 ``INVALID_QUERY_LOCATOR`` / ``INVALID_REPLICATION_DATE`` while reading changes
                                                         :class:`CursorExpiredError`
anything else the service refused                       :class:`ProviderError`
=====================================================  ===================================

Messages are one line: an HTML page a proxy or a maintenance window answers with is cut to
its title (:func:`calsync.replies.summary`), and a call that got no answer says whether the
connection was refused or timed out (:func:`calsync.replies.unreachable`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

import requests
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)

from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.replies import summary, unreachable
from calsync.retry import parse_retry_after

__all__ = ["CURSOR_CODES", "error_code", "retry_after_of", "translated"]

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


@contextmanager
def translated(
    *,
    last_response: Callable[[], requests.Response | None] = lambda: None,
    reading_changes: bool = False,
) -> Iterator[None]:
    """Raise calsync's errors for whatever the SDK or the transport raises inside.

    :param last_response: the latest HTTP response (for ``Retry-After``).
    :param reading_changes: the block reads changes since a cursor, so an expired query
        locator means the cursor expired (elsewhere it is a passing failure).
    """
    try:
        yield
    except ProviderError:
        raise
    except SalesforceExpiredSession as exc:
        raise AuthError(f"Salesforce refused the session: {_describe(exc)}") from None
    except SalesforceAuthenticationFailed as exc:
        # simple-salesforce raises this for any failed login answer, a maintenance page too:
        # its code is then the HTTP status (the body was neither a SOAP fault nor JSON).
        message = summary(str(exc.message))
        if exc.code in BUSY or exc.code == 429:
            raise ThrottledError(f"Salesforce's login asked to slow down: {message}") from None
        if exc.code in DOWN or (isinstance(exc.code, int) and exc.code >= 500):
            raise ServiceUnavailableError(f"Salesforce's login failed: {message}") from None
        raise AuthError(f"Salesforce refused the sign-in: {message}") from None
    except SalesforceRefusedRequest as exc:
        code, _ = error_code(exc.content)
        if code == "REQUEST_LIMIT_EXCEEDED":
            raise ThrottledError(
                f"Salesforce asked to slow down: {_describe(exc)}",
                retry_after=retry_after_of(last_response()),
            ) from None
        raise ProviderError(f"Salesforce refused the request: {_describe(exc)}") from None
    except SalesforceMalformedRequest as exc:
        code, _ = error_code(exc.content)
        if code in CURSOR_CODES:
            if reading_changes:
                raise CursorExpiredError(
                    f"Salesforce expired the cursor: {_describe(exc)}"
                ) from None
            raise ServiceUnavailableError(f"Salesforce dropped a query: {_describe(exc)}") from None
        raise ProviderError(f"Salesforce refused the request: {_describe(exc)}") from None
    except SalesforceGeneralError as exc:
        hint = retry_after_of(last_response())
        if exc.status == 429:
            raise ThrottledError(
                f"Salesforce asked to slow down: HTTP 429 {_describe(exc)}", retry_after=hint
            ) from None
        if exc.status >= 500:
            raise ServiceUnavailableError(
                f"Salesforce failed: HTTP {exc.status} {_describe(exc)}", retry_after=hint
            ) from None
        raise ProviderError(f"Salesforce answered {exc.status}: {_describe(exc)}") from None
    except SalesforceError as exc:
        raise ProviderError(f"Salesforce answered {exc.status}: {_describe(exc)}") from None
    except json.JSONDecodeError as exc:
        # requests' own JSONDecodeError derives from it too.
        raise InvalidReplyError(f"Salesforce answered something that is not JSON: {exc}") from None
    except requests.exceptions.RequestException as exc:
        how = unreachable(exc, "timeout_seconds")
        raise ServiceUnavailableError(
            f"Salesforce {how}" if how else f"the request to Salesforce failed: {summary(str(exc))}"
        ) from None


def _describe(exc: SalesforceError) -> str:
    code, message = error_code(exc.content)
    return f"{code}: {message}" if code else message or f"HTTP {exc.status}"
