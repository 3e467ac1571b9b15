"""The Celery application: a round task that fans out one pass task per mailbox.

A round (``calsync.round``, planned by ``calsync scheduler``, Celery beat) reads the
organisation from the CRM once and enqueues ``calsync.pass`` for each mailbox, carrying the
mailbox's share of that read (:mod:`calsync.workers.shares`): a round of any size costs the
CRM the organisation round's few calls, not a few per mailbox. Delivery is at least once,
so everything is safe to run twice:

* ``acks_late``: a task is acknowledged when its pass ended, so a worker killed mid-pass
  leaves it in the queue; after the visibility timeout the broker hands it to another worker.
* the state lease (and a lock within a process) keeps a mailbox to one pass at a time: a
  redelivered task for a mailbox that is being synced ends at once as ``busy``;
* a stale share (the mailbox was passed since the read) is not used: that pass reads its
  own CRM changes;
* a pass task expires when the next round is planned (the next round passes the mailbox
  anyway), so a backlog never grows past one round;
* a pass the service throttled or that found it down (THROTTLED, SERVICE_UNAVAILABLE) is
  retried after a back-off that follows calsync.retry's policy (:data:`TASK_BACKOFF`).
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from typing import Any, Final

from celery import Celery, Task

from calsync.retry import Backoff
from calsync.workers.passes import Runtime
from calsync.workers.settings import WorkerSettings

__all__ = [
    "PASS_TASK",
    "QUEUE",
    "ROUND_TASK",
    "TASK_BACKOFF",
    "app",
    "configure",
    "countdown",
    "enqueue_pass",
    "queue_depth",
    "runtime",
]

logger = logging.getLogger("calsync.workers")

QUEUE: Final = "calsync"
ROUND_TASK: Final = "calsync.round"
PASS_TASK: Final = "calsync.pass"
#: Codes after which a failed pass is worth repeating soon: the service asked to slow down
#: or was down for now (EX-25). Other failures wait for the next round.
RETRY_CODES: Final = frozenset({"THROTTLED", "SERVICE_UNAVAILABLE"})
#: Between task attempts; the pass itself already waited out short hints (calsync.retry).
TASK_BACKOFF: Final = Backoff(attempts=4, initial=30.0, longest=600.0, jitter=10.0)

app = Celery("calsync")
_runtime: Runtime | None = None
#: The first tasks of a worker start on all its threads at once: one of them opens the runtime.
_runtime_lock = threading.Lock()


def configure(settings: WorkerSettings) -> Celery:
    """Point the application at ``settings``' broker, with the delivery rules above."""
    settings.export()
    app.conf.update(
        broker_url=settings.broker,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.visibility_timeout},
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        # One task at a time per thread: a busy worker leaves waiting passes to idle ones.
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        # calsync logs to stderr itself (text or JSON); Celery must not wrap the stream.
        worker_redirect_stdouts=False,
        beat_schedule={
            "round": {
                "task": ROUND_TASK,
                "schedule": settings.round_seconds,
                "options": {"expires": settings.round_seconds},
            }
        },
    )
    return app


def runtime() -> Runtime:
    """The :class:`Runtime` of this process, opened on the first task."""
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            settings = WorkerSettings.from_environment()
            if settings is None:
                raise RuntimeError("no broker configured (CALSYNC_BROKER_URL)")
            _runtime = Runtime(settings.config)
        return _runtime


@app.task(name=ROUND_TASK)
def plan_round() -> int:
    """The organisation read, then one pass task per mailbox with its share; returns how many."""
    round_id = uuid.uuid4().hex[:12]
    planned = runtime().plan_round()
    expires = app.conf.beat_schedule["round"]["schedule"]
    for name, share in planned:
        pass_task.apply_async(
            (name,),
            {"share": share},
            headers={"round": round_id},
            expires=expires,
            # A share repeats what the CRM supports (its time zones): it packs well.
            compression="zlib",
        )
    logger.info("round %s: %d passes enqueued", round_id, len(planned))
    return len(planned)


@app.task(name=PASS_TASK, bind=True, max_retries=TASK_BACKOFF.attempts - 1)
def pass_task(
    self: Task[Any, Any],
    name: str,
    share: dict[str, Any] | None = None,
    allow_mass_delete: bool = False,
) -> str:
    """One pass of mailbox ``name`` (``share``: its round's read, :mod:`.shares`); its outcome.

    ``allow_mass_delete``: an admin allowed the deletions held back (the console's action).
    """
    work = runtime()
    mailbox = work.mailbox(name)
    if mailbox is None:
        # Queued before the configuration (or the CRM group) lost the mailbox, or by a
        # deployment that has it.
        logger.warning("pass of %s skipped: no such mailbox in the configuration", name)
        return "not-configured"
    report = work.run_pass(mailbox, share, allow_mass_delete=allow_mass_delete)
    retries: int = self.request.retries
    worth_retrying = report.outcome == "failed" and RETRY_CODES & set(report.issues)
    if worth_retrying and retries < TASK_BACKOFF.attempts - 1:
        raise self.retry(countdown=countdown(retries))
    return report.outcome


def countdown(retries: int, policy: Backoff = TASK_BACKOFF) -> float:
    """Seconds before attempt ``retries + 2``: doubling from ``initial``, capped, with jitter."""
    wait: float = min(policy.longest, policy.initial * 2**retries)
    return wait + random.uniform(0, policy.jitter)


def enqueue_pass(name: str, *, allow_mass_delete: bool = False) -> None:
    """Ask the workers for a pass of mailbox ``name`` (enable, reset, the admin actions).

    Such a pass carries no round share: it reads what it needs itself.
    """
    pass_task.apply_async((name,), {"allow_mass_delete": allow_mass_delete})


def queue_depth() -> int:
    """Pass tasks waiting in the broker's queue (0 when the queue does not exist yet)."""
    try:
        with app.connection_for_read() as connection:
            declared = connection.default_channel.queue_declare(QUEUE, passive=True)
            return int(declared.message_count)
    except Exception:  # the broker says "no such queue" in its own way
        return 0
