"""Translating MSAL's, httpx's and Graph's errors into calsync's, at the provider's boundary.

Every provider method runs inside :func:`translate_errors`; what a ``$batch`` answers for
one request becomes an :class:`~calsync.providers.ItemFailure` through :func:`item_failure`.

* a token refused by the identity platform (``invalid_client``, ``unauthorized_client``,
  ``invalid_grant``, any ``AADSTS`` code) or a Graph 401 is AUTH_FAILED;
* a 403 ``ErrorAccessDenied`` means the tenant does not let the app open this mailbox (an
  application access policy or an RBAC for Applications scope leaves it out): AUTH_FAILED
  for this mailbox, with the advice to add it to the scope;
* 429 (``ApplicationThrottled``, ``TooManyRequests``) is THROTTLED with its Retry-After;
* 410, ``syncStateNotFound`` and ``resyncRequired`` end the delta round: CursorExpiredError
  (https://learn.microsoft.com/en-us/graph/delta-query-overview);
* 5xx, timeouts and refused connections are SERVICE_UNAVAILABLE; an unreadable answer is
  INVALID_SERVER_REPLY.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Final

import httpx

from calsync.errors import (
    AuthError,
    CalsyncError,
    CursorExpiredError,
    InvalidItemError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.providers import ItemFailure
from calsync.replies import one_line
from calsync.retry import parse_retry_after
from calsync_graph.client import GraphCallError, Part, TokenError

__all__ = ["ACCESS_ADVICE", "is_gone", "item_failure", "translate_errors"]

log = logging.getLogger(__name__)

#: What an administrator does when the tenant keeps the app out of a mailbox.
ACCESS_ADVICE: Final = (
    "the tenant does not let this app open the mailbox (an application access policy or an "
    "RBAC for Applications scope leaves it out). Add the mailbox to the app's scope "
    "(New-ManagementScope / New-ManagementRoleAssignment, or the access policy's group), check "
    "it with Test-ServicePrincipalAuthorization, then enable the mailbox again"
)
_EXPIRED: Final = frozenset({"syncstatenotfound", "resyncrequired", "syncstateinvalid"})
_NO_MAILBOX: Final = frozenset(
    {"mailboxnotenabledforrestapi", "resourcenotfound", "errorinvaliduser"}
)
_ITEM_CODES: Final = {
    "timezonenotsupportedexception": "UNSUPPORTED_TIME_ZONE",
    "errortimezone": "UNSUPPORTED_TIME_ZONE",
}


def _graph_error(exc: GraphCallError, what: str) -> ProviderError:
    code = exc.code.lower()
    detail = one_line(f"{exc.code}: {exc.message}")
    if exc.status == 429:
        return ThrottledError(
            f"Microsoft Graph is throttling ({what}): {detail}",
            retry_after=parse_retry_after(exc.retry_after),
        )
    if exc.status == 410 or code in _EXPIRED:
        return CursorExpiredError(f"Microsoft Graph no longer keeps the delta round ({what})")
    if exc.status == 401:
        return AuthError(f"Microsoft Graph refused the app's token ({what}): {detail}")
    if exc.status == 403 and code == "erroraccessdenied":
        return AuthError(
            f"Microsoft 365 refused the app access to the mailbox ({what}): {ACCESS_ADVICE}"
        )
    if exc.status == 404 and code in _NO_MAILBOX:
        return AuthError(
            f"Microsoft Graph cannot open the mailbox ({what}): {detail}. It has no Exchange Online "
            "mailbox (unlicensed, soft-deleted or on-premises: use the exchange provider there)"
        )
    if exc.status >= 500:
        return ServiceUnavailableError(
            f"Microsoft Graph failed ({what}): {detail}",
            retry_after=parse_retry_after(exc.retry_after),
        )
    return ProviderError(f"Microsoft Graph refused the request ({what}): {detail}")


def _token_error(exc: TokenError, what: str) -> ProviderError:
    text = f"{exc.error}: {one_line(' '.join(exc.description))}"
    if exc.error == "temporarily_unavailable":
        return ServiceUnavailableError(f"the identity platform is unavailable ({what}): {text}")
    return AuthError(f"the identity platform refused the app ({what}): {text}")


def _translate(exc: BaseException, what: str) -> ProviderError | None:
    """The calsync error for ``exc``, or ``None`` when it is not one this boundary knows."""
    if isinstance(exc, GraphCallError):
        return _graph_error(exc, what)
    if isinstance(exc, TokenError):
        return _token_error(exc, what)
    if isinstance(exc, httpx.TimeoutException | httpx.TransportError | OSError):
        return ServiceUnavailableError(
            f"Microsoft Graph is unreachable ({what}): {type(exc).__name__}"
        )
    if isinstance(exc, ValueError | KeyError | TypeError | AttributeError | InvalidItemError):
        return InvalidReplyError(
            f"Microsoft Graph answered an unexpected shape ({what}): {type(exc).__name__}: {one_line(str(exc))}"
        )
    return None


@contextlib.contextmanager
def translate_errors(what: str) -> Iterator[None]:
    """Raise what leaves the block as calsync's :class:`ProviderError` subclasses.

    :param what: the provider operation, for messages (``"pull"``, ``"write"``...).
    """
    try:
        yield
    except CalsyncError:
        raise
    except Exception as exc:
        translated = _translate(exc, what)
        if translated is None:
            raise
        translated.source = "mailbox"
        log.debug("graph %s failed: %s", what, type(exc).__name__)
        raise translated from exc


def is_gone(part: Part) -> bool:
    """Whether an inner answer says the item (or occurrence) is not there."""
    return part.status in (404, 410)


def item_failure(part: Part) -> ItemFailure:
    """The :class:`ItemFailure` for an inner ``$batch`` answer that failed."""
    error = part.error()
    if error.status == 429:
        return ItemFailure(
            code="THROTTLED",
            message=f"Microsoft Graph is throttling: {error.code}",
            retry_after=parse_retry_after(error.retry_after),
        )
    code = _ITEM_CODES.get(error.code.lower(), "INTERNAL_ERROR")
    return ItemFailure(
        code=code,
        message=f"Microsoft Graph refused the item: {one_line(f'{error.code}: {error.message}')}",
    )
