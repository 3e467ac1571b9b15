"""The sandbox CRM: an in-memory org and the provider bound to it.

It refuses what a real CRM refuses, with the issue codes the real providers translate
those refusals into: field-level security, validation rules, edits of an attendee's copy
of a meeting, links on private events, too many people or mixed contacts and leads,
events longer than the org allows, series when the org has no recurring events, and
series zones the org does not list. A series is stored the way CRMs store them: a header
plus one record per occurrence.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Self

from calsync.emulation import FaultPlan
from calsync.errors import CursorExpiredError
from calsync.model import CalendarItem, ItemKind, ItemRef
from calsync.policy import Operation
from calsync.providers import (
    SYNCED_FIELDS,
    ApiUsage,
    Capability,
    CrmFeatures,
    CrmProvider,
    Delta,
    GroupKind,
    ItemFailure,
    OwnersDelta,
    PersonKind,
    PersonMatch,
    ProviderContext,
    Removal,
    UserGroup,
    Write,
    WriteResult,
)
from calsync.sandbox import faults
from calsync.sandbox.mailbox import SandboxSettings
from calsync.timezones import salesforce_zones

__all__ = ["CrmService", "SandboxCrm", "SandboxCrmSettings"]

#: How far ahead an unbounded series gets occurrence records.
SERIES_HORIZON = timedelta(days=366)
#: Fields compared to tell an exception from a plain occurrence.
_OCCURRENCE_FIELDS = ("subject", "body", "location", "privacy", "show_as")


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxCrmSettings(SandboxSettings):
    """Settings of the sandbox CRM."""

    #: Users the world's CRM has from the start (its users sign up nowhere else); a mailbox
    #: syncs only when a CRM user has its address. Lets a configuration file alone sync.
    users: tuple[str, ...] = ()
    #: The addresses of each permission set's users (by the set's name); each is a user too.
    permission_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class _Person:
    address: str
    name: str = ""


@dataclass(slots=True)
class _Rule:
    message: str
    subject_contains: str


@dataclass(slots=True)
class _Org:
    users: dict[str, _Person] = field(default_factory=dict)
    #: The user ids in each group, by (kind, name).
    groups: dict[tuple[GroupKind, str], set[str]] = field(default_factory=dict)
    contacts: dict[str, _Person] = field(default_factory=dict)
    leads: dict[str, _Person] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    events: dict[str, CalendarItem] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    removed: dict[int, tuple[str, Removal]] = field(default_factory=dict)
    #: attendee copy id -> the organizer's event id
    parents: dict[str, str] = field(default_factory=dict)
    horizon: int = 0


class CrmService:
    """An in-memory CRM org."""

    def __init__(self) -> None:
        """Start with an empty org that supports everything a CRM usually does."""
        self.org = _Org()
        self.features = CrmFeatures(max_duration=timedelta(days=14), zones=salesforce_zones())
        self.denied: set[str] = set()
        self.rules: list[_Rule] = []
        self.faults = FaultPlan()
        self.revoked = False
        #: Every call a provider made, with its arguments (what a request log would show).
        self.received: list[str] = []
        #: The org's daily API allowance, when it states one (every call counts against it).
        self.api_allowed: int | None = None
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self.last_seq = 0

    # -- records ---------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """A fresh record id with a CRM-like prefix."""
        return f"{prefix}{next(self._ids):012d}"

    def add_user(self, address: str, name: str = "") -> str:
        """Create an active user."""
        user_id = self.new_id("005")
        self.org.users[user_id] = _Person(address.lower(), name)
        return user_id

    def set_group(self, group: UserGroup, addresses: Sequence[str]) -> None:
        """Make ``addresses`` (users, added if new) the users of ``group``."""
        known = {u.address: uid for uid, u in self.org.users.items()}
        self.org.groups[group.kind, group.name] = {
            known.get(a.lower()) or self.add_user(a) for a in addresses
        }

    def add_person(self, kind: PersonKind, address: str, name: str = "") -> str:
        """Create a contact or lead."""
        table = self.org.contacts if kind is PersonKind.CONTACT else self.org.leads
        person_id = self.new_id("003" if kind is PersonKind.CONTACT else "00Q")
        table[person_id] = _Person(address.lower(), name)
        return person_id

    def _bump(self) -> int:
        self.last_seq = next(self._seq)
        return self.last_seq

    def put(self, item: CalendarItem, event_id: str | None = None) -> CalendarItem:
        """Store an event as it is (no rules): ``None`` id creates one."""
        event_id = event_id or self.new_id("00U")
        seq = self._bump()
        stored = item.evolve(ref=ItemRef(provider="sandbox", id=event_id, change_token=str(seq)))
        self.org.events[event_id] = stored
        self.org.versions[event_id] = seq
        return stored

    def drop(self, event_id: str) -> None:
        """Delete an event; a series header takes its occurrences, an organizer's event its copies."""
        item = self.org.events.pop(event_id, None)
        if item is None:
            return
        self.org.versions.pop(event_id, None)
        self.org.removed[self._bump()] = (
            item.owner or "",
            Removal(id=event_id, series_id=item.series_id, original_start=item.original_start),
        )
        dependants = [i for i, e in self.org.events.items() if e.series_id == event_id] + [
            child for child, parent in self.org.parents.items() if parent == event_id
        ]
        for dependant in dependants:
            self.drop(dependant)

    def create_series(self, header: CalendarItem) -> CalendarItem:
        """Store a series header and one record per occurrence."""
        stored = self.put(header)
        self._expand(stored)
        return stored

    def _expand(self, header: CalendarItem) -> None:
        assert header.recurrence is not None and header.ref is not None
        span = header.duration
        # Like Salesforce: a bounded series gets up to 100 records, an endless one a year's.
        bounded = header.recurrence.is_bounded
        until: datetime | date | None = None if bounded else header.start + SERIES_HORIZON
        for start in header.recurrence.starts(
            header.start, until=until, limit=100 if bounded else None
        ):
            occurrence = header.evolve(
                ref=None,
                kind=ItemKind.OCCURRENCE,
                recurrence=None,
                series_id=header.ref.id,
                original_start=start,
                start=start,
                end=start + span,
            )
            self.put(occurrence)

    def occurrences(self, series_id: str) -> list[CalendarItem]:
        """The occurrence records of a series, in order."""
        found = [e for e in self.org.events.values() if e.series_id == series_id]
        return sorted(found, key=lambda e: e.start)

    # -- reading as a client would ---------------------------------------------------------

    def view(self, item: CalendarItem) -> CalendarItem:
        """An event as the API shows it: an occurrence that differs from its header is an exception."""
        if item.kind is not ItemKind.OCCURRENCE or item.series_id is None:
            return item
        header = self.org.events.get(item.series_id)
        if header is None:
            return item
        moved = item.start != item.original_start or item.duration != header.duration
        changed = any(getattr(item, f) != getattr(header, f) for f in _OCCURRENCE_FIELDS)
        return item.evolve(kind=ItemKind.EXCEPTION) if moved or changed else item

    # -- the rules -------------------------------------------------------------------------

    def refusal(
        self, item: CalendarItem, changed: frozenset[str], *, creating: bool
    ) -> ItemFailure | None:
        """Why the org refuses to store ``item`` (``changed`` fields written), or ``None``."""
        for name in sorted(changed & self.denied):
            value = getattr(item, name)
            if creating and value in (
                None,
                "",
                (),
                CalendarItem.__dataclass_fields__[name].default,
            ):
                continue
            return ItemFailure(
                code="FIELD_ACCESS_DENIED",
                field=name,
                message=f"bad field names on insert/update call: {name}",
            )
        for rule in self.rules:
            if rule.subject_contains.lower() in item.subject.lower():
                return ItemFailure(code="CRM_VALIDATION_FAILED", message=rule.message)
        limit = self.features.max_duration
        if limit is not None and item.duration > limit:
            return ItemFailure(
                code="UNSUPPORTED_ITEM_KIND",
                message=f"events cannot last longer than {limit.days} days",
            )
        if item.is_private and not item.links.empty:
            return ItemFailure(
                code="CRM_VALIDATION_FAILED",
                message="private events cannot be linked to contacts, leads or other records",
            )
        people = item.links.who_ids
        leads = [p for p in people if p in self.org.leads]
        contacts = [p for p in people if p in self.org.contacts]
        unknown = [p for p in people if p not in self.org.leads and p not in self.org.contacts]
        if unknown:
            return ItemFailure(
                code="CRM_VALIDATION_FAILED", message=f"no contact or lead {unknown[0]}"
            )
        if leads and (contacts or len(leads) > 1):
            return ItemFailure(
                code="CRM_VALIDATION_FAILED",
                message="an event links one lead, or up to 50 contacts",
            )
        if len(contacts) > self.features.max_people or (
            len(people) > 1 and not self.features.shared_activities
        ):
            return ItemFailure(
                code="CRM_VALIDATION_FAILED", message="too many people linked to one event"
            )
        if item.kind is ItemKind.SERIES:
            assert item.recurrence is not None
            if not self.features.recurring_events:
                return ItemFailure(
                    code="RECURRING_SYNC_DISABLED",
                    message="the org does not support recurring events",
                )
            zones = self.features.zones
            if zones is not None and item.recurrence.zone and item.recurrence.zone not in zones:
                return ItemFailure(
                    code="UNSUPPORTED_TIME_ZONE",
                    message=f"{item.recurrence.zone} is not a supported time zone",
                )
        return None


class SandboxCrm(CrmProvider):
    """The provider for the sandbox CRM."""

    name = "sandbox"
    capabilities = frozenset(
        {
            Capability.RECURRENCE,
            Capability.ALL_DAY,
            Capability.PRIVACY,
            Capability.MEETINGS,
            Capability.CROSS_REFERENCE,
            Capability.PEOPLE_MATCHING,
            Capability.ORGANIZER_ONLY_EDIT,
            Capability.FIELD_SECURITY,
            Capability.VALIDATION_RULES,
            Capability.EVENT_SERIES_MODEL,
            Capability.DURATION_LIMIT,
            Capability.ZONE_LIST,
        }
    )
    settings_type = SandboxCrmSettings

    def __init__(self, service: CrmService) -> None:
        """Serve ``service``."""
        self.service = service

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """Bind to the CRM of the configured world."""
        from calsync.sandbox.world import Sandbox

        settings = context.settings or SandboxCrmSettings()
        service = Sandbox.named(settings.world).crm
        known = {person.address for person in service.org.users.values()}
        for address in getattr(settings, "users", ()):
            if address.lower() not in known:
                service.add_user(address)
        for name, members in getattr(settings, "permission_sets", {}).items():
            service.set_group(UserGroup(kind=GroupKind.PERMISSION_SET, name=name), members)
        return cls(service)

    def _check(self, endpoint: str, *arguments: object) -> Any:
        self.service.received.append(f"{endpoint} {arguments!r}")
        return faults.check(self.service.faults, endpoint, side="crm", revoked=self.service.revoked)

    def features(self) -> CrmFeatures:
        """What the org supports."""
        self._check("features")
        return self.service.features

    def users(self, addresses: Sequence[str]) -> Mapping[str, str]:
        """Active users by address."""
        self._check("users", addresses)
        wanted = {a.lower() for a in addresses}
        return {u.address: uid for uid, u in self.service.org.users.items() if u.address in wanted}

    def api_usage(self) -> ApiUsage | None:
        """Every call so far against the allowance, when the org states one (no call)."""
        allowed = self.service.api_allowed
        return (
            None if allowed is None else ApiUsage(used=len(self.service.received), allowed=allowed)
        )

    def active_users(self, group: UserGroup | None = None) -> Mapping[str, str]:
        """Every user of the sandbox org (or of ``group``) by address."""
        self._check("users")
        org = self.service.org
        chosen = org.users.keys() if group is None else org.groups.get((group.kind, group.name), ())
        return {org.users[uid].address: uid for uid in chosen}

    def match_people(self, addresses: Sequence[str]) -> tuple[PersonMatch, ...]:
        """Contacts and leads by address."""
        self._check("people", addresses)
        wanted = {a.lower() for a in addresses}
        found: list[PersonMatch] = []
        for kind, table in (
            (PersonKind.CONTACT, self.service.org.contacts),
            (PersonKind.LEAD, self.service.org.leads),
        ):
            found += [
                PersonMatch(address=p.address, kind=kind, id=pid)
                for pid, p in table.items()
                if p.address in wanted
            ]
        return tuple(found)

    def pull(self, cursor: str | None, *, owner: str) -> Delta:
        """Events of ``owner`` changed since ``cursor``."""
        self._check("pull", cursor, owner)
        return self._read(cursor, {owner}).share(owner)

    def pull_owners(self, cursor: str | None, *, owners: Sequence[str]) -> OwnersDelta:
        """Events of any of ``owners`` changed since ``cursor``, split by owner (one call)."""
        self._check("pull", cursor, sorted(owners))
        return self._read(cursor, set(owners))

    def _read(self, cursor: str | None, owners: set[str]) -> OwnersDelta:
        org, head = self.service.org, str(self.service.last_seq)
        events = {i: e for i, e in org.events.items() if e.owner in owners}
        changed: dict[str, list[CalendarItem]] = defaultdict(list)
        if cursor is None:
            for event in events.values():
                changed[event.owner or ""].append(self.service.view(event))
            return OwnersDelta(
                changed={o: tuple(i) for o, i in changed.items()}, cursor=head, full=True
            )
        try:
            since = int(cursor)
        except ValueError:
            raise CursorExpiredError(f"cursor {cursor!r} is not one this org issued") from None
        if since < org.horizon - 1:
            raise CursorExpiredError("the org no longer keeps changes that old")
        for i, seq in sorted(org.versions.items(), key=lambda pair: pair[1]):
            if seq > since and i in events:
                changed[events[i].owner or ""].append(self.service.view(events[i]))
        removed: dict[str, list[Removal]] = defaultdict(list)
        for seq, (who, removal) in sorted(org.removed.items()):
            if seq > since and who in owners:
                removed[who].append(removal)
        return OwnersDelta(
            changed={o: tuple(i) for o, i in changed.items()},
            removed={o: tuple(r) for o, r in removed.items()},
            cursor=head,
        )

    def fetch(self, ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Current state of ``ids``."""
        self._check("fetch", ids)
        events = self.service.org.events
        return {i: self.service.view(events[i]) for i in ids if i in events}

    def find_by_counterpart(self, counterpart_ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Events carrying one of ``counterpart_ids``."""
        self._check("find", counterpart_ids)
        wanted = set(counterpart_ids)
        # Occurrence records copy their header's fields; the header is the counterpart.
        return {
            e.counterpart_id: self.service.view(e)
            for e in self.service.org.events.values()
            if e.counterpart_id in wanted and e.series_id is None
        }

    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Apply ``writes``; a partial-failure fault fails the first of the batch."""
        fault = self._check("write", writes)
        results = []
        for index, write in enumerate(writes):
            if fault is not None and index == 0:
                results.append(
                    WriteResult(
                        failure=ItemFailure(code="INTERNAL_ERROR", message="injected failure")
                    )
                )
            else:
                results.append(self._apply(write))
        return results

    def _apply(self, write: Write) -> WriteResult:
        service, events = self.service, self.service.org.events
        item = write.item
        if write.operation is Operation.CREATE:
            assert item is not None
            refusal = service.refusal(item, SYNCED_FIELDS, creating=True)
            if refusal is not None:
                return WriteResult(failure=refusal)
            stored = (
                service.create_series(item) if item.kind is ItemKind.SERIES else service.put(item)
            )
            return WriteResult(ref=stored.ref)
        target = write.target
        if target is None and item is not None and item.occurrence_key is not None:
            series_id, original_start = item.occurrence_key
            target = next(
                (
                    e.ref.id
                    for e in service.occurrences(series_id)
                    if e.original_start == original_start and e.ref
                ),
                None,
            )
        current = events.get(target or "")
        if write.operation is Operation.DELETE and current is None:
            return WriteResult()  # already gone: what the caller wanted
        if current is None or target is None:
            return WriteResult(
                failure=ItemFailure(code="INTERNAL_ERROR", message=f"event {target} not found")
            )
        if write.operation is Operation.DELETE:
            service.drop(target)
            return WriteResult()
        assert item is not None
        if current.attendee_copy:
            return WriteResult(
                failure=ItemFailure(
                    code="ORGANIZER_ONLY_EDIT", message="only the organizer's event can be edited"
                )
            )
        fields = (write.fields or SYNCED_FIELDS) - {"owner"}
        if current.kind is not ItemKind.SERIES:
            fields -= {"recurrence"}
        changes = {name: getattr(item, name) for name in fields}
        updated = current.evolve(**changes)
        refusal = service.refusal(updated, frozenset(changes), creating=False)
        if refusal is not None:
            return WriteResult(failure=refusal)
        before, after = current.recurrence, updated.recurrence
        pattern_changed = current.kind is ItemKind.SERIES and (
            (before and before.rule, before and before.zone)
            != (after and after.rule, after and after.zone)
            or updated.start != current.start
        )
        stored = service.put(updated, target)
        if pattern_changed:
            # CRMs recreate every occurrence when a series' pattern or start changes.
            for occurrence in service.occurrences(target):
                assert occurrence.ref is not None
                service.drop(occurrence.ref.id)
            service._expand(stored)
        return WriteResult(ref=stored.ref)
