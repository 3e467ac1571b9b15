"""Resolving SOQL field paths against the org's schema as the calling user sees it.

A :class:`Catalog` answers what the user can see (field-level security hides fields the
profile may not read) and finds the records a relationship path leads to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from calsync_salesforce.emulator.schema import FieldDef, ObjectDef
from calsync_salesforce.emulator.soql.ast import Path
from calsync_salesforce.emulator.soql.errors import no_such_column
from calsync_salesforce.emulator.standard_objects import NAME

Record = dict[str, Any]


class Catalog(Protocol):
    """What query evaluation needs from the org, from the calling user's point of view."""

    @property
    def now(self) -> datetime:
        """Return the time ``TODAY`` and the other date literals are evaluated at."""

    @property
    def zone(self) -> ZoneInfo:
        """Return the calling user's zone, in which date literals are evaluated."""

    def visible_object(self, name: str) -> ObjectDef | None:
        """Return the object called ``name`` (any case) if the user may query it."""

    def visible_field(self, sobject: ObjectDef, name: str) -> FieldDef | None:
        """Return the field of ``sobject`` called ``name`` if the user may read it."""

    def resolve(self, record_id: str) -> tuple[str, Record] | None:
        """Return the live (not deleted) record with id ``record_id`` and its object name."""

    def name_view(self, sobject: str, record: Record) -> Record:
        """Return the record as the polymorphic ``Name`` pseudo-object shows it."""


@dataclass(frozen=True, slots=True)
class Step:
    """One relationship hop: the reference field followed and the object it leads to."""

    reference: FieldDef
    target: ObjectDef


@dataclass(frozen=True, slots=True)
class BoundPath:
    """A resolved path: relationship hops, then the field read at the end."""

    path: Path
    steps: tuple[Step, ...]
    field: FieldDef

    def read(self, record: Record, catalog: Catalog) -> Any:
        """Return the value the path reads from ``record`` (``None`` along a null relationship)."""
        current: Record | None = record
        for step in self.steps:
            assert current is not None
            target_id = current.get(step.reference.name)
            found = catalog.resolve(target_id) if target_id else None
            if found is None:
                return None
            sobject, current = found
            if step.target is NAME:
                current = catalog.name_view(sobject, current)
        assert current is not None
        return current.get(self.field.name)


def bind_path(source: str, path: Path, root: ObjectDef, catalog: Catalog) -> BoundPath:
    """Resolve ``path`` from ``root``.

    :raises SalesforceError: ``INVALID_FIELD`` "No such column" for an unknown or
        unreadable field or relationship.
    """
    current = root
    steps: list[Step] = []
    for hop in path.parts[:-1]:
        reference = current.relationship(hop)
        if reference is None or catalog.visible_field(current, reference.name) is None:
            raise no_such_column(source, path.pos, hop, current.name)
        if reference.polymorphic:
            target: ObjectDef | None = NAME
        else:
            target = catalog.visible_object(reference.reference_to[0])
        if target is None:
            raise no_such_column(source, path.pos, hop, current.name)
        steps.append(Step(reference, target))
        current = target
    last = path.parts[-1]
    spec = current.field(last) if current is NAME else catalog.visible_field(current, last)
    if spec is None:
        raise no_such_column(source, path.pos, last, current.name)
    return BoundPath(path, tuple(steps), spec)
