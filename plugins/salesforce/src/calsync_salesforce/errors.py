"""Translating simple-salesforce and requests exceptions into calsync's errors.

Use :func:`translated` around every call to the service, in the spirit of httpx's
``map_exceptions``: whatever the SDK or the transport raises leaves it as a
:class:`~calsync.errors.ProviderError` subclass, never as an SDK type.

=====================================================  ===================================
What the service or the transport did                   Raised
=====================================================  ===================================
401 ``INVALID_SESSION_ID``, a failed login               :class:`AuthError`
403 ``REQUEST_LIMIT_EXCEEDED``                          :class:`ThrottledError` (``Retry-After``)
5xx, timeouts, connection errors                        :class:`ServiceUnavailableError`
a body that is not JSON, or JSON of the wrong shape     :class:`InvalidReplyError`
400 ``INVALID_QUERY_LOCATOR`` / ``INVALID_REPLICATION_DATE`` while reading changes
                                                         :class:`CursorExpiredError`
anything else the service refused                       :class:`ProviderError`
=====================================================  ===================================
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

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

__all__ = ["CURSOR_CODES", "error_code", "retry_after_of", "translated"]

#: Codes that mean a query cursor or replication window is no longer valid.
CURSOR_CODES = frozenset({"INVALID_QUERY_LOCATOR", "INVALID_REPLICATION_DATE"})


def error_code(content: Any) -> tuple[str, str]:
    """``(errorCode, message)`` of an error body (a JSON list of errors), as far as it has them."""
    first = content[0] if isinstance(content, list) and content else content
    if isinstance(first, dict):
        return str(first.get("errorCode") or ""), str(first.get("message") or "")
    return "", str(content)[:200]


def retry_after_of(response: requests.Response | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date), if any."""
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


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
        raise AuthError(f"Salesforce refused the sign-in: {exc.message}") from None
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
        if exc.status >= 500:
            raise ServiceUnavailableError(f"Salesforce failed: {_describe(exc)}") from None
        raise ProviderError(f"Salesforce answered {exc.status}: {_describe(exc)}") from None
    except SalesforceError as exc:
        raise ProviderError(f"Salesforce answered {exc.status}: {_describe(exc)}") from None
    except json.JSONDecodeError as exc:
        # requests' own JSONDecodeError derives from it too.
        raise InvalidReplyError(f"Salesforce answered something that is not JSON: {exc}") from None
    except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
        raise ServiceUnavailableError(f"Salesforce could not be reached: {exc}") from None
    except requests.exceptions.RequestException as exc:
        raise ServiceUnavailableError(f"the request to Salesforce failed: {exc}") from None


def _describe(exc: SalesforceError) -> str:
    code, message = error_code(exc.content)
    return f"{code}: {message}" if code else message or f"HTTP {exc.status}"
