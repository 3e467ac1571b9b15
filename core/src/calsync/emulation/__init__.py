"""Building blocks for stateful service emulators.

Each provider plugin ships an emulator of its service's wire protocol so that the real
client library, unmodified, can talk to it offline. An emulator is one transport-neutral
core, :class:`Emulator`, whose :meth:`Emulator.handle` turns an :class:`HttpRequest` into an
:class:`HttpResponse` over an in-memory store. The same core is exposed four ways:

* :class:`calsync.emulation.requests_transport.InProcessAdapter`, a ``requests`` transport
  adapter (exchangelib, simple-salesforce);
* :class:`calsync.emulation.httpx_transport.InProcessTransport`, an ``httpx`` transport
  (MSAL and the Microsoft Graph client);
* an httplib2-compatible object (googleapiclient; in the gmail plugin);
* :class:`calsync.emulation.server.EmulatorServer`, a threaded server on 127.0.0.1 used by
  the demo and ``calsync sandbox serve``.

Every emulator has an injectable :class:`Clock`, per-endpoint request counters and a
:class:`FaultPlan` for fault injection.
"""

from __future__ import annotations

from calsync.emulation._base import Emulator
from calsync.emulation._clock import Clock, FrozenClock, SystemClock
from calsync.emulation._faults import Fault, FaultKind, FaultPlan
from calsync.emulation._http import HttpRequest, HttpResponse

__all__ = [
    "Clock",
    "Emulator",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "FrozenClock",
    "HttpRequest",
    "HttpResponse",
    "SystemClock",
]
