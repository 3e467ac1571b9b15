"""The admin console's settings: the ``[web]`` table of the configuration.

Example::

    [web]
    session_secret = { env = "CALSYNC_WEB_SECRET" }
    users = [
        { name = "ada", password_hash = "$argon2id$v=19$m=65536,t=3,p=4$...", role = "admin" },
        { name = "lin", password_hash = "$argon2id$...", role = "read-only" },
    ]

Passwords are only ever stored as argon2 hashes (``calsync web hash-password`` makes one).
Instead of passwords, a reverse proxy that signs people in may name them in a header
(``proxy_header``); the console then trusts that header from ``trusted_proxies`` only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import final

from calsync.config.secrets import Secret
from calsync.config.structure import structure

__all__ = ["WebRole", "WebSettings", "WebUser", "parse_web"]


class WebRole(enum.StrEnum):
    """What a console user may do."""

    #: Everything: read, and enable, disable, reset, allow held deletions.
    ADMIN = "admin"
    #: Read every page; every action is refused.
    READ_ONLY = "read-only"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class WebUser:
    """One person who may sign in to the console."""

    name: str
    #: An argon2 hash (``$argon2id$...``); empty for people signed in by the reverse proxy.
    password_hash: str = field(default="", repr=False)
    role: WebRole = WebRole.ADMIN


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class WebSettings:
    """The ``[web]`` table."""

    users: tuple[WebUser, ...] = ()
    #: Signs the session cookie. Without it a new key is made at each start, which signs
    #: everyone out when the console restarts.
    session_secret: Secret | None = None
    #: A header a trusted reverse proxy sets to the signed-in person's name (e.g.
    #: ``X-Remote-User``); that person must be one of ``users``, which gives the role.
    proxy_header: str | None = None
    #: Where the proxy connects from; the header is ignored from anywhere else.
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    #: Failed sign-ins allowed for one name, or from one address, per ``login_window`` seconds.
    login_attempts: int = 5
    login_window: int = 300

    def user(self, name: str) -> WebUser | None:
        """The user called ``name``, if there is one."""
        return next((u for u in self.users if u.name == name), None)


def parse_web(table: object, problems: list[str]) -> WebSettings:
    """Validate the ``[web]`` table, adding every problem (of every user) to ``problems``."""
    if not isinstance(table, dict):
        problems.append(f"web: expected a table, got {table!r}")
        return WebSettings()
    rest = {key: value for key, value in table.items() if key != "users"}
    settings, found = structure(rest, WebSettings, "web")
    problems += found
    proxied = isinstance(table.get("proxy_header"), str)
    users = _users(table.get("users", []), proxied, problems)
    if settings is None:
        return WebSettings()
    if settings.login_attempts < 1 or settings.login_window < 1:
        problems.append("web.login_attempts, web.login_window: must be at least 1")
    return replace(settings, users=tuple(users))


def _users(tables: object, proxied: bool, problems: list[str]) -> list[WebUser]:
    if not isinstance(tables, list):
        problems.append(f"web.users: expected a list of users, got {tables!r}")
        return []
    users: list[WebUser] = []
    for index, table in enumerate(tables):
        path = f"web.users[{index}]"
        user, found = structure(table, WebUser, path)
        problems += found
        if user is None:
            continue
        if not user.name.strip():
            problems.append(f"{path}.name: required")
        elif any(u.name == user.name for u in users):
            problems.append(f"{path}.name: {user.name!r} is listed twice")
        if user.password_hash and not user.password_hash.startswith("$argon2"):
            problems.append(
                f"{path}.password_hash: not an argon2 hash; make one with `calsync web hash-password`"
            )
        if not user.password_hash and not proxied:
            problems.append(
                f"{path}.password_hash: required unless a reverse proxy signs people in "
                "(web.proxy_header); make one with `calsync web hash-password`"
            )
        users.append(user)
    return users
