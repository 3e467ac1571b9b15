"""The delta cursor: a high-water mark of ``SystemModstamp`` plus what was seen near it.

Salesforce stamps a record when its transaction starts, so a record can become visible
with a stamp a little older than one already read. Each pull therefore asks again for
the last :data:`OVERLAP` before the mark, and the cursor remembers a short digest of every
``(Id, SystemModstamp)`` it reported in that window, so a record is reported again only
when it changed again. The cursor also remembers when it was issued: deleted records stay
visible to ``queryAll`` for 15 days at most, so an older cursor could miss deletions and is
refused (:class:`~calsync.errors.CursorExpiredError`). A full recycle bin loses them much
sooner; :mod:`.pull` asks the delete log whether it did.

A pull issued at time T has seen every transaction that started before T less the overlap,
so the mark also moves up to T less the overlap and :data:`CLOCK_SKEW` (this host's clock
may run ahead of Salesforce's) even when nothing newer was stamped: steady passes then read
only their own window again, not the burst of an earlier initial sync.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from calsync.errors import CursorExpiredError
from calsync_salesforce.wire import parse_instant

__all__ = ["CLOCK_SKEW", "MAX_AGE", "OVERLAP", "Cursor"]

#: How far before the high-water mark each pull reads again.
OVERLAP: Final = timedelta(minutes=2)
#: How far this host's clock may run ahead of Salesforce's without losing changes.
CLOCK_SKEW: Final = timedelta(minutes=5)
#: Older cursors are refused: the recycle bin keeps deleted records for 15 days at most.
MAX_AGE: Final = timedelta(days=14)
_VERSION: Final = 1
_DIGEST: Final = 6


def seen_key(record_id: str, stamp: str) -> bytes:
    """A short digest of one reported version of a record."""
    return hashlib.blake2b(f"{record_id[:15]}|{stamp}".encode(), digest_size=_DIGEST).digest()


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next pull continues."""

    #: The highest ``SystemModstamp`` reported so far (``None``: nothing yet).
    mark: datetime | None
    #: When the cursor was issued (the provider's clock).
    issued: datetime
    #: Digests of ``(Id, SystemModstamp)`` reported within :data:`OVERLAP` of the mark.
    seen: frozenset[bytes] = field(default_factory=frozenset)

    @property
    def since(self) -> datetime | None:
        """Where the next query starts (the mark, less the overlap)."""
        return None if self.mark is None else self.mark - OVERLAP

    def advanced(self, reported: Iterable[tuple[str, str]], now: datetime) -> Cursor:
        """The cursor after reporting ``(Id, SystemModstamp)`` pairs (wire stamps)."""
        stamps = [(record_id, stamp, parse_instant(stamp)) for record_id, stamp in reported]
        covered = now - OVERLAP - CLOCK_SKEW
        candidates = [at for _, _, at in stamps] + ([self.mark] if self.mark else []) + [covered]
        mark = max(candidates)
        floor = mark - OVERLAP
        fresh = {seen_key(i, raw) for i, raw, at in stamps if at >= floor}
        # Older digests were all stamped within OVERLAP before the old mark: they stay
        # while that window still overlaps the new one.
        kept = self.seen if self.mark is not None and self.mark >= floor else frozenset()
        return Cursor(mark=mark, issued=now, seen=frozenset(kept | fresh))

    def encode(self) -> str:
        """The opaque text the engine stores."""
        body = {
            "v": _VERSION,
            "m": self.mark.isoformat() if self.mark else None,
            "i": self.issued.isoformat(),
            "s": base64.b64encode(b"".join(sorted(self.seen))).decode(),
        }
        return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()

    @classmethod
    def decode(cls, text: str, now: datetime) -> Cursor:
        """Read a cursor this provider issued; refuse a foreign or too old one."""
        try:
            body = json.loads(base64.urlsafe_b64decode(text.encode()))
            if body.get("v") != _VERSION:
                raise ValueError("unknown cursor version")
            raw = base64.b64decode(body["s"])
            cursor = cls(
                mark=datetime.fromisoformat(body["m"]) if body["m"] else None,
                issued=datetime.fromisoformat(body["i"]),
                seen=frozenset(raw[i : i + _DIGEST] for i in range(0, len(raw), _DIGEST)),
            )
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
            raise CursorExpiredError(
                f"{text[:40]!r} is not a cursor this provider issued"
            ) from None
        if now - cursor.issued > MAX_AGE:
            raise CursorExpiredError("the cursor is older than the recycle bin keeps deletions")
        return cursor
