"""Signing in with simple-salesforce, and calling it through one translating gate.

:func:`client_factory` turns :class:`~.settings.SalesforceSettings` into a function that
signs in and returns a ``simple_salesforce.Salesforce`` (secrets are read when it runs).
:class:`Connection` holds the client, calls the service only through :meth:`Connection.call`
(every SDK exception translated, see :mod:`.errors`), and signs in again once when the
service refuses the session, so a renewed token or session is picked up without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession

from calsync.emulation.requests_transport import ForwardingAdapter
from calsync.errors import AuthError, ConfigError
from calsync_salesforce.errors import translated
from calsync_salesforce.settings import SalesforceSettings

__all__ = ["ClientFactory", "Connection", "TimeoutSession", "client_factory"]

T = TypeVar("T")
#: Signs in and returns a ready client.
ClientFactory = Callable[[], Salesforce]


class TimeoutSession(requests.Session):
    """A ``requests`` session whose requests give up after ``timeout`` seconds by default.

    simple-salesforce passes no timeout to its sign-in and describe calls, and requests
    waits for ever without one: a server that accepts and never answers would hold the pass.
    """

    def __init__(self, timeout: float) -> None:
        """Time out after ``timeout`` seconds unless a call says otherwise."""
        super().__init__()
        self.timeout = timeout

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        """Send as ``requests.Session.request``, with the default timeout when none is given."""
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)


def client_factory(settings: SalesforceSettings) -> ClientFactory:
    """Return a function that signs in as ``settings`` say (see :mod:`.settings`).

    :raises ConfigError: when the settings name no complete sign-in flow.
    """
    flow = _flow(settings)

    def connect() -> Salesforce:
        session = TimeoutSession(settings.timeout_seconds)
        if settings.forward_to:
            session.mount("https://", ForwardingAdapter(settings.forward_to))
        common: dict[str, Any] = {"version": settings.api_version, "session": session}
        return Salesforce(**common, **flow())

    return connect


def _flow(s: SalesforceSettings) -> Callable[[], dict[str, Any]]:
    domain = s.domain or "login"
    if s.session_id is not None:
        if not s.instance_url:
            raise ConfigError("crm.settings.instance_url: required with session_id")
        token = s.session_id
        return lambda: {"instance_url": s.instance_url, "session_id": token.reveal()}
    if s.username and s.private_key is not None and s.consumer_key:
        key = s.private_key
        return lambda: {
            "username": s.username,
            "consumer_key": s.consumer_key,
            "privatekey": key.reveal(),
            "instance_url": s.instance_url or None,
            "domain": domain,
        }
    if s.username and s.password is not None and s.consumer_key and s.consumer_secret:
        password, secret = s.password, s.consumer_secret
        return lambda: {
            "username": s.username,
            "password": password.reveal(),
            "consumer_key": s.consumer_key,
            "consumer_secret": secret.reveal(),
            "domain": domain,
        }
    if s.username and s.password is not None and s.security_token is not None:
        password, security = s.password, s.security_token
        return lambda: {
            "username": s.username,
            "password": password.reveal(),
            "security_token": security.reveal(),
            "domain": domain,
        }
    if s.consumer_key and s.consumer_secret is not None and not s.username:
        secret = s.consumer_secret
        return lambda: {
            "consumer_key": s.consumer_key,
            "consumer_secret": secret.reveal(),
            "domain": domain,
        }
    raise ConfigError(
        "crm.settings: give instance_url and session_id, or username with private_key and "
        "consumer_key (JWT), or username, password, consumer_key and consumer_secret, or "
        "username, password and security_token, or consumer_key and consumer_secret"
    )


class Connection:
    """A signed-in client and the one way to call it.

    :param factory: signs in and returns a client; called lazily, and again once when the
        service refuses the session (a renewed token is then picked up).
    :param timeout: seconds to wait for an answer (passed to every request).
    :param batch_size: rows per query page (200 to 2000; Salesforce's default is 2000).
    """

    def __init__(
        self, factory: ClientFactory, *, timeout: float | None = None, batch_size: int | None = None
    ) -> None:
        """Keep the factory; sign in on first use."""
        self._factory = factory
        self._client: Salesforce | None = None
        self._last: requests.Response | None = None
        self.timeout = timeout
        self.batch_size = batch_size

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last = response

    def _sign_in(self) -> Salesforce:
        with translated():
            client = self._factory()
        # A response hook keeps the latest answer: SDK exceptions carry no headers, and
        # Retry-After lives in one.
        client.session.hooks["response"].append(self._remember)
        self._client = client
        return client

    def api_usage(self) -> tuple[int, int] | None:
        """``(used, allowed)`` of the daily API allowance; ``None`` before any answer.

        From the latest answer's ``Sforce-Limit-Info`` header (every answer carries it), read
        with simple-salesforce's own parser.
        """
        header = self._last.headers.get("Sforce-Limit-Info") if self._last is not None else None
        usage = Salesforce.parse_api_usage(header).get("api-usage") if header else None
        return (usage.used, usage.total) if usage is not None else None

    def call(self, action: Callable[[Salesforce], T], *, reading_changes: bool = False) -> T:
        """Run ``action`` on the client; SDK and transport exceptions leave translated.

        :param reading_changes: see :func:`~.errors.translated`.
        """
        with translated(last_response=lambda: self._last, reading_changes=reading_changes):
            client = self._client or self._sign_in()
            try:
                return action(client)
            except SalesforceExpiredSession:
                # Sign in again once: a token that expired or was renewed elsewhere.
                pass
            try:
                return action(self._sign_in())
            except SalesforceExpiredSession:
                self._client = None
                raise AuthError("Salesforce refused the session after signing in again") from None

    def query_all(
        self, soql: str, *, include_deleted: bool = False, reading_changes: bool = False
    ) -> Any:
        """Every page of a SOQL query (``queryAll`` with ``include_deleted``)."""
        options: dict[str, Any] = {"timeout": self.timeout}
        if self.batch_size:
            options["headers"] = {"Sforce-Query-Options": f"batchSize={self.batch_size}"}
        return self.call(
            lambda sf: sf.query_all(soql, include_deleted=include_deleted, **options),
            reading_changes=reading_changes,
        )

    def deleted(self, sobject: str, start: datetime, end: datetime) -> Any:
        """``getDeleted`` for ``sobject`` over ``[start, end]`` (the delete log's reach)."""
        return self.call(lambda sf: getattr(sf, sobject).deleted(start, end), reading_changes=True)

    def close(self) -> None:
        """Close the HTTP session."""
        if self._client is not None:
            self._client.session.close()
            self._client = None
