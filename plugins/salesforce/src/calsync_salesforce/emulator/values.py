"""Field values: reading them from JSON bodies and writing them back to the wire.

In the store a value is a Python object: ``datetime`` (aware, UTC, millisecond precision),
``date``, ``bool``, ``int``, ``float``, ``str``, ``list[str]`` (JunctionIdList) or ``None``.
On the wire datetimes are ``2025-03-10T08:00:00.000+0000`` and dates ``2025-03-10``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from calsync_salesforce.emulator.errors import SalesforceError, json_parser
from calsync_salesforce.emulator.schema import FieldDef, FieldType

_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def truncate_ms(moment: datetime) -> datetime:
    """Drop sub-millisecond precision (Salesforce keeps milliseconds)."""
    return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)


def format_datetime(moment: datetime) -> str:
    """Render an instant the way Salesforce does: UTC with milliseconds and ``+0000``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def parse_datetime(text: str) -> datetime | None:
    """Read an ISO-8601 instant (``Z``, ``+hh:mm`` or ``+hhmm``; no offset means UTC)."""
    match = _DATETIME.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        zone: timezone = UTC
        if offset and offset != "Z":
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            zone = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")[:6]),
            tzinfo=zone,
        )
    except ValueError:
        return None
    return truncate_ms(moment)


def parse_date(text: str) -> date | None:
    """Read ``YYYY-MM-DD`` (a full datetime is accepted and its date part kept)."""
    match = _DATE.match(text.strip())
    if match is None:
        moment = parse_datetime(text)
        return moment.date() if moment is not None else None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def to_wire(value: Any) -> Any:
    """Render a stored value as JSON."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def _cannot(kind: str, value: Any) -> SalesforceError:
    token = "VALUE_STRING" if isinstance(value, str) else "VALUE_" + type(value).__name__.upper()
    return json_parser(
        f"Cannot deserialize instance of {kind} from {token} value {value} "
        "or request may be missing a required field"
    )


def coerce(spec: FieldDef, value: Any) -> Any:
    """Turn a JSON value sent for ``spec`` into the stored Python value.

    :raises SalesforceError: ``JSON_PARSER_ERROR`` for a value of the wrong type,
        ``STRING_TOO_LONG`` for text longer than the field allows.
    """
    if value is None:
        return None
    kind = spec.type
    if kind is FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _cannot("boolean", value)
    if kind is FieldType.INT:
        if isinstance(value, bool):
            raise _cannot("int", value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise _cannot("int", value)
    if kind is FieldType.DOUBLE:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise _cannot("double", value)
    if kind is FieldType.DATETIME:
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            raise _cannot("datetime", value)
        return parsed
    if kind is FieldType.DATE:
        day = parse_date(value) if isinstance(value, str) else None
        if day is None:
            raise _cannot("date", value)
        return day
    if kind is FieldType.JUNCTION_ID_LIST:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        raise _cannot("JunctionIdList", value)
    # Text of every flavour: JSON numbers and booleans are accepted and stringified.
    if isinstance(value, dict | list):
        raise _cannot("string", value)
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    # Salesforce counts characters as Java does: "surrogate pair characters are treated as
    # two characters" (Salesforce Help, knowledge article 005166849), so an emoji counts two.
    if spec.length and len(text.encode("utf-16-le")) // 2 > spec.length:
        raise SalesforceError(
            400,
            "STRING_TOO_LONG",
            f"{spec.label}: data value too large: {text[:80]} (max length={spec.length})",
            [spec.name],
        )
    return text
