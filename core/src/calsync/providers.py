"""The provider contract: what the engine needs from a mailbox and from a CRM.

A provider is bound to one account on one service: a :class:`MailboxProvider` to one
person's calendar, a :class:`CrmProvider` to one CRM org. Every call is batched — the
engine hands over all the writes of a pass at once and the provider uses the service's
batch API (EWS multi-item calls, Google batch requests, Salesforce sObject Collections of
200) — and returns per-item results, so one refused item never fails the others.

Errors that fail a whole call are raised as :class:`calsync.errors.ProviderError`
subclasses, translated at the provider's boundary. Per-item refusals come back as
:class:`ItemFailure` carrying an issue code.

What a provider can do is declared as :class:`Capability` flags; the engine and the
conformance suite gate on them, never on provider names.

Beyond the types, the engine relies on these rules (``docs/writing-a-provider.md`` says
each at length, under the same headings; the conformance suite checks them and names the
section when one fails):

Change tokens
    :attr:`ItemRef.change_token <calsync.model.ItemRef.change_token>` changes on every
    change of an item (markers included). In a mailbox no two items share one — a series
    master and its exceptions neither: an exception sharing its master's token never
    syncs. A CRM record's token is compared only with the token remembered for that same
    record, so records may share one (Salesforce's ``SystemModstamp``, the same for every
    record saved in one transaction). The token a write or
    :meth:`MailboxProvider.set_markers` returns is the token the next pull reports for the
    item. Equal tokens mean "unchanged". The pre-check ``PRE-tokens`` checks that every
    item listed has a token, that a changed item's token changes, and, in a mailbox, that
    no two items listed share one.
Item order
    :meth:`Provider.write` returns one result per write, in order; the order of
    :attr:`Delta.changed` does not matter.
Occurrences
    An occurrence is identified by (series id, original start). A changed one is an
    exception with its own id and token; a deleted one is an exclusion on its master,
    and the master is in that delta. A write without a target addresses the occurrence
    its item names (:class:`Write`). An exception never reports its master's counterpart id.
Cursors and expiry
    ``pull(None)`` lists everything in scope (``full``); a cursor covers every change made
    after its listing began; a cursor the service refuses raises
    :class:`~calsync.errors.CursorExpiredError`.
Markers on read-back
    What :meth:`MailboxProvider.set_markers` adds is never part of an item read back:
    marker labels are not in ``categories``, marker text is not in ``body``.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar, Self, final

from calsync.markers import MarkerChange
from calsync.model import CalendarItem, ItemRef, Moment
from calsync.policy import Operation

__all__ = [
    "SYNCED_FIELDS",
    "ApiUsage",
    "Capability",
    "CrmFeatures",
    "CrmProvider",
    "Delta",
    "GroupKind",
    "ItemFailure",
    "MailboxProvider",
    "OwnersDelta",
    "PersonKind",
    "PersonMatch",
    "Provider",
    "ProviderContext",
    "Removal",
    "Role",
    "UserGroup",
    "Write",
    "WriteResult",
]

#: The :class:`~calsync.model.CalendarItem` fields a sync write may carry.
SYNCED_FIELDS: frozenset[str] = frozenset(
    {
        "subject",
        "body",
        "location",
        "start",
        "end",
        "zone",
        "privacy",
        "show_as",
        "organizer",
        "attendees",
        "recurrence",
        "links",
        "counterpart_id",
        "owner",
    }
)


class Role(enum.StrEnum):
    """Which side of the sync a provider serves."""

    MAILBOX = "mailbox"
    CRM = "crm"


class Capability(enum.StrEnum):
    """What a provider can do; the engine and the conformance suite gate on these."""

    #: Reads and writes recurring series, their occurrences and exceptions.
    RECURRENCE = "recurrence"
    #: Reads and writes all-day items as floating dates.
    ALL_DAY = "all-day"
    #: Reads and writes the private flag.
    PRIVACY = "privacy"
    #: Reads meetings: organizer, attendees and whether a copy is the organizer's.
    MEETINGS = "meetings"
    #: Stores the counterpart's id on the item and finds items by it.
    CROSS_REFERENCE = "cross-reference"
    #: Mailbox: shows markers on items (categories, labels, colour).
    MARKERS = "markers"
    #: Mailbox: a person can designate items (a category or label) for Designate mode.
    DESIGNATION = "designation"
    #: Mailbox: reports special kinds of item (out of office, focus time, ...).
    SPECIAL_EVENT_TYPES = "special-event-types"
    #: CRM: matches addresses to contacts, leads and users.
    PEOPLE_MATCHING = "people-matching"
    #: CRM: attendees hold copies that only the organizer's event may change (EX-11).
    ORGANIZER_ONLY_EDIT = "organizer-only-edit"
    #: CRM: field-level security can forbid writing a field (EX-20).
    FIELD_SECURITY = "field-security"
    #: CRM: validation rules can refuse a write (EX-21).
    VALIDATION_RULES = "validation-rules"
    #: CRM: knows two recurrence models, one of which is not written to mailboxes (EX-04).
    EVENT_SERIES_MODEL = "event-series-model"
    #: CRM: refuses items longer than a maximum duration (EX-05).
    DURATION_LIMIT = "duration-limit"
    #: CRM: supports only a listed set of time zones (EX-19).
    ZONE_LIST = "zone-list"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Removal:
    """An item, or one occurrence of a series, that is gone from its side."""

    #: The native id of what was removed (for an occurrence: its own id, when it has one).
    id: str
    #: For a removed occurrence: its series' native id and its original start.
    series_id: str | None = None
    original_start: Moment | None = None


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Delta:
    """What changed on one side since a cursor.

    A mailbox lists singles, series masters and exceptions (not the occurrences that follow
    their pattern); a CRM also lists the occurrence records it stores. A deleted
    occurrence is an exclusion on its master, which is then in ``changed``.
    """

    #: Items created or changed: singles, series masters and exceptions, in any order.
    changed: tuple[CalendarItem, ...] = ()
    #: Items deleted since the cursor (an exception deleted on its own names its series).
    removed: tuple[Removal, ...] = ()
    #: Where the next pull continues; stored only after the writes it covers are committed.
    cursor: str = ""
    #: Whether ``changed`` lists every item in scope (an initial pull, or a full pull after
    #: an expired cursor): anything known and not listed is gone.
    full: bool = False


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class ApiUsage:
    """How much of the org's daily API allowance is used (Salesforce: ``Sforce-Limit-Info``)."""

    used: int
    allowed: int

    def exceeds(self, reserve: float) -> bool:
        """Whether the calls used reach into the ``reserve`` share kept for other integrations."""
        return self.used >= self.allowed * (1 - reserve)


class GroupKind(enum.StrEnum):
    """How a CRM groups its users for access: what a configuration can name to sync them all."""

    PERMISSION_SET = "permission_set"
    PROFILE = "profile"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class UserGroup:
    """The users of one permission set or profile (by its API name), e.g. ``Calendar_Sync``."""

    kind: GroupKind
    name: str

    def __str__(self) -> str:
        return f"{self.kind.value.replace('_', ' ')} {self.name}"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class OwnersDelta:
    """What changed on the CRM since one cursor among the events of several owners.

    One read for the whole organisation (:meth:`CrmProvider.pull_owners`), handed out to
    each owner's mailbox pass as its :meth:`share`.
    """

    #: Each owner's changed items (owners with none may be absent).
    changed: Mapping[str, tuple[CalendarItem, ...]] = field(default_factory=dict)
    #: Each owner's removals (owners with none may be absent).
    removed: Mapping[str, tuple[Removal, ...]] = field(default_factory=dict)
    #: Where the next read continues, for every owner read.
    cursor: str = ""
    #: Whether every owner's events were listed in full.
    full: bool = False

    def share(self, owner: str) -> Delta:
        """``owner``'s part, as the :class:`Delta` a pull for that owner alone would return."""
        return Delta(
            changed=tuple(self.changed.get(owner, ())),
            removed=tuple(self.removed.get(owner, ())),
            cursor=self.cursor,
            full=self.full,
        )


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Write:
    """One planned change to one item.

    Create: ``item`` is the new item (``ref`` None); its ``counterpart_id`` is stored in
    the same call, so that a pass killed before committing finds it again
    (:meth:`Provider.find_by_counterpart`). Update: ``target`` is the native id and
    ``item`` the desired state; ``fields`` limits the update to those fields (see
    :data:`SYNCED_FIELDS`; a mailbox ignores ``links`` and ``owner``). Delete: ``target``
    is the native id; deleting what is gone succeeds.

    An occurrence of a series with no id of its own is addressed by ``item.series_id`` and
    ``item.original_start`` with ``target`` ``None``: an update makes that occurrence an
    exception (or changes the exception) and returns the exception's ref; a delete
    removes the occurrence (an exclusion on its master).
    """

    operation: Operation
    item: CalendarItem | None = None
    target: str | None = None
    fields: frozenset[str] | None = None

    def __post_init__(self) -> None:
        """Refuse writes that name nothing to write to."""
        if self.operation is not Operation.DELETE and self.item is None:
            raise ValueError(f"a {self.operation} write needs an item")
        occurrence = self.item is not None and self.item.occurrence_key is not None
        if self.operation is not Operation.CREATE and self.target is None and not occurrence:
            raise ValueError(f"a {self.operation} write needs a target id or an occurrence key")

    @classmethod
    def create(cls, item: CalendarItem) -> Write:
        """Create ``item``."""
        return cls(operation=Operation.CREATE, item=item)

    @classmethod
    def update(
        cls, target: str | None, item: CalendarItem, fields: frozenset[str] | None = None
    ) -> Write:
        """Make the item ``target`` look like ``item`` (only ``fields``, when given)."""
        return cls(operation=Operation.UPDATE, target=target, item=item, fields=fields)

    @classmethod
    def delete(cls, target: str | None, item: CalendarItem | None = None) -> Write:
        """Delete the item ``target`` (or the occurrence ``item`` addresses)."""
        return cls(operation=Operation.DELETE, target=target, item=item)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class ItemFailure:
    """Why one item could not be written, as an issue code with its parameters."""

    code: str
    message: str
    #: The field the service refused, when it named one (FIELD_ACCESS_DENIED).
    field: str | None = None
    #: Seconds to wait before trying again, when the service said (THROTTLED).
    retry_after: float | None = None


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class WriteResult:
    """The outcome of one :class:`Write`: the item's new ref, or why it failed.

    ``ref`` carries the change token **after** the write: the one the next pull reports
    for the item, so that calsync recognises its own write coming back (an empty token
    when the service's answer does not say it).
    """

    ref: ItemRef | None = None
    failure: ItemFailure | None = None

    @property
    def ok(self) -> bool:
        """Whether the write succeeded."""
        return self.failure is None


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderContext:
    """What a provider is built from: its validated settings and whom it serves."""

    #: The provider's settings, an instance of its ``settings_type`` (``None`` if it has none).
    settings: Any
    #: The configured name of the mailbox (or ``"crm"``).
    name: str
    #: The mailbox owner's address (mailbox providers only).
    address: str | None = None


class Provider(abc.ABC):
    """What every provider has: a name, a role and its capabilities."""

    #: The value integrators write as ``provider = "<name>"``; lower-case.
    name: ClassVar[str]
    role: ClassVar[Role]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    #: A frozen dataclass the provider's ``settings`` table is validated into, or ``None``.
    #: Its fields may use :mod:`calsync.config.values` (``HttpUrl``, ``Seconds``, ``ZoneId``)
    #: to be checked on load, and ``__post_init__`` may raise ``ValueError`` for a bad value
    #: (every command then refuses the file, exit 2). What only building the provider finds
    #: (a combination of values that cannot work, a secret that cannot be used) is raised
    #: by :meth:`from_context` as :class:`~calsync.errors.ConfigError`: ``calsync check``
    #: builds every provider, without calling its service, to report it before a pass.
    settings_type: ClassVar[type[Any] | None] = None

    @classmethod
    @abc.abstractmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """Build the provider from validated settings (secrets are resolved here, not earlier).

        Calls no service. Raises :class:`~calsync.errors.ConfigError` for settings that
        cannot work together or a secret that cannot be used (``calsync check`` reports it).
        A provider whose credentials were refused is used again once they are renewed:
        sign in again on the next call rather than remembering the failure.
        """

    @abc.abstractmethod
    def fetch(self, ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Return the current state of the items ``ids``; ids that no longer exist are absent.

        Batched. The engine fetches items whose last write failed, to try them again.
        Markers are hidden as in a pull.
        """

    @abc.abstractmethod
    def find_by_counterpart(self, counterpart_ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Return the items whose stored counterpart id is one of ``counterpart_ids``, keyed by it.

        For a series, the master (header), never an occurrence or exception: an exception
        does not report its master's counterpart id as its own. Counterpart ids are opaque
        strings and may contain ``|`` and ``:`` (an occurrence's is ``<series id>|<start>``).

        The engine uses it to adopt what an interrupted pass already created, and to find
        counterparts when its own state was lost.
        """

    @abc.abstractmethod
    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Apply ``writes`` in as few service calls as the service's batch API allows.

        Returns one :class:`WriteResult` per write, in order, with the change token after
        the write; a refused item is a result with an :class:`ItemFailure` and the others
        go on. Never sends invitations or updates to attendees: a write the service could
        only make by mailing them is refused with ``MEETING_MAIL_AVOIDED``. Raises
        :class:`~calsync.errors.ProviderError` only when the whole call fails. Do not sleep
        or retry: raise :class:`~calsync.errors.ThrottledError` with the service's hint.
        """

    def close(self) -> None:  # noqa: B027 - optional hook: most providers hold nothing to close
        """Release connections; the provider is not used afterwards."""

    def probe(self) -> str:
        """Reach the service once, as cheaply as it allows, to prove the setup works.

        Optional; ``calsync check --connect`` calls it for each mailbox (a CRM is reached
        through :meth:`CrmProvider.users`). Sign in and find what the provider works on (a
        mailbox: its calendar), read nothing else and write nothing. Return a few words on
        what was reached, e.g. ``"calendar primary"``. Raise
        :class:`~calsync.errors.ProviderError` when it fails (:class:`~calsync.errors.AuthError`
        for refused credentials), as the other calls do.

        The default raises :class:`NotImplementedError`: ``check --connect`` then reports
        the mailbox as not checked, and its first pass is the test.

        .. versionadded:: 0.2
        """
        raise NotImplementedError

    def own_account(self) -> str | None:
        """The account calsync acts as, named as :attr:`~calsync.model.ItemRef.modified_by` names it.

        Optional, for services whose write answers carry no change token (Salesforce: the
        integration user's id, from its UserInfo endpoint). The engine asks only when an
        item comes back changed after such a write and names who changed it: when that is
        this account, the change is calsync's own write as the service stored it (a value
        normalised or trimmed), not a person's edit. Learn it at most once per provider
        (it cannot change while the credentials stay). The default returns ``None``: such
        an item is then recognised by its content alone.

        .. versionadded:: 0.3
        """
        return None

    def web_link(self, item_id: str) -> str | None:
        """A link that opens the item ``item_id`` in the service's own web application.

        Optional; the admin console shows it beside an issue's item. Build it without a
        call, only from a URL form the service documents (cite it in a comment), or from a
        link the service gave for the item and the provider still holds. The default
        returns ``None``: the console then names the item by its id alone.

        .. versionadded:: 0.3
        """
        return None


class MailboxProvider(Provider):
    """One person's calendar (Exchange / Office 365, Google Calendar, ...)."""

    role = Role.MAILBOX

    @property
    @abc.abstractmethod
    def address(self) -> str:
        """The mailbox owner's e-mail address (lower-case)."""

    @abc.abstractmethod
    def pull(self, cursor: str | None) -> Delta:
        """Return what changed since ``cursor`` (everything, as a full delta, when ``None``).

        With ``None``: every item in scope, ``full=True`` (what calsync knows and the
        listing lacks is taken as deleted). Otherwise: what was created, changed or deleted
        since ``cursor``, which covers every change made after its listing began. Returns
        the next cursor; calsync stores it after the pass's writes are committed. Markers
        are hidden (``categories`` holds the person's own only).

        Raises :class:`~calsync.errors.CursorExpiredError` when the service no longer accepts
        the cursor (or it is not one this provider issued); the engine then pulls with
        ``None`` and adopts what it knows.
        """

    @abc.abstractmethod
    def set_markers(self, changes: Sequence[MarkerChange]) -> list[WriteResult]:
        """Show or remove markers on items, leaving the person's own categories alone.

        Each :class:`~calsync.markers.MarkerChange` puts its marker on the item (``None``:
        removes calsync's marker). Returns one result per change, in order, with the
        item's ref and its change token after marking. Restore what a marker replaced
        (a colour); never touch the person's own categories, labels or colour otherwise.
        Rendering twice, or removing a marker that is not there, succeeds.
        """


class PersonKind(enum.StrEnum):
    """What kind of CRM record an address matched."""

    CONTACT = "contact"
    LEAD = "lead"
    USER = "user"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class PersonMatch:
    """An address that matched a CRM record."""

    address: str
    kind: PersonKind
    id: str


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class CrmFeatures:
    """What the connected CRM org supports, read once per pass (e.g. from ``describe``)."""

    #: Recurring events can be stored (Salesforce: Advanced Calendaring; EX-03).
    recurring_events: bool = True
    #: An event can link several people (Salesforce: Shared Activities).
    shared_activities: bool = True
    #: How many contacts one event can link.
    max_people: int = 50
    #: The longest event the CRM accepts (EX-05); ``None`` for no limit.
    max_duration: timedelta | None = None
    #: The time zones the CRM supports (EX-19); ``None`` when any IANA zone is fine.
    zones: frozenset[str] | None = None
    #: The most text the CRM holds in ``subject``, ``location`` and ``body``, in UTF-16 code
    #: units (how Salesforce counts characters: an emoji counts two); absent: no limit.
    text_lengths: Mapping[str, int] = field(default_factory=dict)


class CrmProvider(Provider):
    """One CRM org (Salesforce, ...), used on behalf of the synced mailboxes' owners."""

    role = Role.CRM

    @abc.abstractmethod
    def features(self) -> CrmFeatures:
        """Describe what the org supports; called once per pass."""

    @abc.abstractmethod
    def users(self, addresses: Sequence[str]) -> Mapping[str, str]:
        """Map each address to the id of the active CRM user with it; unknown ones are absent."""

    @abc.abstractmethod
    def match_people(self, addresses: Sequence[str]) -> tuple[PersonMatch, ...]:
        """Return every contact and lead whose e-mail is one of ``addresses``."""

    @abc.abstractmethod
    def pull(self, cursor: str | None, *, owner: str) -> Delta:
        """Return what changed since ``cursor`` among the events ``owner`` (a user id) owns.

        As :meth:`MailboxProvider.pull`, occurrence records of series included.
        """

    def pull_owners(self, cursor: str | None, *, owners: Sequence[str]) -> OwnersDelta | None:
        """Return what changed since ``cursor`` among the events any of ``owners`` owns.

        The organisation's round reads the CRM once for every synced owner with this (one
        query, paged, instead of one per mailbox) and hands each pass its share. ``None``
        for ``cursor`` lists everything (``full``). The cursor returned must cover every
        owner read, up to when the read began: a pass that read its owner by itself after
        this read may continue from it. Raise :class:`~calsync.errors.CursorExpiredError`
        as :meth:`pull` does. Optional: the default returns ``None`` and the engine pulls
        owner by owner.
        """
        return None

    def active_users(self, group: UserGroup | None = None) -> Mapping[str, str] | None:
        """Every active CRM user who could have a synced mailbox: address -> user id.

        ``calsync discover`` lists them (and checks whether their mailboxes are reachable).
        With ``group``, only the users of that permission set or profile: a configuration
        that syncs "all users of permission set X" has them resolved once per round (an
        unknown group has no users). Optional: ``None`` when the CRM cannot list its users
        (or not by that kind of group).
        """
        return None

    def api_usage(self) -> ApiUsage | None:
        """The org's daily API allowance and how much is used, as the latest answer said.

        Costs no call (Salesforce says it in every answer's ``Sforce-Limit-Info``). The
        round slows down before the allowance runs out. Optional: ``None`` when unknown.
        """
        return None
