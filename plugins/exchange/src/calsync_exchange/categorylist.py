"""The mailbox's master category list: where Outlook keeps each category's colour.

Outlook stores it as the ``XmlData`` of the ``CategoryList`` user configuration of the
default calendar folder::

    <categories default="" lastSavedSession="0" lastSavedTime="..." xmlns="CategoryList.xsd">
      <category name="Sync Error" color="0" keyboardShortcut="0" guid="{...}" .../>
    </categories>

``color`` is a preset index (0 red, -1 none). :class:`CategoryList` reads the list once per
provider and writes it back only when a name calsync needs is missing or has another
colour; everything else in the document (the person's own categories) is kept as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final

from exchangelib.errors import ErrorItemNotFound
from exchangelib.properties import (
    UserConfiguration,
    UserConfigurationName,
    UserConfigurationNameMNS,
)
from exchangelib.services import (
    CreateUserConfiguration,
    GetUserConfiguration,
    UpdateUserConfiguration,
)
from lxml import etree

from calsync_exchange.connection import Connection

__all__ = ["CONFIGURATION", "NO_COLOUR", "RED", "CategoryList", "colours", "merge"]

CONFIGURATION: Final = "CategoryList"
NAMESPACE: Final = "CategoryList.xsd"
RED: Final = 0
NO_COLOUR: Final = -1
_NEVER: Final = "1601-01-01T00:00:00.000"
_PARSER: Final = etree.XMLParser(resolve_entities=False, no_network=True)


def _categories(root: etree._Element) -> list[etree._Element]:
    return [
        e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "category"
    ]


def colours(xml: bytes | None) -> dict[str, int]:
    """Name -> colour index of every category in an ``XmlData`` document."""
    if not xml:
        return {}
    try:
        root = etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError:
        return {}
    found = {}
    for category in _categories(root):
        name = category.get("name")
        if name is not None:
            try:
                found[name] = int(category.get("color", str(NO_COLOUR)))
            except ValueError:
                found[name] = NO_COLOUR
    return found


def merge(xml: bytes | None, wanted: Mapping[str, int], now: datetime) -> bytes:
    """``xml`` with every name of ``wanted`` present in its colour, the rest untouched."""
    root = None
    if xml:
        try:
            root = etree.fromstring(xml, parser=_PARSER)
        except etree.XMLSyntaxError:
            root = None  # an unreadable list is replaced, as Outlook would
    if root is None:
        root = etree.Element(f"{{{NAMESPACE}}}categories", nsmap={None: NAMESPACE}, default="")
        root.set("lastSavedSession", "0")
    namespace = etree.QName(root).namespace
    tag = f"{{{namespace}}}category" if namespace else "category"
    existing = {c.get("name"): c for c in _categories(root)}
    for name, colour in wanted.items():
        category = existing.get(name)
        if category is None:
            category = etree.SubElement(root, tag, name=name)
            category.set("keyboardShortcut", "0")
            category.set("usageCount", "0")
            category.set("lastTimeUsed", _NEVER)
            category.set("guid", "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, name)).upper() + "}")
        category.set("color", str(colour))
    root.set("lastSavedTime", now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000"))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


class CategoryList:
    """The master category list of one mailbox, read once and written when needed."""

    def __init__(self, connection: Connection) -> None:
        """Manage the list of ``connection``'s calendar."""
        self.connection = connection
        self._xml: bytes | None = None
        self._known: dict[str, int] | None = None
        self._exists = False

    def _load(self) -> dict[str, int]:
        if self._known is None:
            # The services take the calendar's distinguished id; the folder methods would
            # first want its real id (one more GetFolder).
            name = UserConfigurationNameMNS(name=CONFIGURATION, folder=self.connection.calendar)
            service = GetUserConfiguration(account=self.connection.account)
            try:
                config = service.get(user_configuration_name=name, properties="XmlData")
            except ErrorItemNotFound:
                self._xml, self._exists = None, False
            else:
                self._xml, self._exists = config.xml_data, True
            self._known = colours(self._xml)
        return self._known

    def ensure(self, wanted: Mapping[str, int], now: datetime) -> None:
        """Register each name of ``wanted`` with its colour; one write at most."""
        known = self._load()
        missing = {name: colour for name, colour in wanted.items() if known.get(name) != colour}
        if not missing:
            return
        xml = merge(self._xml, missing, now)
        configuration = UserConfiguration(
            user_configuration_name=UserConfigurationName(
                name=CONFIGURATION, folder=self.connection.calendar
            ),
            xml_data=xml,
        )
        service = UpdateUserConfiguration if self._exists else CreateUserConfiguration
        service(account=self.connection.account).get(user_configuration=configuration)
        self._xml, self._exists = xml, True
        known.update(missing)
