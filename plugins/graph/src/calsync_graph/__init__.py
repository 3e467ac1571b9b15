"""calsync's Microsoft 365 mailbox provider, through Microsoft Graph (MSAL + httpx).

* :class:`GraphMailbox` — the ``graph`` provider;
* :class:`GraphSettings` — its ``[mailboxes.settings]`` table;
* :mod:`calsync_graph.emulator` — the Graph emulator the provider talks to offline;
* :mod:`calsync_graph.harness` — the conformance harness over that emulator.
"""

from __future__ import annotations

from calsync_graph.provider import GraphMailbox
from calsync_graph.settings import GraphSettings

__all__ = ["GraphMailbox", "GraphSettings"]
