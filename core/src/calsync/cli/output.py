"""Printing for the command line: rich tables on a terminal, tab-separated lines elsewhere.

Outside a terminal (cron, systemd, a pipe) nothing is cut to a screen width: a table is
printed as a header line and one tab-separated line per row, every cell in full, so
``cut -f`` and ``awk`` read it. ``--json`` is for machines that want more.
Timestamps are ISO 8601 everywhere.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console
from rich.markup import escape
from rich.table import Table

__all__ = [
    "EXIT_ATTENTION",
    "EXIT_ISSUES",
    "EXIT_OK",
    "EXIT_USAGE",
    "complain",
    "console",
    "fail",
    "fail_config",
    "iso",
    "print_json",
    "print_json_line",
    "say",
    "show_table",
    "table",
]

EXIT_OK = 0
#: Something needs a person: a suspension, a failed pass, new issues someone must act on.
EXIT_ATTENTION = 1
#: The former name of :data:`EXIT_ATTENTION`.
EXIT_ISSUES = EXIT_ATTENTION
#: Usage or configuration error.
EXIT_USAGE = 2

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def iso(value: Any) -> str:
    """A timestamp as ISO 8601 (``-`` for none)."""
    return value.isoformat(timespec="seconds") if value else "-"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return str(value)


def print_json(value: Any) -> None:
    """Print ``value`` as JSON on stdout (machine output: no colour, no wrapping)."""
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=False, default=_plain) + "\n")
    sys.stdout.flush()


def print_json_line(value: Any) -> None:
    """Print ``value`` as one line of JSON (JSON Lines, for a stream of documents)."""
    sys.stdout.write(json.dumps(value, default=_plain) + "\n")
    sys.stdout.flush()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso(value)
    return str(value)


def show_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Print a table: a rich one on a terminal, tab-separated lines (header first) elsewhere.

    Cells are text, never markup: a subject with ``[brackets]`` shows as it is.
    """
    texts = [[_cell(cell) for cell in row] for row in rows]
    if not console.is_terminal:
        out = sys.stdout
        out.write(f"# {title}\n")
        for line in [list(columns), *texts]:
            out.write("\t".join(" ".join(cell.split()) for cell in line) + "\n")
        out.flush()
        return
    result = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        result.add_column(column, overflow="fold")  # a narrow terminal folds, never cuts
    for row in texts:
        result.add_row(*(escape(cell) for cell in row))
    console.print(result)


def say(line: str) -> None:
    """Print one line of plain text (no markup, never wrapped or cut)."""
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def complain(headline: str, problems: Sequence[str]) -> None:
    """Print ``headline`` and each problem on stderr."""
    errors.print(f"[bold red]calsync: {escape(headline)}[/]", highlight=False)
    for problem in problems:
        errors.print(f"  {problem}", highlight=False, markup=False)


def fail(headline: str, problems: Sequence[str], code: int = EXIT_USAGE) -> NoReturn:
    """Print ``headline`` and each problem on stderr, then exit with ``code``."""
    complain(headline, problems)
    raise SystemExit(code)


def fail_config(file: object, problems: Sequence[str], code: int = EXIT_USAGE) -> NoReturn:
    """Fail with a configuration's problems, naming the file and each problem's line (exit 2)."""
    if file is None or any(p.startswith(f"{file}:") for p in problems):
        fail("configuration error", problems, code)  # the problems name the file themselves
    from calsync.config.document import key_lines, line_of

    try:
        lines = key_lines(Path(str(file)).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        lines = {}
    located = []
    for problem in problems:
        number = line_of(problem, lines)
        located.append(problem if number is None else f"line {number}: {problem}")
    fail(f"configuration error in {file}", located, code)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A rich table (for a terminal only; :func:`show_table` also serves pipes and logs)."""
    result = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        result.add_column(column, overflow="fold")  # a narrow terminal folds, never cuts
    for row in rows:
        result.add_row(*(escape(_cell(cell)) for cell in row))
    return result
