"""Reaching the workers' broker from the command line: a bad URL or a broker down is named.

``calsync worker``, ``scheduler`` and ``health`` take ``--broker`` (``CALSYNC_BROKER_URL``);
``enable`` and ``reset`` queue their passes there when the variable is set. A URL that is no
broker's is a configuration error (exit 2) before anything changes; a broker that does not
answer is an error naming it (exit 2), found before ``enable`` or ``reset`` change a
mailbox, so nothing is marked that could not be queued. Kombu's own exceptions (a
``KeyError`` for an unknown transport, an ``OperationalError`` for a refused connection)
would otherwise reach the user as internal errors.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Final

from calsync.errors import CalsyncError, ConfigError

__all__ = ["check_broker_url", "queue_passes", "reaching", "workers_ready"]

#: Where the URL comes from, as a person would look for it.
SOURCE: Final = "--broker / CALSYNC_BROKER_URL"
#: Seconds a command waits for the broker to answer before saying it does not.
ANSWER_SECONDS: Final = 5.0


def shown(url: str) -> str:
    """``url`` without its password, fit for a message."""
    from kombu.utils.url import maybe_sanitize_url

    return str(maybe_sanitize_url(url))


def check_broker_url(url: str) -> None:
    """Raise :class:`ConfigError` unless ``url`` names a transport the broker client knows."""
    from kombu.transport import TRANSPORT_ALIASES

    scheme, separator, _ = url.partition("://")
    if separator and scheme in TRANSPORT_ALIASES:
        return
    raise ConfigError(
        [
            f"{SOURCE}: {shown(url)!r} is not a broker URL; give redis://HOST:PORT/DB "
            "or amqp://USER:PASSWORD@HOST// (RabbitMQ)"
        ]
    )


@contextmanager
def reaching(url: str, *, done: str = "") -> Iterator[None]:
    """Turn a broker that does not answer into an error naming it (and what was ``done``)."""
    from kombu.exceptions import OperationalError

    try:
        yield
    except OperationalError as exc:
        already = f"{done}, but " if done else ""
        raise CalsyncError(
            f"{already}the broker {shown(url)} does not answer ({exc}); start it, or fix {SOURCE}"
        ) from None


def workers_ready() -> bool:
    """Whether passes go to the workers; if so, the broker's URL is valid and it answers.

    Called before a command changes anything, so a broker that is down changes nothing.
    """
    from calsync.workers.enqueue import workers_configured
    from calsync.workers.settings import WorkerSettings

    if not workers_configured():  # a timing that is no number: ConfigError naming it
        return False
    settings = WorkerSettings.from_environment()
    assert settings is not None
    check_broker_url(settings.broker)
    from calsync.workers.app import configure

    with reaching(settings.broker), configure(settings).connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=ANSWER_SECONDS)
    return True


def queue_passes(names: Iterable[str], *, done: str) -> None:
    """Queue a pass of each of ``names`` for the workers (:func:`workers_ready` said yes)."""
    from calsync.workers.enqueue import enqueue_passes
    from calsync.workers.settings import BROKER_VARIABLE

    with reaching(os.environ.get(BROKER_VARIABLE, ""), done=done):
        enqueue_passes(names)
