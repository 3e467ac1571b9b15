"""calsync: keep calendar items in step between mailboxes and a CRM.

The public names most plugins need are re-exported here::

    from calsync import hookimpl, CalendarItem, MailboxProvider, CrmProvider
"""

from __future__ import annotations

from calsync.errors import CalsyncError
from calsync.markers import Marker
from calsync.model import CalendarItem, ItemKind, ItemRef, Participant
from calsync.plugins import hookimpl
from calsync.providers import Capability, CrmProvider, MailboxProvider

__version__ = "0.1.0"

__all__ = [
    "CalendarItem",
    "CalsyncError",
    "Capability",
    "CrmProvider",
    "ItemKind",
    "ItemRef",
    "MailboxProvider",
    "Marker",
    "Participant",
    "__version__",
    "hookimpl",
]
