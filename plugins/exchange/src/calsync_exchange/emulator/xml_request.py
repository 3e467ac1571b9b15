"""Reading the parts of EWS requests that are not item bodies.

Item ids (plain, occurrence, recurring master), folder ids, response shapes, property paths
(``FieldURI``/``ExtendedFieldURI``), restrictions and sort orders become small frozen
values here; the operations never touch raw XML for these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from calsync_exchange.emulator._xml import Element, local, t
from calsync_exchange.emulator.errors import schema_error
from calsync_exchange.emulator.values import ExtendedKey

#: Distinguished property sets and their GUIDs (MS-OXPROPS), so that a property written
#: with ``DistinguishedPropertySetId="PublicStrings"`` is the one read with its GUID.
PROPERTY_SETS = {
    "Meeting": "6ED8DA90-450B-101B-98DA-00AA003F1305",
    "Appointment": "00062002-0000-0000-C000-000000000046",
    "Common": "00062008-0000-0000-C000-000000000046",
    "PublicStrings": "00020329-0000-0000-C000-000000000046",
    "Address": "00062004-0000-0000-C000-000000000046",
    "InternetHeaders": "00020386-0000-0000-C000-000000000046",
    "CalendarAssistant": "11000E07-B51B-40D6-AF21-CAA85EDAB1D0",
    "UnifiedMessaging": "4442858E-A9E3-4E80-B900-317A210CC15B",
    "Task": "00062003-0000-0000-C000-000000000046",
    "Sharing": "00062040-0000-0000-C000-000000000046",
}


@final
@dataclass(frozen=True, slots=True)
class ExtendedUri:
    """An ``ExtendedFieldURI``: the property's identity and the attributes as written.

    The server echoes the attributes back in the form the client used.
    """

    key: ExtendedKey
    attrs: tuple[tuple[str, str], ...]


@final
@dataclass(frozen=True, slots=True)
class FieldPath:
    """A ``FieldURI`` (or an ``IndexedFieldURI``, which calendar items never match)."""

    uri: str


PropertyPath = FieldPath | ExtendedUri


@final
@dataclass(frozen=True, slots=True)
class ItemRef:
    """``t:ItemId``."""

    item_id: str
    change_key: str | None


@final
@dataclass(frozen=True, slots=True)
class OccurrenceRef:
    """``t:OccurrenceItemId``: occurrence ``index`` of a master."""

    master_id: str
    change_key: str | None
    index: int


@final
@dataclass(frozen=True, slots=True)
class MasterRef:
    """``t:RecurringMasterItemId``: the master of an occurrence or exception."""

    occurrence_id: str
    change_key: str | None


IdRef = ItemRef | OccurrenceRef | MasterRef


@final
@dataclass(frozen=True, slots=True)
class FolderRef:
    """A ``DistinguishedFolderId`` (``distinguished`` set) or a ``FolderId``."""

    distinguished: str | None
    folder_id: str | None
    mailbox: str | None


@final
@dataclass(frozen=True, slots=True)
class Shape:
    """An ``ItemShape``: base shape, additional properties and body type."""

    base: str
    fields: tuple[str, ...]
    extended: tuple[ExtendedUri, ...]
    body_type: str = "Best"


def _int(value: str) -> int:
    return int(value, 16) if value.lower().startswith("0x") else int(value)


def parse_extended_uri(elem: Element) -> ExtendedUri:
    """Read an ``ExtendedFieldURI`` (or ``t:ExtendedFieldURI`` inside ``ExtendedProperty``)."""
    attrs = dict(elem.attrib)
    property_type = attrs.get("PropertyType")
    if property_type is None:
        raise schema_error("ExtendedFieldURI requires the PropertyType attribute.")
    if "DistinguishedPropertySetId" in attrs:
        name = attrs["DistinguishedPropertySetId"]
        if name not in PROPERTY_SETS:
            raise schema_error(f"Unknown DistinguishedPropertySetId {name!r}.")
        property_set: str | None = PROPERTY_SETS[name]
    elif "PropertySetId" in attrs:
        property_set = attrs["PropertySetId"].strip("{}").upper()
    else:
        property_set = None
    if "PropertyName" in attrs:
        key_name = attrs["PropertyName"]
    elif "PropertyId" in attrs:
        key_name = f"id:{_int(attrs['PropertyId'])}"
    elif "PropertyTag" in attrs:
        key_name = f"tag:0x{_int(attrs['PropertyTag']):04X}"
    else:
        raise schema_error("ExtendedFieldURI needs PropertyName, PropertyId or PropertyTag.")
    if property_set is None and not key_name.startswith("tag:"):
        raise schema_error("A named extended property needs a property set.")
    return ExtendedUri(
        ExtendedKey(property_set, key_name, property_type), tuple(sorted(attrs.items()))
    )


def parse_path(elem: Element) -> PropertyPath:
    """Read a property path element (``FieldURI``, ``ExtendedFieldURI``, ``IndexedFieldURI``)."""
    name = local(elem)
    if name == "FieldURI":
        return FieldPath(elem.get("FieldURI", ""))
    if name == "ExtendedFieldURI":
        return parse_extended_uri(elem)
    if name == "IndexedFieldURI":
        return FieldPath(f"{elem.get('FieldURI')}:{elem.get('FieldIndex')}")
    raise schema_error(f"Unexpected property path element {name!r}.")


def parse_shape(elem: Element | None) -> Shape:
    """Read an ``ItemShape`` (absent: ``IdOnly``)."""
    if elem is None:
        return Shape("IdOnly", (), ())
    base = elem.findtext(t("BaseShape")) or "IdOnly"
    if base not in ("IdOnly", "Default", "AllProperties"):
        raise schema_error(f"Invalid BaseShape {base!r}.")
    fields: list[str] = []
    extended: list[ExtendedUri] = []
    additional = elem.find(t("AdditionalProperties"))
    for child in additional if additional is not None else ():
        path = parse_path(child)
        if isinstance(path, ExtendedUri):
            extended.append(path)
        else:
            fields.append(path.uri)
    return Shape(base, tuple(fields), tuple(extended), elem.findtext(t("BodyType")) or "Best")


def parse_id(elem: Element) -> IdRef:
    """Read one of the three item id forms."""
    name = local(elem)
    change_key = elem.get("ChangeKey")
    if name == "ItemId":
        return ItemRef(elem.get("Id", ""), change_key)
    if name == "OccurrenceItemId":
        try:
            index = int(elem.get("InstanceIndex", ""))
        except ValueError:
            raise schema_error("OccurrenceItemId needs an integer InstanceIndex.") from None
        return OccurrenceRef(elem.get("RecurringMasterId", ""), change_key, index)
    if name == "RecurringMasterItemId":
        return MasterRef(elem.get("OccurrenceId", ""), change_key)
    raise schema_error(f"Unexpected item id element {name!r}.")


def parse_ids(container: Element | None) -> list[IdRef]:
    """Every item id in a container such as ``m:ItemIds``."""
    return [parse_id(child) for child in (container if container is not None else ())]


def parse_folder(elem: Element) -> FolderRef:
    """Read a ``DistinguishedFolderId`` or ``FolderId``."""
    if local(elem) == "DistinguishedFolderId":
        mailbox = elem.find(t("Mailbox"))
        address = mailbox.findtext(t("EmailAddress")) if mailbox is not None else None
        return FolderRef(elem.get("Id"), None, address)
    if local(elem) == "FolderId":
        return FolderRef(None, elem.get("Id"), None)
    raise schema_error(f"Unexpected folder id element {local(elem)!r}.")


def parse_folders(container: Element | None) -> list[FolderRef]:
    """Every folder id in a container such as ``m:FolderIds``."""
    return [parse_folder(child) for child in (container if container is not None else ())]
