"""SyncFolderItems states: opaque, self-contained, signed blobs.

Like Exchange's ICS states, a state carries what the client already knows (each item it
was told about, with the version it was told about), so the server can answer "what
changed since" with creates, updates and deletes. States are gzip'd JSON with an HMAC in
base64; anything that does not verify, names another folder, or predates the mailbox's
last :meth:`invalidation <calsync_exchange.emulator.EwsEmulator.invalidate_sync_states>`
is answered with ``ErrorInvalidSyncStateData``.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass, field
from typing import final

from calsync_exchange.emulator.errors import EwsError


@final
@dataclass(frozen=True, slots=True)
class SyncState:
    """What a client knows about one folder: item number -> version it has seen."""

    mailbox_index: int
    folder: str
    epoch: int
    known: dict[int, int] = field(default_factory=dict)


def encode(state: SyncState, secret: bytes) -> str:
    """Return the opaque ``m:SyncState`` text for ``state``."""
    payload = json.dumps(
        {
            "m": state.mailbox_index,
            "f": state.folder,
            "e": state.epoch,
            "k": sorted(state.known.items()),
        },
        separators=(",", ":"),
    ).encode()
    mac = hmac.new(secret, payload, hashlib.sha256).hexdigest()[:32].encode()
    return base64.b64encode(gzip.compress(mac + payload, mtime=0)).decode("ascii")


def decode(text: str, secret: bytes, *, mailbox_index: int, folder: str, epoch: int) -> SyncState:
    """Read a state the client sent back; ``ErrorInvalidSyncStateData`` if it does not hold."""
    try:
        raw = gzip.decompress(base64.b64decode(text.strip().encode("ascii"), validate=True))
        mac, payload = raw[:32], raw[32:]
        if not hmac.compare_digest(
            mac, hmac.new(secret, payload, hashlib.sha256).hexdigest()[:32].encode()
        ):
            raise ValueError("signature")
        data = json.loads(payload)
        state = SyncState(
            int(data["m"]), str(data["f"]), int(data["e"]), {int(k): int(v) for k, v in data["k"]}
        )
    except (
        ValueError,
        KeyError,
        TypeError,
        OSError,
        EOFError,
        zlib.error,
        binascii.Error,
        UnicodeEncodeError,
    ):
        raise EwsError("ErrorInvalidSyncStateData") from None
    if state.mailbox_index != mailbox_index or state.folder != folder or state.epoch != epoch:
        raise EwsError("ErrorInvalidSyncStateData")
    return state
