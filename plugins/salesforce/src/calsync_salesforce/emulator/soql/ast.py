"""The syntax tree of a parsed SOQL query (frozen values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as TypingLiteral


@dataclass(frozen=True, slots=True)
class Path:
    """A field reference, possibly through relationships: ``Owner.Email``."""

    parts: tuple[str, ...]
    pos: int

    @property
    def text(self) -> str:
        """The path as written."""
        return ".".join(self.parts)


ValueKind = TypingLiteral["string", "number", "datetime", "date", "boolean", "null", "date_literal"]


@dataclass(frozen=True, slots=True)
class Literal:
    """A value in a filter.

    ``text`` is the decoded value: the string's content, the number's digits, ``TRUE``, a
    date literal's name (``LAST_N_DAYS``) with its argument in ``n``.
    """

    kind: ValueKind
    text: str
    pos: int
    n: int = 0


@dataclass(frozen=True, slots=True)
class Compare:
    """``path op value`` with op one of ``= != < <= > >= LIKE``."""

    path: Path
    op: str
    value: Literal


@dataclass(frozen=True, slots=True)
class InList:
    """``path [NOT] IN (v1, v2, ...)``."""

    path: Path
    negate: bool
    values: tuple[Literal, ...]


@dataclass(frozen=True, slots=True)
class Junction:
    """Conditions joined by one connective (SOQL refuses mixing AND and OR unparenthesised)."""

    op: TypingLiteral["AND", "OR"]
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Negation:
    """``NOT condition``."""

    item: Condition


Condition = Compare | InList | Junction | Negation


@dataclass(frozen=True, slots=True)
class OrderKey:
    """One ``ORDER BY`` item; ``nulls_last`` ``None`` means the direction's default."""

    path: Path
    descending: bool
    nulls_last: bool | None


@dataclass(frozen=True, slots=True)
class Query:
    """A whole ``SELECT``; ``count`` is true for ``SELECT COUNT()`` (``fields`` is empty)."""

    source: str
    fields: tuple[Path, ...]
    count: bool
    sobject: str
    sobject_pos: int
    where: Condition | None
    order: tuple[OrderKey, ...]
    limit: int | None
    offset: int | None
