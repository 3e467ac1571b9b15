"""The values that cross the provider contract: deltas, writes, results and the provider's context."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, final

from calsync.model import CalendarItem, ItemRef, Moment
from calsync.policy import Operation

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
