"""How the provider's exchangelib sessions read an HTTP answer that is not a SOAP reply.

exchangelib's own policies say too little about such answers: a 503 becomes
``ErrorInternalServerTransientError("Caused by HTTP 503 response")`` (its ``Retry-After``
dropped under ``FailFast``), any other unknown answer a ``MalformedResponseError`` carrying
the whole body (an IIS or proxy HTML page), and a 401 under ``FaultTolerance`` is taken for
throttling. Both policies here raise :class:`HttpFailure` instead, with the status, the
reason, a one-line summary of the body and the service's ``Retry-After`` (read with
:func:`calsync.retry.parse_retry_after`); :mod:`.errors` turns it into calsync's error.

:class:`HttpFailure` is an ``ErrorServerBusy``, so exchangelib's services re-raise it as it is
under ``FailFast`` and, under :class:`PatientPolicy`, wait as long as it says (within
``max_wait``) before asking again.
"""

from __future__ import annotations

from typing import Final

import requests
from exchangelib.errors import ErrorServerBusy, UnauthorizedError
from exchangelib.protocol import FailFast, FaultTolerance
from exchangelib.util import is_xml

from calsync.replies import summary
from calsync.retry import parse_retry_after

__all__ = ["FailFastPolicy", "HttpFailure", "PatientPolicy"]

#: Statuses a server, a load balancer or a proxy answers while EWS is down or overloaded.
_FAILING: Final = frozenset({429, 500, 502, 503, 504})


class HttpFailure(ErrorServerBusy):
    """EWS (or whatever stands in front of it) answered with an HTTP error, not SOAP.

    :param status: the HTTP status.
    :param reason: its reason phrase (``"Service Unavailable"``).
    :param text: the body, in one line (an HTML page cut to its title).
    :param hint: seconds the ``Retry-After`` header asked to wait, when it did.
    """

    def __init__(self, status: int, reason: str, text: str, hint: float | None) -> None:
        """Describe the answer; ``back_off`` is the hint, as exchangelib expects."""
        super().__init__(f"HTTP {status} {reason}: {text}".rstrip(": "), back_off=hint)
        self.status, self.reason, self.text, self.hint = status, reason, text, hint

    @classmethod
    def of(cls, response: requests.Response) -> HttpFailure:
        """The failure ``response`` describes."""
        return cls(
            response.status_code,
            response.reason or "",
            summary(response.content or b""),
            parse_retry_after(response.headers.get("Retry-After")),
        )


def _raise_http_failure(response: requests.Response) -> None:
    """Raise for a 401, or for a failing status whose body is not a SOAP document."""
    if response.status_code == 401:
        raise UnauthorizedError(f"Invalid credentials for {response.url}")
    if response.status_code in _FAILING and not (response.content and is_xml(response.content)):
        raise HttpFailure.of(response)


class FailFastPolicy(FailFast):
    """exchangelib's ``FailFast``, with HTTP failures told as :class:`HttpFailure`."""

    def raise_response_errors(self, response: requests.Response) -> None:
        """Raise :class:`HttpFailure` for an HTTP failure; otherwise as ``FailFast``."""
        _raise_http_failure(response)
        super().raise_response_errors(response)


class PatientPolicy(FaultTolerance):
    """exchangelib's ``FaultTolerance``, except that HTTP 401 means refused credentials.

    ``FaultTolerance`` takes a 401 for throttling and retries it until it gives up with a
    ``RateLimitError``; a sync must suspend the mailbox instead. HTTP failures are waited
    out as their ``Retry-After`` says (exchangelib's own back-off otherwise), within
    ``max_wait``.
    """

    def raise_response_errors(self, response: requests.Response) -> None:
        """Raise at once for a 401, :class:`HttpFailure` for an HTTP failure."""
        _raise_http_failure(response)
        super().raise_response_errors(response)
