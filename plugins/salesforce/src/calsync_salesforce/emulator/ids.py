"""Salesforce record ids: 15-character case-sensitive bodies with a 3-character suffix.

The 18-character form appends a checksum that encodes which of the 15 characters are upper
case, so that case-insensitive tools can still tell ids apart. The emulator issues 18-char
ids, accepts both forms on input and normalises to 18 characters.
"""

from __future__ import annotations

import string

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX = string.ascii_uppercase + "012345"
_ALNUM = frozenset(string.ascii_letters + string.digits)

#: Key prefixes of the objects the emulator knows (the first three characters of an id).
KEY_PREFIXES: dict[str, str] = {
    "User": "005",
    "Profile": "00e",
    "PermissionSet": "0PS",
    "PermissionSetAssignment": "0Pa",
    "Contact": "003",
    "Lead": "00Q",
    "Account": "001",
    "Opportunity": "006",
    "Event": "00U",
    "EventRelation": "0RE",
    "EventWhoRelation": "0RE",
    # Invented: the key prefix of the ActivityRecurrence2 rows was not recorded.
    "ActivityRecurrence2": "0Ar",
    # Query locators (nextRecordsUrl) look like ids with this prefix.
    "QueryLocator": "01g",
}


def checksum(body: str) -> str:
    """Return the 3-character suffix of a 15-character id body."""
    out = []
    for chunk in range(3):
        part = body[chunk * 5 : chunk * 5 + 5]
        bits = sum(1 << i for i, char in enumerate(part) if char in string.ascii_uppercase)
        out.append(_SUFFIX[bits])
    return "".join(out)


def make_id(prefix: str, sequence: int) -> str:
    """Issue the 18-character id number ``sequence`` with key prefix ``prefix``."""
    digits = []
    n = sequence
    while n:
        n, rest = divmod(n, 62)
        digits.append(_BASE62[rest])
    serial = "".join(reversed(digits)).rjust(8, "0")
    # "5g" + "00" stand in for the pod and reserved characters of a real id.
    body = f"{prefix}5g00{serial}"
    return body + checksum(body)


def normalize_id(value: object) -> str | None:
    """Return the 18-character form of ``value``, or ``None`` if it is not a well-formed id."""
    if not isinstance(value, str) or len(value) not in (15, 18):
        return None
    if not set(value) <= _ALNUM:
        return None
    body = value[:15]
    suffix = checksum(body)
    if len(value) == 18 and value[15:].upper() != suffix:
        return None
    return body + suffix


def prefix_of(record_id: str) -> str:
    """Return the key prefix of an id."""
    return record_id[:3]
