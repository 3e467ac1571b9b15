"""Graph's error bodies and the exception routes raise to answer with one.

The shape is the one https://learn.microsoft.com/en-us/graph/errors documents::

    {"error": {"code": "ErrorItemNotFound", "message": "...",
               "innerError": {"date": "...", "request-id": "...", "client-request-id": "..."}}}
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from calsync.emulation import HttpResponse

__all__ = ["NO_WINDOW", "GraphError", "error_body", "json_response"]

#: The answer to a calendarView or instances request without its window (observed:
#: https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/4342).
NO_WINDOW = (
    "This request requires a time window specified by the query string parameters "
    "StartDateTime and EndDateTime."
)


class GraphError(Exception):
    """Answer the request with a Graph error."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        """An error ``code`` with HTTP ``status``."""
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def error_body(
    code: str, message: str, now: datetime, client_request_id: str = ""
) -> dict[str, Any]:
    """The JSON error object."""
    inner = {"date": now.strftime("%Y-%m-%dT%H:%M:%S"), "request-id": str(uuid.uuid4())}
    if client_request_id:
        inner["client-request-id"] = client_request_id
    return {"error": {"code": code, "message": message, "innerError": inner}}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> HttpResponse:
    """A JSON answer (``None`` body: no content)."""
    if body is None:
        return HttpResponse(status=status, headers=dict(headers or {}))
    return HttpResponse(
        status=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        body=json.dumps(body).encode("utf-8"),
    )
