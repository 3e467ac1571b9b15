"""Describe Global (``/sobjects``) and sObject Describe (``/sobjects/{Object}/describe``).

Field lists are per calling user: a field the profile may not read is absent, a read-only
one reports ``createable``/``updateable`` false (the same rules DML enforces). Picklists
list their values; the time-zone picklists (``User.TimeZoneSidKey``,
``Event.RecurrenceTimeZoneSidKey``) carry the org's 424 values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calsync_salesforce.emulator.rendering import version_of
from calsync_salesforce.emulator.schema import FieldDef, FieldType, ObjectDef
from calsync_salesforce.emulator.timezones import SALESFORCE_TIME_ZONES, picklist_label

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.state import OrgState

_TIME_ZONE_FIELDS = frozenset({"TimeZoneSidKey", "RecurrenceTimeZoneSidKey"})


def _urls(caller: Caller, sobject: ObjectDef) -> dict[str, str]:
    base = f"/services/data/v{version_of(caller)}/sobjects/{sobject.name}"
    return {
        "sobject": base,
        "describe": f"{base}/describe",
        "rowTemplate": f"{base}/{{ID}}",
    }


def _summary(caller: Caller, sobject: ObjectDef) -> dict[str, Any]:
    return {
        "name": sobject.name,
        "label": sobject.label,
        "labelPlural": sobject.label + "s",
        "keyPrefix": sobject.key_prefix,
        "custom": sobject.custom,
        "createable": sobject.createable,
        "updateable": sobject.updateable,
        "deletable": sobject.deletable,
        "queryable": sobject.queryable,
        "retrieveable": True,
        "searchable": sobject.queryable,
        "replicateable": True,
        "urls": _urls(caller, sobject),
    }


def describe_global(org: OrgState, caller: Caller) -> dict[str, Any]:
    """Return the objects the caller's org exposes."""
    objects = [
        _summary(caller, found)
        for name in sorted(org.objects)
        if (found := org.visible_object(caller, name)) is not None
    ]
    return {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": objects}


def describe_object(org: OrgState, caller: Caller, sobject: ObjectDef) -> dict[str, Any]:
    """One object with its fields as the caller may use them."""
    fields = [_field(org, caller, sobject, spec) for spec in org.readable_fields(caller, sobject)]
    return {
        **_summary(caller, sobject),
        "fields": fields,
        "childRelationships": [],
        "recordTypeInfos": [],
    }


def _field(org: OrgState, caller: Caller, sobject: ObjectDef, spec: FieldDef) -> dict[str, Any]:
    picklist: list[dict[str, Any]] = []
    if spec.name in _TIME_ZONE_FIELDS:
        now = org.now()
        picklist = [_value(v, picklist_label(v, now)) for v in SALESFORCE_TIME_ZONES]
    elif spec.picklist:
        picklist = [_value(v, v, default=v == spec.default) for v in spec.picklist]
    return {
        "name": spec.name,
        "label": spec.label,
        "type": spec.type.value,
        "soapType": spec.soap_type,
        "length": spec.length,
        "custom": spec.custom,
        "createable": org.writable(caller, sobject, spec, creating=True),
        "updateable": org.writable(caller, sobject, spec, creating=False),
        "nillable": spec.nillable,
        "defaultedOnCreate": spec.default is not None,
        "externalId": spec.external_id,
        "idLookup": spec.external_id or spec.type is FieldType.ID,
        "unique": spec.unique,
        "caseSensitive": spec.case_sensitive,
        "filterable": spec.filterable,
        "sortable": spec.sortable,
        "calculated": False,
        "referenceTo": list(spec.reference_to),
        "relationshipName": spec.relationship_name,
        "polymorphicForeignKey": spec.polymorphic,
        "picklistValues": picklist,
        "restrictedPicklist": spec.restricted_picklist,
    }


def _value(value: str, label: str, *, default: bool = False) -> dict[str, Any]:
    return {
        "active": True,
        "defaultValue": default,
        "label": label,
        "validFor": None,
        "value": value,
    }
