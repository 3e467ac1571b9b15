"""Tokens of the SOQL subset, with the position each starts at (for error carets)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from calsync_salesforce.emulator.soql.errors import malformed


class Kind(enum.Enum):
    """What a token is."""

    IDENT = "identifier"
    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    DATE = "date"
    OP = "operator"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    COLON = ":"
    EOF = "<EOF>"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its source text, its decoded value and its offset."""

    kind: Kind
    text: str
    value: str
    pos: int

    def is_word(self, *words: str) -> bool:
        """Whether this is an identifier spelling one of ``words`` (case-insensitive)."""
        return self.kind is Kind.IDENT and self.text.upper() in words


_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
    # LIKE wildcards keep their backslash: the LIKE matcher reads them as literals.
    "%": "\\%",
    "_": "\\_",
}

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_OPERATORS = ("<=", ">=", "!=", "<>", "=", "<", ">")


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens, ending with an ``EOF`` token.

    :raises SalesforceError: ``MALFORMED_QUERY`` for an unterminated string, an unknown
        escape or a character SOQL does not use.
    """
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char.isspace():
            i += 1
            continue
        if char == "'":
            i = _string(source, i, tokens)
            continue
        for pattern, kind in ((_DATETIME, Kind.DATETIME), (_DATE, Kind.DATE)):
            match = pattern.match(source, i)
            if match:
                tokens.append(Token(kind, match[0], match[0], i))
                i = match.end()
                break
        else:
            match = _NUMBER.match(source, i)
            if match and (char.isdigit() or _follows_operator(tokens)):
                tokens.append(Token(Kind.NUMBER, match[0], match[0], i))
                i = match.end()
                continue
            match = _IDENT.match(source, i)
            if match:
                tokens.append(Token(Kind.IDENT, match[0], match[0], i))
                i = match.end()
                continue
            op = next((op for op in _OPERATORS if source.startswith(op, i)), None)
            if op is not None:
                tokens.append(Token(Kind.OP, op, op, i))
                i += len(op)
                continue
            punct = {"(": Kind.LPAREN, ")": Kind.RPAREN, ",": Kind.COMMA, ":": Kind.COLON}
            if char in punct:
                tokens.append(Token(punct[char], char, char, i))
                i += 1
                continue
            raise malformed(source, i, char)
    tokens.append(Token(Kind.EOF, "<EOF>", "", len(source)))
    return tokens


def _follows_operator(tokens: list[Token]) -> bool:
    # A sign belongs to a number only where a value is expected.
    return bool(tokens) and tokens[-1].kind in (Kind.OP, Kind.LPAREN, Kind.COMMA, Kind.COLON)


def _string(source: str, start: int, tokens: list[Token]) -> int:
    out: list[str] = []
    i = start + 1
    while i < len(source):
        char = source[i]
        if char == "\\":
            if i + 1 >= len(source) or source[i + 1] not in _ESCAPES:
                raise malformed(source, i, source[i : i + 2], reason="Invalid string literal")
            out.append(_ESCAPES[source[i + 1]])
            i += 2
            continue
        if char == "'":
            tokens.append(Token(Kind.STRING, source[start : i + 1], "".join(out), start))
            return i + 1
        out.append(char)
        i += 1
    raise malformed(source, start, source[start:], reason="Unterminated string")
