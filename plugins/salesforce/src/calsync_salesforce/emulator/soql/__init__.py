"""The SOQL subset: a hand-written lexer and recursive-descent parser, and its evaluator."""

from __future__ import annotations

from calsync_salesforce.emulator.soql.binding import BoundPath, Catalog
from calsync_salesforce.emulator.soql.evaluate import CompiledQuery, compile_query
from calsync_salesforce.emulator.soql.parser import parse

__all__ = ["BoundPath", "Catalog", "CompiledQuery", "compile_query", "parse"]
