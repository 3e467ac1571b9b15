"""What happened to one mailbox in a run: the report the CLI, the API and the workers show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["PassReport"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PassReport:
    """What happened to one mailbox in a run."""

    mailbox: str
    #: ``ok``, ``issues`` (finished with item issues), ``suspended``, ``disabled``, ``failed``,
    #: ``busy`` (another process was syncing it).
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
