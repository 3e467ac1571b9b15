"""The conformance harness: an in-process emulated org, seeded and read through its store.

The harness acts on the org directly (the emulator's seed and read API, as a CRM user or
an admin would), never through the provider's sync code; :meth:`open_crm` returns the
provider, signed in as the integration user (a profile of its own with full field access
until :meth:`deny_field`). Items are converted with the plugin's conversion functions, so
the harness and the provider agree on what an event means.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any, Final

from simple_salesforce.api import Salesforce

from calsync.emulation import Clock, Fault, FaultKind
from calsync.emulation.server import EmulatorServer
from calsync.harness import CrmHarness, Endpoint
from calsync.model import CalendarItem, ItemKind
from calsync.recurrence import RecurrenceModel
from calsync_salesforce.classic import PATTERN_FIELDS
from calsync_salesforce.emulator import SalesforceEmulator, in_process_session
from calsync_salesforce.emulator.emulator import WRITE_ENDPOINTS
from calsync_salesforce.emulator.values import to_wire
from calsync_salesforce.payloads import WriteShape, event_fields
from calsync_salesforce.provider import SalesforceCrm
from calsync_salesforce.reading import ReadContext, item_of
from calsync_salesforce.replies import Record
from calsync_salesforce.series_index import SeriesIndex, is_pattern
from calsync_salesforce.settings import DEFAULT_API_VERSION
from calsync_salesforce.wire import moment_key

__all__ = ["ALIASES", "INTEGRATION_PROFILE", "SalesforceCrmHarness"]

INTEGRATION_PROFILE: Final = "Calsync Integration"
COUNTERPART_FIELD: Final = "Calsync_Ref__c"
#: The Event fields behind each CalendarItem field, for :meth:`deny_field`.
_DENIABLE: Final[Mapping[str, tuple[str, ...]]] = {
    "subject": ("Subject",),
    "body": ("Description",),
    "location": ("Location",),
    "start": ("StartDateTime", "ActivityDateTime", "ActivityDate", "DurationInMinutes"),
    "end": ("EndDateTime", "DurationInMinutes"),
    "zone": ("RecurrenceTimeZoneSidKey",),
    "privacy": ("IsPrivate",),
    "show_as": ("ShowAs",),
    "links": ("WhoId", "EventWhoIds", "WhatId"),
    "counterpart_id": (COUNTERPART_FIELD,),
    "owner": ("OwnerId",),
    "recurrence": ("IsRecurrence", *PATTERN_FIELDS),
}

#: Provider-call names (the suite's, for any provider) -> the REST endpoints a fault armed on
#: them may hit: the request that starts the call. ``pull`` is getDeleted, where a delta pull
#: learns that its cursor is too old (400 INVALID_REPLICATION_DATE under CURSOR_EXPIRED);
#: the ``queryAll`` before it would only expire the query cursors, which a pull reading one
#: page never notices. ``fetch`` and ``find`` are SOQL queries; ``write`` is the first
#: Collections or single-record write (so a partial failure fails one record of a batch).
ALIASES: Final[Mapping[str, frozenset[str]]] = {
    "pull": frozenset({"sobjects.deleted"}),
    "fetch": frozenset({"query"}),
    "find": frozenset({"query"}),
    "write": WRITE_ENDPOINTS,
}


class SalesforceCrmHarness(CrmHarness):
    """Drives an in-process Salesforce emulator.

    :param emulator: the org to drive (a fresh one on ``clock`` by default).
    """

    provider_name = "salesforce"

    def __init__(
        self, emulator: SalesforceEmulator | None = None, *, clock: Clock | None = None
    ) -> None:
        """Create the integration user (its own profile, GMT) and its session."""
        self.emulator = emulator or SalesforceEmulator(clock=clock)
        self.emulator.fault_aliases = ALIASES
        self.org = self.emulator.org
        self.integration_user, self._session = self.org.add_user(
            "calsync.integration@acme.test",
            name="Calsync Integration",
            time_zone="GMT",
            profile=INTEGRATION_PROFILE,
        )
        self._rules = itertools.count(1)
        self._providers: list[SalesforceCrm] = []

    # -- the provider ----------------------------------------------------------------------

    def serve(self) -> Endpoint:
        """Serve the org on 127.0.0.1; the integration user's session goes by reference."""
        server = EmulatorServer(self.emulator).start()
        variable = "CALSYNC_EMULATOR_SALESFORCE_SESSION"

        def settings(address: str | None) -> dict[str, Any]:
            return {
                "instance_url": self.emulator.instance_url,
                "session_id": {"env": variable},
                "forward_to": server.url,
            }

        # The emulator's own session, not anyone's secret.
        return Endpoint(
            url=server.url,
            settings=settings,
            environment={variable: self._session},
            stop=server.stop,
        )

    def client(self) -> Salesforce:
        """A simple-salesforce client on the current session (what the provider signs in with)."""
        return Salesforce(
            instance_url=self.emulator.instance_url,
            session_id=self._session,
            session=in_process_session(self.emulator),
            version=DEFAULT_API_VERSION,
        )

    def open_crm(self) -> SalesforceCrm:
        """The provider as the integration user; it picks up restored credentials itself."""
        provider = SalesforceCrm(
            self.client, counterpart_field=COUNTERPART_FIELD, clock=self.emulator.clock.now
        )
        self._providers.append(provider)
        return provider

    # -- people and org set-up -------------------------------------------------------------

    def add_user(self, address: str, *, zone: str = "GMT") -> str:
        """An active Standard User with ``address`` in ``zone``."""
        user_id, _ = self.org.add_user(address, time_zone=zone)
        return user_id

    def add_contact(self, address: str, *, name: str = "") -> str:
        """A contact."""
        first, last = _names(name)
        return self.org.add_contact(address, first_name=first, last_name=last)

    def add_lead(self, address: str, *, name: str = "") -> str:
        """An open lead."""
        first, last = _names(name)
        return self.org.add_lead(address, first_name=first, last_name=last)

    def add_account(self, name: str) -> str:
        """An account."""
        return self.org.add_account(name)

    def configure(
        self, *, recurring_events: bool | None = None, shared_activities: bool | None = None
    ) -> None:
        """Switch Activity Settings."""
        changes = {"recurring_events": recurring_events, "shared_activities": shared_activities}
        self.org.configure(**{k: v for k, v in changes.items() if v is not None})

    def deny_field(self, field: str) -> None:
        """Make the Event fields behind CalendarItem field ``field`` read-only for the sync user."""
        names = _DENIABLE.get(field)
        if names is None:
            raise ValueError(f"no Event field stands for {field!r}; known: {', '.join(_DENIABLE)}")
        for name in names:
            try:
                self.org.deny_field(INTEGRATION_PROFILE, name, read=True)
            except ValueError:
                continue  # a required field (OwnerId): FLS cannot restrict it

    def add_validation_rule(self, *, message: str, subject_contains: str) -> None:
        """Refuse events whose subject contains ``subject_contains`` (any case)."""
        needle = subject_contains.lower()
        self.org.add_validation_rule(
            "Event",
            f"Calsync_Rule_{next(self._rules)}",
            lambda record: needle in str(record.get("Subject") or "").lower(),
            message,
        )

    # -- events ----------------------------------------------------------------------------

    def seed(
        self,
        owner: str,
        item: CalendarItem,
        *,
        invitees: tuple[str, ...] = (),
        as_user: str | None = None,
    ) -> str:
        """Create an event as ``owner`` would, its series records, and invitees' copies.

        :param as_user: who writes it for the owner, if not the owner (another integration).
        """
        item = item.evolve(owner=owner)
        lightning = (
            item.recurrence is not None
            and item.recurrence.model is RecurrenceModel.CRM_EVENT_SERIES
        )
        shape = WriteShape(
            shared_activities=self.org.settings.shared_activities,
            counterpart_field=COUNTERPART_FIELD,
        )
        if lightning:
            assert item.recurrence is not None
            plain = item.evolve(kind=ItemKind.SINGLE, recurrence=None)
            fields = event_fields(plain, None, creating=True, shape=shape)
            fields["Recurrence2PatternText"] = "RRULE:" + _lightning_rule(
                item.recurrence.rule, item.start
            )
        else:
            fields = event_fields(item, None, creating=True, shape=shape)
        event_id = self.org.insert_event(fields, owner=owner, as_user=as_user)
        members = [event_id, *(r["Id"] for r in self._members(event_id) if r["Id"] != event_id)]
        for member in members if invitees else ():
            for invitee in invitees:
                self.org.invite(member, invitee)
        if item.recurrence is not None and item.recurrence.exclusions and not lightning:
            self._exclude(event_id, item)
        return event_id

    def read(self, item_id: str) -> CalendarItem | None:
        """One event as the API shows it (``None`` when deleted or a series pattern record)."""
        record = self.org.event(item_id)
        if record is None or record.get("IsDeleted") or is_pattern(record):
            return None
        records = [_wire(r) for r in self._members(item_id)] or [_wire(record)]
        return item_of(_wire(record), self._context(records))

    def items(self, owner: str | None = None) -> tuple[CalendarItem, ...]:
        """Every live event (of ``owner``): singles, headers, occurrences, attendee copies."""
        records = [_wire(r) for r in self.org.events()]
        ctx = self._context(records)
        found = (item_of(r, ctx) for r in records if owner is None or r.get("OwnerId") == owner)
        return tuple(item for item in found if item is not None)

    def edit(self, item_id: str, **changes: Any) -> None:
        """Change an event as its owner would in Salesforce (CalendarItem field names)."""
        current = self.read(item_id)
        if current is None:
            raise KeyError(f"no live event {item_id}")
        shape = WriteShape(
            shared_activities=self.org.settings.shared_activities,
            counterpart_field=COUNTERPART_FIELD,
        )
        body = event_fields(
            current.evolve(**changes), frozenset(changes), creating=False, shape=shape
        )
        body.pop("IsRecurrence", None)
        self.org.update_event(item_id, body)

    def remove(self, item_id: str) -> None:
        """Delete an event as its owner would (a series header takes its occurrences)."""
        self.org.delete_record("Event", item_id)

    def wire_sample(self) -> Mapping[str, Any]:
        """:data:`~calsync.harness.WIRE_ITEM` as Salesforce documents the Event fields.

        StartDateTime / EndDateTime (and ActivityDateTime) are dateTime values in UTC, as the
        REST API returns them ("2027-06-07T08:00:00.000+0000"); DurationInMinutes is the
        length in minutes (Object Reference, Event).
        """
        return {
            "Subject": "Wire sample",
            "Location": "Room 1",
            "StartDateTime": "2027-06-07T08:00:00.000+0000",
            "EndDateTime": "2027-06-07T09:00:00.000+0000",
            "ActivityDateTime": "2027-06-07T08:00:00.000+0000",
            "DurationInMinutes": 60,
            "IsAllDayEvent": False,
        }

    def wire(self, item_id: str, address: str | None = None) -> Mapping[str, Any]:
        """The Event record as the REST API returns it."""
        record = self.org.event(item_id)
        if record is None:
            raise KeyError(f"no event {item_id}")
        return _wire(record)

    def received(self) -> tuple[str, ...]:
        """Every request the emulated org received, decoded."""
        return tuple(request.text for request in self.emulator.received)

    # -- faults and credentials ------------------------------------------------------------

    def inject(self, kind: FaultKind, **options: Any) -> None:
        """Arm a fault on the emulator (options as in :class:`~calsync.emulation.Fault`)."""
        self.emulator.faults.arm(Fault(kind=FaultKind(kind), **options))

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.emulator.faults.clear()

    def revoke_credentials(self) -> None:
        """Expire the integration user's session."""
        self.org.expire_session(self._session)

    def restore_credentials(self) -> None:
        """Issue a new session; providers sign in with it on their next refused call."""
        self._session = self.org.open_session(self.integration_user)

    def close(self) -> None:
        """Close the providers' HTTP sessions."""
        for provider in self._providers:
            provider.close()

    # -- helpers ---------------------------------------------------------------------------

    def _members(self, event_id: str) -> list[dict[str, Any]]:
        """The live organizer-side records of the series ``event_id`` belongs to (if any)."""
        record = self.org.event(event_id) or {}
        header, series2 = record.get("RecurrenceActivityId"), record.get("ActivityRecurrence2Id")
        if not header and not series2:
            return []
        return [
            r
            for r in self.org.events(include_children=False)
            if (header and r.get("RecurrenceActivityId") == header)
            or (series2 and r.get("ActivityRecurrence2Id") == series2)
        ]

    def _context(self, records: list[Record]) -> ReadContext:
        owners = {str(r.get("OwnerId") or "") for r in records}
        zones = {}
        for owner in owners:
            user = self.org.record("User", owner) if owner else None
            if user is not None:
                zones[owner] = str(user["TimeZoneSidKey"])
        return ReadContext(
            zones=zones, counterpart_field=COUNTERPART_FIELD, index=SeriesIndex(records)
        )

    def _exclude(self, header_id: str, item: CalendarItem) -> None:
        """Delete the occurrence records of a new series at its item's exclusions."""
        assert item.recurrence is not None
        index = SeriesIndex(_wire(r) for r in self._members(header_id))
        slots = index.slots(header_id)
        gone = {moment_key(m) for m in item.recurrence.exclusions}
        for record_id, slot in slots.of_record.items() if slots else ():
            if moment_key(slot) in gone:
                self.org.delete_record("Event", record_id)


def _wire(record: Mapping[str, Any]) -> Record:
    return {key: to_wire(value) for key, value in record.items()}


def _names(name: str) -> tuple[str | None, str | None]:
    first, _, last = name.strip().rpartition(" ")
    return (first or None), (last or None)


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _lightning_rule(rule: str, start: object) -> str:
    """The rule as Salesforce stores it: a weekly series always names its day (BYDAY)."""
    parts = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    if parts.get("FREQ") == "WEEKLY" and "BYDAY" not in parts and hasattr(start, "weekday"):
        return f"{rule};BYDAY={_WEEKDAYS[start.weekday()]}"
    return rule
