"""Serving the console with uvicorn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import uvicorn

from calsync.api import Calsync
from calsync.errors import ConfigError
from calsync.web.app import create_app

__all__ = ["DEFAULT_LISTEN", "parse_listen", "serve", "server"]

#: Loopback only, unless told otherwise: the console is for the organisation's network.
DEFAULT_LISTEN: Final = "127.0.0.1:8765"


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8765`` for IPv6) as host and port."""
    host, _, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--listen: expected HOST:PORT such as {DEFAULT_LISTEN}, got {value!r}")
    return host, int(port)


def server(app: Calsync, listen: str = DEFAULT_LISTEN) -> uvicorn.Server:
    """A uvicorn server of the console over ``app``, not started yet."""
    web = app.config.web
    if not web.users:
        raise ConfigError(
            "web.users: nobody may sign in to the console; add [web] users with password "
            "hashes from `calsync web hash-password` (see docs/admin-console.md)"
        )
    host, port = parse_listen(listen)
    config = uvicorn.Config(
        create_app(app),
        host=host,
        port=port,
        # The scheme and address a trusted proxy names are the request's (Secure cookies).
        proxy_headers=True,
        forwarded_allow_ips=list(web.trusted_proxies),
        log_level="warning",
        server_header=False,
    )
    return uvicorn.Server(config)


def serve(app: Calsync, listen: str = DEFAULT_LISTEN, ready: Callable[[str], None] = print) -> None:
    """Serve the console until interrupted; ``ready`` is told where to open it."""
    instance = server(app, listen)
    host, port = parse_listen(listen)
    shown = f"[{host}]" if ":" in host else host
    ready(f"calsync console: http://{shown}:{port}/login (Ctrl-C stops it)")
    instance.run()
