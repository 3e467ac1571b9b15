"""The conformance harness contract.

A harness sets up scenarios on a provider's service side and reads the results back
*without* going through the provider's sync code: offline through the emulator's store,
live through the service's API. The conformance suite seeds a scenario with it, runs a real
engine pass, and checks what the service holds afterwards: the item, its counterpart, the
markers a person sees. Plugins register harnesses with the ``calsync_harnesses`` hook.

``docs/writing-a-provider.md`` ("The harness") says what each method must accept and
return; the rules the suite checks before its cases:

Item order
    :meth:`MailboxHarness.items` and :meth:`CrmHarness.items` list items in the order they
    were created, whoever created them (a seed, a person, calsync).
Markers on read-back
    ``read`` and ``items`` return the person's item without calsync's marker (no marker
    labels in ``categories``, no marker text in ``body``); only ``marker`` shows it.
Editing items
    :meth:`MailboxHarness.edit` supports kind, recurrence and zone changes besides plain
    fields, as a person makes them in their calendar app.
Seeding (a wire sample, optional)
    :meth:`Harness.wire_sample` and :meth:`Harness.wire` let the suite compare what the
    provider writes, and what the harness seeds, with the record the service documents
    for :data:`WIRE_ITEM`.

Seeding, reading and editing go to the service's store directly, never through the
provider's credentials: they work while :meth:`Harness.revoke_credentials` holds, and
never send mail. Prefer writing the service's own format in the harness over converting
with the provider's code, or a mistake made the same way both ways passes unseen.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Final, final
from zoneinfo import ZoneInfo

from calsync.emulation import FaultKind
from calsync.model import CalendarItem, Moment
from calsync.providers import CrmProvider, MailboxProvider, Role

__all__ = ["WIRE_ITEM", "CrmHarness", "Endpoint", "Harness", "MailboxHarness", "MarkerView"]


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class MarkerView:
    """What a person sees on a mailbox item, as far as markers go."""

    #: Whether the error flag shows (red category, red colour, error label).
    flagged: bool
    #: The detail the person can read next to the flag, if any.
    detail: str | None = None


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """A harness's emulator served on 127.0.0.1, and how a configuration file reaches it.

    The demo and ``calsync sandbox serve`` write these settings into a generated
    configuration, so calsync talks to the emulator through real sockets exactly as it
    would to the real service.
    """

    #: Where the emulator listens, e.g. ``http://127.0.0.1:41234``.
    url: str
    #: The provider's ``settings`` table for a mailbox address (mailbox harnesses) or for
    #: the CRM (``None``); secrets appear only as ``{env = "NAME"}`` references.
    settings: Callable[[str | None], dict[str, Any]]
    #: The values of the environment variables those references name.
    environment: Mapping[str, str]
    #: Stops serving.
    stop: Callable[[], None]


#: The item the ``PRE-wire`` pre-check writes through the provider and seeds through the
#: harness: one hour at 10:00 Berlin summer time (08:00 UTC), "Wire sample" in "Room 1".
WIRE_ITEM: Final = CalendarItem(
    start=datetime(2027, 6, 7, 10, tzinfo=ZoneInfo("Europe/Berlin")),
    end=datetime(2027, 6, 7, 11, tzinfo=ZoneInfo("Europe/Berlin")),
    subject="Wire sample",
    location="Room 1",
    zone="Europe/Berlin",
)


class Harness(abc.ABC):
    """What every harness offers: fault injection, credentials, clean-up."""

    role: ClassVar[Role]
    #: The provider this harness drives (``ProviderSpec.name``).
    provider_name: ClassVar[str]

    @abc.abstractmethod
    def inject(self, kind: FaultKind, **options: Any) -> None:
        """Make the service fail the next matching request(s); options as in :class:`~calsync.emulation.Fault`.

        ``endpoint`` may be the emulator's own name or the name of a provider call the suite
        uses for any provider: ``pull``, ``write``, ``fetch``, ``find``, ``markers`` (the
        emulator's ``fault_aliases`` say which requests each stands for). A service without
        a batch API renders ``PARTIAL_FAILURE`` as the refusal of one item's write.
        """

    @abc.abstractmethod
    def clear_faults(self) -> None:
        """Disarm every injected fault, and any failure owed by a fault already taken."""

    @abc.abstractmethod
    def revoke_credentials(self) -> None:
        """Make the service refuse the provider's credentials until :meth:`restore_credentials`.

        Every provider opened on the service is refused, also those opened earlier; the
        harness's own seeding and reading go on working.
        """

    @abc.abstractmethod
    def restore_credentials(self) -> None:
        """Accept the provider's (renewed) credentials again; providers opened earlier recover."""

    def close(self) -> None:  # noqa: B027 - optional: most harnesses hold nothing to close
        """Release what the harness holds."""

    def serve(self) -> Endpoint:
        """Serve the emulator behind this harness on 127.0.0.1 (see :class:`Endpoint`).

        ``calsync sandbox serve`` and ``calsync demo`` call it for every installed plugin
        whose harness overrides it, after the mailboxes are opened and seeded; the
        endpoint's ``settings(address)`` is then asked for each of them. Harnesses of
        in-memory providers, or of live tenants, cannot; they do not override it (it
        raises :class:`NotImplementedError`).
        """
        raise NotImplementedError(
            f"the {self.provider_name} harness cannot serve its service over a socket"
        )

    def wire_sample(self) -> Mapping[str, Any] | None:
        """The fields the service holds for :data:`WIRE_ITEM`, as its API shows them.

        Written by hand from the service's documentation, never computed with the
        provider's code (nested mappings are compared field by field, other values
        exactly). The ``PRE-wire`` pre-check compares it with what :meth:`wire` shows after
        the provider wrote the item and after the harness seeded it, which catches a
        conversion mistake made the same way in both directions. ``None``: no sample (the
        pre-check does not apply).
        """
        return None

    def wire(self, item_id: str, address: str | None = None) -> Mapping[str, Any]:
        """The item ``item_id`` as the service's API shows it (JSON fields), not converted.

        ``address`` names the mailbox (``None`` for a CRM). Needed with :meth:`wire_sample`.
        """
        raise NotImplementedError(f"the {self.provider_name} harness shows no wire records")


class MailboxHarness(Harness):
    """Drives one mailbox service (an emulator or a live tenant)."""

    role = Role.MAILBOX

    @abc.abstractmethod
    def open_mailbox(self, address: str, *, zone: str = "UTC") -> MailboxProvider:
        """Create the mailbox ``address`` on the service (if needed); return the provider bound to it.

        ``zone`` (an IANA id) is the mailbox's default zone. Called again for a known
        address, returns another provider on the same mailbox.
        """

    @abc.abstractmethod
    def seed(self, address: str, item: CalendarItem) -> str:
        """Create ``item`` in the mailbox directly and return its native id.

        A series master with ``recurrence`` creates a series (its exclusions as deleted
        occurrences); ``organizer`` and ``attendees`` create a meeting as the organizer
        holds it, or with ``attendee_copy`` as an attendee holds someone else's meeting
        (``uid`` the meeting's iCalendar UID, read back unchanged). Also ``categories``,
        ``privacy``, ``counterpart_id``, all-day dates, and ``event_type`` where the
        provider has ``SPECIAL_EVENT_TYPES`` (``ValueError`` otherwise). Works while
        credentials are revoked; sends no mail.
        """

    @abc.abstractmethod
    def read(self, address: str, item_id: str) -> CalendarItem | None:
        """Read one item back (``None`` when it is gone), without calsync's marker.

        Any item id, an exception's too; ``counterpart_id`` as stored on the item, ``zone``
        as the provider reports it.
        """

    @abc.abstractmethod
    def items(self, address: str) -> tuple[CalendarItem, ...]:
        """Every item in the mailbox: singles, series masters and exceptions, in creation order.

        Without calsync's markers, as :meth:`read` returns them.
        """

    @abc.abstractmethod
    def edit(self, address: str, item_id: str, **changes: Any) -> None:
        """Change an item as the person would; ``changes`` are :class:`CalendarItem` fields.

        Plain fields (``subject``, ``body``, ``location``, ``privacy``, ``show_as``,
        ``categories``), times (``start`` with ``end``), ``zone`` (alone: the instants stay,
        the item is held in the new zone), ``recurrence``, and kind conversions:
        ``kind=SERIES`` with a ``recurrence`` turns a single into a series,
        ``kind=SINGLE, recurrence=None`` a series into a single. Everything else stays —
        the id, ``counterpart_id``, a series' exceptions unless its pattern or times
        change. The item gets a new change token.
        """

    @abc.abstractmethod
    def edit_occurrence(
        self, address: str, series_id: str, original_start: Moment, **changes: Any
    ) -> str:
        """Change one occurrence of a series (making it an exception); return its native id.

        The same id every time for the same occurrence. The exception does not take over
        the master's ``counterpart_id``.
        """

    @abc.abstractmethod
    def remove(self, address: str, item_id: str) -> None:
        """Delete an item as the person would (a series master takes its exceptions along)."""

    @abc.abstractmethod
    def remove_occurrence(self, address: str, series_id: str, original_start: Moment) -> None:
        """Delete one occurrence of a series: an exclusion on its master."""

    @abc.abstractmethod
    def marker(self, address: str, item_id: str) -> MarkerView:
        """What the person sees on the item as far as markers go."""

    @abc.abstractmethod
    def invitations_sent(self) -> int:
        """How many invitations, updates or cancellations callers asked the service to send.

        The suite asserts it stays 0. Count what the service documents as mailing
        attendees; for a service that does not schedule, count the requests that would
        make a scheduling server send (e.g. attendees without ``SCHEDULE-AGENT=CLIENT``)
        rather than answering a constant 0.
        """


class CrmHarness(Harness):
    """Drives one CRM org (an emulator or a live sandbox org)."""

    role = Role.CRM

    @abc.abstractmethod
    def open_crm(self) -> CrmProvider:
        """Return the provider bound to the org, acting as the sync user."""

    @abc.abstractmethod
    def add_user(self, address: str, *, zone: str = "GMT") -> str:
        """Create an active CRM user with ``address``; return its id."""

    @abc.abstractmethod
    def add_contact(self, address: str, *, name: str = "") -> str:
        """Create a contact; return its id."""

    @abc.abstractmethod
    def add_lead(self, address: str, *, name: str = "") -> str:
        """Create a lead; return its id."""

    @abc.abstractmethod
    def add_account(self, name: str) -> str:
        """Create an account (a related-to record); return its id."""

    @abc.abstractmethod
    def configure(
        self,
        *,
        recurring_events: bool | None = None,
        shared_activities: bool | None = None,
    ) -> None:
        """Switch org features on or off (``None`` leaves a feature as it is)."""

    @abc.abstractmethod
    def deny_field(self, field: str) -> None:
        """Take the sync user's write access to the CRM field named ``field`` away."""

    @abc.abstractmethod
    def add_validation_rule(self, *, message: str, subject_contains: str) -> None:
        """Refuse writes of events whose subject contains ``subject_contains``, with ``message``."""

    @abc.abstractmethod
    def seed(self, owner: str, item: CalendarItem, *, invitees: tuple[str, ...] = ()) -> str:
        """Create an event owned by user ``owner`` directly; return its id.

        ``invitees`` are user ids invited to it: each gets an attendee copy, as the CRM makes
        them. A series master with ``recurrence`` creates a series in the model
        ``item.recurrence.model`` names.
        """

    @abc.abstractmethod
    def read(self, item_id: str) -> CalendarItem | None:
        """Read one event back (``None`` when it is gone)."""

    @abc.abstractmethod
    def items(self, owner: str | None = None) -> tuple[CalendarItem, ...]:
        """Every event (of ``owner``, when given), occurrences of series included, in creation order."""

    @abc.abstractmethod
    def edit(self, item_id: str, **changes: Any) -> None:
        """Change an event as a CRM user would; ``changes`` are :class:`CalendarItem` fields."""

    @abc.abstractmethod
    def remove(self, item_id: str) -> None:
        """Delete an event as a CRM user would."""

    @abc.abstractmethod
    def received(self) -> tuple[str, ...]:
        """Every request the org received from calsync so far, each as readable text.

        Offline: what the emulator was sent (method, decoded address and body). The
        conformance suite searches it: nothing of a private item may appear (EX-01).
        """
