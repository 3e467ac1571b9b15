"""Org-wide settings, profiles with field-level security, and the daily API allocation."""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgSettings:
    """The Activity Settings a sync depends on, plus the API allocation.

    :param shared_activities: "Allow Users to Relate Multiple Contacts to Tasks and Events":
        enables ``EventWhoIds`` and the ``EventWhoRelation`` object.
    :param recurring_events: "Enable Creation of Recurring Events" (advanced calendaring):
        without it a create with ``IsRecurrence`` or ``Recurrence2PatternText`` is refused.
    :param multiday_events: "Enable Multiday Events": events longer than 24 hours.
    :param daily_api_requests: the rolling 24-hour ``DailyApiRequests`` allocation.
    :param recycle_bin_capacity: records the recycle bin holds before the oldest are purged:
        5,000 per user licence (see :mod:`.recycle_bin`); the default is ten licences' worth.
    """

    shared_activities: bool = True
    recurring_events: bool = True
    multiday_events: bool = True
    daily_api_requests: int = 15000
    recycle_bin_capacity: int = 50_000


class Access(enum.Enum):
    """A profile's field-level security on one field."""

    HIDDEN = "hidden"
    READ_ONLY = "read-only"


@dataclass(slots=True)
class Profile:
    """A profile: a name, an id, and the fields it may not see or may not edit."""

    id: str
    name: str
    #: ``(sobject, field)`` in lower case -> restricted access; absent means read/write.
    restrictions: dict[tuple[str, str], Access] = field(default_factory=dict)

    def access(self, sobject: str, field_name: str) -> Access | None:
        """Return the restriction on ``sobject.field_name`` (``None``: full access)."""
        return self.restrictions.get((sobject.lower(), field_name.lower()))


class ApiUsage:
    """The org's API requests over a rolling 24-hour window."""

    WINDOW = timedelta(hours=24)

    def __init__(self) -> None:
        """Start with no requests recorded."""
        self._stamps: deque[datetime] = deque()

    def used(self, now: datetime) -> int:
        """Return requests counted in the 24 hours before ``now``."""
        while self._stamps and self._stamps[0] <= now - self.WINDOW:
            self._stamps.popleft()
        return len(self._stamps)

    def record(self, now: datetime, count: int = 1) -> None:
        """Count ``count`` requests made at ``now``."""
        self._stamps.extend([now] * count)

    def clear(self) -> None:
        """Forget every request."""
        self._stamps.clear()
