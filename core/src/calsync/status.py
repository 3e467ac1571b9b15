"""Status for people: each mailbox's state and the organisation's sync activity (EX-27).

Mirrors what sync products show admins: per mailbox its status (Not initialized, Active,
Suspended), whether synchronisation is effectively enabled, each direction's status and
records in sync; for the organisation, the last sync activity and the records synced in
the last 60 minutes and 24 hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import final

from calsync.config import MailboxConfig
from calsync.issues import ORGANISATION
from calsync.state import State
from calsync.state.records import DirectionStatus, MailboxState, MailboxStatus, ResetState

__all__ = ["MailboxView", "OrgView", "StatusView", "status_view"]


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class MailboxView:
    """One mailbox, as ``calsync status`` shows it."""

    name: str
    address: str
    provider: str
    status: MailboxStatus
    enabled: bool
    effectively_enabled: bool
    suspended_by: str | None
    reset: ResetState
    up: DirectionStatus
    down: DirectionStatus
    records_in_sync: int
    open_issues: int
    last_pass_at: datetime | None
    last_success_at: datetime | None
    #: The process syncing it right now (``host:pid``), if one is.
    syncing_on: str | None = None

    @property
    def label(self) -> str:
        """The status in words, as tables show it.

        ``disabled`` (on purpose), ``suspended (AUTH_FAILED)``, ``active``..., with a pending
        or running reset after a comma.
        """
        if not self.enabled:
            words = "disabled"
        elif self.status is MailboxStatus.SUSPENDED and self.suspended_by:
            words = f"{self.status} ({self.suspended_by})"
        else:
            words = str(self.status)
        if self.reset is ResetState.MARKED:
            words += ", reset pending"
        elif self.reset is ResetState.IN_PROGRESS:
            words += ", reset in progress"
        return words


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class OrgView:
    """The organisation's sync activity."""

    last_sync_activity: datetime | None
    synced_last_60_minutes: int
    synced_last_24_hours: int
    #: The CRM's daily API allowance and how much of it was used, as the CRM last said
    #: (at the last round's read of the organisation); ``None`` when not known.
    api_used: int | None = None
    api_allowed: int | None = None
    api_as_of: datetime | None = None
    #: Open issues about the whole organisation (``AUTH_FAILED``: every mailbox waits).
    issues: tuple[str, ...] = ()


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class StatusView:
    """Everything ``calsync status`` shows."""

    mailboxes: tuple[MailboxView, ...]
    organisation: OrgView


NOT_STARTED = DirectionStatus.NOT_STARTED


def _direction(
    stored: DirectionStatus, mailbox: MailboxState, syncing_on: str | None
) -> DirectionStatus:
    """A direction as it stands.

    An initial sync that no pass is running and that never completed (the mailbox was
    suspended or disabled first) has not started.
    """
    if (
        stored is DirectionStatus.INITIAL_SYNC_IN_PROGRESS
        and syncing_on is None
        and mailbox.last_success_at is None
        and not mailbox.effectively_enabled
    ):
        return NOT_STARTED
    return stored


def status_view(mailboxes: Sequence[MailboxConfig], state: State, now: datetime) -> StatusView:
    """Read the status of ``mailboxes`` (every one synced) and the organisation's figures."""
    views = []
    for mailbox in mailboxes:
        stored = state.mailbox(mailbox.name)
        links = [link for link in state.links(mailbox.name) if not link.shared]
        issues = state.issues(mailbox.name)
        lease = state.lease(mailbox.name)
        syncing_on = str(lease.holder) if lease and lease.is_live(now) else None
        views.append(
            MailboxView(
                name=mailbox.name,
                address=mailbox.address,
                provider=mailbox.provider,
                status=stored.status if stored else MailboxStatus.NOT_INITIALIZED,
                enabled=stored.enabled if stored else True,
                effectively_enabled=stored.effectively_enabled if stored else True,
                suspended_by=stored.suspended_by if stored else None,
                reset=stored.reset if stored else ResetState.NONE,
                up=_direction(stored.up_status, stored, syncing_on) if stored else NOT_STARTED,
                down=_direction(stored.down_status, stored, syncing_on) if stored else NOT_STARTED,
                records_in_sync=len(links),
                open_issues=len(issues),
                last_pass_at=stored.last_pass_at if stored else None,
                last_success_at=stored.last_success_at if stored else None,
                syncing_on=syncing_on,
            )
        )
    reads = state.recent_passes(ORGANISATION, 1)
    figures = reads[0].api_calls if reads else {}
    organisation = OrgView(
        issues=tuple(sorted({i.code for i in state.issues(ORGANISATION)})),
        api_used=figures.get("api_used"),
        api_allowed=figures.get("api_allowed"),
        api_as_of=reads[0].finished_at if reads and "api_used" in figures else None,
        last_sync_activity=state.last_activity(),
        synced_last_60_minutes=state.synced_since(now - timedelta(minutes=60)),
        synced_last_24_hours=state.synced_since(now - timedelta(hours=24)),
    )
    return StatusView(mailboxes=tuple(views), organisation=organisation)
