"""The admin console: a web page for the organisation, its mailboxes, issues and statistics.

``calsync web --config calsync.toml`` serves it (``pip install 'calsync[web]'``). It reads and
acts only through calsync's API (:class:`~calsync.api.Calsync`); see ``docs/admin-console.md``.

The stack, and why: Starlette (a small ASGI toolkit; FastAPI would add a validation layer
the console does not need), Jinja2 templates rendered on the server, htmx for the few
in-place updates (no JavaScript build step; the file is vendored and served by calsync),
uvicorn to serve it, and argon2-cffi for the password hashes.
"""

from __future__ import annotations

from calsync.web.app import Console, create_app
from calsync.web.server import DEFAULT_LISTEN, parse_listen, serve

__all__ = ["DEFAULT_LISTEN", "Console", "create_app", "parse_listen", "serve"]
