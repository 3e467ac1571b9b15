r"""SOQL errors in Salesforce's shape: the query line, a caret, the row and column, the text.

Example (``INVALID_FIELD``)::

    \\nSELECT Foo__c FROM Event\\n       ^\\nERROR at Row:1:Column:8\\nNo such column ...
"""

from __future__ import annotations

from calsync_salesforce.emulator.errors import SalesforceError


def _located(source: str, pos: int, text: str) -> str:
    before = source[:pos]
    row = before.count("\n") + 1
    line_start = before.rfind("\n") + 1
    line_end = source.find("\n", pos)
    line = source[line_start : line_end if line_end >= 0 else len(source)]
    column = pos - line_start + 1
    return f"\n{line}\n{' ' * (column - 1)}^\nERROR at Row:{row}:Column:{column}\n{text}"


def malformed(source: str, pos: int, token: str, *, reason: str | None = None) -> SalesforceError:
    """``MALFORMED_QUERY`` at ``pos``: ``unexpected token: X`` unless a reason is given."""
    text = reason or f"unexpected token: {token}"
    return SalesforceError(400, "MALFORMED_QUERY", _located(source, pos, text), with_fields=False)


def invalid_field(source: str, pos: int, text: str) -> SalesforceError:
    """``INVALID_FIELD`` at ``pos`` (unknown column, or one that cannot filter or sort)."""
    return SalesforceError(400, "INVALID_FIELD", _located(source, pos, text), with_fields=False)


def no_such_column(source: str, pos: int, name: str, entity: str) -> SalesforceError:
    """Return the ``No such column`` flavour of :func:`invalid_field`."""
    return invalid_field(
        source,
        pos,
        f"No such column '{name}' on entity '{entity}'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference "
        "your WSDL or the describe call for the appropriate names.",
    )


def invalid_type(source: str, pos: int, name: str) -> SalesforceError:
    """``INVALID_TYPE`` for a ``FROM`` naming an object the org does not have."""
    return SalesforceError(
        400,
        "INVALID_TYPE",
        _located(
            source,
            pos,
            f"sObject type '{name}' is not supported. If you are attempting to use a custom "
            "object, be sure to append the '__c' after the entity name. Please reference your "
            "WSDL or the describe call for the appropriate names.",
        ),
        with_fields=False,
    )


def bad_filter(source: str, pos: int, text: str) -> SalesforceError:
    """``INVALID_QUERY_FILTER_OPERATOR``: a value or operator the field's type refuses."""
    return SalesforceError(
        400, "INVALID_QUERY_FILTER_OPERATOR", _located(source, pos, text), with_fields=False
    )
