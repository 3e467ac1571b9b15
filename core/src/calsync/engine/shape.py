"""What an item becomes on the other side, and which fields each direction writes.

Up (mailbox to CRM): the mailbox is the master of the body (EX-16); the CRM event gets
the item's people as contact or lead links (EX-12, EX-13), is owned by the mailbox owner's
CRM user, carries the mailbox item's key as its counterpart id, and uses a time zone the
CRM lists (EX-19). A private item synced on purpose is private and linked to no one
(EX-01). Down (CRM to mailbox): the CRM description never overwrites a mailbox body
(EX-16) and CRM links are never carried into the mailbox (EX-17).
"""

from __future__ import annotations

from typing import Final

from calsync.model import CalendarItem, CrmLinks, ItemKind, Privacy
from calsync.recurrence import Recurrence, RecurrenceModel

__all__ = [
    "DOWN_CREATE_FIELDS",
    "DOWN_UPDATE_FIELDS",
    "OCCURRENCE_FIELDS",
    "UP_CREATE_FIELDS",
    "UP_UPDATE_FIELDS",
    "for_crm",
    "for_mailbox",
]

_COMMON: Final = frozenset(
    {"subject", "location", "start", "end", "zone", "privacy", "show_as", "recurrence"}
)
UP_CREATE_FIELDS: Final = _COMMON | {"body", "links", "counterpart_id", "owner"}
#: Updates keep what the CRM set on its side: its links are merged, never replaced (EX-17).
UP_UPDATE_FIELDS: Final = _COMMON | {"body", "links", "counterpart_id"}
DOWN_CREATE_FIELDS: Final = _COMMON | {"body", "counterpart_id"}
#: The CRM description never overwrites the mailbox body (EX-16).
DOWN_UPDATE_FIELDS: Final = _COMMON
#: What one occurrence of a series carries on its own.
OCCURRENCE_FIELDS: Final = frozenset({"subject", "location", "start", "end", "privacy", "show_as"})
#: What a change to a mailbox series resets on every future CRM occurrence (EX-06).
SERIES_RESET_FIELDS: Final = frozenset({"subject", "body", "location", "links"})


def for_crm(
    item: CalendarItem,
    *,
    owner: str,
    counterpart: str,
    zone: str | None,
    who_ids: tuple[str, ...],
    private_allowed: bool,
) -> CalendarItem:
    """The CRM event for mailbox item ``item``.

    :param owner: the mailbox owner's CRM user id.
    :param counterpart: the mailbox item's key, stored on the event as its cross-reference.
    :param zone: the CRM zone that replaces the item's own (``None`` keeps none).
    :param who_ids: the contacts or lead to link.
    :param private_allowed: the policy syncs private items (they are then linked to no one).
    """
    private = item.is_private and private_allowed
    recurrence = None
    if item.recurrence is not None:
        recurrence = Recurrence(
            rule=item.recurrence.rule,
            exclusions=item.recurrence.exclusions,
            zone=zone or item.recurrence.zone,
            model=RecurrenceModel.CRM_CLASSIC,
        )
    return CalendarItem(
        kind=ItemKind.SERIES if item.kind is ItemKind.SERIES else ItemKind.SINGLE,
        start=item.start,
        end=item.end,
        subject=item.subject,
        body=item.body,
        location=item.location,
        zone=zone,
        privacy=Privacy.PRIVATE if private else Privacy.NORMAL,
        show_as=item.show_as,
        recurrence=recurrence,
        links=CrmLinks() if private else CrmLinks(who_ids=who_ids),
        counterpart_id=counterpart,
        owner=owner,
        uid=item.uid,
    )


def for_mailbox(item: CalendarItem, *, owner: str, counterpart: str) -> CalendarItem:
    """The mailbox item for CRM event ``item`` (owned by the mailbox ``owner``)."""
    recurrence = None
    if item.recurrence is not None:
        recurrence = Recurrence(
            rule=item.recurrence.rule,
            exclusions=item.recurrence.exclusions,
            zone=item.recurrence.zone,
        )
    return CalendarItem(
        kind=ItemKind.SERIES if item.kind is ItemKind.SERIES else ItemKind.SINGLE,
        start=item.start,
        end=item.end,
        subject=item.subject,
        body=item.body,
        location=item.location,
        zone=item.zone,
        privacy=item.privacy,
        show_as=item.show_as,
        recurrence=recurrence,
        counterpart_id=counterpart,
        owner=owner,
    )


def occurrence_of(item: CalendarItem, *, series_id: str) -> CalendarItem:
    """``item`` (an occurrence) addressed as an occurrence of ``series_id`` on the other side."""
    assert item.original_start is not None
    return CalendarItem(
        kind=ItemKind.EXCEPTION,
        series_id=series_id,
        original_start=item.original_start,
        start=item.start,
        end=item.end,
        subject=item.subject,
        body=item.body,
        location=item.location,
        zone=item.zone,
        privacy=item.privacy,
        show_as=item.show_as,
    )
