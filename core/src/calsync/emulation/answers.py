"""Answers to an armed fault that look alike for every service but for their bytes.

A service's own errors (an EWS SOAP fault, a Google JSON error, a Salesforce error list)
are its emulator's to render. Three answers are the same everywhere: a call that never gets
an answer (TIMEOUT), a 200 whose body is cut off (MALFORMED), and, for SERVER_ERROR with
``html`` in its detail, the HTML page that a load balancer, a proxy or the web server in
front of the service answers instead of the service's own error (with the fault's status
and ``Retry-After``, see :class:`~calsync.emulation.Fault`). A :class:`FrontAnswers` gives
those, so an emulator's ``render_fault`` handles only its service's own errors::

    ANSWERS = FrontAnswers(
        malformed=b'{"items": [{"id": "', content_type="application/json", page=proxy_page
    )

    def render_fault(self, endpoint, request, fault):
        return ANSWERS.answer(fault) or self.service_error(fault)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import final

from calsync.emulation._faults import Fault, FaultKind
from calsync.emulation._http import HttpResponse

__all__ = ["FrontAnswers"]


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class FrontAnswers:
    """One service's answers to the faults every service answers alike.

    :param malformed: the start of a body the service sends, cut off (MALFORMED).
    :param content_type: the content type the cut-off body claims.
    :param page: the HTML page answered in front of the service at a 5xx status; ``None``
        when nothing stands in front of it (a SERVER_ERROR is then the service's own).
    :param default_status: the status of a SERVER_ERROR that names none (502, 503, 504).
    :param always_a_page: a SERVER_ERROR is a page even without ``html`` (a service whose
        5xx answers are its web server's pages, as EWS behind IIS).
    """

    malformed: bytes
    content_type: str
    page: Callable[[int], bytes] | None = None
    default_status: int = 500
    always_a_page: bool = False

    def answer(self, fault: Fault, headers: Mapping[str, str] | None = None) -> HttpResponse | None:
        """The answer to ``fault`` when it is one of the common ones, else ``None``.

        :param headers: headers the service sends with every answer (kept on these too).
        """
        sent = dict(headers or {})
        if fault.kind is FaultKind.TIMEOUT:
            return HttpResponse(timeout=True)
        if fault.kind is FaultKind.MALFORMED:
            return HttpResponse(
                status=200, headers={**sent, "Content-Type": self.content_type}, body=self.malformed
            )
        if fault.kind is FaultKind.SERVER_ERROR and (fault.html or self.always_a_page):
            return self.error_page(fault, sent)
        return None

    def error_page(
        self, fault: Fault, headers: Mapping[str, str] | None = None
    ) -> HttpResponse | None:
        """The HTML page answered in front of the service for ``fault``; ``None`` without one."""
        if self.page is None:
            return None
        status = fault.status(self.default_status)
        return HttpResponse(
            status=status,
            headers={
                **(headers or {}),
                "Content-Type": "text/html; charset=utf-8",
                **fault.retry_after_header(),
            },
            body=self.page(status),
        )
