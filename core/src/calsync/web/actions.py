"""What an admin can do to mailboxes, each written to the audit log.

Enabling a mailbox and allowing its held deletions each run a pass; the console runs those
in the background, one at a time on a worker thread with its own :class:`~calsync.api.Calsync`
(the lease keeps it from overlapping a ``calsync sync`` elsewhere), so the page answers at
once and shows the mailbox as queued, then syncing, then its new status. Disabling and
resetting only change the mailbox's stored status and are done straight away.

With workers (a broker configured, see docs/operating-at-scale.md) the passes of enabling,
resetting and allowing held deletions are queued for the workers instead.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager
from typing import Final

from calsync.api import Calsync
from calsync.engine import PassReport
from calsync.state.audit import AuditEntry, AuditLog

__all__ = ["Action", "Actions"]

log = logging.getLogger(__name__)


class Action(enum.StrEnum):
    """The actions, as named in URLs and in the audit log."""

    ENABLE = "enable"
    DISABLE = "disable"
    RESET = "reset"
    ALLOW_MASS_DELETE = "allow-mass-delete"

    @property
    def label(self) -> str:
        """The button's words."""
        return _TITLES[self]

    @property
    def explanation(self) -> str:
        """What it does, for the confirmation page."""
        return _EXPLANATIONS[self]


_TITLES: Final = {
    Action.ENABLE: "Enable",
    Action.DISABLE: "Disable",
    Action.RESET: "Reset",
    Action.ALLOW_MASS_DELETE: "Allow held deletions",
}
_EXPLANATIONS: Final = {
    Action.ENABLE: "Enables the mailbox, lifting a suspension, and runs a pass now.",
    Action.DISABLE: "Stops syncing the mailbox until it is enabled again.",
    Action.RESET: (
        "Marks the mailbox for reset: its next pass lists both sides in full, keeps the "
        "changes made since the last pass and adopts the counterparts that exist, "
        "without duplicating them."
    ),
    Action.ALLOW_MASS_DELETE: (
        "Runs a pass that carries out the deletions held back as a mass deletion "
        "(MASS_DELETE_HELD): the counterparts of the removed items are deleted."
    ),
}


_QUEUED: Final = "pass queued for the workers"


class Actions:
    """Carries out actions for the console and keeps what is queued or running."""

    def __init__(
        self,
        app: Calsync,
        worker: Callable[[], AbstractContextManager[Calsync]],
        audit: AuditLog,
        queue: Callable[[str, bool], None] | None = None,
    ) -> None:
        """``app`` serves the quick actions; ``worker`` opens a Calsync for a pass.

        ``queue(mailbox, allow_mass_delete)``, when given, asks the workers for a pass
        instead (:func:`calsync.workers.enqueue.enqueue_passes`).
        """
        self.app = app
        self.worker = worker
        self.audit = audit
        self.queue = queue
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calsync-web-pass")
        self._lock = threading.Lock()
        self._pending: dict[str, str] = {}
        self._futures: list[Future[None]] = []

    def pending(self) -> dict[str, str]:
        """Mailboxes with a pass queued or running: name -> what."""
        with self._lock:
            return dict(self._pending)

    def run(self, action: Action, mailboxes: list[str], who: str) -> list[str]:
        """Carry ``action`` out on ``mailboxes`` for ``who``; one line per mailbox."""
        said = []
        for name in mailboxes:
            self.app.engine.roster.named(name)  # an unknown name is refused before anything happens
        for name in mailboxes:
            if action is Action.DISABLE:
                self.app.disable(name)
                said.append(self._record(who, action, name, "disabled"))
            elif action is Action.RESET:
                self.app.reset(name)
                if self.queue is not None:
                    self.queue(name, False)
                    said.append(self._record(who, action, name, f"marked for reset; {_QUEUED}"))
                else:
                    said.append(self._record(who, action, name, "marked for reset"))
            elif self.queue is not None:
                if action is Action.ENABLE:
                    self.app.mark_enabled(name)
                self.queue(name, action is Action.ALLOW_MASS_DELETE)
                said.append(self._record(who, action, name, _QUEUED))
            else:
                said.append(self._queue(action, name, who))
        return said

    def _queue(self, action: Action, name: str, who: str) -> str:
        with self._lock:
            if name in self._pending:
                return f"{name}: a pass is already {self._pending[name]}"
            self._pending[name] = "queued"
        said = self._record(who, action, name, "pass queued")  # before the pass can end
        self._futures.append(self._pool.submit(self._pass, action, name, who))
        return said

    def _pass(self, action: Action, name: str, who: str) -> None:
        with self._lock:
            self._pending[name] = "running"
        try:
            with self.worker() as app:
                report: PassReport
                if action is Action.ENABLE:
                    report = app.enable(name)
                else:
                    [report] = app.sync(name, allow_mass_delete=True)
            outcome = (
                f"pass {report.outcome} (up {report.synced_up}, down {report.synced_down})"
                + (f": {report.detail}" if report.detail else "")
            )
        except Exception as exc:  # the console stays up; the audit log says what failed
            log.exception("the console's %s of %s failed", action, name)
            outcome = f"failed: {type(exc).__name__}"
        finally:
            with self._lock:
                self._pending.pop(name, None)
        self._record(who, action, name, outcome)

    def _record(self, who: str, action: Action, name: str, outcome: str) -> str:
        self.audit.record(
            AuditEntry(
                at=self.app.clock(), who=who, action=str(action), mailbox=name, outcome=outcome
            )
        )
        return f"{name}: {outcome}"

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every queued pass (tests, and stopping the console)."""
        wait(list(self._futures), timeout=timeout)

    def close(self) -> None:
        """Finish the running pass and drop the queued ones."""
        self._pool.shutdown(wait=True, cancel_futures=True)
