"""A service's error table: what its failures mean as calsync errors, written as data.

Every provider translates what its SDK raises at its boundary (see :mod:`calsync.errors`).
Most of that translation is the same for every HTTP service: 401 is refused credentials,
429 is throttling with a ``Retry-After``, 410 ends a delta round, 5xx is an outage, a call
that got no answer says whether it was refused or timed out, an answer of the wrong shape is
unreadable. An :class:`ErrorTable` holds that once; a provider adds only what its service
says differently, as :class:`ErrorRule` lines (a status, a service error code, or both),
plus a small function for its SDK's own exception types::

    def _sdk(table: ErrorTable, exc: BaseException, what: str) -> ProviderError | None:
        if isinstance(exc, SdkHttpError):
            return table.error(what, status=exc.status, code=exc.code, detail=str(exc))
        return None  # the table's generic rules decide

    ERRORS = ErrorTable(
        service="Example Calendar",
        rules=(ErrorRule(AuthError, statuses={403}, codes={"accessdenied"}, advice="..."),),
        item_codes={"badzone": "UNSUPPORTED_TIME_ZONE"},
        translate=_sdk,
    )

    with ERRORS.boundary("pull"):
        ...  # every SDK call

Rules are tried in order, the table's own first, then :data:`HTTP_RULES`; the first that
matches decides. Codes are compared case-insensitively. Messages name the service and the
operation: ``"Example Calendar refused the credentials (pull): 401 ..."``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import KW_ONLY, dataclass, field
from types import MappingProxyType
from typing import Final, TypeVar, final

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
from calsync.replies import one_line, unreachable

__all__ = ["HTTP_RULES", "SHAPE_ERRORS", "ErrorRule", "ErrorTable", "Translate", "describe"]

logger = logging.getLogger(__name__)

_E = TypeVar("_E", bound=ProviderError)

#: A provider's translation of its SDK's own exception types, given the table (to build
#: errors with :meth:`ErrorTable.error`), the exception and the operation. ``None`` leaves
#: the exception to the table's generic rules (no answer, unreadable answer) and, failing
#: those, lets it through.
Translate = Callable[["ErrorTable", BaseException, str], ProviderError | None]

#: How a message tells each error, after the service's name.
_SAYS: Final[Mapping[type[ProviderError], str]] = MappingProxyType(
    {
        AuthError: "refused the credentials",
        ThrottledError: "asked to slow down",
        CursorExpiredError: "no longer accepts the cursor",
        ServiceUnavailableError: "failed",
        InvalidReplyError: "answered something unreadable",
        ProviderError: "refused the request",
    }
)


def _during(what: str, *more: str) -> str:
    """``" (what; more)"``: the operation and any further context, or nothing."""
    told = "; ".join(part for part in (what, *more) if part)
    return f" ({told})" if told else ""


def describe(code: str, message: str) -> str:
    """A service's error on one line: ``"<code>: <message>"``, either part left out if empty."""
    return one_line(": ".join(part for part in (code, message) if part))


@final
@dataclass(frozen=True, slots=True)
class ErrorRule:
    """One line of an error table: answers with these statuses and codes are this error.

    :param error: the calsync error raised.
    :param statuses: the HTTP statuses the line is for; empty: any (or none).
    :param codes: the service's error codes it is for (any case); empty: any code.
    :param says: how the message tells it after the service's name ("is throttling");
        empty: the error's usual words ("asked to slow down").
    :param advice: what a person does about it, added to the message.
    """

    error: type[ProviderError]
    _: KW_ONLY
    statuses: Collection[int] = ()
    codes: Collection[str] = ()
    says: str = ""
    advice: str = ""

    def matches(self, status: int | None, code: str) -> bool:
        """Whether an answer with ``status`` and ``code`` is what this line is about."""
        if self.statuses and status not in self.statuses:
            return False
        return not self.codes or code.lower() in {c.lower() for c in self.codes}

    def build(
        self, service: str, what: str, detail: str, retry_after: float | None
    ) -> ProviderError:
        """The error, its message naming the service, the operation and the detail."""
        says = self.says or next(v for k, v in _SAYS.items() if issubclass(self.error, k))
        text = f"{service} {says}{_during(what)}"
        text += f": {detail}" if detail else ""
        text += f". {self.advice}" if self.advice else ""
        if issubclass(self.error, ThrottledError | ServiceUnavailableError):
            return self.error(text, retry_after=retry_after)
        return self.error(text)


#: What every HTTP status means unless a table says otherwise (RFC 9110; 410 is how Google
#: and Microsoft Graph end a sync round whose token expired).
HTTP_RULES: Final = (
    ErrorRule(AuthError, statuses={401}),
    ErrorRule(ThrottledError, statuses={429}),
    ErrorRule(CursorExpiredError, statuses={410}),
    ErrorRule(ServiceUnavailableError, statuses=range(500, 600)),
)
#: Python's own errors an SDK raises when an answer is not the shape it expects.
SHAPE_ERRORS: Final = (ValueError, KeyError, TypeError, AttributeError, InvalidItemError)
#: Issue codes of an item's failure by HTTP status, when no item code says more.
_ITEM_STATUSES: Final = ((range(429, 430), "THROTTLED"), (range(500, 600), "SERVICE_UNAVAILABLE"))


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorTable:
    """What one service's failures mean, for every call a provider makes to it.

    :param service: the service's name as a person knows it, in every message.
    :param rules: the service's own lines, tried before :data:`HTTP_RULES`.
    :param item_codes: the service's per-item error codes (any case) and the issue codes
        they are; other failed items are THROTTLED (429), SERVICE_UNAVAILABLE (5xx) or
        INTERNAL_ERROR.
    :param source: ``"mailbox"`` or ``"crm"``, set on every error raised.
    :param timeout_setting: the provider setting that bounds a call, named when one times out.
    :param transport_errors: exception types that mean the call got no answer (the SDK's
        transport errors); they are SERVICE_UNAVAILABLE, saying how when it is known.
    :param unreadable: exception types that mean the answer had an unexpected shape.
    :param translate: the provider's function for its SDK's own exception types.
    """

    service: str
    rules: tuple[ErrorRule, ...] = ()
    item_codes: Mapping[str, str] = field(default_factory=dict)
    source: str = "mailbox"
    timeout_setting: str = "timeout_seconds"
    transport_errors: tuple[type[BaseException], ...] = (OSError,)
    unreadable: tuple[type[BaseException], ...] = SHAPE_ERRORS
    translate: Translate | None = None

    def error(
        self,
        what: str,
        *,
        status: int | None = None,
        code: str = "",
        detail: str = "",
        retry_after: float | None = None,
    ) -> ProviderError:
        """The calsync error for an answer that failed the whole call ``what``.

        :param status: the HTTP status, when there was one.
        :param code: the service's error code ("ErrorAccessDenied", "fullSyncRequired").
        :param detail: what the service said, on one line (see :func:`describe`).
        :param retry_after: the service's ``Retry-After``, in seconds.
        """
        for rule in (*self.rules, *HTTP_RULES):
            if rule.matches(status, code):
                return self._sourced(rule.build(self.service, what, detail, retry_after))
        return self._sourced(ErrorRule(ProviderError).build(self.service, what, detail, None))

    def item_failure(
        self,
        *,
        status: int | None = None,
        code: str = "",
        detail: str = "",
        retry_after: float | None = None,
    ) -> ItemFailure:
        """The :class:`ItemFailure` for one item the service refused within a batch."""
        codes = {known.lower(): issue for known, issue in self.item_codes.items()}
        issue = codes.get(code.lower()) or next(
            (issue for span, issue in _ITEM_STATUSES if status in span), "INTERNAL_ERROR"
        )
        return ItemFailure(
            code=issue,
            message=f"{self.service} refused the item: {detail or code or status}",
            retry_after=retry_after if issue == "THROTTLED" else None,
        )

    def no_answer(self, exc: BaseException, what: str) -> ServiceUnavailableError | None:
        """The error for a call that got no answer (refused, timed out, reset), else ``None``."""
        how = unreachable(exc)
        if how is None:
            return None
        bound = f"no answer within {self.timeout_setting}" if how == "timed out" else ""
        return self._sourced(ServiceUnavailableError(f"{self.service} {how}{_during(what, bound)}"))

    def translated(self, exc: BaseException, what: str) -> ProviderError | None:
        """The calsync error for ``exc``; ``None`` for what no rule knows (a bug, say)."""
        found = self.translate(self, exc, what) if self.translate is not None else None
        if found is None and isinstance(exc, self.unreadable):
            found = InvalidReplyError(
                f"{self.service} answered an unexpected shape{_during(what)}: "
                f"{type(exc).__name__}: {one_line(str(exc))}"
            )
        if found is None and isinstance(exc, self.transport_errors):
            found = self.no_answer(exc, what) or ServiceUnavailableError(
                f"{self.service} is unreachable{_during(what)}: {type(exc).__name__}"
            )
        return None if found is None else self._sourced(found)

    @contextlib.contextmanager
    def boundary(self, what: str) -> Iterator[None]:
        """Raise what leaves the block as calsync's :class:`ProviderError` subclasses.

        calsync's own errors pass as they are; anything no rule knows (a bug) too.

        :param what: the provider operation, for messages (``"pull"``, ``"write"`` ...);
            ``""`` where the service's answer says enough.
        """
        try:
            yield
        except CalsyncError:
            raise
        except Exception as exc:
            translated = self.translated(exc, what)
            if translated is None:
                raise
            logger.debug("%s %s failed: %s", self.service, what, type(exc).__name__)
            raise translated from exc

    def _sourced(self, error: _E) -> _E:
        if error.source is None:
            error.source = self.source
        return error
