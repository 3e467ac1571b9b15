"""Validation rules declared as data, answered as ``FIELD_CUSTOM_VALIDATION_EXCEPTION``.

Like a Salesforce validation rule, a rule's condition describes the *bad* record: when it
holds, the save is refused with the rule's message. A condition is either a Python callable
over the prospective record (canonical field names, stored Python values) or a string in
SOQL ``WHERE`` syntax, e.g. ``"Subject LIKE '%secret%' AND IsPrivate = false"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from calsync_salesforce.emulator.errors import SalesforceError
from calsync_salesforce.emulator.soql import Catalog, compile_query, parse

Condition = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidationRule:
    """One active validation rule on ``sobject``.

    :param name: the rule's API name (for reading back and removing).
    :param condition: a callable or a SOQL ``WHERE`` expression; true means *refuse*.
    :param message: the error message the API returns.
    :param error_field: the field the error is shown on (``fields`` on the wire), if any.
    """

    sobject: str
    name: str
    condition: Condition | str
    message: str
    error_field: str | None = None


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its condition ready to evaluate."""

    rule: ValidationRule
    test: Condition


def compile_rule(rule: ValidationRule, catalog: Catalog) -> CompiledRule:
    """Check a rule's condition once, when it is added.

    :raises SalesforceError: a string condition that is not valid SOQL for the object.
    """
    condition = rule.condition
    if callable(condition):
        return CompiledRule(rule, condition)
    compiled = compile_query(parse(f"SELECT Id FROM {rule.sobject} WHERE {condition}"), catalog)
    return CompiledRule(rule, lambda record: compiled.matches(dict(record)))


def enforce(rules: list[CompiledRule], sobject: str, record: Mapping[str, Any]) -> None:
    """Refuse ``record`` if any active rule of ``sobject`` holds for it.

    :raises SalesforceError: ``FIELD_CUSTOM_VALIDATION_EXCEPTION`` with the rule's message.
    """
    view = MappingProxyType(dict(record))
    for compiled in rules:
        rule = compiled.rule
        if rule.sobject.lower() == sobject.lower() and compiled.test(view):
            raise SalesforceError(
                400,
                "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                rule.message,
                [rule.error_field] if rule.error_field else [],
            )
