"""Exchange's error table: exchangelib's, requests' and oauthlib's errors as calsync's.

Every provider method runs inside ``ERRORS.boundary(what)`` (see
:class:`calsync.translation.ErrorTable`): whatever the SDK raises leaves as a
:class:`~calsync.errors.ProviderError` subclass. Errors EWS reports for one item of a batch
become :class:`~calsync.providers.ItemFailure` through :func:`item_failure` instead.

exchangelib quirks this module knows about:

* A failed login is HTTP 401 = ``UnauthorizedError`` under ``FailFast`` (there is no
  ``ErrorInvalidCredentials`` class); the provider's fault-tolerant policy keeps it so.
* ``ErrorServerBusy`` is also what exchangelib raises for transport trouble it would have
  retried ("Reraised from ErrorInternalServerTransientError(...)", "Caused by ..."): only a
  server's own ``ErrorServerBusy`` (with its ``BackOffMilliseconds``) is throttling.
* A refused connection and a timeout both surface as ``ErrorTimeoutExpired("Reraised from
  ConnectionError(...)")``: the original requests error in the chain tells them apart.
* HTTP answers without a SOAP body (a 503, a proxy's 502 page) arrive as
  :class:`~.policies.HttpFailure`, with the status, a one-line summary and ``Retry-After``:
  the HTTP rules every service shares decide.
"""

from __future__ import annotations

from typing import Final

import requests
from exchangelib import errors as ews
from lxml import etree
from oauthlib.oauth2.rfc6749 import errors as oauth

from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidItemError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.providers import ItemFailure
from calsync.replies import summary
from calsync.translation import ErrorTable
from calsync_exchange.policies import HttpFailure

__all__ = ["ERRORS", "is_gone", "item_failure"]

#: The mailbox exists but these credentials may not use it: as good as refused credentials.
_ACCESS: Final = (
    ews.UnauthorizedError,
    ews.ErrorAccessDenied,
    ews.ErrorImpersonateUserDenied,
    ews.ErrorImpersonationDenied,
    ews.ErrorImpersonationFailed,
    ews.ErrorInvalidExchangeImpersonationHeaderData,
    ews.ErrorNonExistentMailbox,
    ews.ErrorInvalidLicense,
)
#: The server (or the way to it) is failing for now.
_UNAVAILABLE: Final = (
    ews.ErrorTimeoutExpired,
    ews.ErrorInternalServerError,
    ews.ErrorInternalServerTransientError,
    ews.ErrorMailboxStoreUnavailable,
    ews.ErrorMailboxMoveInProgress,
    ews.ErrorConnectionFailed,
    ews.ErrorConnectionFailedTransientError,
    ews.ErrorTooManyObjectsOpened,
    ews.ErrorExceededConnectionCount,
    ews.CASError,
    ews.RedirectError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    TimeoutError,
    ConnectionError,
    oauth.ServerError,
)
#: The answer cannot be read.
_GARBAGE: Final = (
    ews.MalformedResponseError,
    ews.SOAPError,
    etree.XMLSyntaxError,
    oauth.MissingTokenError,
    oauth.MissingTokenTypeError,
    InvalidItemError,
)
#: exchangelib's wording for transport trouble it re-raises as ErrorServerBusy.
_NOT_THROTTLING: Final = ("Reraised from", "Caused by")
#: Per-item answers that mean the item (or occurrence) is not there (any more).
GONE: Final = (
    "ErrorItemNotFound",
    "ErrorCalendarOccurrenceIsDeletedFromRecurrence",
    "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange",
)


def _short(exc: BaseException) -> str:
    """The SDK's message in one line, without a reply's headers and body.

    They could quote an item, and an error page is kilobytes of HTML.
    """
    text = (
        str(exc).split(" headers: ", 1)[0]
        if isinstance(exc, ews.MalformedResponseError)
        else str(exc)
    )
    return summary(text)


def _is_throttling(exc: ews.ErrorServerBusy) -> bool:
    return not str(exc.value).startswith(_NOT_THROTTLING)


def _sdk(table: ErrorTable, exc: BaseException, what: str) -> ProviderError | None:
    """The calsync error for ``exc``, or ``None`` when it is not the SDK's."""
    if isinstance(exc, HttpFailure):
        return table.error(what, status=exc.status, detail=str(exc), retry_after=exc.hint)
    if isinstance(exc, _UNAVAILABLE):
        return None  # the table's transport rule: refused, timed out, or unreachable
    if isinstance(exc, ews.EWSError) and (gone := table.no_answer(exc, what)) is not None:
        return gone
    if isinstance(exc, ews.ErrorServerBusy):
        if _is_throttling(exc):
            return ThrottledError(
                f"Exchange is busy ({what}): {_short(exc)}", retry_after=exc.back_off
            )
        return ServiceUnavailableError(f"Exchange failed ({what}): {_short(exc)}")
    if isinstance(exc, ews.RateLimitError):
        return ThrottledError(
            f"Exchange kept asking to wait ({what}): {_short(exc)}", retry_after=exc.wait
        )
    if isinstance(exc, ews.ErrorInvalidSyncStateData | ews.ErrorSyncFolderNotFound):
        return CursorExpiredError(f"Exchange no longer accepts the sync state ({what})")
    if isinstance(exc, _ACCESS):
        return AuthError(
            f"Exchange refused the credentials ({what}): {type(exc).__name__}: {_short(exc)}"
        )
    if isinstance(exc, oauth.TemporarilyUnavailableError):
        return ThrottledError(f"the token endpoint is busy ({what}): {exc.description}")
    if isinstance(exc, oauth.OAuth2Error) and not isinstance(exc, _GARBAGE):
        # invalid_client (wrong or expired secret), unauthorized_client, unknown tenant...
        return AuthError(
            f"the token endpoint refused the app ({what}): {exc.description or _short(exc)}"
        )
    if isinstance(exc, _GARBAGE):
        return InvalidReplyError(f"Exchange answered something unreadable ({what}): {_short(exc)}")
    if isinstance(exc, ews.ErrorSchemaValidation | ews.ErrorInvalidRequest):
        return ProviderError(f"Exchange refused the request ({what}): {_short(exc)}")
    if isinstance(exc, ews.TransportError):  # any other EWS response code for the whole call
        return ServiceUnavailableError(
            f"Exchange failed ({what}): {type(exc).__name__}: {_short(exc)}"
        )
    if isinstance(exc, ews.EWSError | requests.exceptions.RequestException):
        return ProviderError(f"Exchange failed ({what}): {type(exc).__name__}: {_short(exc)}")
    return None  # exchangelib parses replies as it goes: the table's shape errors decide


ERRORS: Final = ErrorTable(
    service="Exchange",
    item_codes={
        "ErrorTimeZone": "UNSUPPORTED_TIME_ZONE",
        "ErrorCalendarInvalidTimeZone": "UNSUPPORTED_TIME_ZONE",
        "ErrorServerBusy": "THROTTLED",
    },
    transport_errors=_UNAVAILABLE,
    translate=_sdk,
)


def is_gone(exc: BaseException) -> bool:
    """Whether a per-item error says the item or occurrence does not exist."""
    return type(exc).__name__ in GONE


def item_failure(exc: BaseException) -> ItemFailure:
    """The :class:`ItemFailure` for an error EWS reported for one item of a batch."""
    name = type(exc).__name__
    return ERRORS.item_failure(
        code=name,
        detail=f"{name}: {_short(exc)}",
        retry_after=exc.back_off if isinstance(exc, ews.ErrorServerBusy) else None,
    )
