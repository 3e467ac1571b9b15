"""The cases, grouped as ``docs/exceptions.md`` groups the exceptions; importing registers them."""

from calsync_conformance.cases import (
    adoption,
    errors,
    mass_delete,
    people,
    precedence,
    privacy,
    resets,
    series,
    status,
    what_syncs,
)

__all__ = [
    "adoption",
    "errors",
    "mass_delete",
    "people",
    "precedence",
    "privacy",
    "resets",
    "series",
    "status",
    "what_syncs",
]
