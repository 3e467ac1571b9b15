"""Translating google-api-python-client and google-auth failures into calsync errors.

Whole calls go through ``ERRORS.boundary(what)`` (a :class:`calsync.translation.ErrorTable`,
in the manner of httpx's ``map_exceptions``); one part of a batch that failed becomes an
:class:`~calsync.providers.ItemFailure` through :func:`item_failure`. No SDK exception leaves
this plugin.

==============================================  ==========================================
Google's answer                                 calsync
==============================================  ==========================================
401; refresh refused (``invalid_grant`` ...)    :class:`AuthError`
403 other than the rate limits (scopes,         :class:`AuthError` for a whole call;
delegation, ...)                                per part see :func:`item_failure`
403 ``rateLimitExceeded`` /                     :class:`ThrottledError` (``retry_after``
``userRateLimitExceeded`` / quota; 429          from ``Retry-After`` when sent)
410 ``fullSyncRequired``                        :class:`CursorExpiredError`
5xx (a 503's ``Retry-After`` kept), timeouts,   :class:`ServiceUnavailableError`
refused connections
not JSON, wrong shape, broken multipart         :class:`InvalidReplyError`
other 4xx of a whole call                       :class:`ProviderError` (INTERNAL_ERROR)
==============================================  ==========================================

Messages are one line: an HTML page (Google's front end answers a 502 with one) is cut to
its title, and a call that got no answer says whether the connection was refused or timed
out.
"""

from __future__ import annotations

import json
from typing import Any, Final

import google.auth.exceptions
import httplib2
from googleapiclient.errors import BatchError, HttpError
from googleapiclient.errors import Error as ClientError

from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.providers import ItemFailure
from calsync.replies import looks_like_html, summary, unreachable
from calsync.retry import parse_retry_after
from calsync.translation import ErrorRule, ErrorTable, describe

__all__ = [
    "ERRORS",
    "THROTTLE_REASONS",
    "error_reason",
    "expect_object",
    "item_failure",
    "provider_error",
    "retry_after",
]

SIDE: Final = "mailbox"
#: 403 reasons that mean "slow down" (domain ``usageLimits``) rather than "not allowed".
THROTTLE_REASONS: Final = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded"}
)


def error_reason(error: HttpError) -> str:
    """The first ``errors[].reason`` of a Google JSON error body (``""`` if there is none)."""
    try:
        body = json.loads(error.content)
        first = body["error"]["errors"][0]
        return str(first.get("reason", ""))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return ""


def _message(error: HttpError) -> str:
    """The error's message: the JSON body's, else the page's title or the reason phrase."""
    try:
        return summary(str(json.loads(error.content)["error"]["message"]))
    except (ValueError, TypeError, KeyError, AttributeError):
        page = summary(error.content or b"") if error.content else ""
        return page or error.resp.reason or f"HTTP {error.resp.status}"


def retry_after(error: HttpError) -> float | None:
    """Seconds the answer's ``Retry-After`` header asks to wait, if it has one."""
    return parse_retry_after(error.resp.get("retry-after"))


def _detail(error: HttpError) -> str:
    return describe(f"HTTP {error.resp.status} {error_reason(error)}".strip(), _message(error))


def provider_error(error: HttpError, what: str) -> ProviderError:
    """The calsync error for an HTTP error that failed the whole call ``what``."""
    if error.resp.status < 300:
        return InvalidReplyError(f"Google answered {what} with {_detail(error)}", source=SIDE)
    return ERRORS.error(
        what,
        status=error.resp.status,
        code=error_reason(error),
        detail=_detail(error),
        retry_after=retry_after(error),
    )


def _sdk(table: ErrorTable, error: BaseException, what: str) -> ProviderError | None:
    """The calsync error for what google-api-python-client or google-auth raised."""
    if isinstance(error, BatchError):
        # A BatchError is an HttpError, but it means the multipart reply did not parse.
        return InvalidReplyError(f"Google answered {what} with a broken batch: {error}")
    if isinstance(error, HttpError):
        return provider_error(error, what)
    if isinstance(error, google.auth.exceptions.RefreshError):
        # A refused refresh (invalid_grant, unauthorized_client) means the credentials are
        # dead; a retryable one is the token endpoint failing. A web page instead of OAuth's
        # JSON is a proxy or an outage answering, not Google refusing: suspending the
        # mailbox for it would make someone enable it by hand for nothing.
        told = summary(str(error))
        if getattr(error, "retryable", False) or _web_page(error):
            return ServiceUnavailableError(f"Google's token endpoint failed during {what}: {told}")
        return AuthError(f"Google refused the credentials during {what}: {told}")
    if isinstance(error, google.auth.exceptions.TransportError):
        how = unreachable(error, "timeout") or f"could not be reached: {summary(str(error))}"
        return ServiceUnavailableError(f"Google's token endpoint {how} ({what})")
    if isinstance(error, google.auth.exceptions.GoogleAuthError):
        return AuthError(f"Google credentials are unusable ({what}): {error}")
    if isinstance(error, TypeError | AttributeError) and _raised_in_google_auth(error):
        # google-auth indexes the token endpoint's reply without checking its shape: a reply
        # that is not a JSON object surfaces as a TypeError from inside google.auth.
        return InvalidReplyError(
            f"Google's token endpoint answered {what} with something unreadable: {error}"
        )
    return None


def _web_page(error: BaseException) -> bool:
    """Whether google-auth raised with a page of text (its only argument), not OAuth's error."""
    text = error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else ""
    return looks_like_html(text)


#: Google's answers (https://developers.google.com/workspace/calendar/api/guides/errors):
#: 403 is throttling for the usage-limit reasons and refused access otherwise; a 410 other
#: than ``fullSyncRequired`` (``deleted``: an event already gone) is not the end of a round.
ERRORS: Final = ErrorTable(
    service="Google Calendar",
    rules=(
        ErrorRule(ThrottledError, statuses={403}, codes=THROTTLE_REASONS),
        ErrorRule(AuthError, statuses={403}, says="refused access"),
        ErrorRule(
            CursorExpiredError,
            statuses={410},
            codes={"fullSyncRequired", ""},
            says="requires a full sync",
        ),
        ErrorRule(ProviderError, statuses={410}, says="says it is gone"),
    ),
    item_codes={
        **dict.fromkeys(THROTTLE_REASONS, "THROTTLED"),
        "forbiddenForNonOrganizer": "ORGANIZER_ONLY_EDIT",
        "forbidden": "ORGANIZER_ONLY_EDIT",
    },
    timeout_setting="timeout",
    transport_errors=(httplib2.HttpLib2Error, OSError),
    # BatchError (not multipart), InvalidJsonError, a missing part, undecodable bytes.
    unreadable=(ClientError, ValueError, KeyError),
    translate=_sdk,
)


def _raised_in_google_auth(error: BaseException) -> bool:
    frame = error.__traceback__
    while frame is not None:
        module = frame.tb_frame.f_globals.get("__name__", "")
        if module.startswith(("google.auth", "google.oauth2")):
            return True
        frame = frame.tb_next
    return False


def expect_object(reply: Any, what: str, *keys: str) -> dict[str, Any]:
    """Return ``reply`` if it is a JSON object carrying ``keys``; else :class:`InvalidReplyError`.

    A 200 whose body is not JSON makes ``execute()`` return the raw text, so every reply is
    checked before use.
    """
    if not isinstance(reply, dict):
        shown = repr(reply)[:80]
        raise InvalidReplyError(
            f"Google answered {what} with {shown}, not a JSON object", source=SIDE
        )
    missing = [k for k in keys if k not in reply]
    if missing:
        raise InvalidReplyError(f"Google's {what} reply lacks {', '.join(missing)}", source=SIDE)
    return reply


def item_failure(error: Exception, what: str) -> ItemFailure:
    """The :class:`ItemFailure` for one batch part that failed.

    401 is not an item's problem: it raises :class:`AuthError` for the whole call.
    """
    if isinstance(error, ProviderError):
        return ItemFailure(
            code=error.code,
            message=str(error),
            retry_after=getattr(error, "retry_after", None),
        )
    if not isinstance(error, HttpError):
        return ItemFailure(
            code="INTERNAL_ERROR", message=f"{what}: {type(error).__name__}: {error}"
        )
    status, detail = error.resp.status, f"{what}: {_detail(error)}"
    if status == 401:
        raise AuthError(f"Google refused the credentials ({detail})", source=SIDE)
    if status == 400 and "time zone" in _message(error).lower():
        return ItemFailure(code="UNSUPPORTED_TIME_ZONE", message=detail)
    return ERRORS.item_failure(
        status=status, code=error_reason(error), detail=detail, retry_after=retry_after(error)
    )
