"""The cases, grouped as ``docs/exceptions.md`` groups the exceptions; importing registers them."""

from calsync_conformance.cases import (
    adoption,
    errors,
    people,
    precedence,
    resets,
    series,
    status,
    what_syncs,
)

__all__ = ["adoption", "errors", "people", "precedence", "resets", "series", "status", "what_syncs"]
