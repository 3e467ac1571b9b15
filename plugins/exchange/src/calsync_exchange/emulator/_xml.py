"""XML namespaces and small lxml helpers shared by the request parser and the renderers.

EWS speaks SOAP 1.1 with three Exchange namespaces: ``m`` (messages), ``t`` (types) and
``e`` (errors, only inside SOAP faults). The helpers here build elements in those namespaces
and read values the way the real server does: by qualified tag, ignoring prefixes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TypeAlias

from lxml import etree

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
E = "http://schemas.microsoft.com/exchange/services/2006/errors"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

NSMAP = {"s": SOAP, "m": M, "t": T}

#: An lxml element (the type exchangelib parses with, too).
Element: TypeAlias = etree._Element

# Requests are parsed strictly (no recovery, no entities, no network): a real EWS front end
# rejects XML it cannot read instead of guessing, unlike exchangelib's forgiving parser.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True
)


class XmlSyntaxError(ValueError):
    """The request body is not well-formed XML."""


def parse(body: bytes) -> Element:
    """Parse a request body, raising :class:`XmlSyntaxError` when it is not well-formed."""
    try:
        return etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise XmlSyntaxError(str(exc)) from exc


def m(name: str) -> str:
    """Qualified name in the messages namespace."""
    return f"{{{M}}}{name}"


def t(name: str) -> str:
    """Qualified name in the types namespace."""
    return f"{{{T}}}{name}"


def local(elem: Element) -> str:
    """Return the local name of ``elem`` (its tag without namespace)."""
    return etree.QName(elem).localname


def sub(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    """Append a child ``tag`` (a qualified name) with optional text and attributes."""
    child = etree.SubElement(parent, tag, attrib={k: v for k, v in attrs.items()})
    if text is not None:
        child.text = text
    return child


def new(tag: str, **attrs: str) -> Element:
    """Return a detached element using the standard ``s``/``m``/``t`` prefixes."""
    return etree.Element(tag, attrib=dict(attrs), nsmap=NSMAP)


def to_bytes(elem: Element) -> bytes:
    """Serialise ``elem`` as a UTF-8 document with an XML declaration."""
    return etree.tostring(elem, xml_declaration=True, encoding="utf-8")


def text_of(parent: Element, tag: str) -> str | None:
    """Return the text of the first child ``tag`` (qualified), or ``None`` when it is absent."""
    child = parent.find(tag)
    if child is None:
        return None
    return child.text or ""


# -- value conversions -------------------------------------------------------------------


def parse_bool(value: str) -> bool:
    """Parse an ``xs:boolean`` (``true``/``false``/``1``/``0``)."""
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValueError(f"not an xs:boolean: {value!r}")


def render_bool(value: bool) -> str:
    """Booleans as the server writes them."""
    return "true" if value else "false"


def parse_datetime(value: str, default_zone: tzinfo = UTC) -> datetime:
    """Parse an ``xs:dateTime``; one without an offset is read in ``default_zone``."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_zone)
    return parsed.astimezone(UTC)


def render_datetime(value: datetime) -> str:
    """Datetimes leave the server in UTC with a ``Z`` suffix, as Exchange writes them."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def parse_date(value: str) -> date:
    """Parse an ``xs:date``, with or without an offset (``2025-03-03``, ``2025-03-03+01:00``)."""
    return date.fromisoformat(value.strip()[:10])


def render_date(value: date, offset: timedelta | None) -> str:
    """Render a date with the zone offset Exchange appends (``2025-03-03+01:00``; ``Z`` for UTC)."""
    if offset is None or offset == timedelta(0):
        return f"{value.isoformat()}Z"
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{value.isoformat()}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_duration(value: str) -> timedelta:
    """Parse an ``xs:duration`` of the small kind EWS uses (``-PT1H``, ``PT2H30M``, ``P1DT0H``)."""
    text = value.strip()
    negative = text.startswith("-")
    text = text.lstrip("-")
    if not text.startswith("P"):
        raise ValueError(f"not an xs:duration: {value!r}")
    days_part, _, time_part = text[1:].partition("T")
    total = timedelta(days=float(days_part[:-1])) if days_part.endswith("D") else timedelta()
    number = ""
    for char in time_part:
        if char.isdigit() or char == ".":
            number += char
            continue
        unit = {"H": "hours", "M": "minutes", "S": "seconds"}[char]
        total += timedelta(**{unit: float(number)})
        number = ""
    return -total if negative else total


def render_duration(value: timedelta) -> str:
    """Render an ``xs:duration`` such as ``PT1H30M`` or ``-PT8H`` (``P1DT2H`` past a day)."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    out = f"{sign}P{days}D" if days else f"{sign}P"
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    clock += f"{seconds}S" if seconds else ""
    if not clock and not days:
        clock = "0S"
    return out + (f"T{clock}" if clock else "")
