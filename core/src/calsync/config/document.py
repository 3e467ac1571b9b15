"""Reading the configuration file: UTF-8 text, valid TOML, nested no deeper than a setting is.

Every way the file itself can be wrong is a :class:`~calsync.errors.ConfigError` naming the
file and the place, never a decoding error or a recursion error.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from calsync.errors import ConfigError

__all__ = ["MAX_DEPTH", "key_lines", "line_of", "read_document"]

#: How deep arrays and tables may nest; calsync's own settings need five or so.
MAX_DEPTH: Final = 32


def read_document(file: Path) -> dict[str, Any]:
    """The TOML document in ``file``; raises :class:`ConfigError` saying what is wrong."""
    try:
        # utf-8-sig: Windows editors save a byte-order mark first, which TOML does not allow.
        text = file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"{file}: cannot read the configuration: no such file (calsync reads the file "
            "--config names, else $CALSYNC_CONFIG, else calsync.toml in the current folder)"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the configuration: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{file}: line {line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(
            f"{file}: arrays or tables nested too deep to read (at most {MAX_DEPTH} levels)"
        ) from None
    too_deep = _too_deep(data)
    if too_deep is not None:
        raise ConfigError(
            f"{file}: {too_deep}: nested more than {MAX_DEPTH} levels deep; "
            "no calsync setting is nested like that"
        )
    return data


def _too_deep(data: Mapping[str, Any]) -> str | None:
    """The path of the first value nested deeper than :data:`MAX_DEPTH`, if any (no recursion)."""
    pending: list[tuple[str, object, int]] = [("", data, 0)]
    while pending:
        where, value, depth = pending.pop()
        if depth > MAX_DEPTH:
            return where
        if isinstance(value, dict):
            pending += [(f"{where}.{k}" if where else k, v, depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            pending += [(f"{where}[{i}]", v, depth + 1) for i, v in enumerate(value)]
    return None


# -- where a problem's path is written ---------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")
_UNKNOWN = re.compile(r": unknown (?:key|channel) '([\w\-]+)'")
_PATH = re.compile(r"^(?P<path>[A-Za-z_][\w\-]*(?:\[\d+\])?(?:\.[\w\-]+(?:\[\d+\])?)*): ")


def _segments(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in dotted.split(".")]


def key_lines(text: str) -> dict[str, int]:
    """Where each table and key of a TOML text starts: ``{"mailboxes[1].policy": 27, ...}``.

    A plain scan, good enough to point a person at a line (inline tables count as their
    key's line); the document was already read by :mod:`tomllib`, which keeps no positions.
    """
    found: dict[str, int] = {}
    arrays: dict[str, int] = {}
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            parts = _segments(header[2])
            if header[1] == "[[":
                name = ".".join(parts)
                arrays[name] = arrays.get(name, -1) + 1
                parts[-1] += f"[{arrays[name]}]"
            elif parts and ".".join(parts[:1]) in arrays:
                parts[0] += f"[{arrays[parts[0]]}]"  # [mailboxes.settings] of the last entry
            table = parts
            found.setdefault(".".join(table), number)
            continue
        key = _KEY.match(line)
        if key and not line.lstrip().startswith("#"):
            found.setdefault(".".join([*table, *_segments(key[1])]), number)
    return found


def line_of(problem: str, lines: Mapping[str, int]) -> int | None:
    """The line of the nearest table or key a ``path: message`` problem names, if found."""
    match = _PATH.match(problem)
    if match is None:
        return None
    parts = match["path"].split(".")
    unknown = _UNKNOWN.search(problem)
    if unknown and (number := lines.get(".".join([*parts, unknown[1]]))) is not None:
        return number  # the misspelt key's own line, not its table's
    while parts:
        if (number := lines.get(".".join(parts))) is not None:
            return number
        parts.pop()
    return None
