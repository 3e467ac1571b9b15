"""Google API errors and how each API puts them on the wire.

Calendar v3 answers in the classic shape its error guide documents
(``{"error": {"errors": [{"domain", "reason", "message"}], "code", "message"}}``); Gmail v1
answers in the newer shape that adds ``status`` (``"NOT_FOUND"``, ``"ALREADY_EXISTS"`` ...).
The OAuth token endpoint answers ``{"error": ..., "error_description": ...}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Literal

from calsync.emulation import HttpResponse

#: Which wire shape an error is rendered in.
Style = Literal["calendar", "gmail"]

JSON_TYPE = "application/json; charset=UTF-8"
_REALM = "https://accounts.google.com/"

#: The canonical ``status`` Gmail puts next to each HTTP status.
_STATUS_NAMES: Mapping[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """An error a Google API answers instead of a result.

    :param status: the HTTP status.
    :param reason: the ``errors[0].reason`` (``notFound``, ``duplicate`` ...).
    :param message: the human-readable message, used at both levels of the body.
    :param domain: the ``errors[0].domain`` (``global``, ``calendar``, ``usageLimits``).
    :param location: the ``errors[0].location`` (a parameter or header name), if any.
    :param location_type: the ``errors[0].locationType`` (``parameter``, ``header``).
    :param status_name: overrides the Gmail ``status`` field.
    :param headers: extra response headers (``Retry-After``, ``WWW-Authenticate``).
    """

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        *,
        domain: str = "global",
        location: str | None = None,
        location_type: str | None = None,
        status_name: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Describe the error; see the class docstring for the parameters."""
        super().__init__(f"{status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message
        self.domain = domain
        self.location = location
        self.location_type = location_type
        self.status_name = status_name
        self.headers = dict(headers or {})

    def body(self, style: Style) -> dict[str, object]:
        """Return the JSON body in ``style``."""
        detail: dict[str, str] = {}
        if style == "gmail":
            detail["message"] = self.message
        detail["domain"] = self.domain
        detail["reason"] = self.reason
        if style == "calendar":
            detail["message"] = self.message
        if self.location_type:
            detail["locationType"] = self.location_type
        if self.location:
            detail["location"] = self.location
        error: dict[str, object] = {}
        if style == "gmail":
            error = {"code": self.status, "message": self.message, "errors": [detail]}
            error["status"] = self.status_name or _STATUS_NAMES.get(self.status, "UNKNOWN")
        else:
            error = {"errors": [detail], "code": self.status, "message": self.message}
        return {"error": error}

    def response(self, style: Style) -> HttpResponse:
        """Render as an HTTP response in ``style``."""
        return HttpResponse(
            status=self.status,
            headers={"content-type": JSON_TYPE, **self.headers},
            body=json.dumps(self.body(style)).encode("utf-8"),
        )


def not_found(message: str = "Not Found") -> ApiError:
    """Return the 404 both APIs answer for an unknown resource."""
    return ApiError(404, "notFound", message)


def invalid(message: str, *, domain: str = "global", location: str | None = None) -> ApiError:
    """Return a 400 ``invalid`` (Calendar) / ``invalidArgument`` style refusal."""
    return ApiError(
        400,
        "invalid",
        message,
        domain=domain,
        location=location,
        location_type="parameter" if location else None,
    )


def gmail_invalid(message: str) -> ApiError:
    """Return the 400 Gmail answers for a bad argument."""
    return ApiError(400, "invalidArgument", message)


def gmail_not_found() -> ApiError:
    """Return the 404 Gmail answers for an unknown message or label."""
    return ApiError(404, "notFound", "Requested entity was not found.")


def full_sync_required() -> ApiError:
    """Return the 410 for an unknown or expired sync token (protocols.md §3.3)."""
    message = "Sync token is no longer valid, a full sync is required."
    return ApiError(410, "fullSyncRequired", message, domain="calendar")


def invalid_credentials() -> ApiError:
    """Return the 401 for a missing, unknown or expired access token."""
    return ApiError(
        401,
        "authError",
        "Invalid Credentials",
        location="Authorization",
        location_type="header",
        headers={"www-authenticate": f'Bearer realm="{_REALM}", error="invalid_token"'},
    )


def insufficient_scopes() -> ApiError:
    """Return the 403 for a token whose scopes do not cover the method."""
    return ApiError(
        403,
        "insufficientPermissions",
        "Request had insufficient authentication scopes.",
        headers={"www-authenticate": f'Bearer realm="{_REALM}", error="insufficient_scope"'},
    )


def oauth_error(status: int, error: str, description: str) -> HttpResponse:
    """Return an answer of the OAuth 2.0 token endpoint (RFC 6749 §5.2 shape)."""
    body = {"error": error, "error_description": description}
    return HttpResponse(
        status=status, headers={"content-type": JSON_TYPE}, body=json.dumps(body).encode("utf-8")
    )
