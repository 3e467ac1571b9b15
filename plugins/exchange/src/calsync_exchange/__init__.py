"""calsync's Exchange / Office 365 mailbox provider, built on exchangelib.

* :class:`ExchangeMailbox` — the ``exchange`` provider;
* :class:`ExchangeSettings` — its ``[mailboxes.settings]`` table;
* :mod:`calsync_exchange.emulator` — the EWS emulator exchangelib talks to offline;
* :mod:`calsync_exchange.harness` — the conformance harness over that emulator.
"""

from __future__ import annotations

from calsync_exchange.provider import ExchangeMailbox
from calsync_exchange.settings import AccessType, AuthType, ExchangeSettings

__all__ = ["AccessType", "AuthType", "ExchangeMailbox", "ExchangeSettings"]
