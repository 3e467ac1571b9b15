"""Building real exchangelib ``Account`` objects that talk to an :class:`EwsEmulator`.

In process, exchangelib's class-level ``BaseProtocol.HTTP_ADAPTER_CLS`` is pointed at the
emulator (exchangelib builds the adapter itself and also mounts it on the OAuth token
endpoint) and restored afterwards; exchangelib caches protocol objects per endpoint and
credentials, so ``close_connections()`` is called on the way out. Over sockets, the account
simply uses the server's ``http://127.0.0.1:PORT/EWS/Exchange.asmx`` endpoint.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from exchangelib import (
    DELEGATE,
    Account,
    Build,
    Configuration,
    Credentials,
    EWSTimeZone,
    FailFast,
    Version,
)
from exchangelib.credentials import BaseCredentials, BaseOAuth2Credentials
from exchangelib.protocol import BaseProtocol, RetryPolicy, close_connections
from exchangelib.transport import BASIC, OAUTH2

from calsync.emulation.requests_transport import InProcessAdapter
from calsync_exchange.emulator.emulator import EwsEmulator
from calsync_exchange.emulator.values import WindowsTimeZone

#: The production URL kept in process (OAuth needs https; nothing leaves the process).
IN_PROCESS_ENDPOINT = "https://outlook.office365.com/EWS/Exchange.asmx"
SERVER_BUILD = Build(15, 1, 2507, 0)


def _timezone(emulator: EwsEmulator, address: str) -> EWSTimeZone:
    mailbox = emulator.store.find_mailbox(address)
    if mailbox is not None and isinstance(mailbox.time_zone, WindowsTimeZone):
        return EWSTimeZone.from_ms_id(mailbox.time_zone.zone_id)
    return EWSTimeZone("UTC")


def build_account(
    emulator: EwsEmulator,
    address: str,
    *,
    endpoint: str,
    password: str | None = None,
    credentials: BaseCredentials | None = None,
    access_type: str = DELEGATE,
    default_timezone: EWSTimeZone | None = None,
    retry_policy: RetryPolicy | None = None,
) -> Account:
    """Return an Account with no autodiscover and no probing (auth type and version are given)."""
    creds = credentials or Credentials(address, password or "")
    config = Configuration(
        service_endpoint=endpoint,
        credentials=creds,
        auth_type=OAUTH2 if isinstance(creds, BaseOAuth2Credentials) else BASIC,
        version=Version(build=SERVER_BUILD),
        retry_policy=retry_policy or FailFast(),
    )
    return Account(
        address,
        config=config,
        autodiscover=False,
        access_type=access_type,
        default_timezone=default_timezone or _timezone(emulator, address),
    )


@contextlib.contextmanager
def in_process_account(emulator: EwsEmulator, address: str, **options: Any) -> Iterator[Account]:
    """Return an Account whose HTTP goes to ``emulator`` in process, for the ``with`` block.

    Options are those of :func:`build_account` (``endpoint`` defaults to the Office 365 URL).
    """
    previous = BaseProtocol.HTTP_ADAPTER_CLS
    BaseProtocol.HTTP_ADAPTER_CLS = InProcessAdapter.bound_to(emulator)
    options.setdefault("endpoint", IN_PROCESS_ENDPOINT)
    try:
        yield build_account(emulator, address, **options)
    finally:
        BaseProtocol.HTTP_ADAPTER_CLS = previous
        close_connections()


@contextlib.contextmanager
def server_account(
    emulator: EwsEmulator, server_url: str, address: str, **options: Any
) -> Iterator[Account]:
    """Return an Account talking to ``emulator`` served at ``server_url`` over real sockets."""
    try:
        yield build_account(
            emulator, address, endpoint=f"{server_url}/EWS/Exchange.asmx", **options
        )
    finally:
        close_connections()
