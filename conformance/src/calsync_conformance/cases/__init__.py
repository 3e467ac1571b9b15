"""The cases, grouped as ``docs/exceptions.md`` groups the exceptions; importing registers them."""

from calsync_conformance.cases import (
    errors,
    people,
    precedence,
    resets,
    series,
    status,
    what_syncs,
)

__all__ = ["errors", "people", "precedence", "resets", "series", "status", "what_syncs"]
