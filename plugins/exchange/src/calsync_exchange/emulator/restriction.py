"""Evaluating FindItem restrictions and sort orders against calendar items.

Semantics follow Exchange (MAPI restrictions): string comparisons ignore case; a property
that is absent makes every comparison false, ``IsNotEqualTo`` included (use ``Exists``);
a multi-valued property (``Categories``, array extended properties) matches when any value
does. Paths the emulator cannot evaluate are refused with ``ErrorUnsupportedPathForQuery``
rather than ignored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import tzinfo
from functools import cmp_to_key

from calsync_exchange.emulator import fields as F
from calsync_exchange.emulator import itemvalues
from calsync_exchange.emulator._xml import parse_bool, parse_datetime
from calsync_exchange.emulator.calendar import Entry
from calsync_exchange.emulator.errors import EwsError
from calsync_exchange.emulator.values import Body
from calsync_exchange.emulator.xml_request import ExtendedUri, FieldPath, PropertyPath
from calsync_exchange.emulator.xml_restriction import Compare, Contains, Exists, Junction, Node

_INTEGER_TYPES = ("Integer", "Long", "Short")
_FLOAT_TYPES = ("Double", "Float", "Currency")
_COMPARATORS: dict[str, Callable[[object, object], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,  # type: ignore[operator]
    "gte": lambda a, b: a >= b,  # type: ignore[operator]
    "lt": lambda a, b: a < b,  # type: ignore[operator]
    "lte": lambda a, b: a <= b,  # type: ignore[operator]
}


def _type_of(path: PropertyPath) -> str:
    """Return the comparison type of a path: str, bool, int, float, datetime (list- prefixed)."""
    if isinstance(path, ExtendedUri):
        base = path.key.property_type.removesuffix("Array")
        prefix = "list-" if path.key.property_type.endswith("Array") else ""
        if base in _INTEGER_TYPES:
            return prefix + "int"
        if base in _FLOAT_TYPES:
            return prefix + "float"
        if base == "Boolean":
            return prefix + "bool"
        if base == "SystemTime":
            return prefix + "datetime"
        return prefix + "str"
    field = F.BY_URI.get(path.uri)
    if field is None or not field.searchable:
        raise EwsError("ErrorUnsupportedPathForQuery", field_uri=path.uri)
    return {"strlist": "list-str", "body": "str"}.get(field.kind, field.kind)


def _convert(value: str, kind: str, zone: tzinfo) -> object:
    kind = kind.removeprefix("list-")
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return parse_bool(value)
    if kind == "datetime":
        return parse_datetime(value, zone)
    return value.casefold()


def _values(entry: Entry, path: PropertyPath, kind: str, zone: tzinfo) -> list[object] | None:
    """Return the comparable value(s) of ``path`` on ``entry``; ``None`` when absent."""
    if isinstance(path, ExtendedUri):
        raw = itemvalues.read_extended(entry, path.key)
        if raw is None:
            return None
        texts = list(raw) if isinstance(raw, tuple) else [raw]
        return [_convert(text, kind, zone) for text in texts]
    value = itemvalues.read(entry, path.uri)
    if value is None:
        return None
    if isinstance(value, Body):
        value = itemvalues.text_of_body(value) or ""
    if isinstance(value, tuple):
        return [v.casefold() for v in value] if value else None
    if isinstance(value, str):
        return [value.casefold()]
    return [value]


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _contains(node: Contains, entry: Entry) -> bool:
    kind = _type_of(node.path)
    if kind.removeprefix("list-") != "str":
        raise EwsError("ErrorUnsupportedPathForQuery", "Contains applies to string properties.")
    if isinstance(node.path, ExtendedUri):
        raw = itemvalues.read_extended(entry, node.path.key)
        haystacks = [] if raw is None else (list(raw) if isinstance(raw, tuple) else [raw])
    else:
        value = itemvalues.read(entry, node.path.uri)
        if isinstance(value, Body):
            value = itemvalues.text_of_body(value)
        items = value if isinstance(value, tuple) else (() if value is None else (value,))
        haystacks = [str(v) for v in items]
    needle = node.value
    if "IgnoreCase" in node.comparison or "Loose" in node.comparison:
        needle = needle.casefold()
        haystacks = [h.casefold() for h in haystacks]
    if "NonSpacing" in node.comparison or "Loose" in node.comparison:
        needle = _strip_marks(needle)
        haystacks = [_strip_marks(h) for h in haystacks]
    for hay in haystacks:
        if node.mode == "FullString" and hay == needle:
            return True
        if node.mode == "Prefixed" and hay.startswith(needle):
            return True
        if node.mode in ("Substring", "ExactPhrase") and needle in hay:
            return True
        if node.mode == "PrefixOnWords" and any(w.startswith(needle) for w in hay.split()):
            return True
    return False


def validate(node: Node | None) -> None:
    """Refuse a restriction over paths the server cannot search, even if no item is tested."""
    if node is None:
        return
    if isinstance(node, Junction):
        for child in node.children:
            validate(child)
        return
    kind = _type_of(node.path)
    if isinstance(node, Contains) and kind.removeprefix("list-") != "str":
        raise EwsError("ErrorUnsupportedPathForQuery", "Contains applies to string properties.")
    if isinstance(node, Compare) and not isinstance(node.operand, str):
        _type_of(node.operand)


def matches(node: Node | None, entry: Entry, zone: tzinfo) -> bool:
    """Whether ``entry`` satisfies restriction ``node`` (no restriction: always)."""
    if node is None:
        return True
    if isinstance(node, Junction):
        if node.op == "and":
            return all(matches(c, entry, zone) for c in node.children)
        if node.op == "or":
            return any(matches(c, entry, zone) for c in node.children)
        return not matches(node.children[0], entry, zone)
    if isinstance(node, Exists):
        _type_of(node.path)
        return _values(entry, node.path, _type_of(node.path), zone) is not None
    if isinstance(node, Contains):
        return _contains(node, entry)
    return _compare(node, entry, zone)


def _compare(node: Compare, entry: Entry, zone: tzinfo) -> bool:
    kind = _type_of(node.path)
    left = _values(entry, node.path, kind, zone)
    if left is None:
        return False
    right: list[object] | None
    if isinstance(node.operand, str):
        try:
            right = [_convert(node.operand, kind, zone)]
        except ValueError:
            raise EwsError(
                "ErrorInvalidValueForProperty",
                f"The value {node.operand!r} is invalid for the property.",
            ) from None
    else:
        right = _values(entry, node.operand, _type_of(node.operand), zone)
        if right is None:
            return False
    compare = _COMPARATORS[node.op]
    assert right is not None
    try:
        if node.op == "ne":
            return all(compare(a, b) for a in left for b in right)
        return any(compare(a, b) for a in left for b in right)
    except TypeError:
        raise EwsError("ErrorInvalidValueForProperty", "Incomparable values.") from None


def sort(entries: list[Entry], order: list[tuple[PropertyPath, bool]], zone: tzinfo) -> list[Entry]:
    """``entries`` ordered by ``SortOrder`` (absent values sort first, like MAPI)."""
    if not order:
        return entries
    keys = []
    for path, descending in order:
        kind = _type_of(path)
        if kind.startswith("list-") and isinstance(path, FieldPath):
            raise EwsError("ErrorUnsupportedPathForSortGroup", field_uri=path.uri)
        keys.append((path, kind, descending))

    def compare(a: Entry, b: Entry) -> int:
        for path, kind, descending in keys:
            va, vb = _values(a, path, kind, zone), _values(b, path, kind, zone)
            ka = (va is not None, va[0] if va else None)
            kb = (vb is not None, vb[0] if vb else None)
            if ka == kb:
                continue
            less = ka[0] < kb[0] if ka[0] != kb[0] else ka[1] < kb[1]  # type: ignore[operator]
            result = -1 if less else 1
            return -result if descending else result
        return 0

    return sorted(entries, key=cmp_to_key(compare))
