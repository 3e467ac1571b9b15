"""The mailbox side of the contract: one person's calendar."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from calsync.markers import MarkerChange
from calsync.providers.base import Provider
from calsync.providers.values import Delta, Role, WriteResult


class MailboxProvider(Provider):
    """One person's calendar (Exchange / Office 365, Google Calendar, ...)."""

    role = Role.MAILBOX

    @property
    @abc.abstractmethod
    def address(self) -> str:
        """The mailbox owner's e-mail address (lower-case)."""

    @abc.abstractmethod
    def pull(self, cursor: str | None) -> Delta:
        """Return what changed since ``cursor`` (everything, as a full delta, when ``None``).

        With ``None``: every item in scope, ``full=True`` (what calsync knows and the
        listing lacks is taken as deleted). Otherwise: what was created, changed or deleted
        since ``cursor``, which covers every change made after its listing began. Returns
        the next cursor; calsync stores it after the pass's writes are committed. Markers
        are hidden (``categories`` holds the person's own only).

        Raises :class:`~calsync.errors.CursorExpiredError` when the service no longer accepts
        the cursor (or it is not one this provider issued); the engine then pulls with
        ``None`` and adopts what it knows.
        """

    @abc.abstractmethod
    def set_markers(self, changes: Sequence[MarkerChange]) -> list[WriteResult]:
        """Show or remove markers on items, leaving the person's own categories alone.

        Each :class:`~calsync.markers.MarkerChange` puts its marker on the item (``None``:
        removes calsync's marker). Returns one result per change, in order, with the
        item's ref and its change token after marking. Restore what a marker replaced
        (a colour); never touch the person's own categories, labels or colour otherwise.
        Rendering twice, or removing a marker that is not there, succeeds.
        """
