"""Asking the workers for a pass now: what enable, reset and the console's actions do.

With a broker configured (``CALSYNC_BROKER_URL``, as every process of a deployment with
workers has), enabling or resetting a mailbox and the console's actions that run a pass
queue that pass for the workers instead of running it in the admin's process; without one
they run it as before. Celery is imported only when a broker is configured, so calsync
without the ``workers`` extra never needs it.
"""

from __future__ import annotations

from collections.abc import Iterable

from calsync.errors import ConfigError
from calsync.workers.settings import BROKER_VARIABLE, WorkerSettings

__all__ = ["enqueue_passes", "workers_configured"]


def workers_configured() -> bool:
    """Whether passes go to the workers: a broker is configured and Celery is installed.

    :raises ConfigError: a broker is configured but calsync[workers] is not installed.
    """
    if WorkerSettings.from_environment() is None:
        return False
    try:
        import celery  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            f"{BROKER_VARIABLE} is set, but calsync[workers] is not installed "
            f"({exc.name} is missing): pip install 'calsync[workers]', or unset {BROKER_VARIABLE}"
        ) from exc
    return True


def enqueue_passes(names: Iterable[str], *, allow_mass_delete: bool = False) -> None:
    """Queue a pass of each mailbox of ``names`` for the workers (a broker is configured).

    ``allow_mass_delete``: the passes carry out deletions held back as a mass deletion.
    """
    from calsync.workers.app import configure, enqueue_pass

    settings = WorkerSettings.from_environment()
    assert settings is not None, "workers_configured() first"
    configure(settings)
    for name in names:
        enqueue_pass(name, allow_mass_delete=allow_mass_delete)
