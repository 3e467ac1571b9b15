"""Reading the configuration file: UTF-8 text, valid TOML, nested no deeper than a setting is.

Every way the file itself can be wrong is a :class:`~calsync.errors.ConfigError` naming the
file and the place, never a decoding error or a recursion error.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from calsync.errors import ConfigError

__all__ = ["MAX_DEPTH", "read_document"]

#: How deep arrays and tables may nest; calsync's own settings need five or so.
MAX_DEPTH: Final = 32


def read_document(file: Path) -> dict[str, Any]:
    """The TOML document in ``file``; raises :class:`ConfigError` saying what is wrong."""
    try:
        text = file.read_bytes().decode("utf-8")
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
