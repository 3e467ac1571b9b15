"""Event ids and the private extended properties calsync keeps on events.

Instance ids follow Google's scheme: ``<master>_<YYYYMMDDTHHMMSSZ>`` (timed, the original
start in UTC) or ``<master>_<YYYYMMDD>`` (all-day). Event ids are base32hex (``[a-v0-9]``,
5-1024 characters) and may be chosen by the client: a create derives its id from the
counterpart id (:func:`calsync.identity.derived_id`), so a replayed create meets its first
attempt (409) instead of making a copy.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final

__all__ = [
    "COUNTERPART",
    "COUNTERPART_OF",
    "MARKER",
    "OWN_COLOR",
    "instance_id",
]

#: The counterpart's native id (the CRM record id).
COUNTERPART: Final = "calsyncCounterpart"
#: The id of the event the counterpart was written for. An instance copies its master's
#: properties, so an exception the person makes would otherwise claim the master's
#: counterpart; a copy whose id differs from this value has no counterpart of its own.
COUNTERPART_OF: Final = "calsyncCounterpartOf"
#: The marker's detail label while a marker is shown.
MARKER: Final = "calsyncMarker"
#: The person's own ``colorId`` while the marker's red is shown (``""``: the calendar colour).
OWN_COLOR: Final = "calsyncOwnColor"


def instance_id(series_id: str, original_start: datetime | date) -> str:
    """The id of the instance of ``series_id`` that the pattern placed at ``original_start``."""
    if isinstance(original_start, datetime):
        return f"{series_id}_{original_start.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return f"{series_id}_{original_start:%Y%m%d}"
