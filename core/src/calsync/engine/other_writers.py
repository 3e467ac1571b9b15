"""Another sync product writing the same meetings into the CRM.

Running calsync beside Lightning Sync, Einstein Activity Capture's event sync or another
integration user that syncs the same calendars creates duplicates. The round's read of the
CRM shows it: an event of a synced person that calsync did not write — no pair in the state
and no cross-reference (the counterpart field calsync stamps on what it writes) — that
repeats a meeting calsync syncs for that person, the same subject, location, start and end
as the CRM side of one of their pairs (its fingerprint, :func:`~calsync.engine.keys.
fingerprint`). Only a round continuing from a cursor is looked at: a first, full listing
adopts the events already there instead of duplicating them.

The organisation gets one ``OTHER_SYNC_PRODUCT`` issue for all of it (:meth:`~calsync.
engine.organisation.Organisation.watch_copies`), never one per event.
"""

from __future__ import annotations

from collections.abc import Sequence

from calsync.config import MailboxConfig
from calsync.engine.keys import fingerprint, item_key
from calsync.engine.org_round import OrgRound
from calsync.state import State
from calsync.state.records import Side

__all__ = ["copies_by_others"]


def copies_by_others(
    org: OrgRound, mailboxes: Sequence[MailboxConfig], state: State
) -> dict[str, int]:
    """Per synced address, the events of the round's CRM read that repeat one calsync syncs."""
    read = org.crm
    if read is None or read.delta.full or org.owners is None:
        return {}
    by_owner = {org.owners[m.address]: m for m in mailboxes if m.address in org.owners}
    found: dict[str, int] = {}
    for owner, items in read.delta.changed.items():
        mailbox = by_owner.get(owner)
        strangers = [i for i in items if i.counterpart_id is None and not i.attendee_copy]
        if mailbox is None or not strangers:
            continue
        links = state.links(mailbox.name)
        paired = {link.crm_key for link in links}
        synced = {link.crm_hash for link in links if link.crm_hash}
        count = sum(
            1
            for item in strangers
            if item_key(item) not in paired and fingerprint(item, Side.CRM) in synced
        )
        if count:
            found[mailbox.address] = count
    return found
