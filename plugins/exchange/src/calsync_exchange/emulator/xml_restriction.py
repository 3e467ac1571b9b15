"""Reading FindItem restrictions and sort orders into small frozen trees.

``IsEqualTo``/``IsNotEqualTo``/``IsGreaterThan(OrEqualTo)``/``IsLessThan(OrEqualTo)``,
``And``/``Or``/``Not``, ``Exists`` and ``Contains`` over ``FieldURI`` and
``ExtendedFieldURI`` paths; anything else fails the request like a schema violation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, final

from calsync_exchange.emulator._xml import Element, local, t
from calsync_exchange.emulator.errors import schema_error
from calsync_exchange.emulator.xml_request import PropertyPath, parse_path


@final
@dataclass(frozen=True, slots=True)
class Compare:
    """``IsEqualTo`` & co: ``path`` compared with a constant or another property."""

    op: Literal["eq", "ne", "gt", "gte", "lt", "lte"]
    path: PropertyPath
    operand: str | PropertyPath


@final
@dataclass(frozen=True, slots=True)
class Exists:
    """``Exists``: the property has a value."""

    path: PropertyPath


@final
@dataclass(frozen=True, slots=True)
class Contains:
    """``Contains`` with its ``ContainmentMode`` and ``ContainmentComparison``."""

    path: PropertyPath
    value: str
    mode: str
    comparison: str


@final
@dataclass(frozen=True, slots=True)
class Junction:
    """``And``/``Or`` over children, or ``Not`` over one."""

    op: Literal["and", "or", "not"]
    children: tuple[Node, ...]


Node = Compare | Exists | Contains | Junction

_COMPARE_OPS = {
    "IsEqualTo": "eq",
    "IsNotEqualTo": "ne",
    "IsGreaterThan": "gt",
    "IsGreaterThanOrEqualTo": "gte",
    "IsLessThan": "lt",
    "IsLessThanOrEqualTo": "lte",
}


def parse_restriction(elem: Element | None) -> Node | None:
    """Read ``m:Restriction`` into a tree (``None`` when absent)."""
    if elem is None:
        return None
    if len(elem) != 1:
        raise schema_error("Restriction must contain exactly one search expression.")
    return _node(elem[0])


def _node(elem: Element) -> Node:
    name = local(elem)
    if name in ("And", "Or"):
        return Junction("and" if name == "And" else "or", tuple(_node(c) for c in elem))
    if name == "Not":
        return Junction("not", (_node(elem[0]),))
    if name == "Exists":
        return Exists(parse_path(elem[0]))
    if name == "Contains":
        constant = elem.find(t("Constant"))
        if constant is None:
            raise schema_error("Contains needs a Constant.")
        return Contains(
            parse_path(elem[0]),
            constant.get("Value", ""),
            elem.get("ContainmentMode", "FullString"),
            elem.get("ContainmentComparison", "Exact"),
        )
    if name in _COMPARE_OPS:
        holder = elem.find(t("FieldURIOrConstant"))
        if holder is None or len(holder) != 1:
            raise schema_error(f"{name} needs a FieldURIOrConstant.")
        inner = holder[0]
        operand: str | PropertyPath = (
            inner.get("Value", "") if local(inner) == "Constant" else parse_path(inner)
        )
        return Compare(_COMPARE_OPS[name], parse_path(elem[0]), operand)  # type: ignore[arg-type]
    raise schema_error(f"Unsupported search expression {name!r}.")


def parse_sort(elem: Element | None) -> list[tuple[PropertyPath, bool]]:
    """Read ``m:SortOrder`` as (path, descending) pairs."""
    if elem is None:
        return []
    order = []
    for field_order in elem.findall(t("FieldOrder")):
        descending = field_order.get("Order", "Ascending") == "Descending"
        order.append((parse_path(field_order[0]), descending))
    return order
