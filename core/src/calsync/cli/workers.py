"""``calsync worker``, ``calsync scheduler``, ``calsync health``: passes on Celery (calsync[workers])."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from calsync.cli.common import config_option, json_option
from calsync.cli.output import EXIT_ATTENTION, EXIT_OK, fail, fail_config, print_json, say
from calsync.errors import CalsyncError, ConfigError

if TYPE_CHECKING:
    from calsync.workers.settings import WorkerSettings

__all__ = ["health", "scheduler", "worker"]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def _needs_extra() -> None:
    try:
        import celery  # noqa: F401
        import prometheus_client  # noqa: F401
    except ImportError as exc:
        raise CalsyncError(
            f"this command needs calsync[workers] ({exc.name} is not installed): "
            "pip install 'calsync[workers]'"
        ) from None


def _deployment_options(function: F) -> F:
    """``--config``, ``--broker``, ``--visibility-timeout``, ``--round-seconds``."""
    for option in (
        click.option(
            "--round-seconds",
            type=click.FloatRange(min=1),
            default=300.0,
            show_default=True,
            envvar="CALSYNC_ROUND_SECONDS",
            help="A round every this many seconds; a pass not started by the next round expires.",
        ),
        click.option(
            "--visibility-timeout",
            type=click.IntRange(min=1),
            default=1800,
            show_default=True,
            envvar="CALSYNC_VISIBILITY_TIMEOUT",
            help="Seconds before the broker hands a task a dead worker held to another worker; "
            "keep it longer than a pass.",
        ),
        click.option(
            "--broker",
            default=DEFAULT_BROKER,
            show_default=True,
            envvar="CALSYNC_BROKER_URL",
            help="The broker: redis://HOST:PORT/DB, or amqp://USER:PASSWORD@HOST// for RabbitMQ.",
        ),
        config_option,
    ):
        function = option(function)
    return function


def _settings(
    config_path: Path, broker: str, visibility_timeout: int, round_seconds: float
) -> WorkerSettings:
    _needs_extra()
    if not config_path.is_file():
        raise CalsyncError(f"{config_path}: no such configuration file")
    from calsync.cli.broker import check_broker_url
    from calsync.config import load_config
    from calsync.workers.settings import WorkerSettings

    load_config(config_path)  # every problem now, not in each task a worker runs
    check_broker_url(broker)
    return WorkerSettings(
        config=config_path.absolute(),
        broker=broker,
        visibility_timeout=visibility_timeout,
        round_seconds=round_seconds,
    )


@click.command("worker")
@_deployment_options
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Passes at once in this process (threads: a pass mostly waits for the services; "
    "see docs/operating-at-scale.md for the measured choice).",
)
@click.option(
    "--metrics-port",
    type=click.IntRange(min=0, max=65535),
    default=0,
    envvar="CALSYNC_METRICS_PORT",
    help="Serve Prometheus metrics on this port (0: not at all).",
)
@click.option(
    "--metrics-host", default="127.0.0.1", show_default=True, help="Address the metrics bind to."
)
def worker(
    config_path: Path,
    broker: str,
    visibility_timeout: int,
    round_seconds: float,
    concurrency: int,
    metrics_port: int,
    metrics_host: str,
) -> None:
    """Run mailbox passes from the broker's queue until stopped (SIGTERM finishes running passes)."""
    settings = _settings(config_path, broker, visibility_timeout, round_seconds)
    from calsync.workers.app import QUEUE, configure, queue_depth
    from calsync.workers.metrics import QUEUE_DEPTH, serve_metrics

    app = configure(settings)
    QUEUE_DEPTH.set_function(queue_depth)
    serve_metrics(metrics_port, metrics_host)
    app.worker_main(
        [
            "worker",
            "--pool=threads",
            f"--concurrency={concurrency}",
            f"--queues={QUEUE}",
            f"--hostname=calsync-{os.getpid()}@{socket.gethostname()}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@click.command("scheduler")
@_deployment_options
@click.option(
    "--schedule-file",
    type=click.Path(path_type=Path),
    default=Path("calsync-beat-schedule"),
    show_default=True,
    help="Where Celery beat keeps when it last planned a round.",
)
def scheduler(
    config_path: Path,
    broker: str,
    visibility_timeout: int,
    round_seconds: float,
    schedule_file: Path,
) -> None:
    """Plan a round every --round-seconds (Celery beat); run exactly one per deployment."""
    settings = _settings(config_path, broker, visibility_timeout, round_seconds)
    from celery.apps.beat import Beat

    from calsync.cli.broker import reaching
    from calsync.workers.app import ROUND_TASK, configure

    app = configure(settings)
    with reaching(broker):
        app.send_task(ROUND_TASK)  # the first round now, not one interval after a (re)start
    Beat(app=app, schedule=str(schedule_file), loglevel="INFO").run()


@click.command("health")
@_deployment_options
@click.option(
    "--workers/--no-workers",
    default=False,
    help="Also require at least one worker to answer a ping.",
)
@json_option
def health(
    config_path: Path,
    broker: str,
    visibility_timeout: int,
    round_seconds: float,
    workers: bool,
    as_json: bool,
) -> None:
    """Check the state database, the broker (and workers): exit 0 when all answer, 1 otherwise.

    A configuration that cannot be used is unhealthy too (exit 1, saying why): container
    engines read any other code as a failure of the check itself (Docker reserves 2).
    """
    try:
        settings = _settings(config_path, broker, visibility_timeout, round_seconds)
    except CalsyncError as exc:
        if as_json:
            problem = {"name": "configuration", "ok": False, "detail": str(exc)}
            print_json({"healthy": False, "checks": [problem]})
            raise SystemExit(EXIT_ATTENTION) from None
        if isinstance(exc, ConfigError):
            fail_config(exc.file, exc.problems, EXIT_ATTENTION)
        fail("error", [str(exc)], EXIT_ATTENTION)
    from calsync.workers.health import check

    checks = check(settings, workers=workers)
    healthy = all(c.ok for c in checks)
    if as_json:
        print_json({"healthy": healthy, "checks": [asdict(c) for c in checks]})
    else:
        for c in checks:
            say(f"{c.name}: {'ok' if c.ok else 'FAILING'} — {c.detail}")
    raise SystemExit(EXIT_OK if healthy else EXIT_ATTENTION)
