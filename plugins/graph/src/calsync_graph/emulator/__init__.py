"""A stateful emulator of Microsoft Graph's calendar API and the identity platform's token endpoint.

* :class:`GraphEmulator` - the emulator (a :class:`calsync.emulation.Emulator`);
* :class:`GraphStore`, :class:`Event`, :class:`Mailbox` - what it holds, read and seeded
  directly by the conformance harness;
* the messages a real mailbox would have sent are in ``emulator.store.outbox``.

MSAL and httpx reach it in process through
:class:`calsync.emulation.httpx_transport.InProcessTransport`, or over 127.0.0.1 through
:class:`calsync.emulation.server.EmulatorServer`.
"""

from __future__ import annotations

from calsync_graph.emulator.emulator import MAX_BATCH, GraphEmulator
from calsync_graph.emulator.store import PUBLIC_STRINGS, Event, GraphStore, Mailbox, Message

__all__ = [
    "MAX_BATCH",
    "PUBLIC_STRINGS",
    "Event",
    "GraphEmulator",
    "GraphStore",
    "Mailbox",
    "Message",
]
