"""Where the workers find their configuration, broker and timings.

The same values reach every process of a deployment (worker, scheduler, health check, the
admin commands that enqueue a pass) through the environment, as systemd units and Compose
files pass them; the command-line options of ``calsync worker`` set the same variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Self

from calsync.errors import ConfigError

__all__ = ["BROKER_VARIABLE", "WorkerSettings"]

#: The broker URL, e.g. ``redis://127.0.0.1:6379/0`` or ``amqp://calsync@rabbit//``.
BROKER_VARIABLE: Final = "CALSYNC_BROKER_URL"
CONFIG_VARIABLE: Final = "CALSYNC_CONFIG"
VISIBILITY_VARIABLE: Final = "CALSYNC_VISIBILITY_TIMEOUT"
ROUND_VARIABLE: Final = "CALSYNC_ROUND_SECONDS"


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerSettings:
    """What every worker process of one deployment shares."""

    #: The calsync configuration file (its ``state`` names the shared database).
    config: Path
    broker: str
    #: Seconds a taken, unacknowledged task stays invisible before the broker (Redis) hands
    #: it to another worker. Longer than any pass: a pass waits out at most three service
    #: hints of a minute (calsync.retry) besides its own work; a shorter timeout would run a
    #: pass twice (the second skips: the lease is held) but never at once.
    visibility_timeout: int = 1800
    #: A round is planned every this many seconds.
    round_seconds: float = 300.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Self | None:
        """The settings the environment gives, or ``None`` when no broker is configured."""
        env = os.environ if environ is None else environ
        broker = env.get(BROKER_VARIABLE, "").strip()
        if not broker:
            return None
        visibility = _seconds(env, VISIBILITY_VARIABLE, "1800", int)
        round_seconds = _seconds(env, ROUND_VARIABLE, "300", float)
        wrong = [
            f"{name}: {env.get(name)!r} is not a number of seconds"
            for name, value in ((VISIBILITY_VARIABLE, visibility), (ROUND_VARIABLE, round_seconds))
            if value is None
        ]
        if wrong:
            raise ConfigError(wrong)
        assert visibility is not None and round_seconds is not None
        return cls(
            config=Path(env.get(CONFIG_VARIABLE, "calsync.toml")),
            broker=broker,
            visibility_timeout=int(visibility),
            round_seconds=float(round_seconds),
        )

    def export(self, environ: dict[str, str] | None = None) -> None:
        """Write these settings into the environment (the worker's tasks read them there)."""
        env = os.environ if environ is None else environ
        env[BROKER_VARIABLE] = self.broker
        env[CONFIG_VARIABLE] = str(self.config)
        env[VISIBILITY_VARIABLE] = str(self.visibility_timeout)
        env[ROUND_VARIABLE] = str(self.round_seconds)


def _seconds(
    env: Mapping[str, str], name: str, default: str, kind: type[int] | type[float]
) -> float | None:
    """``name``'s value as ``kind``, or ``None`` when it is not one."""
    try:
        return kind(env.get(name, default))
    except ValueError:
        return None
