"""Building blocks for stateful service emulators.

Each provider plugin ships an emulator of its service's wire protocol so that the real
client library, unmodified, can talk to it offline. An emulator is one transport-neutral
core, :class:`Emulator`, whose :meth:`Emulator.handle` turns an :class:`HttpRequest` into an
:class:`HttpResponse` over an in-memory store. Any HTTP method reaches it. The same core is
exposed through every client library's transport hook:

* :mod:`calsync.emulation.requests_transport`: a ``requests`` transport adapter
  (exchangelib, simple-salesforce);
* :mod:`calsync.emulation.httpx_transport`: ``httpx`` transports, sync and async (MSAL and
  the Microsoft Graph client);
* :mod:`calsync.emulation.httplib2_transport`: an ``httplib2.Http`` stand-in
  (google-api-python-client; needs the ``calsync[httplib2]`` extra);
* :class:`calsync.emulation.server.EmulatorServer`, a threaded server on 127.0.0.1 used by
  the demo and ``calsync sandbox serve``, with a forwarding adapter per library that sends
  production URLs to it.

:mod:`calsync.emulation.bridges` wraps an existing WSGI or ASGI server (Radicale, a
Starlette app) as an :class:`Emulator`. Every emulator has an injectable :class:`Clock`,
per-endpoint request counters and a :class:`FaultPlan` for fault injection; it may decline
an armed fault that does not apply to a request (:meth:`Emulator.fault_applies`), which
then stays armed.
"""

from __future__ import annotations

from calsync.emulation._base import Emulator
from calsync.emulation._clock import Clock, FrozenClock, SystemClock
from calsync.emulation._faults import Fault, FaultKind, FaultPlan
from calsync.emulation._http import HttpRequest, HttpResponse, RequestHandler

__all__ = [
    "Clock",
    "Emulator",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "FrozenClock",
    "HttpRequest",
    "HttpResponse",
    "RequestHandler",
    "SystemClock",
]
