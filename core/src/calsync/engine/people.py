"""Which CRM records an item links to (EX-12, EX-13, EX-15, EX-17)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from calsync.model import CalendarItem, CrmLinks, ItemKind
from calsync.policy import Policy
from calsync.providers import CrmFeatures, CrmProvider, PersonKind, PersonMatch
from calsync.rules import kept_private

__all__ = ["look_up", "merge_links", "people_links", "to_look_up"]

#: The kinds of item that link people on the CRM side (occurrences follow their series).
_LINKABLE: Final = frozenset({ItemKind.SINGLE, ItemKind.SERIES})


def to_look_up(items: Iterable[CalendarItem], policy: Policy, own_address: str) -> set[str]:
    """The addresses whose contacts and leads the changed ``items`` may link.

    Only items that may link people count: singles and series masters, never a private
    item the policy keeps (EX-01) — its attendees must not reach the CRM even as a query.
    """
    return {
        address
        for item in items
        if item.kind in _LINKABLE and not kept_private(item, policy)
        for address in item.people
        if address != own_address
    }


def look_up(crm: CrmProvider, addresses: Iterable[str]) -> dict[str, tuple[PersonMatch, ...]]:
    """CRM contacts and leads for ``addresses``, in one call (none for no address)."""
    wanted = sorted(set(addresses))
    if not wanted:
        return {}
    found: dict[str, list[PersonMatch]] = defaultdict(list)
    for match in crm.match_people(wanted):
        if match.kind is not PersonKind.USER:
            found[match.address].append(match)
    return {address: tuple(matches) for address, matches in found.items()}


def people_links(
    participants: Sequence[str],
    matches: Mapping[str, tuple[PersonMatch, ...]],
    policy: Policy,
    features: CrmFeatures,
) -> tuple[str, ...]:
    """The contact or lead ids to link, in the item's order.

    Ignored addresses are never linked (EX-15). Contacts win over leads (EX-13); with
    leads only, the first one in the item's order is linked (EX-12). Without shared
    activities an event links one person.
    """
    contacts: list[str] = []
    leads: list[str] = []
    for address in participants:
        if policy.is_ignored(address):
            continue
        for match in matches.get(address, ()):
            bucket = (
                contacts
                if match.kind is PersonKind.CONTACT
                else leads
                if match.kind is PersonKind.LEAD
                else None
            )
            if bucket is not None and match.id not in bucket:
                bucket.append(match.id)
    limit = features.max_people if features.shared_activities else 1
    if contacts:
        return tuple(contacts[:limit])
    return tuple(leads[:1])


def merge_links(existing: CrmLinks, people: tuple[str, ...], lead_ids: frozenset[str]) -> CrmLinks:
    """Add newly matched ``people`` to what the CRM event already links (EX-17).

    People and the related-to record set on the CRM side always stay. New people are added
    only where the CRM can hold them together (contacts with contacts).
    """
    current = existing.who_ids
    if not people or set(people) <= set(current):
        return existing
    if any(who in lead_ids for who in current) or any(who in lead_ids for who in people):
        # A lead cannot share an event with anyone else: keep the CRM's choice.
        return existing if current else CrmLinks(who_ids=people, what_id=existing.what_id)
    merged = current + tuple(p for p in people if p not in current)
    return CrmLinks(who_ids=merged, what_id=existing.what_id)
