"""What happened to one mailbox in a run: the report the CLI, the API and the workers show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

__all__ = ["MISCONFIGURED", "PassReport"]

#: The outcome of a pass that could not start because its mailbox's configuration cannot be
#: used (a secret gone since ``calsync check``): the command exits 2 once the others ran.
MISCONFIGURED: Final = "misconfigured"


@dataclass(frozen=True, slots=True, kw_only=True)
class PassReport:
    """What happened to one mailbox in a run."""

    mailbox: str
    #: ``ok``, ``issues`` (finished with item issues), ``suspended``, ``disabled``, ``failed``,
    #: ``busy`` (another process was syncing it), ``waiting`` (the organisation or the
    #: mailbox's service holds it back this round), ``misconfigured`` (:data:`MISCONFIGURED`).
    outcome: str
    synced_up: int = 0
    synced_down: int = 0
    #: Codes of the issues open after the pass.
    issues: tuple[str, ...] = ()
    detail: str = ""
    #: Provider calls the pass made, by side (``mailbox``, ``crm``).
    calls: Mapping[str, int] = field(default_factory=dict)
    #: Wall time of the pass, in seconds.
    seconds: float = 0.0
    #: Ties the pass's log records (and an INTERNAL_ERROR it raised) together.
    correlation_id: str | None = None
