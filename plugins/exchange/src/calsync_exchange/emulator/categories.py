"""The master category list, in the XML Outlook keeps in the calendar folder.

Outlook stores it as the ``XmlData`` of the ``CategoryList`` user configuration object
(message class ``IPM.Configuration.CategoryList``) of the default calendar folder::

    <categories default="..." lastSavedSession="0" lastSavedTime="..." xmlns="CategoryList.xsd">
      <category name="Sync Error" color="0" keyboardShortcut="0" ... guid="{...}"/>
    </categories>

``color`` is a preset index: -1 is none, 0 red, 1 orange, 2 peach, 3 yellow, 4 green,
5 teal, 6 olive, 7 blue, 8 purple, 9 maroon, 10-14 steel/dark steel/gray/dark gray/black,
15-24 the dark variants. Exchange treats the blob as opaque; only clients parse it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lxml import etree

NAMESPACE = "CategoryList.xsd"
CONFIGURATION_NAME = "CategoryList"
#: Outlook's preset colour names by index.
COLOURS = (
    "Red",
    "Orange",
    "Peach",
    "Yellow",
    "Green",
    "Teal",
    "Olive",
    "Blue",
    "Purple",
    "Maroon",
    "Steel",
    "DarkSteel",
    "Gray",
    "DarkGray",
    "Black",
    "DarkRed",
    "DarkOrange",
    "DarkPeach",
    "DarkYellow",
    "DarkGreen",
    "DarkTeal",
    "DarkOlive",
    "DarkBlue",
    "DarkPurple",
    "DarkMaroon",
)
NO_COLOUR = -1
_NEVER = "1601-01-01T00:00:00.000"


def render(categories: dict[str, int], saved_at: datetime) -> bytes:
    """Render the ``XmlData`` document for ``categories`` (name -> colour index)."""
    stamp = saved_at.strftime("%Y-%m-%dT%H:%M:%S.000")
    root = etree.Element(
        f"{{{NAMESPACE}}}categories",
        nsmap={None: NAMESPACE},
        default="",
        lastSavedSession="0",
        lastSavedTime=stamp,
    )
    for name, colour in categories.items():
        etree.SubElement(
            root,
            f"{{{NAMESPACE}}}category",
            name=name,
            color=str(colour),
            keyboardShortcut="0",
            usageCount="0",
            lastTimeUsedNotes=_NEVER,
            lastTimeUsedJournal=_NEVER,
            lastTimeUsedContacts=_NEVER,
            lastTimeUsedTasks=_NEVER,
            lastTimeUsedCalendar=_NEVER,
            lastTimeUsedMail=_NEVER,
            lastTimeUsed=_NEVER,
            lastSessionUsed="0",
            guid="{" + str(uuid.uuid5(uuid.NAMESPACE_URL, name)).upper() + "}",
        )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def parse(xml_data: bytes | None) -> dict[str, int]:
    """Name -> colour index from an ``XmlData`` document (empty when absent or unreadable).

    Outlook's own writer sometimes omits the namespace; both forms are read.
    """
    if not xml_data:
        return {}
    try:
        root = etree.fromstring(
            xml_data, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError:
        return {}
    found: dict[str, int] = {}
    for elem in root.iter():
        if not isinstance(elem.tag, str) or etree.QName(elem).localname != "category":
            continue
        name = elem.get("name")
        if name is None:
            continue
        try:
            found[name] = int(elem.get("color", str(NO_COLOUR)))
        except ValueError:
            found[name] = NO_COLOUR
    return found


def colour_name(index: int) -> str | None:
    """Outlook's name of a preset colour (``None`` for no colour)."""
    return COLOURS[index] if 0 <= index < len(COLOURS) else None
