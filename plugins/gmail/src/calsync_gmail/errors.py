"""Translating google-api-python-client and google-auth failures into calsync errors.

Whole calls go through :func:`translate` (a context manager, in the manner of httpx's
``map_exceptions``); one part of a batch that failed becomes an
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

import contextlib
import json
from collections.abc import Iterator
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
from calsync.replies import summary, unreachable
from calsync.retry import parse_retry_after

__all__ = [
    "THROTTLE_REASONS",
    "error_reason",
    "expect_object",
    "is_throttle",
    "item_failure",
    "provider_error",
    "retry_after",
    "translate",
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


def is_throttle(error: HttpError) -> bool:
    """Whether Google asked us to slow down."""
    status = error.resp.status
    return status == 429 or (status == 403 and error_reason(error) in THROTTLE_REASONS)


def provider_error(error: HttpError, what: str) -> ProviderError:
    """The calsync error for an HTTP error that failed the whole call ``what``."""
    status, reason, message = error.resp.status, error_reason(error), _message(error)
    text = f"Google Calendar {what}: HTTP {status} {reason or ''} {message}".replace("  ", " ")
    if status < 300:
        return InvalidReplyError(text, source=SIDE)
    if status == 401:
        return AuthError(text, source=SIDE)
    if is_throttle(error):
        return ThrottledError(text, retry_after=retry_after(error), source=SIDE)
    if status == 410 and reason in ("fullSyncRequired", ""):
        return CursorExpiredError(text, source=SIDE)
    if status >= 500:
        return ServiceUnavailableError(text, retry_after=retry_after(error), source=SIDE)
    if status == 403:
        return AuthError(text, source=SIDE)
    return ProviderError(text, source=SIDE)


@contextlib.contextmanager
def translate(what: str) -> Iterator[None]:
    """Turn every SDK or transport failure inside the block into a calsync error.

    :param what: the operation, for messages (e.g. ``"events.list"``).
    """
    try:
        yield
    except ProviderError:
        raise
    except BatchError as error:
        # A BatchError is an HttpError, but it means the multipart reply did not parse.
        raise InvalidReplyError(
            f"Google answered {what} with a broken batch: {error}", source=SIDE
        ) from None
    except HttpError as error:
        raise provider_error(error, what) from None
    except google.auth.exceptions.RefreshError as error:
        # A refused refresh (invalid_grant, unauthorized_client) means the credentials are
        # dead; a retryable one is the token endpoint failing.
        if getattr(error, "retryable", False):
            raise ServiceUnavailableError(
                f"Google's token endpoint failed during {what}: {error}", source=SIDE
            ) from None
        raise AuthError(
            f"Google refused the credentials during {what}: {error}", source=SIDE
        ) from None
    except google.auth.exceptions.TransportError as error:
        how = unreachable(error, "timeout") or f"could not be reached: {summary(str(error))}"
        raise ServiceUnavailableError(
            f"Google's token endpoint {how} ({what})", source=SIDE
        ) from None
    except google.auth.exceptions.GoogleAuthError as error:
        raise AuthError(f"Google credentials are unusable ({what}): {error}", source=SIDE) from None
    except (TimeoutError, ConnectionError, httplib2.HttpLib2Error, OSError) as error:
        how = unreachable(error, "timeout") or f"failed: {summary(str(error))}"
        raise ServiceUnavailableError(f"Google {what}: {how}", source=SIDE) from None
    except (ClientError, ValueError, KeyError, UnicodeDecodeError) as error:
        # BatchError (not multipart), InvalidJsonError, a missing part, undecodable bytes.
        raise InvalidReplyError(
            f"Google answered {what} with something unreadable: {type(error).__name__}: {error}",
            source=SIDE,
        ) from None
    except (TypeError, AttributeError) as error:
        # google-auth indexes the token endpoint's reply without checking its shape: a reply
        # that is not a JSON object surfaces as a TypeError from inside google.auth.
        if not _raised_in_google_auth(error):
            raise
        raise InvalidReplyError(
            f"Google's token endpoint answered {what} with something unreadable: {error}",
            source=SIDE,
        ) from None


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
    status, reason, message = error.resp.status, error_reason(error), _message(error)
    text = f"{what}: HTTP {status} {reason} {message}".replace("  ", " ")
    if status == 401:
        raise AuthError(f"Google refused the credentials ({text})", source=SIDE)
    if is_throttle(error):
        return ItemFailure(code="THROTTLED", message=text, retry_after=retry_after(error))
    if status >= 500:
        return ItemFailure(code="SERVICE_UNAVAILABLE", message=text)
    if status == 403 and reason in ("forbiddenForNonOrganizer", "forbidden"):
        return ItemFailure(code="ORGANIZER_ONLY_EDIT", message=text)
    if status == 400 and "time zone" in message.lower():
        return ItemFailure(code="UNSUPPORTED_TIME_ZONE", message=text)
    return ItemFailure(code="INTERNAL_ERROR", message=text)
