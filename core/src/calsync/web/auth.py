"""Who is signed in: argon2 passwords, a trusted proxy's header, sessions, CSRF, throttling.

Passwords are checked with argon2-cffi (the password-hashing competition's winner, with
parameters tuned by its maintainers), never stored or logged. A session holds only the
person's name and a CSRF token; roles are read from the configuration on every request,
so taking someone out of ``[web] users`` signs them out.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable, MutableMapping
from typing import Any, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import HTTPConnection

from calsync.config.web import WebSettings, WebUser

__all__ = [
    "CSRF_FIELD",
    "LoginThrottle",
    "check_password",
    "csrf_ok",
    "csrf_token",
    "hash_password",
    "sign_in",
    "signed_in",
]

#: The form field (and the ``X-CSRF-Token`` header) carrying the session's CSRF token.
CSRF_FIELD: Final = "csrf_token"

_HASHER = PasswordHasher()
#: Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH: Final = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` for ``[web] users``."""
    return _HASHER.hash(password)


def check_password(settings: WebSettings, name: str, password: str) -> WebUser | None:
    """The user, if ``name`` and ``password`` match one with a password."""
    user = settings.user(name)
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if stored is not _DUMMY_HASH else None


def signed_in(settings: WebSettings, connection: HTTPConnection) -> WebUser | None:
    """The person making the request: named by the trusted proxy, or by the session."""
    if settings.proxy_header is not None:
        client = connection.client.host if connection.client else ""
        named = connection.headers.get(settings.proxy_header)
        if named and client in settings.trusted_proxies:
            return settings.user(named)
    name = connection.session.get("user")
    return settings.user(name) if isinstance(name, str) else None


def sign_in(session: MutableMapping[str, Any], user: WebUser) -> None:
    """Start a new session for ``user`` (a fresh CSRF token too)."""
    session.clear()
    session["user"] = user.name
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, made on first use (the sign-in form needs one too)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def csrf_ok(session: MutableMapping[str, Any], sent: object) -> bool:
    """Whether ``sent`` is the session's CSRF token."""
    token = session.get(CSRF_FIELD)
    return (
        isinstance(token, str)
        and isinstance(sent, str)
        and hmac.compare_digest(token.encode(), sent.encode())
    )


class LoginThrottle:
    """Refuses sign-ins for a name, or from an address, after too many failures.

    Failures are counted in memory over a sliding window, per name and per address, so
    guessing one person's password from many addresses is slowed as much as guessing many
    passwords from one.
    """

    def __init__(
        self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Allow ``attempts`` failures per ``window`` seconds."""
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def wait(self, name: str, address: str) -> int:
        """Seconds until ``name`` may try again from ``address`` (0: now)."""
        now = self.clock()
        waits = [0.0]
        for key in (f"name:{name}", f"address:{address}"):
            failures = self._failures[key]
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if len(failures) >= self.attempts:
                waits.append(failures[0] + self.window - now)
        return int(max(waits) + 0.999)

    def failed(self, name: str, address: str) -> None:
        """Count a failed sign-in."""
        now = self.clock()
        for key in (f"name:{name}", f"address:{address}"):
            self._failures[key].append(now)

    def succeeded(self, name: str) -> None:
        """Forget the name's failures (the address's stay counted)."""
        self._failures.pop(f"name:{name}", None)
