"""Turning TOML tables into frozen settings objects, reporting every problem with its path.

Built on cattrs with detailed validation: all errors of a table are collected at once and
rendered as ``path: message`` (``mailboxes[1].settings.port: expected an integer, got 'x'``).
Scalars are checked strictly (a number is not a string, ``"yes"`` is not a boolean), with one
courtesy: booleans may be written ``"on"`` / ``"off"``.
"""

from __future__ import annotations

import collections.abc
import difflib
import enum
import re
import typing
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.v import transform_error

from calsync.config.secrets import Secret
from calsync.config.values import HttpUrl, Seconds, ZoneId, http_url, seconds, zone_id

__all__ = ["structure", "to_table", "unknown_key"]

T = TypeVar("T")
_AT = re.compile(r"^(?P<message>.*) @ \$\.?(?P<path>.*)$", re.DOTALL)


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    return value


def _strict_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _strict_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _on_off_bool(value: object, _: type) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("on", "off"):
        return value == "on"
    raise ValueError(f'expected true / false (or "on" / "off"), got {value!r}')


def _enum(value: object, kind: type[enum.Enum]) -> enum.Enum:
    choices = [str(member.value) for member in kind]
    if isinstance(value, str) and value in choices:
        return kind(value)
    hint = difflib.get_close_matches(str(value), choices, n=1)
    suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ValueError(f"{value!r} is not one of {', '.join(choices)}{suggestion}")


def _secret(value: object, _: type) -> Secret:
    if isinstance(value, str):
        raise ValueError(
            'secrets are never written in the file; refer to one as {env = "NAME"} or {file = "PATH"}'
        )
    if not isinstance(value, dict) or set(value) - {"env", "file"} or len(value) != 1:
        raise ValueError('write a secret as {env = "NAME"} or {file = "PATH"}')
    ((kind, where),) = value.items()
    if not isinstance(where, str) or not where:
        raise ValueError(f"the secret's {kind} must be a non-empty text")
    return Secret(**{kind: where})


def _is_collection(kind: object) -> bool:
    return typing.get_origin(kind) in (
        list,
        tuple,
        set,
        frozenset,
        collections.abc.Sequence,
        collections.abc.Set,
    )


def _converter(*, lists_only: bool = True) -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(float, _strict_float)
    converter.register_structure_hook(bool, _on_off_bool)
    converter.register_structure_hook(Secret, _secret)
    converter.register_structure_hook(HttpUrl, http_url)
    converter.register_structure_hook(Seconds, seconds)
    converter.register_structure_hook(ZoneId, zone_id)
    # cattrs dispatches on the MRO: StrEnum must be named, or its ``str`` base would win.
    converter.register_structure_hook(enum.Enum, _enum)
    converter.register_structure_hook(enum.StrEnum, _enum)
    if lists_only:
        # cattrs would happily turn "everyone" into the set of its letters.
        inner = _converter(lists_only=False)

        def _list(value: object, kind: type) -> object:
            if not isinstance(value, list):
                raise ValueError(f"expected a list, got {value!r}")
            return inner.structure(value, kind)

        converter.register_structure_hook_func(_is_collection, _list)
    return converter


_CONVERTER = _converter()


def _format(exc: BaseException, kind: type | None) -> str:
    if isinstance(exc, ForbiddenExtraKeysError):
        known = [f.name for f in fields(exc.cl)] if is_dataclass(exc.cl) else []
        parts = []
        for key in sorted(exc.extra_fields):
            hint = difflib.get_close_matches(key, known, n=1)
            parts.append(f"{key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""))
        return f"unknown key {', '.join(parts)}; known keys: {', '.join(known) or 'none'}"
    if isinstance(exc, KeyError):
        return "required key missing"
    if isinstance(exc, ValueError | TypeError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def unknown_key(path: str, key: str, known: Sequence[str]) -> str:
    """``path.key: unknown key (did you mean ...?); known keys: ...``, for tables read by hand."""
    hint = difflib.get_close_matches(key, known, n=1)
    mean = f" (did you mean {hint[0]!r}?)" if hint else ""
    return f"{path}{'.' if path else ''}{key}: unknown key{mean}; known keys: {', '.join(known)}"


def structure(data: object, kind: type[T], path: str) -> tuple[T | None, list[str]]:
    """Structure ``data`` into ``kind``; return the value (or ``None``) and every problem found.

    :param path: where ``data`` sits in the file, e.g. ``"mailboxes[0].settings"``.
    """
    if not isinstance(data, dict):
        return None, [f"{path}: expected a table, got {data!r}"]
    try:
        return _CONVERTER.structure(data, kind), []
    except (ClassValidationError, IterableValidationError) as group:
        problems = []
        for line in transform_error(group, path="$", format_exception=_format):
            match = _AT.match(line)
            message, where = (match["message"], match["path"]) if match else (line, "")
            problems.append(
                f"{path}{'.' if where and not where.startswith('[') else ''}{where}: {message}"
            )
        return None, problems
    except (ValueError, TypeError) as exc:
        return None, [f"{path}: {exc}"]


def to_table(value: Any) -> Any:
    """Turn settings back into plain data (secrets stay references), e.g. for ``--json``."""
    return _CONVERTER.unstructure(value)
