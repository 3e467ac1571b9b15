"""Making the planned writes: through the outbox, in batches, recording each result.

Before a batch goes out, its creates are recorded in the outbox and committed. After the
provider answers, the results, the links they create and the removal of those outbox
entries are committed together. A pass killed in between leaves the entries behind; the
next pass adopts whatever the interrupted creates made (found by the counterpart id the
created items carry) instead of creating second copies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from calsync.engine.keys import fingerprint
from calsync.engine.plan import Hit, Planned
from calsync.engine.planner import Planner
from calsync.issues import named
from calsync.policy import Direction, Operation
from calsync.providers import ItemFailure, WriteResult
from calsync.state import OutboxEntry
from calsync.state.records import Link, LinkKind, Side

__all__ = ["apply", "replay_outbox"]


def apply(planner: Planner, planned: Sequence[Planned]) -> Counter[Direction]:
    """Make ``planned`` writes, one provider call per side; returns records synced per direction."""
    ctx = planner.ctx
    synced: Counter[Direction] = Counter()
    for side in (Side.CRM, Side.MAILBOX):
        batch = [p for p in planned if p.side is side]
        if not batch:
            continue
        provider = ctx.crm if side is Side.CRM else ctx.mailbox
        now = ctx.clock()
        entries = [
            OutboxEntry(
                mailbox=ctx.name,
                side=side,
                operation="create",
                source_key=p.source_key,
                created_at=now,
            )
            for p in batch
            if p.write.operation is Operation.CREATE and p.source_key
        ]
        with ctx.state.atomic():
            outbox_ids = ctx.state.add_outbox(entries)
        results = provider.write([p.write for p in batch])
        if len(results) != len(batch):
            from calsync.errors import InvalidReplyError

            raise InvalidReplyError(
                f"the {side} answered {len(results)} results for {len(batch)} writes"
            )
        with ctx.state.atomic():
            for item, result in zip(batch, results, strict=True):
                if result.ok:
                    _confirm(planner, item, result)
                    synced[item.direction] += int(item.counts)
                else:
                    assert result.failure is not None
                    planner.ledger.hits.append(_failure_hit(item, result.failure))
            planner.ledger.save(ctx.state)
            ctx.state.clear_outbox(outbox_ids)
    return synced


def _confirm(planner: Planner, planned: Planned, result: WriteResult) -> None:
    if planned.resets is not None and result.ref is not None:
        planned.resets.remember(planned.side, token=result.ref.change_token)
        planner.ledger.changed(planned.resets)
    link = planned.link
    if link is None:
        return
    if planned.drop_link:
        planner.ledger.drop(link)
        return
    if planned.write.operation is Operation.DELETE:
        # A delete through a series' link (a cancelled occurrence) says nothing about the
        # series' content: its fingerprints stay as they are.
        planner.ledger.changed(link)
        return
    side, source = planned.side, planned.source
    if planned.write.operation is Operation.CREATE and result.ref is not None:
        if side is Side.CRM:
            link.crm_key = result.ref.id
        else:
            link.mailbox_key = result.ref.id
    if source is not None:
        source_side = side.other
        link.remember(
            source_side,
            token=source.ref.change_token if source.ref else None,
            content=fingerprint(source, source_side),
        )
    if planned.write.item is not None:
        link.remember(
            side,
            token=result.ref.change_token if result.ref else None,
            content=fingerprint(planned.write.item, side),
        )
    link.synced_at = planner.ctx.clock()
    if planned.new_link:
        planner.adopt(link)
    else:
        planner.ledger.changed(link)


def _failure_hit(planned: Planned, failure: ItemFailure) -> Hit:
    source = planned.source
    params = {
        # Nothing of a private item goes into the issue log (EX-01).
        "subject": named(source) if source and not planned.privatised else "",
        # What a refused write's issue says in words: the service's text when it named no field.
        "field": failure.field or failure.message,
        "side": "CRM" if planned.side is Side.CRM else "mailbox",
        "retry_at": f"{failure.retry_after:.0f} s" if failure.retry_after else "a pause",
        "rule_message": failure.message,
        "detail": failure.message,
        "reason": failure.message,
        "kind": failure.message,
        "zone": (source.zone if source else None) or "?",
        "correlation_id": "-",
    }
    return Hit(
        code=failure.code,
        side=planned.side.other,
        item_id=source.ref.id if source is not None and source.ref is not None else None,
        params=params,
    )


def replay_outbox(planner: Planner) -> int:
    """Adopt what an interrupted pass created: returns how many entries were replayed."""
    ctx = planner.ctx
    entries = ctx.state.outbox(ctx.name)
    if not entries:
        return 0
    for side in (Side.CRM, Side.MAILBOX):
        mine = [e for e in entries if e.side is side]
        if not mine:
            continue
        provider = ctx.crm if side is Side.CRM else ctx.mailbox
        found = provider.find_by_counterpart([e.source_key for e in mine])
        for source_key, item in found.items():
            if item.ref is None or item.series_id is not None:
                continue  # an occurrence record carrying its series' reference is not it
            source_side = side.other
            if planner.ledger.link(source_side, source_key) is not None:
                continue
            kind = LinkKind.SERIES if item.recurrence is not None else LinkKind.SINGLE
            if "|" in source_key:
                kind = LinkKind.OCCURRENCE
            keys = {source_side: source_key, side: item.ref.id}
            link = Link(
                mailbox=ctx.name, kind=kind, mailbox_key=keys[Side.MAILBOX], crm_key=keys[Side.CRM]
            )
            # The source's fingerprint stays unknown, so the source is synced again as an
            # update of what the interrupted pass created: nothing is created twice.
            link.remember(side, token=item.ref.change_token, content=fingerprint(item, side))
            link.synced_at = ctx.clock()
            planner.adopt(link)
    with ctx.state.atomic():
        planner.ledger.save(ctx.state)
        ctx.state.clear_outbox(e.id for e in entries if e.id is not None)
    return len(entries)
