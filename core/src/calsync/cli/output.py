"""Printing for the command line: rich tables for people, JSON for machines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from rich.console import Console
from rich.table import Table

__all__ = ["EXIT_ISSUES", "EXIT_OK", "EXIT_USAGE", "console", "fail", "print_json", "table"]

EXIT_OK = 0
#: The command finished, but with issues (an unsupported zone, items that did not sync).
EXIT_ISSUES = 1
#: Usage or configuration error.
EXIT_USAGE = 2

console = Console(soft_wrap=True)
errors = Console(stderr=True)


def print_json(value: Any) -> None:
    """Print ``value`` as JSON on stdout (machine output: no colour, no wrapping)."""
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=False, default=str) + "\n")


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A rich table with ``columns`` and ``rows`` (cells are turned into text)."""
    result = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        result.add_column(column)
    for row in rows:
        result.add_row(*("" if cell is None else str(cell) for cell in row))
    return result


def fail(headline: str, problems: Sequence[str], code: int = EXIT_USAGE) -> NoReturn:
    """Print ``headline`` and each problem on stderr, then exit with ``code``."""
    errors.print(f"[bold red]calsync: {headline}[/]", highlight=False, soft_wrap=True)
    for problem in problems:
        errors.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
    raise SystemExit(code)
