"""A recorded issue: one occurrence of a catalogue code in a mailbox's (or the org's) log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final, final

from calsync.issues.catalogue import definition
from calsync.issues.definitions import IssueDefinition, Source, template_names

if TYPE_CHECKING:
    from calsync.model import CalendarItem

__all__ = ["ORGANISATION", "PRIVATE_ITEM", "Issue", "named"]

#: How an issue names a private item: its subject stays in the mailbox (EX-01), whatever the
#: policy syncs, since issues reach the console, the CLI and notifications.
PRIVATE_ITEM: Final = "a private item"
#: The ``mailbox`` of an issue about the whole organisation (a shared credential refused):
#: not a name a configured mailbox can have.
ORGANISATION: Final = "(organisation)"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """One recorded issue in a mailbox's issue log."""

    code: str
    mailbox: str
    #: The side the affected item is on, and its native id there (``None`` for mailbox issues).
    side: Source
    item_id: str | None
    message: str
    first_seen: datetime
    last_seen: datetime
    count: int = 1
    resolved_at: datetime | None = None
    #: Ties the issue to log lines (INTERNAL_ERROR).
    correlation_id: str | None = None
    #: Further item ids the issue is about (DUPLICATES_DETECTED lists every copy).
    related_ids: tuple[str, ...] = ()
    #: Whether its marker is shown on the mailbox item.
    marked: bool = False
    #: The row id in the state database.
    id: int | None = None

    @property
    def definition(self) -> IssueDefinition:
        """The catalogue entry of :attr:`code`."""
        return definition(self.code)

    @property
    def parameters(self) -> dict[str, str]:
        """What the issue's message was rendered with, and its mailbox."""
        side = "CRM" if self.side is Source.CRM else "mailbox"
        return {"mailbox": self.mailbox, "side": side, **self.definition.parameters(self.message)}

    @property
    def advice(self) -> str:
        """What to do about this issue, in its own words (its side, field, mailbox...)."""
        if self.mailbox == ORGANISATION and self.definition.organisation_advice:
            template = self.definition.organisation_advice
            return template.format(
                **{n: self.parameters.get(n, "?") for n in template_names(template)}
            )
        return self.definition.render_advice(**self.parameters)

    @property
    def is_open(self) -> bool:
        """Whether the issue is still unresolved."""
        return self.resolved_at is None


def named(item: CalendarItem) -> str:
    """How an issue message names ``item``: its subject, or :data:`PRIVATE_ITEM` if private."""
    return PRIVATE_ITEM if item.is_private else item.subject
