"""Item identity across a crash and across a series: two rules every provider keeps.

**A replayed create is recognised.** The engine may write a create again after a crash
between the service's answer and the state's commit (see :mod:`calsync.engine`). Where the
service lets the client choose an item's id (Google Calendar's event ids, a CalDAV
resource's name, an iCalendar ``UID``), :func:`derived_id` derives it from the counterpart
id, so the second create meets the first (409, 412) and the provider adopts that item
instead of making a copy. Where it does not, the provider finds the first by its stored
counterpart id (``find_by_counterpart``) or creates with an idempotency key.

**A lookup by counterpart id is exact.** Services compare a stored property's value
case-insensitively (Exchange's restrictions, Graph's ``$filter``), and Salesforce ids differ
by case only: :func:`by_counterpart` keeps what a lookup found only where the counterpart id
is exactly one asked for, and only singles and series masters (occurrences are found with
their master).

**An occurrence does not claim its master's counterpart.** Services copy a series master's
properties, calsync's stored counterpart id among them, onto the occurrences and exceptions
they expand. An exception the person makes would then read as the master's counterpart, and
the engine would write it over the master's CRM record. A provider therefore stores, next
to the counterpart id, the id of the item it was written for, and reads the counterpart id
back only through :func:`own_counterpart`.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable

from calsync.model import CalendarItem

__all__ = ["asked", "by_counterpart", "derived_id", "own_counterpart"]


def derived_id(counterpart_id: str | None, *, shortest: int = 5, longest: int = 1024) -> str:
    """An item id derived from ``counterpart_id``: the same for the same counterpart.

    Lower-case base32hex (``[0-9a-v]``, RFC 4648), which Google Calendar's event ids, URL
    path segments and iCalendar UIDs all accept; padded with ``0`` to ``shortest`` and cut
    to ``longest`` characters. Without a counterpart id, a random id (hex digits are
    base32hex digits).
    """
    if not counterpart_id:
        return uuid.uuid4().hex
    encoded = base64.b32hexencode(counterpart_id.encode("utf-8")).decode("ascii")
    return encoded.rstrip("=").lower().ljust(shortest, "0")[:longest]


def own_counterpart(stored: str | None, written_for: str | None, item_id: str) -> str | None:
    """The counterpart id of the item ``item_id`` itself, not one copied from its master.

    :param stored: the counterpart id stored on the item, as the service reads it back.
    :param written_for: the item id stored with it when it was written.
    :returns: ``stored`` when it was written for this very item, else ``None``.
    """
    if not stored or written_for != item_id:
        return None
    return stored


def asked(counterpart_ids: Iterable[str]) -> list[str]:
    """The counterpart ids a lookup asks for: each once, in order, empty ones left out."""
    return list(dict.fromkeys(c for c in counterpart_ids if c))


def by_counterpart(items: Iterable[CalendarItem], wanted: Iterable[str]) -> dict[str, CalendarItem]:
    """What a lookup by counterpart id found, keyed by it: exact matches only.

    :param items: the items the service answered (it may compare without case).
    :param wanted: the counterpart ids asked for.
    :returns: for each id asked for, the first single or series master that carries it.
    """
    exact = set(wanted)
    found: dict[str, CalendarItem] = {}
    for item in items:
        if item.counterpart_id in exact and item.series_id is None:
            found.setdefault(item.counterpart_id, item)
    return found
