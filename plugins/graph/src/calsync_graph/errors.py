"""Microsoft Graph's error table: MSAL's, httpx's and Graph's errors as calsync's.

Every provider method runs inside ``ERRORS.boundary(what)``; what a ``$batch`` answers for
one request becomes an :class:`~calsync.providers.ItemFailure` through :func:`item_failure`.
Beyond the HTTP rules every service shares (:data:`calsync.translation.HTTP_RULES`):

* a token refused by the identity platform (``invalid_client``, ``unauthorized_client``,
  ``invalid_grant``, any ``AADSTS`` code) is AUTH_FAILED;
* a 403 ``ErrorAccessDenied`` means the tenant does not let the app open this mailbox (an
  application access policy or an RBAC for Applications scope leaves it out): AUTH_FAILED
  for this mailbox, with the advice to add it to the scope;
* ``syncStateNotFound`` and ``resyncRequired`` end the delta round, like a 410
  (https://learn.microsoft.com/en-us/graph/delta-query-overview).
"""

from __future__ import annotations

from typing import Final

import httpx

from calsync.errors import AuthError, CursorExpiredError, ProviderError, ServiceUnavailableError
from calsync.providers import ItemFailure
from calsync.replies import one_line
from calsync.retry import parse_retry_after
from calsync.translation import ErrorRule, ErrorTable, describe
from calsync_graph.client import GraphCallError, Part, TokenError

__all__ = ["ACCESS_ADVICE", "ERRORS", "is_gone", "item_failure"]

#: What an administrator does when the tenant keeps the app out of a mailbox.
ACCESS_ADVICE: Final = (
    "The tenant does not let this app open the mailbox (an application access policy or an "
    "RBAC for Applications scope leaves it out). Add the mailbox to the app's scope "
    "(New-ManagementScope / New-ManagementRoleAssignment, or the access policy's group), check "
    "it with Test-ServicePrincipalAuthorization, then enable the mailbox again"
)


def _sdk(table: ErrorTable, exc: BaseException, what: str) -> ProviderError | None:
    if isinstance(exc, GraphCallError):
        return table.error(
            what,
            status=exc.status,
            code=exc.code,
            detail=describe(exc.code, exc.message),
            retry_after=parse_retry_after(exc.retry_after),
        )
    if isinstance(exc, TokenError):
        text = f"({what}): {exc.error}: {one_line(' '.join(exc.description))}"
        if exc.error == "temporarily_unavailable":
            return ServiceUnavailableError(f"the identity platform is unavailable {text}")
        return AuthError(f"the identity platform refused the app {text}")
    return None


ERRORS: Final = ErrorTable(
    service="Microsoft Graph",
    rules=(
        ErrorRule(
            CursorExpiredError,
            codes={"syncStateNotFound", "resyncRequired", "syncStateInvalid"},
            says="no longer keeps the delta round",
        ),
        ErrorRule(AuthError, statuses={401}, says="refused the app's token"),
        ErrorRule(
            AuthError,
            statuses={403},
            codes={"ErrorAccessDenied"},
            says="refused the app access to the mailbox",
            advice=ACCESS_ADVICE,
        ),
        ErrorRule(
            AuthError,
            statuses={404},
            codes={"MailboxNotEnabledForRESTAPI", "ResourceNotFound", "ErrorInvalidUser"},
            says="cannot open the mailbox",
            advice="It has no Exchange Online mailbox (unlicensed, soft-deleted or "
            "on-premises: use the exchange provider there)",
        ),
    ),
    item_codes={
        "TimeZoneNotSupportedException": "UNSUPPORTED_TIME_ZONE",
        "ErrorTimeZone": "UNSUPPORTED_TIME_ZONE",
    },
    transport_errors=(httpx.TransportError, OSError),
    translate=_sdk,
)


def is_gone(part: Part) -> bool:
    """Whether an inner answer says the item (or occurrence) is not there."""
    return part.status in (404, 410)


def item_failure(part: Part) -> ItemFailure:
    """The :class:`ItemFailure` for an inner ``$batch`` answer that failed."""
    error = part.error()
    return ERRORS.item_failure(
        status=error.status,
        code=error.code,
        detail=describe(error.code, error.message),
        retry_after=parse_retry_after(error.retry_after),
    )
