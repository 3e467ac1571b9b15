"""``calsync health``: whether this deployment can work, for a container or systemd to ask."""

from __future__ import annotations

from dataclasses import dataclass

from calsync.config import load_config
from calsync.state import State
from calsync.workers.app import app, configure, queue_depth
from calsync.workers.settings import WorkerSettings

__all__ = ["Check", "check"]


@dataclass(frozen=True, slots=True)
class Check:
    """One thing the health check looked at."""

    name: str
    ok: bool
    detail: str


def check(settings: WorkerSettings, *, workers: bool, timeout: float = 5.0) -> list[Check]:
    """Look at the state database, the broker and (``workers``) whether a worker answers."""
    results = [_state(settings)]
    configure(settings)
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
        results.append(Check("broker", True, f"reachable; {queue_depth()} passes queued"))
    except Exception as exc:
        results.append(Check("broker", False, f"{type(exc).__name__}: {exc}"))
        return results
    if workers:
        replies = app.control.ping(timeout=timeout)
        names = sorted(name for reply in replies for name in reply)
        results.append(
            Check("workers", bool(names), ", ".join(names) or "no worker answered a ping")
        )
    return results


def _state(settings: WorkerSettings) -> Check:
    try:
        config = load_config(settings.config)
        state = State(config.state, busy_timeout=config.state_options.busy_timeout_seconds)
        try:
            state.last_activity()
        finally:
            state.close()
    except Exception as exc:
        return Check("state", False, f"{type(exc).__name__}: {exc}")
    return Check("state", True, "the state database answers")
