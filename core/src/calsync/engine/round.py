"""One round: the organisation read once, then each chosen mailbox's pass.

Before any pass, the round reads what every pass needs from the CRM
(:meth:`~calsync.engine.engine.Engine.read_organisation`) and asks the organisation
whether passes may run: while the CRM refuses the shared credentials every mailbox waits
(:mod:`.org_status`), and while the daily API allowance is used into its reserved share
the round runs no passes. The passes the round read changes for (or did not read ahead)
run first, while its fetch of the records they compare their updates with is fresh (the
first of them to find it stale fetches it again for itself and those after it); the idle
ones follow, and the reports come in the configured order. A mailbox service that
asks one mailbox to slow down (EX-25) holds back the other mailboxes of its tenant until
the next round; other tenants go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Final

from calsync.config import MailboxConfig
from calsync.engine.mailbox_run import MailboxRun
from calsync.engine.org_round import OrgRound, RoundRecords
from calsync.engine.org_status import SLOWED_DETAIL, SUSPENDED_DETAIL
from calsync.engine.organisation import tenant_of
from calsync.engine.report import PassReport
from calsync.issues import Source

if TYPE_CHECKING:
    from calsync.engine.engine import Engine

__all__ = ["THROTTLED_DETAIL", "run_round"]

#: What the report of a mailbox says when its service throttled another of its mailboxes.
THROTTLED_DETAIL: Final = (
    "its service asked another mailbox of the same account to slow down this round; it waits "
    "for the next round (other accounts' mailboxes go on)"
)


def run_round(
    engine: Engine,
    chosen: Sequence[MailboxConfig],
    *,
    allow_mass_delete: bool,
    progress: Callable[[str], None] | None = None,
) -> list[PassReport]:
    """Run the round for ``chosen``: one report per mailbox, in order.

    ``progress`` is told each mailbox's name as its turn comes.
    """
    engine.crm_features = None  # read once per run
    started = engine.clock()
    org = engine.read_organisation(chosen)
    organisation = engine.organisation
    # Why the CRM refuses the organisation's credentials this round ("" when it does not).
    refused = org.refused or engine.roster.refused or organisation.still_refused(org)
    slowed = not refused and organisation.slowed(org, started)
    if not refused:
        organisation.watch_copies(org, chosen)
    reports: dict[int, PassReport] = {}
    # Tenants whose mailbox service throttled a pass of this round (EX-25): their other
    # mailboxes wait for the next round; other tenants' go on.
    throttled: set[str] = set()
    # The passes with changes refresh the round's fetch of the records for each other.
    records = RoundRecords(org.records) if org.records is not None else None
    for index in _turns(org, chosen):
        mailbox = chosen[index]
        if progress is not None:
            progress(mailbox.name)
        if refused:  # the organisation waits: no pass runs, nothing is marked
            reports[index] = PassReport(
                mailbox=mailbox.name, outcome="suspended", detail=SUSPENDED_DETAIL
            )
        elif slowed:
            reports[index] = PassReport(
                mailbox=mailbox.name, outcome="waiting", detail=SLOWED_DETAIL
            )
        elif tenant_of(mailbox) in throttled:
            reports[index] = PassReport(
                mailbox=mailbox.name, outcome="waiting", detail=THROTTLED_DETAIL
            )
        else:
            run = MailboxRun(
                engine,
                mailbox,
                org=_with(org, records, refreshing=not org.idle(mailbox.name, mailbox.address)),
                allow_mass_delete=allow_mass_delete,
            )
            reports[index] = run.report()
            refused = run.refused
            if _throttled_by_mailbox_side(engine, run, started):
                throttled.add(tenant_of(mailbox))
    if refused:
        organisation.suspend(refused)
    return [reports[index] for index in range(len(chosen))]


def _with(org: OrgRound, records: RoundRecords | None, *, refreshing: bool) -> OrgRound:
    """``org`` with the round's latest fetch of the records (see :class:`RoundRecords`).

    Only the passes with changes refresh it: an idle one's few updates (retries) need not
    bring the records of the others along.
    """
    return org if records is None else replace(org, records=records.current(refreshing=refreshing))


def _turns(org: OrgRound, chosen: Sequence[MailboxConfig]) -> list[int]:
    """The order the passes run in: the idle ones (:meth:`OrgRound.idle`) last.

    The round's fetch of the records the passes compare their updates with is used only
    while fresh (:data:`~calsync.engine.org_round.RECORDS_FRESH`); behind 2,000 idle passes
    it would not be. The others keep the configured order among themselves: an attendee's
    copy of a colleague's new meeting is linked to it when the organiser's pass went first.
    """
    idle = {i for i, m in enumerate(chosen) if org.idle(m.name, m.address)}
    busy = [i for i in range(len(chosen)) if i not in idle]
    return busy + sorted(idle)


def _throttled_by_mailbox_side(engine: Engine, run: MailboxRun, since: datetime) -> bool:
    if run.open_codes is not None and "THROTTLED" not in run.open_codes:
        return False  # its pass ended without one open: nothing to read
    return any(
        issue.side is Source.MAILBOX and issue.last_seen >= since
        for issue in engine.state.issues(run.mailbox.name, code="THROTTLED")
    )
