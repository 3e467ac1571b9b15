"""Enumerations between EWS and the core model: sensitivity, free/busy, responses."""

from __future__ import annotations

from typing import Final

from calsync.model import AttendeeRole, Privacy, ResponseStatus, ShowAs

__all__ = [
    "FREE_BUSY",
    "PRIVACY",
    "RESPONSES",
    "ROLE_FIELDS",
    "free_busy_of",
    "privacy_of",
    "response_of",
    "response_type_of",
    "sensitivity_of",
    "show_as_of",
]

#: ``item:Sensitivity`` <-> :class:`Privacy` (the same four levels).
PRIVACY: Final = {
    "Normal": Privacy.NORMAL,
    "Personal": Privacy.PERSONAL,
    "Private": Privacy.PRIVATE,
    "Confidential": Privacy.CONFIDENTIAL,
}
#: ``calendar:LegacyFreeBusyStatus`` -> :class:`ShowAs` (``NoData`` reads as busy).
FREE_BUSY: Final = {
    "Free": ShowAs.FREE,
    "Tentative": ShowAs.TENTATIVE,
    "Busy": ShowAs.BUSY,
    "OOF": ShowAs.OUT_OF_OFFICE,
    "WorkingElsewhere": ShowAs.WORKING_ELSEWHERE,
    "NoData": ShowAs.BUSY,
}
#: ``t:ResponseType`` -> :class:`ResponseStatus`.
RESPONSES: Final = {
    "Organizer": ResponseStatus.ORGANIZER,
    "Accept": ResponseStatus.ACCEPTED,
    "Tentative": ResponseStatus.TENTATIVE,
    "Decline": ResponseStatus.DECLINED,
    "NoResponseReceived": ResponseStatus.NONE,
    "Unknown": ResponseStatus.NONE,
}
_RESPONSE_TYPES: Final = {
    ResponseStatus.ORGANIZER: "Organizer",
    ResponseStatus.ACCEPTED: "Accept",
    ResponseStatus.TENTATIVE: "Tentative",
    ResponseStatus.DECLINED: "Decline",
    ResponseStatus.NONE: "Unknown",
}
#: The exchangelib attendee list each role lives in.
ROLE_FIELDS: Final = {
    AttendeeRole.REQUIRED: "required_attendees",
    AttendeeRole.OPTIONAL: "optional_attendees",
    AttendeeRole.RESOURCE: "resources",
}


def privacy_of(sensitivity: str | None) -> Privacy:
    """The privacy of an item's ``Sensitivity`` (absent: normal)."""
    return PRIVACY.get(sensitivity or "Normal", Privacy.NORMAL)


def sensitivity_of(privacy: Privacy) -> str:
    """The ``Sensitivity`` for ``privacy``."""
    return next(name for name, value in PRIVACY.items() if value is privacy)


def show_as_of(status: str | None) -> ShowAs:
    """The :class:`ShowAs` of a ``LegacyFreeBusyStatus`` (absent: busy)."""
    return FREE_BUSY.get(status or "Busy", ShowAs.BUSY)


def free_busy_of(show_as: ShowAs) -> str:
    """The ``LegacyFreeBusyStatus`` for ``show_as``."""
    return next(name for name, value in FREE_BUSY.items() if value is show_as)


def response_of(response_type: str | None) -> ResponseStatus:
    """The :class:`ResponseStatus` of an attendee's ``ResponseType``."""
    return RESPONSES.get(response_type or "Unknown", ResponseStatus.NONE)


def response_type_of(response: ResponseStatus) -> str:
    """The ``ResponseType`` for ``response``."""
    return _RESPONSE_TYPES[response]
