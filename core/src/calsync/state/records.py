"""The rows of the state database, as values."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "DirectionStatus",
    "Link",
    "LinkKind",
    "MailboxState",
    "MailboxStatus",
    "OutboxEntry",
    "PassRecord",
    "ResetState",
    "Side",
]


class Side(enum.StrEnum):
    """One side of the sync."""

    MAILBOX = "mailbox"
    CRM = "crm"

    @property
    def other(self) -> Side:
        """The opposite side."""
        return Side.CRM if self is Side.MAILBOX else Side.MAILBOX


class LinkKind(enum.StrEnum):
    """What a link pairs."""

    SINGLE = "single"
    SERIES = "series"
    #: One occurrence of a series (changed on its own or not), keyed by original start.
    OCCURRENCE = "occurrence"


@dataclass(slots=True, kw_only=True)
class Link:
    """A pair of counterparts (mutable while a pass works on it)."""

    mailbox: str
    kind: LinkKind
    mailbox_key: str
    crm_key: str
    mailbox_token: str = ""
    crm_token: str = ""
    mailbox_hash: str = ""
    crm_hash: str = ""
    shared: bool = False
    uid: str | None = None
    exclusions: list[str] = field(default_factory=list)
    detached: bool = False
    synced_at: datetime | None = None
    id: int | None = None

    def key(self, side: Side) -> str:
        """The item's identity on ``side``."""
        return self.mailbox_key if side is Side.MAILBOX else self.crm_key

    def token(self, side: Side) -> str:
        """The change token last seen or written on ``side``."""
        return self.mailbox_token if side is Side.MAILBOX else self.crm_token

    def hash(self, side: Side) -> str:
        """The content hash last seen or written on ``side``."""
        return self.mailbox_hash if side is Side.MAILBOX else self.crm_hash

    def remember(self, side: Side, *, token: str | None = None, content: str | None = None) -> None:
        """Record what ``side`` now holds."""
        if side is Side.MAILBOX:
            self.mailbox_token = self.mailbox_token if token is None else token
            self.mailbox_hash = self.mailbox_hash if content is None else content
        else:
            self.crm_token = self.crm_token if token is None else token
            self.crm_hash = self.crm_hash if content is None else content


class MailboxStatus(enum.StrEnum):
    """Where a mailbox stands (EX-27, EX-28)."""

    NOT_INITIALIZED = "not-initialized"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ADDRESS_NOT_LINKED = "address-not-linked"


class DirectionStatus(enum.StrEnum):
    """Where one direction of a mailbox's sync stands (architecture §7)."""

    NOT_STARTED = "not-started"
    INITIAL_SYNC_IN_PROGRESS = "initial-sync-in-progress"
    INITIAL_SYNC_COMPLETED = "initial-sync-completed"
    SYNC_IN_PROGRESS = "sync-in-progress"
    IN_SYNC = "in-sync"
    NOT_CONFIGURED = "not-configured"


class ResetState(enum.StrEnum):
    """A mailbox reset's progress."""

    NONE = ""
    MARKED = "marked"
    IN_PROGRESS = "in-progress"


@dataclass(slots=True, kw_only=True)
class MailboxState:
    """A mailbox's stored status."""

    name: str
    address: str
    provider: str
    status: MailboxStatus = MailboxStatus.NOT_INITIALIZED
    enabled: bool = True
    suspended_by: str | None = None
    reset: ResetState = ResetState.NONE
    crm_user: str | None = None
    up_status: DirectionStatus = DirectionStatus.NOT_STARTED
    down_status: DirectionStatus = DirectionStatus.NOT_STARTED
    consecutive_failures: int = 0
    last_pass_at: datetime | None = None
    last_success_at: datetime | None = None

    @property
    def effectively_enabled(self) -> bool:
        """Whether passes run: enabled by an admin and not suspended by an issue."""
        return self.enabled and self.status not in (
            MailboxStatus.SUSPENDED,
            MailboxStatus.ADDRESS_NOT_LINKED,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PassRecord:
    """What one pass did."""

    mailbox: str
    started_at: datetime
    finished_at: datetime
    outcome: str
    synced_up: int = 0
    synced_down: int = 0
    issues_open: int = 0
    api_calls: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxEntry:
    """A write started but not confirmed: a create on ``side`` for the item ``source_key``."""

    mailbox: str
    side: Side
    operation: str
    source_key: str
    created_at: datetime
    id: int | None = None
