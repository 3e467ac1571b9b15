"""Rendering stored events for one caller, in one response zone.

Calendar writes every ``dateTime`` in the response zone (the ``timeZone`` parameter, else the
calendar's zone) while keeping each value's own ``timeZone`` name; all-day ``date`` values
are never touched. ``self`` flags on the organizer, creator and attendees are computed for
the calling user, since the stored event is shared by everyone who can read it.
"""

from __future__ import annotations

import copy
from typing import Any
from zoneinfo import ZoneInfo

from calsync_gmail.emulator._series import is_cancelled
from calsync_gmail.emulator._times import format_instant, parse_instant, render, resolve

#: Fields a cancelled item keeps in list results (Google guarantees only ``id``).
_TOMBSTONE_FIELDS = (
    "kind",
    "etag",
    "id",
    "status",
    "updated",
    "recurringEventId",
    "originalStartTime",
)


def _render_original(value: dict[str, str], tz: ZoneInfo) -> dict[str, str]:
    if "dateTime" not in value:
        return dict(value)
    out = {"dateTime": format_instant(parse_instant(value["dateTime"]), tz)}
    if "timeZone" in value:
        out["timeZone"] = value["timeZone"]
    return out


def _flag_self(person: dict[str, Any], caller: str) -> dict[str, Any]:
    out = {k: v for k, v in person.items() if k != "self"}
    if str(out.get("email", "")).lower() == caller:
        out["self"] = True
    return out


def render_event(
    event: dict[str, Any], *, caller: str, tz: ZoneInfo, minimal: bool = False
) -> dict[str, Any]:
    """Render ``event`` as the Event resource ``caller`` receives.

    :param minimal: render a cancelled event as the small tombstone list results carry.
    """
    if minimal and is_cancelled(event):
        out = {k: copy.deepcopy(event[k]) for k in _TOMBSTONE_FIELDS if k in event}
        if "originalStartTime" in out:
            out["originalStartTime"] = _render_original(out["originalStartTime"], tz)
        return out
    out = copy.deepcopy(event)
    for key in ("start", "end"):
        out[key] = render(resolve(event[key], key), tz)
    if "originalStartTime" in out:
        out["originalStartTime"] = _render_original(out["originalStartTime"], tz)
    organizer_email = str(event.get("organizer", {}).get("email", "")).lower()
    for key in ("organizer", "creator"):
        if key in out:
            out[key] = _flag_self(out[key], caller)
    if "attendees" in out:
        attendees = []
        for attendee in out["attendees"]:
            flagged = _flag_self(attendee, caller)
            if str(flagged["email"]).lower() == organizer_email:
                flagged["organizer"] = True
            attendees.append(flagged)
        out["attendees"] = attendees
    return out
