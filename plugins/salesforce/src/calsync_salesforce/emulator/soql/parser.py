"""A recursive-descent parser for the SOQL subset a calendar sync uses.

Grammar (keywords case-insensitive)::

    query     := SELECT (COUNT '(' ')' | path (',' path)*) FROM ident
                 [WHERE cond] [ORDER BY key (',' key)*] [LIMIT int] [OFFSET int]
    cond      := unary ((AND | OR) unary)*        -- one connective per level
    unary     := NOT unary | '(' cond ')' | predicate
    predicate := path op value | path [NOT] IN '(' value (',' value)* ')' | path LIKE string
    key       := path [ASC | DESC] [NULLS (FIRST | LAST)]
    value     := string | number | datetime | date | TRUE | FALSE | NULL
                 | TODAY | YESTERDAY | TOMORROW | (LAST_N_DAYS | NEXT_N_DAYS) ':' int

Anything else (sub-queries, aggregates, GROUP BY, WITH, FOR ...) is refused with
``MALFORMED_QUERY`` at the first token the subset does not accept, never ignored.
"""

from __future__ import annotations

from calsync_salesforce.emulator.soql.ast import (
    Compare,
    Condition,
    InList,
    Junction,
    Literal,
    Negation,
    OrderKey,
    Path,
    Query,
)
from calsync_salesforce.emulator.soql.errors import malformed
from calsync_salesforce.emulator.soql.lexer import Kind, Token, tokenize

RESERVED = frozenset(
    {
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "LIMIT",
        "OFFSET", "NULL", "TRUE", "FALSE", "ASC", "DESC", "NULLS", "GROUP", "HAVING", "WITH",
        "FOR", "INCLUDES", "EXCLUDES", "USING", "TYPEOF", "ROLLUP", "CUBE",
    }
)  # fmt: skip
_DATE_LITERALS = frozenset({"TODAY", "YESTERDAY", "TOMORROW"})
_N_DAY_LITERALS = frozenset({"LAST_N_DAYS", "NEXT_N_DAYS"})


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0

    # -- token helpers -------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, token: Token | None = None) -> Exception:
        token = token or self.tok
        return malformed(self.source, token.pos, token.text)

    def expect_word(self, word: str) -> Token:
        if not self.tok.is_word(word):
            raise self.fail()
        return self.advance()

    def expect(self, kind: Kind) -> Token:
        if self.tok.kind is not kind:
            raise self.fail()
        return self.advance()

    def path(self) -> Path:
        token = self.tok
        if token.kind is not Kind.IDENT or token.text.upper() in RESERVED:
            raise self.fail()
        self.advance()
        if self.tok.kind is Kind.LPAREN:
            # Aggregate and other functions (COUNT(Id), MAX(...), FORMAT(...)) are outside
            # the subset: refuse them where the function starts.
            raise self.fail(token)
        return Path(tuple(token.text.split(".")), token.pos)

    # -- grammar -------------------------------------------------------------------------

    def query(self) -> Query:
        self.expect_word("SELECT")
        count = False
        fields: list[Path] = []
        if self.tok.is_word("COUNT") and self.tokens[self.i + 1].kind is Kind.LPAREN:
            self.advance()
            self.advance()
            self.expect(Kind.RPAREN)
            count = True
        else:
            fields.append(self.path())
            while self.tok.kind is Kind.COMMA:
                self.advance()
                fields.append(self.path())
        self.expect_word("FROM")
        sobject = self.tok
        if (
            sobject.kind is not Kind.IDENT
            or "." in sobject.text
            or sobject.text.upper() in RESERVED
        ):
            raise self.fail()
        self.advance()
        where = None
        if self.tok.is_word("WHERE"):
            self.advance()
            where = self.condition()
        order: list[OrderKey] = []
        if self.tok.is_word("ORDER"):
            self.advance()
            self.expect_word("BY")
            order.append(self.order_key())
            while self.tok.kind is Kind.COMMA:
                self.advance()
                order.append(self.order_key())
        limit = self.integer_clause("LIMIT")
        offset = self.integer_clause("OFFSET")
        if self.tok.kind is not Kind.EOF:
            raise self.fail()
        return Query(
            self.source,
            tuple(fields),
            count,
            sobject.text,
            sobject.pos,
            where,
            tuple(order),
            limit,
            offset,
        )

    def integer_clause(self, word: str) -> int | None:
        if not self.tok.is_word(word):
            return None
        self.advance()
        token = self.expect(Kind.NUMBER)
        if not token.text.isdigit():
            raise self.fail(token)
        return int(token.text)

    def order_key(self) -> OrderKey:
        path = self.path()
        descending = False
        if self.tok.is_word("ASC", "DESC"):
            descending = self.advance().text.upper() == "DESC"
        nulls_last: bool | None = None
        if self.tok.is_word("NULLS"):
            self.advance()
            if not self.tok.is_word("FIRST", "LAST"):
                raise self.fail()
            nulls_last = self.advance().text.upper() == "LAST"
        return OrderKey(path, descending, nulls_last)

    def condition(self) -> Condition:
        items = [self.unary()]
        connective: str | None = None
        while self.tok.is_word("AND", "OR"):
            word = self.tok.text.upper()
            if connective is not None and word != connective:
                # SOQL needs parentheses to mix AND and OR.
                raise self.fail()
            connective = word
            self.advance()
            items.append(self.unary())
        if connective is None:
            return items[0]
        return Junction("AND" if connective == "AND" else "OR", tuple(items))

    def unary(self) -> Condition:
        if self.tok.is_word("NOT"):
            self.advance()
            return Negation(self.unary())
        if self.tok.kind is Kind.LPAREN:
            self.advance()
            inner = self.condition()
            self.expect(Kind.RPAREN)
            return inner
        return self.predicate()

    def predicate(self) -> Condition:
        path = self.path()
        if self.tok.is_word("NOT") and self.tokens[self.i + 1].is_word("IN"):
            self.advance()
            self.advance()
            return InList(path, True, self.value_list())
        if self.tok.is_word("IN"):
            self.advance()
            return InList(path, False, self.value_list())
        if self.tok.is_word("LIKE"):
            self.advance()
            return Compare(path, "LIKE", self.value())
        if self.tok.kind is Kind.OP:
            op = self.advance().text
            return Compare(path, "!=" if op == "<>" else op, self.value())
        raise self.fail()

    def value_list(self) -> tuple[Literal, ...]:
        self.expect(Kind.LPAREN)
        if self.tok.is_word("SELECT"):
            raise self.fail()  # semi-joins are outside the subset
        values = [self.value()]
        while self.tok.kind is Kind.COMMA:
            self.advance()
            values.append(self.value())
        self.expect(Kind.RPAREN)
        return tuple(values)

    def value(self) -> Literal:
        token = self.tok
        simple = {
            Kind.STRING: "string",
            Kind.NUMBER: "number",
            Kind.DATETIME: "datetime",
            Kind.DATE: "date",
        }
        if token.kind in simple:
            self.advance()
            return Literal(simple[token.kind], token.value, token.pos)  # type: ignore[arg-type]
        word = token.text.upper() if token.kind is Kind.IDENT else ""
        if word in ("TRUE", "FALSE"):
            self.advance()
            return Literal("boolean", word, token.pos)
        if word == "NULL":
            self.advance()
            return Literal("null", word, token.pos)
        if word in _DATE_LITERALS:
            self.advance()
            return Literal("date_literal", word, token.pos)
        if word in _N_DAY_LITERALS:
            self.advance()
            self.expect(Kind.COLON)
            n = self.expect(Kind.NUMBER)
            if not n.text.isdigit():
                raise self.fail(n)
            return Literal("date_literal", word, token.pos, int(n.text))
        raise self.fail()


def parse(source: str) -> Query:
    """Parse one SOQL query.

    :raises SalesforceError: ``MALFORMED_QUERY`` with Salesforce's caret diagram.
    """
    return _Parser(source).query()
