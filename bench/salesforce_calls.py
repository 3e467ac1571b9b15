"""Salesforce API calls to create 1,000 events with contact attendees through the provider."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

from calsync.emulation import FrozenClock
from calsync.model import CalendarItem, CrmLinks
from calsync.providers import PersonKind, Write
from calsync_salesforce.collections_api import BATCH
from calsync_salesforce.harness import SalesforceCrmHarness

EVENTS = 1000
CONTACTS = 300
ATTENDEES = 3
START = datetime(2026, 3, 3, 9, tzinfo=UTC)


def main() -> None:
    harness = SalesforceCrmHarness(clock=FrozenClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    owner = harness.add_user("olga@acme.test", zone="Europe/Berlin")
    addresses = [f"contact.{n:04d}@client-{n % 17}.test" for n in range(CONTACTS)]
    for address in addresses:
        harness.add_contact(address)
    crm = harness.open_crm()
    crm.features()  # the pass's describe (two calls), not part of the writes
    harness.emulator.reset_counts()

    started = time.perf_counter()
    invited = [
        [addresses[(e * 7 + k * 31) % CONTACTS] for k in range(ATTENDEES)] for e in range(EVENTS)
    ]
    matches = crm.match_people(sorted({a for people in invited for a in people}))
    contact_of = {m.address: m.id for m in matches if m.kind is PersonKind.CONTACT}
    people_calls = harness.emulator.total_requests
    writes = [
        Write.create(
            CalendarItem(
                start=START + timedelta(minutes=30 * e),
                end=START + timedelta(minutes=30 * e + 25),
                subject=f"Meeting {e}",
                owner=owner,
                counterpart_id=f"mbx-{e}",
                links=CrmLinks(who_ids=tuple(contact_of[a] for a in people)),
            )
        )
        for e, people in enumerate(invited)
    ]
    results = crm.write(writes)
    elapsed = time.perf_counter() - started

    counts = dict(sorted(harness.emulator.counts.items()))
    collections = sum(v for k, v in counts.items() if k.startswith("composite.sobjects."))
    stored = [e for e in harness.org.events(owner=owner) if e["WhoCount"] == ATTENDEES]
    print(
        f"events created: {sum(r.ok for r in results)} of {EVENTS} ({len(stored)} stored with {ATTENDEES} contacts)"
    )
    print(f"calls by endpoint: {counts}")
    print(
        f"people matching: {people_calls} queries (Contact and Lead, {len(matches)} matches for {CONTACTS} addresses)"
    )
    print(
        f"collection writes: {collections} (limit ceil({EVENTS}/{BATCH}) = {math.ceil(EVENTS / BATCH)});"
        " nothing is read back after them"
    )
    print(f"total: {harness.emulator.total_requests} calls = {people_calls} + {collections}")
    print(f"time: {elapsed:.2f} s in process ({EVENTS / elapsed:,.0f} events/s)")
    harness.close()


if __name__ == "__main__":
    main()
