"""The sync engine: rounds of passes for the configured mailboxes (see :mod:`.engine`).

:mod:`.engine` holds the :class:`Engine`; :mod:`.round` a round; :mod:`.mailbox_run` one
mailbox's turn in it, around the pass itself (:mod:`.sync_pass`), which the planner
(:mod:`.planner`) plans and :mod:`.apply` writes.
"""

from calsync.engine.engine import Engine
from calsync.engine.notifications import FAILURES_BEFORE_NOTICE
from calsync.engine.org_round import OrgRound
from calsync.engine.report import PassReport

__all__ = ["FAILURES_BEFORE_NOTICE", "Engine", "OrgRound", "PassReport"]
