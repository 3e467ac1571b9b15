"""Salesforce REST errors: one exception type and its two wire shapes.

A REST call that fails answers a JSON *list* of ``{"message", "errorCode", "fields"}``
objects (simple-salesforce reads ``result.json()[0]["errorCode"]`` on 401, so the list shape
matters). Inside an sObject Collections answer the same error is rendered per record with
``statusCode`` instead of ``errorCode``.

Where the research notes record Salesforce's own message text it is used verbatim. Where
no live capture exists the error *code* is Salesforce's and the text is the emulator's own
wording; each module says which of its messages are such.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class SalesforceError(Exception):
    """A refusal, raised anywhere in the emulator and rendered at the REST boundary.

    :param status: the HTTP status of a single-record call that fails this way.
    :param code: Salesforce's ``errorCode`` / ``statusCode``, e.g. ``"INVALID_FIELD"``.
    :param message: the human text.
    :param fields: the fields the error is about (``fields`` on the wire).
    :param with_fields: whether the single-call rendering carries a ``fields`` key at all
        (session, limit and not-found errors do not).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Sequence[str] = (),
        *,
        with_fields: bool = True,
    ) -> None:
        """Build the error; see the class docstring for the parameters."""
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = tuple(fields)
        self.with_fields = with_fields

    def wire(self) -> list[dict[str, Any]]:
        """Return the body of a failed single call: a JSON list with one error."""
        entry: dict[str, Any] = {"message": self.message, "errorCode": self.code}
        if self.with_fields:
            entry["fields"] = list(self.fields)
        return [entry]

    def record_error(self) -> dict[str, Any]:
        """Return the per-record error inside an sObject Collections answer."""
        return {"statusCode": self.code, "message": self.message, "fields": list(self.fields)}


# -- factories for the errors the emulator raises in several places -------------------------


def invalid_session() -> SalesforceError:
    """401 for an unknown, expired or missing session id."""
    return SalesforceError(
        401, "INVALID_SESSION_ID", "Session expired or invalid", with_fields=False
    )


def not_found() -> SalesforceError:
    """404 for a resource or record that does not exist."""
    return SalesforceError(
        404, "NOT_FOUND", "The requested resource does not exist", with_fields=False
    )


def entity_deleted(status: int = 404, fields: Sequence[str] = ()) -> SalesforceError:
    """Return a record that is in the recycle bin."""
    return SalesforceError(status, "ENTITY_IS_DELETED", "entity is deleted", fields)


def no_such_column(field: str, sobject: str) -> SalesforceError:
    """400 for a DML body naming a field that does not exist or the user cannot see."""
    return SalesforceError(
        400, "INVALID_FIELD", f"No such column '{field}' on sobject of type {sobject}"
    )


def bad_field_names(sobject: str, fields: Sequence[str]) -> SalesforceError:
    """400 for writing fields that are read-only for the calling user (schema or FLS)."""
    names = ", ".join(fields)
    return SalesforceError(
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"{sobject}: bad field names on insert/update call: {names}",
        fields,
    )


def required_missing(fields: Sequence[str]) -> SalesforceError:
    """400 for a create without a required field."""
    return SalesforceError(
        400,
        "REQUIRED_FIELD_MISSING",
        f"Required fields are missing: [{', '.join(fields)}]",
        fields,
    )


def integrity(message: str, fields: Sequence[str] = ()) -> SalesforceError:
    """400 ``FIELD_INTEGRITY_EXCEPTION``: a value the object's rules do not allow."""
    return SalesforceError(400, "FIELD_INTEGRITY_EXCEPTION", message, fields)


def json_parser(message: str) -> SalesforceError:
    """400 for a body (or a value in it) that cannot be read."""
    return SalesforceError(400, "JSON_PARSER_ERROR", message, with_fields=False)


def request_limit() -> SalesforceError:
    """403 when the org's daily API request allocation is used up."""
    return SalesforceError(
        403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", with_fields=False
    )


class MultipleChoices(SalesforceError):
    """300 for an upsert or external-id read matching more than one record.

    The single-call body is the list of the matching records' URLs; inside a collection the
    record fails with ``DUPLICATE_EXTERNAL_ID``.
    """

    def __init__(self, field: str, value: str, urls: Sequence[str]) -> None:
        """Remember the matching records' URLs."""
        super().__init__(
            300,
            "DUPLICATE_EXTERNAL_ID",
            f"{field}: more than one record found for external id field: {list(urls)}",
            [field],
        )
        self.urls = tuple(urls)

    def wire(self) -> list[Any]:
        """Return the 300 body: the URLs of the records that match."""
        return list(self.urls)


def bad_external_id_field(field: str) -> SalesforceError:
    """404 for an upsert or look-up naming a field that is not a visible External ID."""
    return SalesforceError(
        404,
        "NOT_FOUND",
        f"Provided external ID field does not exist or is not accessible: {field}",
        with_fields=False,
    )


def cannot(operation: str, label: str) -> SalesforceError:
    """400 for an operation the object type does not support (e.g. deleting a User)."""
    return SalesforceError(
        400,
        "INVALID_TYPE_FOR_OPERATION",
        f"entity type cannot be {operation}: {label}",
        with_fields=False,
    )
