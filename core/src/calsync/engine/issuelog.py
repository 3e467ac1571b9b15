"""The issue log and the markers that follow it (EX-26).

After each pass: issues hit again are counted (last seen, count), new ones are recorded,
issues of items that now synced (or were skipped on purpose, or removed) resolve, and
mailbox-wide issues resolve when a pass succeeds without hitting them. Then every mailbox
item shows exactly the marker of its newest open issue that has one, and no other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from calsync.engine.plan import Hit, PassContext
from calsync.issues import Issue, Severity, Source, definition
from calsync.logs import correlation_id, new_correlation_id
from calsync.markers import Marker, MarkerChange
from calsync.state import State
from calsync.state.records import Link, Side

__all__ = ["record", "sync_markers"]


def _source(side: Side) -> Source:
    return Source.MAILBOX if side is Side.MAILBOX else Source.CRM


def _correlation(hit: Hit) -> str:
    """The id the pass logged the error under (so the issue finds its traceback), or a new one."""
    given = hit.params.get("correlation_id")
    if isinstance(given, str) and given not in ("", "-"):
        return given
    return correlation_id() or new_correlation_id()


def _render(hit: Hit, correlation_id: str | None) -> str:
    params = dict(hit.params)
    if correlation_id is not None:
        params["correlation_id"] = correlation_id
    return definition(hit.code).render(**params)


def record(
    state: State,
    mailbox: str,
    hits: Sequence[Hit],
    *,
    handled: Iterable[tuple[Side, str]],
    succeeded: bool,
    now: datetime,
) -> list[Issue]:
    """Update the issue log with this pass's ``hits``; returns the issues opened or seen again.

    :param handled: items processed without objection this pass; their issues resolve.
    :param succeeded: the pass completed; mailbox-wide issues it did not hit resolve.

    Every change is written in one transaction; a pass that changes nothing writes nothing.
    """
    with state.atomic():
        return _record(state, mailbox, hits, handled=handled, succeeded=succeeded, now=now)


def _record(
    state: State,
    mailbox: str,
    hits: Sequence[Hit],
    *,
    handled: Iterable[tuple[Side, str]],
    succeeded: bool,
    now: datetime,
) -> list[Issue]:
    open_issues = state.issues(mailbox, open_only=True)
    by_key = {(i.code, str(i.side), i.item_id): i for i in open_issues}
    seen: dict[tuple[str, str, str | None], Issue] = {}
    hit_items: set[tuple[str, str | None]] = set()
    for hit in hits:
        side = str(_source(hit.side))
        key = (hit.code, side, hit.item_id)
        if key in seen:
            continue
        hit_items.add((side, hit.item_id))
        existing = by_key.get(key)
        # An error seen again takes the id of its latest occurrence: the newest log has it.
        correlation = (
            _correlation(hit)
            if hit.code == "INTERNAL_ERROR"
            else (existing.correlation_id if existing else None)
        )
        message = _render(hit, correlation)
        if existing is not None:
            issue = replace(
                existing,
                last_seen=now,
                count=existing.count + 1,
                message=message,
                correlation_id=correlation,
                related_ids=hit.related_ids or existing.related_ids,
            )
        else:
            issue = Issue(
                code=hit.code,
                mailbox=mailbox,
                side=_source(hit.side),
                item_id=hit.item_id,
                message=message,
                first_seen=now,
                last_seen=now,
                correlation_id=correlation,
                related_ids=hit.related_ids,
            )
        seen[key] = state.save_issue(issue)
    done = {(str(_source(side)), item_id) for side, item_id in handled}
    for key, issue in by_key.items():
        if key in seen:
            continue
        item_level = issue.item_id is not None and definition(issue.code).severity is Severity.ITEM
        resolve = (
            item_level
            and (
                (str(issue.side), issue.item_id) in done
                or (str(issue.side), issue.item_id) in hit_items
            )
        ) or (not item_level and succeeded)
        if resolve:
            state.save_issue(replace(issue, resolved_at=now))
    return list(seen.values())


def _targets(issue: Issue) -> tuple[str, ...]:
    """The mailbox items an issue's marker goes on (every copy, for duplicates)."""
    return issue.related_ids or ((issue.item_id,) if issue.item_id else ())


def sync_markers(ctx: PassContext, links: dict[str, Link]) -> int:
    """Make the markers on mailbox items match the open issues; returns markers changed.

    Each item shows the marker of its newest open issue that has one; an item whose issues
    all resolved loses its marker. The person's own categories are the provider's to keep.
    """
    state = ctx.state
    # Issues neither open nor marked change no marker, and are left as they are.
    issues = state.marker_issues(ctx.name)
    wanted: dict[str, Issue] = {}
    for issue in sorted(issues, key=lambda i: (i.last_seen, i.id or 0)):
        if issue.is_open and issue.side is Source.MAILBOX and definition(issue.code).marker:
            for item_id in _targets(issue):
                wanted[item_id] = issue
    shown = {item_id: issue for issue in issues if issue.marked for item_id in _targets(issue)}
    changes = [
        MarkerChange(
            item_id=item_id,
            marker=Marker(code=issue.code, detail=issue.message, title=ctx.policy.marker_title),
        )
        for item_id, issue in wanted.items()
        if item_id not in shown or shown[item_id].id != issue.id
    ]
    changes += [
        MarkerChange(item_id=item_id, marker=None) for item_id in shown.keys() - wanted.keys()
    ]
    if not changes:
        return 0
    results = ctx.mailbox.set_markers(changes)
    touched = []
    failed: set[str] = set()
    for change, result in zip(changes, results, strict=True):
        if not result.ok:
            failed.add(change.item_id)
        link = links.get(change.item_id)
        if (
            change.marker is None
            and result.ok
            and result.ref is not None
            and link is not None
            and link.id is not None
        ):
            # Removing the marker of an item that synced changed it: remember its new token so
            # the change is not taken for the person's. (A marker being added means the item's
            # content was refused; it is checked again when it comes back, and refused again.)
            link.remember(Side.MAILBOX, token=result.ref.change_token)
            touched.append(link)
    # A marker the mailbox refused (throttled, a failed batch part) is tried again next pass:
    # its issue is not taken as marked, and a marker that could not be removed stays known.
    refused = {wanted[item_id].id for item_id in failed if item_id in wanted}
    still_shown = {shown[item_id].id for item_id in failed if item_id not in wanted}
    marked_ids = ({issue.id for issue in wanted.values()} - refused) | still_shown
    with state.atomic():
        for issue in issues:
            if issue.marked != (issue.id in marked_ids):
                state.save_issue(replace(issue, marked=issue.id in marked_ids))
        state.save_links(touched)
    return len(changes)
