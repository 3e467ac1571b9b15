"""What kinds of item can be mirrored at all (EX-02, EX-03, EX-04, EX-05, EX-07)."""

from __future__ import annotations

from calsync.model import EventType, ItemKind
from calsync.policy import Direction
from calsync.recurrence import RecurrenceModel
from calsync.rules.base import Decision, Refuse, RuleContext
from calsync.state.records import LinkKind

_KIND_NAMES = {
    EventType.OUT_OF_OFFICE: "Out-of-office",
    EventType.FOCUS_TIME: "Focus-time",
    EventType.WORKING_LOCATION: "Working-location",
    EventType.FROM_GMAIL: "From-Gmail",
    EventType.BIRTHDAY: "Birthday",
}


def special_kinds(context: RuleContext) -> Decision:
    """EX-05: special kinds of item (out of office, focus time, ...) are not mirrored."""
    item = context.item
    if item.event_type is not EventType.DEFAULT:
        return Refuse(
            code="UNSUPPORTED_ITEM_KIND",
            params={
                "kind": _KIND_NAMES.get(item.event_type, str(item.event_type)),
                "subject": item.subject,
            },
        )
    return None


def inexpressible_series(context: RuleContext) -> Decision:
    """EX-05: a series with extra dates or exclusion rules (RDATE, EXRULE) is not mirrored.

    The CRM's series models have no place for them; mirroring the rest would put wrong
    occurrences on the other side.
    """
    recurrence = context.item.recurrence
    if recurrence is None or not recurrence.unsupported_lines:
        return None
    names = sorted(
        {line.split(":", 1)[0].split(";", 1)[0].upper() for line in recurrence.unsupported_lines}
    )
    return Refuse(
        code="UNSUPPORTED_ITEM_KIND",
        params={"kind": f"Recurring ({' and '.join(names)})", "subject": context.item.subject},
    )


def too_long(context: RuleContext) -> Decision:
    """EX-05: items longer than the CRM accepts (Salesforce: 14 days) are not mirrored."""
    limit = context.features.max_duration
    item = context.item
    occurrence_span = item.duration
    if limit is not None and occurrence_span > limit:
        days = occurrence_span.days
        return Refuse(
            code="UNSUPPORTED_ITEM_KIND", params={"kind": f"{days}-day", "subject": item.subject}
        )
    return None


def recurring_all_day(context: RuleContext) -> Decision:
    """EX-02: recurring series of all-day items do not sync, either way."""
    item = context.item
    if item.kind is ItemKind.SERIES and item.is_all_day:
        return Refuse(code="RECURRING_ALL_DAY_UNSUPPORTED", params={"subject": item.subject})
    return None


def recurring_disabled(context: RuleContext) -> Decision:
    """EX-03: series do not sync when the policy or the CRM org does not allow them."""
    item = context.item
    if item.kind is not ItemKind.SERIES:
        return None
    if not context.policy.recurring_items:
        reason = 'the policy says recurring_items = "off"'
    elif not context.features.recurring_events:
        reason = "the CRM org does not support recurring events"
    else:
        return None
    return Refuse(
        code="RECURRING_SYNC_DISABLED", params={"reason": reason, "subject": item.subject}
    )


def event_series_model(context: RuleContext) -> Decision:
    """EX-04: CRM series of the newer model are not written to mailboxes."""
    recurrence = context.item.recurrence
    if (
        context.direction is Direction.DOWN
        and recurrence
        and recurrence.model is RecurrenceModel.CRM_EVENT_SERIES
    ):
        return Refuse(code="CRM_SERIES_NOT_DOWNSYNCED", params={"subject": context.item.subject})
    return None


def series_conversion(context: RuleContext) -> Decision:
    """EX-07: an item synced as a single item that became a series (or back) is not synced."""
    before = context.linked_as
    if before not in (LinkKind.SINGLE, LinkKind.SERIES):
        return None
    now = LinkKind.SERIES if context.item.kind is ItemKind.SERIES else LinkKind.SINGLE
    if now is before:
        return None
    names = {LinkKind.SINGLE: "single item", LinkKind.SERIES: "recurring series"}
    return Refuse(
        code="SERIES_CONVERSION_UNSUPPORTED",
        params={"before": names[before], "after": names[now], "subject": context.item.subject},
    )
