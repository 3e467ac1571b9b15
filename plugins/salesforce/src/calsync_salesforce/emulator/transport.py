"""Pointing simple-salesforce at the emulator, in process or through a local socket.

simple-salesforce always builds ``https://{instance}`` URLs, so in process an
:class:`~calsync.emulation.requests_transport.InProcessAdapter` is mounted on the instance
URL, and in socket mode a :class:`~calsync.emulation.requests_transport.ForwardingAdapter`
rewrites every ``https://`` URL to the local ``http://127.0.0.1:PORT`` server.
"""

from __future__ import annotations

import requests
from simple_salesforce.api import Salesforce

from calsync.emulation.requests_transport import ForwardingAdapter, InProcessAdapter
from calsync_salesforce.emulator.emulator import SalesforceEmulator

DEFAULT_VERSION = "59.0"


def in_process_session(
    emulator: SalesforceEmulator, instance_url: str | None = None
) -> requests.Session:
    """Return a session whose calls to the instance URL the emulator answers in process."""
    session = requests.Session()
    session.mount(instance_url or emulator.instance_url, InProcessAdapter(emulator))
    return session


def socket_session(server_url: str) -> requests.Session:
    """Return a session sending every https call to ``server_url`` (an EmulatorServer)."""
    session = requests.Session()
    session.mount("https://", ForwardingAdapter(server_url))
    return session


def connect(
    emulator: SalesforceEmulator,
    session_id: str,
    *,
    session: requests.Session | None = None,
    version: str = DEFAULT_VERSION,
) -> Salesforce:
    """Return a real, unmodified simple-salesforce client talking to ``emulator``.

    :param session_id: a session from :meth:`~calsync_salesforce.emulator.org.Org.add_user`.
    :param session: the transport (default: :func:`in_process_session`).
    """
    return Salesforce(
        instance_url=emulator.instance_url,
        session_id=session_id,
        session=session or in_process_session(emulator),
        version=version,
    )
