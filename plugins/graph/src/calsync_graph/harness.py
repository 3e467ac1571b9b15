"""The conformance harness of the ``graph`` provider, over an in-process Graph emulator.

It seeds and reads mailboxes through the emulator's store (never through the provider),
the way a person's own changes in Outlook reach Exchange Online: they send no recorded mail.
Providers it hands out talk to the same emulator through MSAL, httpx and an in-process
transport. Marker checks read what a person would see: the ``"Sync Error"`` category on
the event, red (``preset0``) in the master category list, and the detail category.

Faults armed on the suite's names for provider calls (the emulator's fault aliases) hit
the Graph request that starts each call: ``pull`` the delta GET, ``fetch`` an event GET,
``find`` an events ``$filter`` list, ``write`` the first POST, PATCH or DELETE (inside
``$batch``, so one write of a batch fails), ``markers`` a PATCH.
"""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, Final

from calsync.emulation import Fault, FaultKind
from calsync.emulation.httpx_transport import InProcessTransport
from calsync.emulation.server import EmulatorServer
from calsync.harness import Endpoint, MailboxHarness, MarkerView
from calsync.markers import DEFAULT_TITLE, is_marker_label
from calsync.model import CalendarItem, EventType, ItemKind, Moment, ResponseStatus
from calsync.timezones import to_zoneinfo
from calsync_graph.convert import Reading, graph_zone, to_core, to_graph
from calsync_graph.emulator import GraphEmulator
from calsync_graph.emulator.errors import GraphError
from calsync_graph.emulator.events import Call
from calsync_graph.emulator.recurrence import series_zone
from calsync_graph.emulator.render import apply_body, occurrence_id, render
from calsync_graph.emulator.store import Event, Mailbox, new_id
from calsync_graph.provider import GraphMailbox
from calsync_graph.settings import GraphSettings

__all__ = ["ALIASES", "GraphHarness"]

TENANT: Final = "contoso.onmicrosoft.com"
#: An attendee's answer as Graph's ``responseStatus.response`` spells it.
RESPONSES: Final = {
    ResponseStatus.NONE: "none",
    ResponseStatus.ORGANIZER: "organizer",
    ResponseStatus.ACCEPTED: "accepted",
    ResponseStatus.TENTATIVE: "tentativelyAccepted",
    ResponseStatus.DECLINED: "declined",
}
#: Provider-call names -> the Graph endpoints a fault armed on them may hit.
ALIASES: Final[dict[str, frozenset[str]]] = {
    "pull": frozenset({"delta"}),
    "fetch": frozenset({"events.get"}),
    "find": frozenset({"events.list"}),
    "write": frozenset({"events.create", "events.update", "events.delete"}),
    "markers": frozenset({"events.update"}),
}


class GraphHarness(MailboxHarness):
    """Drives an in-process :class:`GraphEmulator` (a fresh one by default)."""

    provider_name = "graph"

    def __init__(self, emulator: GraphEmulator | None = None) -> None:
        """Use ``emulator``, or start an empty one, with one app registration."""
        self.emulator = emulator or GraphEmulator()
        # A fault armed on a provider call hits one of its endpoints, inside a $batch too.
        self.emulator.fault_aliases = ALIASES
        self.client_id = str(uuid.uuid4())
        self.secret = secrets.token_urlsafe(24)
        self.app = self.emulator.register_app(TENANT, self.client_id, secret=self.secret)
        self._zones: dict[str, str] = {}
        self._providers: list[GraphMailbox] = []
        #: What the providers waited for throttled reads (they do not really wait here).
        self.waits: list[float] = []

    def settings(self, zone: str = "UTC", **extra: Any) -> GraphSettings:
        """Settings of a mailbox in this tenant (the secret is passed to the provider apart)."""
        return GraphSettings(tenant_id=TENANT, client_id=self.client_id, time_zone=zone, **extra)

    # -- mailboxes ---------------------------------------------------------------------------

    def open_mailbox(self, address: str, *, zone: str = "UTC") -> GraphMailbox:
        """Create ``address`` (in zone ``zone``) if new; return a provider bound to it."""
        key = address.lower()
        self.emulator.store.add_mailbox(key, time_zone=graph_zone(zone))
        self._zones[key] = zone
        provider = GraphMailbox(
            self.settings(zone),
            key,
            transport=InProcessTransport(self.emulator),
            credential=self.secret,
            sleep=self.waits.append,
        )
        self._providers.append(provider)
        return provider

    def serve(self) -> Endpoint:
        """Serve the emulator on 127.0.0.1 for the mailboxes opened so far."""
        server = EmulatorServer(self.emulator).start()
        variable = "CALSYNC_EMULATOR_GRAPH_SECRET"

        def settings(address: str | None) -> dict[str, Any]:
            key = (address or "").lower()
            if key not in self._zones:
                raise KeyError(f"open the mailbox {address!r} before serving")
            return {
                "tenant_id": TENANT,
                "client_id": self.client_id,
                "client_secret": {"env": variable},
                "endpoint": server.url,
                "time_zone": self._zones[key],
            }

        # The emulator's own throw-away secret, not anyone's.
        return Endpoint(
            url=server.url, settings=settings, environment={variable: self.secret}, stop=server.stop
        )

    def _mailbox(self, address: str) -> Mailbox:
        mailbox = self.emulator.store.find(address)
        if mailbox is None:
            raise KeyError(f"no mailbox {address}")
        return mailbox

    def _call(self, address: str) -> Call:
        return Call.direct(self.emulator.store, self._mailbox(address), self.emulator.clock.now())

    def _reading(self, address: str) -> Reading:
        return Reading(
            address=address.lower(), default_zone=self._zones.get(address.lower(), "UTC")
        )

    # -- items -------------------------------------------------------------------------------

    def _data(self, mailbox: Mailbox, event: Event) -> dict[str, Any]:
        """The event as the provider reads it: extended properties and cancelled occurrences."""
        data = render(event, owner=mailbox.address, text=True)
        data["singleValueExtendedProperties"] = [
            {"id": f"{kind} {{{guid}}} Name {name}", "value": value}
            for (kind, guid, name), value in event.extended.items()
        ]
        if event.type == "seriesMaster":
            tz = to_zoneinfo(series_zone(event)) or UTC
            data["cancelledOccurrences"] = [
                f"OID.{event.id}.{m.astimezone(tz):%Y-%m-%d}" for m in sorted(event.cancelled)
            ]
        return data

    def _body(
        self, item: CalendarItem, zone: str, fields: frozenset[str] | None = None
    ) -> dict[str, Any]:
        body = to_graph(item, zone, fields, series=item.kind is ItemKind.SERIES)
        every = fields is None
        if every or "categories" in fields:  # type: ignore[operator]
            body["categories"] = list(item.categories)
        if every or "attendees" in fields:  # type: ignore[operator]
            body["attendees"] = [
                {
                    "type": p.role.value,
                    "status": {"response": RESPONSES[p.response], "time": "0001-01-01T00:00:00Z"},
                    "emailAddress": {"name": p.name, "address": p.address},
                }
                for p in item.attendees
            ]
        return body

    def seed(self, address: str, item: CalendarItem) -> str:
        """Create ``item`` in the mailbox directly (a series with its exclusions)."""
        if item.event_type is not EventType.DEFAULT:
            raise ValueError(
                f"Microsoft 365 has no {item.event_type} items (no SPECIAL_EVENT_TYPES)"
            )
        if item.occurrence_key is not None:
            series_id, original_start = item.occurrence_key
            changes = {n: getattr(item, n) for n in ("subject", "body", "location", "start", "end")}
            return self.edit_occurrence(address, series_id, original_start, **changes)
        mailbox = self._mailbox(address)
        zone = item.zone or self._zones.get(mailbox.address, "UTC")
        now = self.emulator.clock.now()
        event = Event(
            id=new_id(), start=now, end=now, ical_uid=item.uid or f"calsync-seed-{uuid.uuid4().hex}"
        )
        apply_body(event, self._body(item, zone))
        event.type = "seriesMaster" if event.recurrence is not None else "singleInstance"
        organizer = item.organizer.address if item.organizer else mailbox.address
        if item.attendee_copy and organizer == mailbox.address:
            organizer = "someone@elsewhere.example"
        event.organizer = {
            "name": item.organizer.name if item.organizer else "",
            "address": organizer,
        }
        event.is_organizer = not item.attendee_copy
        self.emulator.store.touch(mailbox, event, now)
        if item.recurrence is not None:
            for moment in item.recurrence.exclusions:
                self.remove_occurrence(address, event.id, moment)
        return event.id

    def wire_sample(self) -> Mapping[str, Any]:
        """:data:`~calsync.harness.WIRE_ITEM` as Graph documents the event resource.

        Without a ``Prefer: outlook.timezone`` header Graph returns ``start`` and ``end`` in
        UTC (dateTimeTimeZone: "2027-06-07T08:00:00.0000000", "UTC"); the zone the event was
        created in is ``originalStartTimeZone`` (event resource, Microsoft Graph v1.0).
        """
        return {
            "subject": "Wire sample",
            "location": {"displayName": "Room 1"},
            "start": {"dateTime": "2027-06-07T08:00:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": "2027-06-07T09:00:00.0000000", "timeZone": "UTC"},
            "isAllDay": False,
            "type": "singleInstance",
        }

    def wire(self, item_id: str, address: str | None = None) -> Mapping[str, Any]:
        """The event resource as ``GET /users/{address}/events/{id}`` returns it."""
        mailbox = self._mailbox(address or "")
        return render(mailbox.events[item_id], owner=mailbox.address)

    def read(self, address: str, item_id: str) -> CalendarItem | None:
        """The item as the provider would report it (``None`` when gone)."""
        mailbox = self._mailbox(address)
        event = mailbox.events.get(item_id)
        return (
            None if event is None else to_core(self._data(mailbox, event), self._reading(address))
        )

    def items(self, address: str) -> tuple[CalendarItem, ...]:
        """Every stored item: singles, series masters and their exceptions."""
        mailbox = self._mailbox(address)
        return tuple(
            to_core(self._data(mailbox, e), self._reading(address))
            for e in list(mailbox.events.values())
        )

    def edit(self, address: str, item_id: str, **changes: Any) -> None:
        """Change an item as its owner would in Outlook (marker categories stay)."""
        current = self.read(address, item_id)
        if current is None:
            raise KeyError(f"no item {item_id} in {address}")
        event = self._mailbox(address).events[item_id]
        if "categories" in changes:
            markers = [c for c in event.categories if is_marker_label(c)]
            changes = {**changes, "categories": (*changes["categories"], *markers)}
        wanted = current.evolve(**changes)
        fields = frozenset(changes) - {"kind"}
        if "kind" in changes or "recurrence" in changes:
            fields |= {"recurrence", "start", "end"}
        body = self._body(wanted, wanted.zone or self._zones.get(address.lower(), "UTC"), fields)
        if wanted.recurrence is None and "recurrence" in fields:
            body["recurrence"] = None
        self._call(address).update(item_id, body)
        recurrence = changes.get("recurrence")
        if recurrence is not None:
            for moment in recurrence.exclusions:
                self.remove_occurrence(address, item_id, moment)

    def _original(self, address: str, series_id: str, original_start: Moment) -> datetime:
        """An original start as the emulator keys it: an instant (an all-day one's midnight)."""
        if isinstance(original_start, datetime):
            return original_start.astimezone(UTC)
        master = self._mailbox(address).events.get(series_id)
        tz = to_zoneinfo(series_zone(master) if master else None) or UTC
        day: date = original_start
        return datetime.combine(day, time(), tz).astimezone(UTC)

    def edit_occurrence(
        self, address: str, series_id: str, original_start: Moment, **changes: Any
    ) -> str:
        """Change one occurrence (it becomes an exception); return its id."""
        target = occurrence_id(series_id, self._original(address, series_id, original_start))
        if target not in self._mailbox(address).events:
            current = to_core(
                self._data(self._mailbox(address), self._call(address).event(target)),
                self._reading(address),
            )
        else:
            current = self.read(address, target)  # type: ignore[assignment]
        single = current.evolve(
            kind=ItemKind.SINGLE, series_id=None, original_start=None, **changes
        )
        body = self._body(single, single.zone or "UTC", frozenset(changes))
        self._call(address).update(target, body)
        return target

    def remove(self, address: str, item_id: str) -> None:
        """Delete an item (a master with its exceptions); nothing if it is gone."""
        with contextlib.suppress(GraphError):
            self._call(address).delete(item_id)

    def remove_occurrence(self, address: str, series_id: str, original_start: Moment) -> None:
        """Delete one occurrence; nothing if it (or its series) is gone already."""
        with contextlib.suppress(GraphError, KeyError):
            self._call(address).delete(
                occurrence_id(series_id, self._original(address, series_id, original_start))
            )

    # -- what the person sees ------------------------------------------------------------------

    def marker(self, address: str, item_id: str) -> MarkerView:
        """The flag shows when the event has the ``"Sync Error"`` category, red in the list."""
        mailbox = self._mailbox(address)
        event = mailbox.events.get(item_id)
        labels = event.categories if event else []
        red = (mailbox.categories.get(DEFAULT_TITLE) or {}).get("color") == "preset0"
        detail = next((c for c in labels if c.startswith(f"{DEFAULT_TITLE}: ")), None)
        return MarkerView(flagged=DEFAULT_TITLE in labels and red, detail=detail)

    def invitations_sent(self) -> int:
        """Messages the mailboxes would have sent because of an API call."""
        return self.emulator.messages_sent

    # -- faults and credentials ---------------------------------------------------------------

    def inject(self, kind: FaultKind, **options: Any) -> None:
        """Arm a fault; ``endpoint`` may name a Graph endpoint or a provider call."""
        self.emulator.faults.arm(Fault(kind=FaultKind(kind), **options))

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.emulator.faults.clear()

    def revoke_credentials(self) -> None:
        """Replace the app's secret and revoke its tokens: Graph answers 401, tokens are refused."""
        self.app.secret = secrets.token_urlsafe(24)
        self.emulator.directory.revoke()

    def restore_credentials(self) -> None:
        """Accept the providers' secret again."""
        self.app.secret = self.secret

    def close(self) -> None:
        """Close every provider handed out."""
        for provider in self._providers:
            provider.close()
        self._providers.clear()
