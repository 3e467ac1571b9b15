"""Type-checking a parsed query against the schema and running it over records.

Checks follow SOQL: each filter value must suit its field's type (``INVALID_QUERY_FILTER_
OPERATOR`` otherwise), long text and JunctionIdList fields cannot be filtered or sorted
(``INVALID_FIELD``), text compares case-insensitively, ``!=`` matches nulls, date literals
are evaluated in the calling user's time zone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from calsync_salesforce.emulator.errors import SalesforceError
from calsync_salesforce.emulator.ids import normalize_id
from calsync_salesforce.emulator.schema import TEXT_TYPES, FieldType, ObjectDef
from calsync_salesforce.emulator.soql.ast import (
    Compare,
    Condition,
    InList,
    Junction,
    Literal,
    Negation,
    Query,
)
from calsync_salesforce.emulator.soql.binding import BoundPath, Catalog, bind_path
from calsync_salesforce.emulator.soql.errors import bad_filter, invalid_field, invalid_type
from calsync_salesforce.emulator.values import parse_date, parse_datetime

Record = dict[str, Any]
Predicate = Callable[[Record], bool]
MAX_OFFSET = 2000

_TYPE_WORD = {
    FieldType.BOOLEAN: "boolean",
    FieldType.DATETIME: "dateTime",
    FieldType.DATE: "date",
    FieldType.INT: "int",
    FieldType.DOUBLE: "double",
}


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A query ready to run: its object, selected paths, filter and ordering."""

    query: Query
    sobject: ObjectDef
    select: tuple[BoundPath, ...]
    matches: Predicate
    order: tuple[tuple[BoundPath, bool, bool], ...]  # (path, descending, nulls_last)

    def sort(self, records: list[Record], catalog: Catalog) -> list[Record]:
        """Return ``records`` in ``ORDER BY`` order (stable; creation order otherwise)."""
        if not self.order:
            return records

        def compare(a: Record, b: Record) -> int:
            for path, descending, nulls_last in self.order:
                left, right = _sort_value(path.read(a, catalog)), _sort_value(path.read(b, catalog))
                if left is None or right is None:
                    if left is right:
                        continue
                    return (1 if left is None else -1) * (1 if nulls_last else -1)
                if left != right:
                    result = -1 if left < right else 1
                    return -result if descending else result
            return 0

        return sorted(records, key=functools.cmp_to_key(compare))


def _sort_value(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def compile_query(query: Query, catalog: Catalog) -> CompiledQuery:
    """Bind and type-check ``query`` for the calling user.

    :raises SalesforceError: ``INVALID_TYPE``, ``INVALID_FIELD``,
        ``INVALID_QUERY_FILTER_OPERATOR`` or ``NUMBER_OUTSIDE_VALID_RANGE``.
    """
    source = query.source
    root = catalog.visible_object(query.sobject)
    if root is None or not root.queryable:
        raise invalid_type(source, query.sobject_pos, query.sobject)
    select = tuple(bind_path(source, path, root, catalog) for path in query.fields)
    matches: Predicate = _compile(query.where, source, root, catalog) if query.where else _true
    order = []
    for key in query.order:
        bound = bind_path(source, key.path, root, catalog)
        if not bound.field.sortable:
            raise invalid_field(
                source,
                key.path.pos,
                f"field '{bound.field.name}' can not be sorted in a query call",
            )
        nulls_last = key.descending if key.nulls_last is None else key.nulls_last
        order.append((bound, key.descending, nulls_last))
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise SalesforceError(
            400,
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"Maximum SOQL offset allowed is {MAX_OFFSET}",
            with_fields=False,
        )
    return CompiledQuery(query, root, select, matches, tuple(order))


def _true(_: Record) -> bool:
    return True


def _compile(cond: Condition, source: str, root: ObjectDef, catalog: Catalog) -> Predicate:
    if isinstance(cond, Junction):
        parts = [_compile(item, source, root, catalog) for item in cond.items]
        if cond.op == "AND":
            return lambda record: all(part(record) for part in parts)
        return lambda record: any(part(record) for part in parts)
    if isinstance(cond, Negation):
        inner = _compile(cond.item, source, root, catalog)
        return lambda record: not inner(record)
    bound = bind_path(source, cond.path, root, catalog)
    spec = bound.field
    if not spec.filterable:
        raise invalid_field(
            source, cond.path.pos, f"field '{spec.name}' can not be filtered in query call"
        )
    if isinstance(cond, InList):
        wanted = [_convert(value, bound, source, catalog) for value in cond.values]
        negate = cond.negate

        def in_list(record: Record) -> bool:
            actual = bound.read(record, catalog)
            hit = any(_equals(actual, want) for want in wanted)
            return not hit if negate else hit

        return in_list
    return _compare(cond, bound, source, catalog)


def _compare(cond: Compare, bound: BoundPath, source: str, catalog: Catalog) -> Predicate:
    spec = bound.field
    if cond.op == "LIKE":
        if spec.type not in TEXT_TYPES or spec.type in (FieldType.ID, FieldType.REFERENCE):
            raise bad_filter(source, cond.path.pos, f"invalid operator on {spec.type.value} field")
        if cond.value.kind != "string":
            raise bad_filter(source, cond.value.pos, "LIKE needs a quoted string pattern")
        pattern = _like(cond.value.text)
        return lambda record: (
            isinstance(value := bound.read(record, catalog), str) and bool(pattern.fullmatch(value))
        )
    if spec.type is FieldType.BOOLEAN and cond.op not in ("=", "!="):
        raise bad_filter(source, cond.path.pos, "invalid operator on boolean field")
    want = _convert(cond.value, bound, source, catalog)
    op = cond.op
    if isinstance(want, tuple):  # a date literal's [start, end) range
        low, high = want
        checks: dict[str, Callable[[Any], bool]] = {
            "=": lambda v: low <= v < high,
            "!=": lambda v: not low <= v < high,
            "<": lambda v: v < low,
            "<=": lambda v: v < high,
            ">": lambda v: v >= high,
            ">=": lambda v: v >= low,
        }
        check = checks[op]
        return lambda record: (v := bound.read(record, catalog)) is not None and check(v)
    if op == "=":
        return lambda record: _equals(bound.read(record, catalog), want)
    if op == "!=":
        return lambda record: not _equals(bound.read(record, catalog), want)
    if want is None:
        return lambda record: False
    ordering: dict[str, Callable[[Any, Any], bool]] = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    compare = ordering[op]
    folded = _sort_value(want)
    return lambda record: (
        (v := bound.read(record, catalog)) is not None and compare(_sort_value(v), folded)
    )


def _equals(actual: Any, want: Any) -> bool:
    if want is None or actual is None:
        return actual is None and want is None
    if isinstance(actual, str) and isinstance(want, str):
        return actual.casefold() == want.casefold()
    return bool(actual == want)


def _like(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "%_":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _convert(value: Literal, bound: BoundPath, source: str, catalog: Catalog) -> Any:
    """Return a filter literal as a value of ``bound``'s field (or a date range)."""
    spec = bound.field
    kind = spec.type
    if value.kind == "null":
        return None
    wrong = bad_filter(
        source,
        bound.path.pos,
        f"value of filter criterion for field '{spec.name}' must be of type "
        f"{_TYPE_WORD.get(kind, 'string')} and should "
        + ("be enclosed in quotes" if kind in TEXT_TYPES else "not be enclosed in quotes"),
    )
    if kind in (FieldType.ID, FieldType.REFERENCE):
        if value.kind != "string":
            raise wrong
        normal = normalize_id(value.text)
        if normal is None:
            raise bad_filter(source, value.pos, f"invalid ID field: {value.text}")
        return normal
    if kind in TEXT_TYPES:
        if value.kind != "string":
            raise wrong
        return value.text.replace("\\%", "%").replace("\\_", "_")
    if kind is FieldType.BOOLEAN:
        if value.kind != "boolean":
            raise wrong
        return value.text == "TRUE"
    if kind in (FieldType.INT, FieldType.DOUBLE):
        if value.kind != "number":
            raise wrong
        return float(value.text) if "." in value.text else int(value.text)
    if kind in (FieldType.DATETIME, FieldType.DATE):
        if value.kind == "date_literal":
            return _date_range(value, kind, catalog)
        expected = "datetime" if kind is FieldType.DATETIME else "date"
        if value.kind != expected:
            raise wrong
        parsed = parse_datetime(value.text) if expected == "datetime" else parse_date(value.text)
        if parsed is None:
            raise bad_filter(source, value.pos, f"invalid {expected}: {value.text}")
        return parsed
    raise wrong


def _date_range(value: Literal, kind: FieldType, catalog: Catalog) -> tuple[Any, Any]:
    today = catalog.now.astimezone(catalog.zone).date()
    spans = {
        "TODAY": (today, today + timedelta(days=1)),
        "YESTERDAY": (today - timedelta(days=1), today),
        "TOMORROW": (today + timedelta(days=1), today + timedelta(days=2)),
        # LAST_N_DAYS:n covers the n days before today and today itself.
        "LAST_N_DAYS": (today - timedelta(days=value.n), today + timedelta(days=1)),
        "NEXT_N_DAYS": (today + timedelta(days=1), today + timedelta(days=value.n + 1)),
    }
    start, end = spans[value.text]
    if kind is FieldType.DATE:
        return start, end
    return _midnight(start, catalog), _midnight(end, catalog)


def _midnight(day: date, catalog: Catalog) -> datetime:
    return datetime.combine(day, time(), tzinfo=catalog.zone)
