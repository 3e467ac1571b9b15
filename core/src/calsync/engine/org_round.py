"""One round for the organisation: what every mailbox pass of a run needs from the CRM, read once.

A run over many mailboxes starts by reading the organisation (:func:`read_organisation`):
what the CRM supports (``features``), which CRM user owns each synced address (one batched
``users`` lookup), and the CRM's changes for every synced owner in one read
(:meth:`~calsync.providers.CrmProvider.pull_owners`), which each pass then takes its share
of. Idle, a round of 2,000 mailboxes costs the CRM a handful of calls instead of a few per
mailbox (bench/org_rounds.py).

Each mailbox keeps its own CRM cursor. The read continues from the cursor most of the
mailboxes share (after a round, every mailbox that finished it holds the same one); a
mailbox whose cursor differs — new, reset, held back, or failed last time — reads its owner
by itself in its pass, after the round's read began, and so may continue from the round's
cursor afterwards (the contract of ``pull_owners``): next round it is one of the many.

A round that reads the mailboxes' changes ahead also looks up the people on all of them
in one call (:class:`PeopleRead`) and fetches the CRM records they link to in one batched
fetch (:class:`RecordsRead`), which each pass compares its updates with (EX-17, EX-01)
while they are younger than :data:`RECORDS_FRESH` (a person's edit made meanwhile would
otherwise be written over). In a round run in this process, the pass that finds them older
fetches them again for itself and the passes still to come, in one batch
(:class:`RoundRecords`); a read handed to one pass (another process's) is left for the
pass's own fetch, as in a round of one.

What the organisation is (describe, the users) is reused for :data:`FACTS_LIFETIME`:
an idle round then costs the CRM only the changes read (Salesforce: one query and one
look at its delete log).

A round of one mailbox (``calsync sync --mailbox X``) reads nothing ahead: its pass reads
what it needs itself, exactly as before. When the read fails even after waiting as the
service asks (EX-25), each pass reads for itself and meets the failure where it is.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final

from calsync.errors import AuthError, CursorExpiredError, ProviderError
from calsync.model import CalendarItem
from calsync.providers import CrmFeatures, CrmProvider, Delta, OwnersDelta, PersonMatch
from calsync.retry import Backoff

__all__ = [
    "FACTS_LIFETIME",
    "RECORDS_FRESH",
    "CrmRead",
    "MailboxRead",
    "OrgFacts",
    "OrgRound",
    "PeopleRead",
    "RecordsRead",
    "RoundRecords",
    "read_organisation",
]

logger = logging.getLogger("calsync.engine")

#: How long the organisation's facts (describe, who owns each address) are reused before
#: they are read again: an admin's change to the org or to a user shows within it.
FACTS_LIFETIME: Final = timedelta(hours=1)

#: How long the round's fetch of the records stands in for a pass's own. A pass that
#: fetches its own writes right after: a CRM edit can fall between the two for about two
#: requests (its fetch, its write batch: 0.2 to 1 s each against Salesforce from a cloud
#: host). A pass later than this after the round's fetch fetches its own records, so a
#: person's edit meanwhile (a contact added, the event made private) is seen, not written
#: over and then taken for the pass's own echo in the next round.
RECORDS_FRESH: Final = timedelta(seconds=2)


@dataclass(frozen=True, slots=True, kw_only=True)
class CrmRead:
    """The CRM's changes for some owners since one cursor, read once for the round."""

    #: The cursor the read continued from (``None``: everything was listed).
    since: str | None
    #: The owners (CRM user ids) read.
    owners: frozenset[str]
    delta: OwnersDelta

    @property
    def cursor(self) -> str:
        """Where every owner read (or read by itself since) continues next round."""
        return self.delta.cursor

    def share(self, owner: str, cursor: str | None) -> Delta | None:
        """``owner``'s part, when its mailbox continues from where the read began.

        ``None`` when the mailbox's own cursor is elsewhere: its pass reads by itself.
        """
        if owner not in self.owners:
            return None
        if self.delta.full or (cursor is not None and cursor == self.since):
            return self.delta.share(owner)
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class MailboxRead:
    """One mailbox's changes, read by the round (so its people are looked up with all others)."""

    #: The cursor the read continued from: the pass takes it only if it still continues there.
    since: str
    delta: Delta


@dataclass(frozen=True, slots=True, kw_only=True)
class PeopleRead:
    """The CRM's contacts and leads for everyone on the round's mailbox changes, in one lookup."""

    #: The addresses asked about (the others a pass asks about itself).
    asked: frozenset[str]
    found: Mapping[str, tuple[PersonMatch, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordsRead:
    """The CRM records linked to the round's mailbox changes, fetched for every mailbox at once.

    A pass compares its planned CRM updates with them (:mod:`.refine`) instead of fetching
    them itself, while they are :meth:`fresh`. Read after the round's CRM changes, so each
    is at least as new as the round's delta says (see
    :func:`calsync.engine.refine.current_records`).
    """

    #: The ids fetched: one of them absent from :attr:`found` is gone from the CRM.
    asked: frozenset[str]
    found: Mapping[str, CalendarItem]
    #: When the fetch was sent (engine clock): every record is at least this new.
    read_at: datetime
    #: Where a pass that finds these stale fetches them again for the passes to come (the
    #: passes with changes of a round run in this process); ``None``: it fetches its own.
    round: RoundRecords | None = field(default=None, compare=False, repr=False)

    def fresh(self, now: datetime) -> bool:
        """Whether a pass writing at ``now`` may compare with these (:data:`RECORDS_FRESH`)."""
        return now - self.read_at < RECORDS_FRESH

    def without(self, ids: Iterable[str]) -> RecordsRead:
        """These records but ``ids`` (which their pass fetches itself)."""
        left = self.asked - set(ids)
        found = {i: r for i, r in self.found.items() if i in left}
        return RecordsRead(asked=left, found=found, read_at=self.read_at, round=self.round)


@dataclass(slots=True)
class RoundRecords:
    """The round's fetch of the records, kept fresh for its passes with changes, one by one.

    The passes of a round in this process run one after another, those with changes first.
    The first to find the fetch stale (older than :data:`RECORDS_FRESH` when it refines)
    fetches, in one batch, its own records and every record of the round's fetch that no
    pass has taken yet, and the passes after it compare with that. A round then costs the
    CRM one fetch per :data:`RECORDS_FRESH` it lasts, not one per pass with changes, and
    every pass still compares with records younger than :data:`RECORDS_FRESH`.

    Under a cloud API's latency (~150 ms a request) a pass with changes takes ~0.3 s: a
    1 % round of 2,000 mailboxes runs its 20 such passes for ~6 s, and about 7 of them
    share each fetch. Its Salesforce calls are the 23 of a round whose fetch stays fresh
    plus 2 or 3 refreshes (the first one about 6 passes in), not 37 (a fetch for each of
    the 14 passes after the first 6): 25 measured (bench/org_rounds.py, ``1pct_paced``).
    """

    #: The latest fetch, without the records passes have taken (never handed out stale:
    #: a pass that finds it so refreshes it).
    read: RecordsRead
    #: Records passes have compared with: a pass may have written them since.
    taken: set[str] = field(default_factory=set)

    def current(self, *, refreshing: bool = True) -> RecordsRead:
        """The latest fetch for the next pass, which refreshes it here when stale.

        Not ``refreshing`` (an idle pass: the passes with changes are done), a stale fetch
        is left for the pass's own.
        """
        return replace(self.read.without(self.taken), round=self if refreshing else None)

    def take(self, ids: Iterable[str]) -> None:
        """A pass compared with ``ids``: the passes after it do not take them from here."""
        self.taken.update(ids)

    def refresh(
        self, crm: CrmProvider, ids: Sequence[str], now: datetime
    ) -> Mapping[str, CalendarItem]:
        """``ids``' records for the pass asking, fetched with the rest not taken yet.

        ``now`` is before the fetch: every record is at least this new.
        """
        self.take(ids)
        rest = self.read.asked - self.taken
        found = dict(crm.fetch(sorted(set(ids) | rest)))
        self.read = RecordsRead(
            asked=frozenset(rest), found={i: found[i] for i in rest if i in found}, read_at=now
        )
        return {i: found[i] for i in ids if i in found}


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgFacts:
    """What the organisation is, rather than what changed in it: reused for a while."""

    features: CrmFeatures
    #: The CRM user id of each address found (addresses without one are asked every round).
    owners: Mapping[str, str]
    read_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgRound:
    """What a round read once for all its mailbox passes (nothing, for a round of one).

    Plain frozen values: a worker process can be handed one (it pickles).
    """

    #: What the CRM supports; ``None``: each pass asks.
    features: CrmFeatures | None = None
    #: The CRM user id of each synced address with one; ``None``: each pass asks.
    owners: Mapping[str, str] | None = None
    #: The CRM's changes for the mailboxes that share a cursor; ``None``: each pass reads.
    crm: CrmRead | None = None
    #: CRM calls the round's read made.
    calls: int = 0
    #: Why nothing was read ahead, when a read failed (the passes meet the failure themselves).
    failure: str = ""
    #: The CRM refused the shared credentials: the organisation waits (:mod:`.org_status`).
    refused: str = ""
    #: What the round knew of the organisation, for the next rounds to reuse.
    facts: OrgFacts | None = None
    #: Mailboxes' changes read by the round, by mailbox name (only mailboxes with a cursor:
    #: a first, full listing is read by its pass, not held for the whole round).
    mailboxes: Mapping[str, MailboxRead] = field(default_factory=dict)
    #: Contacts and leads for the people on those changes.
    people: PeopleRead | None = None
    #: The CRM records linked to those changes.
    records: RecordsRead | None = None

    def owner_of(self, address: str) -> str | None:
        """The CRM user of ``address`` (only when :attr:`owners` was read)."""
        assert self.owners is not None
        return self.owners.get(address)

    def idle(self, name: str, address: str) -> bool:
        """Whether the pass of mailbox ``name`` at ``address`` has nothing the round read.

        Its mailbox was read ahead and had no change, nor had its owner in the round's CRM
        read. A mailbox not read ahead (a first listing, a failed read) is not known idle.
        The round runs the other passes first, while its fetch of the records is fresh.
        """
        ahead = self.mailboxes.get(name)
        if ahead is None or ahead.delta.changed or ahead.delta.removed:
            return False
        owner = self.owners.get(address) if self.owners is not None else None
        if self.crm is None or owner is None or owner not in self.crm.owners:
            return True  # its pass reads its CRM changes itself: down writes need no records
        return not (self.crm.delta.changed.get(owner) or self.crm.delta.removed.get(owner))


@dataclass(slots=True)
class _Counting:
    """Counts the calls made through it."""

    crm: CrmProvider
    calls: Counter[str] = field(default_factory=Counter)

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls[method] += 1
        return getattr(self.crm, method)(*args, **kwargs)


def read_organisation(
    crm: CrmProvider,
    mailboxes: Sequence[tuple[str, str | None]],
    *,
    backoff: Backoff,
    sleep: Callable[[float], None],
    known: OrgFacts | None = None,
    now: datetime,
) -> OrgRound:
    """Read what the passes of ``mailboxes`` (address, stored CRM cursor) need, once.

    Only mailboxes whose passes will run are given. Fewer than two: nothing is read.
    ``known`` facts younger than :data:`FACTS_LIFETIME` are not read again; addresses they
    do not name are looked up (a user added since is found in the next round).
    """
    if len(mailboxes) < 2:
        return OrgRound()
    call = _Counting(crm)
    fresh = known if known is not None and now - known.read_at < FACTS_LIFETIME else None
    try:
        for attempt in backoff.retrying(sleep=sleep, name="organisation"):
            with attempt:
                features = fresh.features if fresh else call("features")
                owners = dict(fresh.owners) if fresh else {}
                missing = sorted({address for address, _ in mailboxes} - owners.keys())
                if missing:
                    owners |= call("users", missing)
                read = _read_changes(call, owners, mailboxes)
    except AuthError as exc:
        return OrgRound(calls=call.calls.total(), refused=str(exc))
    except ProviderError as exc:
        # Every pass reads by itself and records the failure where it is (THROTTLED, ...).
        logger.warning("reading the organisation failed (%s); each pass reads by itself", exc)
        return OrgRound(calls=call.calls.total(), failure=str(exc))
    except Exception as exc:
        # A provider's own bug stops no round (EX-24): each pass meets it and records an
        # INTERNAL_ERROR with its correlation id.
        logger.warning(
            "reading the organisation failed (%s); each pass reads by itself", type(exc).__name__
        )
        return OrgRound(calls=call.calls.total(), failure=type(exc).__name__)
    facts = OrgFacts(features=features, owners=owners, read_at=fresh.read_at if fresh else now)
    return OrgRound(
        features=features, owners=owners, crm=read, calls=call.calls.total(), facts=facts
    )


def _read_changes(
    call: _Counting, owners: Mapping[str, str], mailboxes: Sequence[tuple[str, str | None]]
) -> CrmRead | None:
    """The changes of the largest group of owners whose mailboxes share a cursor."""
    groups: dict[str | None, set[str]] = {}
    for address, cursor in mailboxes:
        if address in owners:
            groups.setdefault(cursor, set()).add(owners[address])
    if not groups:
        return None
    since, group = max(groups.items(), key=lambda pair: len(pair[1]))
    if len(group) < 2:
        return None
    try:
        delta = call("pull_owners", since, owners=sorted(group))
    except CursorExpiredError:
        if since is None:
            raise
        # The service forgot the place: list everything again (as a pass would).
        since, delta = None, call("pull_owners", None, owners=sorted(group))
    if delta is None:
        return None  # the provider reads owner by owner
    return CrmRead(since=since, owners=frozenset(group), delta=delta)
