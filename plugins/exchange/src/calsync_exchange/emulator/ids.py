"""Opaque item ids and change keys, encoded the way EWS ids look (base64 blobs).

An id names its mailbox, what it points to and, for an occurrence, the master and the
occurrence's original start. Clients must treat ids as opaque; the emulator decodes them
to find the record, and answers ``ErrorInvalidIdMalformed`` when one does not decode.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, final

# Every id starts with the same bytes, like Exchange's "AAMk..." ids do.
_MAGIC = b"\x00\x03\x24EMU"
_ITEM, _OCCURRENCE, _FOLDER, _CONFIG = b"I", b"O", b"F", b"C"
_CK_MAGIC = b"\x0f\x00\x00\x00CK"

IdKind = Literal["item", "occurrence", "folder", "config"]


class MalformedIdError(ValueError):
    """An id that this server did not issue (``ErrorInvalidIdMalformed``)."""


@final
@dataclass(frozen=True, slots=True)
class DecodedId:
    """What an id points to: ``number`` is the item (or the master for an occurrence)."""

    kind: IdKind
    mailbox_index: int
    number: int
    original_start: datetime | None = None


def _encode(payload: bytes) -> str:
    return base64.b64encode(_MAGIC + payload).decode("ascii")


def item_id(mailbox_index: int, number: int) -> str:
    """Return the id of a stored item (single, master, exception)."""
    return _encode(_ITEM + struct.pack(">HI", mailbox_index, number))


def occurrence_id(mailbox_index: int, master_number: int, original_start: datetime) -> str:
    """Return the id of an unmodified occurrence of a master."""
    seconds = int(original_start.astimezone(UTC).timestamp())
    return _encode(_OCCURRENCE + struct.pack(">HIq", mailbox_index, master_number, seconds))


def folder_id(mailbox_index: int, folder: str) -> str:
    """Return the id of a folder (``root`` or ``calendar``)."""
    return _encode(_FOLDER + struct.pack(">H", mailbox_index) + folder.encode("ascii"))


def config_id(mailbox_index: int, number: int) -> str:
    """Return the id of a user configuration object."""
    return _encode(_CONFIG + struct.pack(">HI", mailbox_index, number))


def decode(value: str) -> DecodedId:
    """Decode an item or occurrence id; :class:`MalformedIdError` when it is not ours."""
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise MalformedIdError(value) from exc
    if not raw.startswith(_MAGIC) or len(raw) < len(_MAGIC) + 1:
        raise MalformedIdError(value)
    kind, payload = raw[len(_MAGIC) : len(_MAGIC) + 1], raw[len(_MAGIC) + 1 :]
    try:
        if kind == _ITEM:
            mailbox, number = struct.unpack(">HI", payload)
            return DecodedId("item", mailbox, number)
        if kind == _OCCURRENCE:
            mailbox, number, seconds = struct.unpack(">HIq", payload)
            return DecodedId("occurrence", mailbox, number, datetime.fromtimestamp(seconds, UTC))
        if kind == _CONFIG:
            mailbox, number = struct.unpack(">HI", payload)
            return DecodedId("config", mailbox, number)
        if kind == _FOLDER:
            (mailbox,) = struct.unpack(">H", payload[:2])
            return DecodedId("folder", mailbox, 0)
    except struct.error as exc:
        raise MalformedIdError(value) from exc
    raise MalformedIdError(value)


def folder_name(value: str) -> str:
    """Return the folder name encoded in a folder id (``root``/``calendar``)."""
    raw = base64.b64decode(value.encode("ascii"))
    return raw[len(_MAGIC) + 3 :].decode("ascii")


def change_key(number: int, version: int) -> str:
    """Return the change key of version ``version`` of item ``number``; new on every change."""
    return base64.b64encode(_CK_MAGIC + struct.pack(">IQ", number, version)).decode("ascii")


def change_key_version(value: str, number: int) -> int | None:
    """Return the version a change key names (``None``: not a key of item ``number``)."""
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
        if not raw.startswith(_CK_MAGIC):
            return None
        key_number, version = struct.unpack(">IQ", raw[len(_CK_MAGIC) :])
    except (binascii.Error, struct.error, UnicodeEncodeError):
        return None
    return version if key_number == number else None
