"""The org's metadata: sObject and field definitions, as frozen values.

Field names are case-insensitive in Salesforce (REST bodies and SOQL alike), so every
:class:`ObjectDef` answers look-ups by any spelling and reports the canonical one.
Custom fields are declared as data (:func:`custom_field`) and added with
:meth:`ObjectDef.with_field`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from typing import Any


class FieldType(enum.StrEnum):
    """The describe ``type`` of a field (the subset the emulated objects use)."""

    ID = "id"
    STRING = "string"
    TEXTAREA = "textarea"
    EMAIL = "email"
    PHONE = "phone"
    BOOLEAN = "boolean"
    INT = "int"
    DOUBLE = "double"
    DATE = "date"
    DATETIME = "datetime"
    REFERENCE = "reference"
    PICKLIST = "picklist"
    COMBOBOX = "combobox"
    JUNCTION_ID_LIST = "junctionidlist"


#: Types whose values are strings on the wire and in SOQL.
TEXT_TYPES = frozenset(
    {
        FieldType.ID,
        FieldType.STRING,
        FieldType.TEXTAREA,
        FieldType.EMAIL,
        FieldType.PHONE,
        FieldType.REFERENCE,
        FieldType.PICKLIST,
        FieldType.COMBOBOX,
    }
)

_SOAP_TYPES = {
    FieldType.ID: "tns:ID",
    FieldType.REFERENCE: "tns:ID",
    FieldType.BOOLEAN: "xsd:boolean",
    FieldType.INT: "xsd:int",
    FieldType.DOUBLE: "xsd:double",
    FieldType.DATE: "xsd:date",
    FieldType.DATETIME: "xsd:dateTime",
    FieldType.JUNCTION_ID_LIST: "tns:JunctionIdList",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldDef:
    """One field of an sObject, as describe reports it to a user with full access."""

    name: str
    type: FieldType
    label: str
    length: int = 0
    createable: bool = True
    updateable: bool = True
    nillable: bool = True
    custom: bool = False
    external_id: bool = False
    unique: bool = False
    #: Text compares exactly ("Unique, case sensitive"); by default ``"ABC"`` is ``"abc"``.
    case_sensitive: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    picklist: tuple[str, ...] = ()
    restricted_picklist: bool = False
    #: Value the server fills in on create when the body leaves the field out.
    default: Any = None
    filterable: bool = True
    sortable: bool = True
    #: The field must be given on create (a non-nillable createable field with no default).
    required: bool = False

    @property
    def soap_type(self) -> str:
        """The describe ``soapType``."""
        return _SOAP_TYPES.get(self.type, "xsd:string")

    @property
    def polymorphic(self) -> bool:
        """Whether the reference can point at more than one object (Who, What, Owner)."""
        return len(self.reference_to) > 1


@dataclass(frozen=True, slots=True)
class ObjectDef:
    """One sObject type: its key prefix, what the API may do with it, and its fields."""

    name: str
    label: str
    key_prefix: str
    fields: tuple[FieldDef, ...]
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    queryable: bool = True
    custom: bool = False
    _by_lower: dict[str, FieldDef] = dc_field(default_factory=dict, compare=False, repr=False)
    _by_relationship: dict[str, FieldDef] = dc_field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        """Index the fields by lower-case name and relationship name."""
        self._by_lower.update({f.name.lower(): f for f in self.fields})
        self._by_relationship.update(
            {f.relationship_name.lower(): f for f in self.fields if f.relationship_name}
        )

    def field(self, name: str) -> FieldDef | None:
        """Return the field called ``name`` in any letter case, or ``None``."""
        return self._by_lower.get(name.lower())

    def relationship(self, name: str) -> FieldDef | None:
        """Return the reference field of relationship ``name`` (``Owner`` -> ``OwnerId``)."""
        return self._by_relationship.get(name.lower())

    def with_field(self, new: FieldDef) -> ObjectDef:
        """Return a copy with ``new`` added (or replacing the field of the same name)."""
        kept = tuple(f for f in self.fields if f.name.lower() != new.name.lower())
        return replace(self, fields=(*kept, new), _by_lower={}, _by_relationship={})

    def without_field(self, name: str) -> ObjectDef:
        """Return a copy without the field called ``name``."""
        kept = tuple(f for f in self.fields if f.name.lower() != name.lower())
        return replace(self, fields=kept, _by_lower={}, _by_relationship={})


def custom_field(
    name: str,
    type: FieldType | str = FieldType.STRING,
    *,
    label: str | None = None,
    length: int = 255,
    external_id: bool = False,
    unique: bool = False,
    case_sensitive: bool = False,
    required: bool = False,
    picklist: Iterable[str] = (),
    restricted_picklist: bool = False,
    default: Any = None,
) -> FieldDef:
    """Declare a custom field (the name must end in ``__c``).

    :param name: API name, e.g. ``"Calsync_Ref__c"``.
    :param type: a :class:`FieldType` (text by default).
    :param external_id: an External ID field: usable for upsert and ``idLookup``.
    :param unique: refuse two records with the same value.
    :param case_sensitive: ``unique`` and external-id matches compare text exactly (by
        default case-insensitively, as Salesforce does unless told otherwise).
    :param required: refuse a create without it.
    """
    if not name.endswith("__c"):
        raise ValueError(f"custom field names end in __c: {name!r}")
    kind = FieldType(type)
    text_length = length if kind in TEXT_TYPES else 0
    if kind is FieldType.TEXTAREA and length == 255:
        text_length = 32768
    return FieldDef(
        name=name,
        type=kind,
        label=label or name[:-3].replace("_", " "),
        length=text_length,
        custom=True,
        external_id=external_id,
        unique=unique,
        case_sensitive=case_sensitive,
        nillable=not required,
        required=required,
        picklist=tuple(picklist),
        restricted_picklist=restricted_picklist,
        default=default,
        filterable=kind is not FieldType.TEXTAREA,
        sortable=kind is not FieldType.TEXTAREA,
    )
