"""The property machine's invariants: what must hold after every step, judged from the services.

After the faults clear and two clean passes:
- every syncable item has exactly one counterpart (no duplicates);
- nothing was deleted that a person did not delete, and nothing a person deleted came back;
- both sides agree on every synced field;
- no sync write made the mailbox send an invitation, update or cancellation;
- every unsyncable item has exactly one open issue and its marker;
- nothing of a private item is on the CRM side, in the state database or in the logs;
  nor in any request the CRM received (its subject, or its attendee even as a lookup);
  an item turned private has no CRM copy left.
"""

from __future__ import annotations

import json
from typing import Final

from hypothesis.stateful import invariant

from calsync.api import Calsync
from calsync.harness import CrmHarness, MailboxHarness
from calsync.model import CalendarItem
from calsync.state import schema
from calsync.timezones import TimeZoneMatcher, salesforce_zones

__all__ = ["ALICE", "SECRET", "Invariants", "synced_pairs", "unsyncable_zone"]

#: The one synced mailbox.
ALICE: Final = "alice@example.com"
#: Starts the subject of every private item: it must never show where it may not.
SECRET: Final = "Confidential-"

_ZONES = TimeZoneMatcher(salesforce_zones())


def unsyncable_zone(zone: str | None) -> bool:
    """Whether the CRM has no equivalent of ``zone`` (the machine's one kind of refusal)."""
    return bool(zone) and not _ZONES.match(zone or "").ok


class Invariants:
    """Mixed into the machine: its invariants over what the people did and the services hold."""

    mail: MailboxHarness
    crm: CrmHarness
    app: Calsync
    owner: str
    #: What the people created and did not delete: id -> subject.
    alive_mail: dict[str, str]
    alive_crm: dict[str, str]
    #: Every log record so far, and how many of them (and of the CRM's requests) were searched.
    records: list[str]
    records_seen: int
    requests_seen: int
    #: Texts of private items that must never reach the CRM or a log line, and those of
    #: items made public again (exposed from then on).
    watched: set[str]
    exposed: set[str]

    @invariant()
    def converges(self) -> None:
        # The invariants hold once the faults clear: a fault no pass took yet (a batch failure
        # armed while nothing was written) must not fail the two clean passes.
        self.mail.clear_faults()
        self.crm.clear_faults()
        for _ in range(2):
            self.app.sync()
        if self.app.status().mailboxes[0].suspended_by:
            self.app.enable("alice")
            self.app.sync()
        mail = {i.ref.id: i for i in self.mail.items(ALICE) if i.ref}
        crm = {i.ref.id: i for i in self.crm.items(self.owner) if i.ref}
        # Nothing a person did not delete is gone.
        assert set(self.alive_mail) <= set(mail), "a mailbox item disappeared"
        syncable_mail = {
            i: m for i, m in mail.items() if not m.is_private and not unsyncable_zone(m.zone)
        }
        private_crm = {i for i, c in crm.items() if c.is_private}
        # Exactly one counterpart each: a pair is tied by the id either item carries.
        pairs = synced_pairs(mail, crm)
        for item_id in syncable_mail:
            partners = [c for c, m in pairs if m == item_id]
            assert len(partners) == 1, f"mailbox item {item_id} has counterparts {partners}"
        for crm_id in crm.keys() - private_crm:
            partners = [m for c, m in pairs if c == crm_id]
            assert len(partners) == 1, f"CRM event {crm_id} has counterparts {partners}"
        # Both sides agree on the synced fields.
        for crm_id, mail_id in pairs:
            pair, event = mail[mail_id], crm[crm_id]
            if pair.is_private or unsyncable_zone(pair.zone):
                continue
            assert (pair.subject, pair.start, pair.end, pair.location) == (
                event.subject,
                event.start,
                event.end,
                event.location,
            )
        self._nothing_deleted_comes_back(mail, crm, pairs)
        # No sync write made the mailbox mail anyone.
        assert self.mail.invitations_sent() == 0, "a sync write sent invitations or updates"
        # Every unsyncable item has exactly one open issue and its marker.
        issues = self.app.issues("alice")
        for item_id, item in mail.items():
            if not item.is_private and unsyncable_zone(item.zone):
                mine = [i for i in issues if i.item_id == item_id]
                assert [i.code for i in mine] == ["UNSUPPORTED_TIME_ZONE"], mine
                assert self.mail.marker(ALICE, item_id).flagged
        # Private content is nowhere on the CRM side, in state or in the logs.
        leaked = [
            c.subject for c in crm.values() if c.subject.startswith(SECRET) and not c.is_private
        ]
        assert not leaked, leaked
        with self.app.state.engine.connect() as conn:
            dump = json.dumps(
                [
                    list(map(str, row))
                    for t in schema.metadata.sorted_tables
                    for row in conn.execute(t.select())
                ]
            )
        assert SECRET not in dump
        assert not any(SECRET in record for record in self.records)

    def _nothing_deleted_comes_back(
        self,
        mail: dict[str, CalendarItem],
        crm: dict[str, CalendarItem],
        pairs: set[tuple[str, str]],
    ) -> None:
        """Every item is one a person made and kept, or the copy of one."""
        for mail_id in mail.keys() - self.alive_mail.keys():
            assert any(c in self.alive_crm for c, m in pairs if m == mail_id), (
                f"mailbox item {mail_id} ({mail[mail_id].subject}) copies nothing alive"
            )
        for crm_id in crm.keys() - self.alive_crm.keys():
            assert any(m in self.alive_mail for c, m in pairs if c == crm_id), (
                f"CRM event {crm_id} ({crm[crm_id].subject}) copies nothing alive"
            )

    @invariant()
    def privacy_holds_on_the_service_side(self) -> None:
        # Runs after `converges` (invariants run in name order), once its passes are done.
        self.watched |= {
            text
            for item in self.mail.items(ALICE)
            if item.is_private
            for text in (item.subject, *item.people)
            if text != ALICE
        }
        watched = self.watched - self.exposed
        received = self.crm.received()
        for request in received[self.requests_seen :]:
            leaked = [text for text in watched if text in request]
            assert not leaked, f"the CRM received {leaked}: {request[:300]}"
        self.requests_seen = len(received)
        for record in self.records[self.records_seen :]:
            leaked = [text for text in watched if text in record]
            assert not leaked, f"a log line shows {leaked}: {record[:300]}"
        self.records_seen = len(self.records)
        mail = {i.ref.id: i for i in self.mail.items(ALICE) if i.ref}
        crm = {i.ref.id: i for i in self.crm.items(self.owner) if i.ref}
        copies = [(c, m) for c, m in synced_pairs(mail, crm) if mail[m].is_private]
        assert not copies, f"items turned private kept their CRM copies: {copies}"


def synced_pairs(
    mail: dict[str, CalendarItem], crm: dict[str, CalendarItem]
) -> set[tuple[str, str]]:
    """(CRM id, mailbox id) of each synced pair, tied by the id either item carries."""
    pairs = {(m.counterpart_id, mail_id) for mail_id, m in mail.items() if m.counterpart_id in crm}
    pairs |= {(crm_id, c.counterpart_id) for crm_id, c in crm.items() if c.counterpart_id in mail}
    return {(c, m) for c, m in pairs if c is not None and m is not None}
