"""The issue catalogue: every problem calsync reports, with what it means and what to do.

Each :class:`IssueDefinition` has a stable code (the contract of ``docs/exceptions.md``),
a severity (one item, or the whole mailbox), a disposition (what the engine does about it),
the side it usually comes from, a message template and advice in plain words. An
:class:`Issue` is one recorded occurrence of a code in a mailbox's issue log.
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, final

if TYPE_CHECKING:
    from calsync.model import CalendarItem

__all__ = [
    "CATALOGUE",
    "ORGANISATION",
    "Disposition",
    "Issue",
    "IssueDefinition",
    "Severity",
    "Source",
    "definition",
    "named",
]

_CODE = re.compile(r"^[A-Z][A-Z0-9_]{2,40}$")
#: How an issue names a private item: its subject stays in the mailbox (EX-01), whatever the
#: policy syncs, since issues reach the console, the CLI and notifications.
PRIVATE_ITEM: Final = "a private item"
#: The ``mailbox`` of an issue about the whole organisation (a shared credential refused):
#: not a name a configured mailbox can have.
ORGANISATION: Final = "(organisation)"


class Severity(enum.StrEnum):
    """What an issue affects."""

    #: One item; the rest of the mailbox syncs.
    ITEM = "item"
    #: The whole mailbox.
    MAILBOX = "mailbox"


class Disposition(enum.StrEnum):
    """What the engine does when the issue occurs."""

    #: The item is not synced; the others go on. Tried again when the item changes.
    SKIP = "skip"
    #: Tried again on the next pass.
    RETRY = "retry"
    #: The mailbox's synchronisation stops until someone acts.
    SUSPEND = "suspend"
    #: The item synced; the issue only says how (nothing to retry, no error marker).
    INFO = "info"


class Source(enum.StrEnum):
    """Where the problem comes from."""

    MAILBOX = "mailbox"
    CRM = "crm"
    ENGINE = "engine"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class IssueDefinition:
    """One entry of the catalogue."""

    code: str
    #: A few words for tables and markers.
    title: str
    severity: Severity
    disposition: Disposition
    source: Source
    #: What happened; ``{placeholders}`` are filled from the issue's parameters.
    message: str
    #: What the person or admin can do about it; ``{placeholders}`` are filled from the
    #: message's parameters and ``{mailbox}`` (see :meth:`render_advice`).
    advice: str
    #: Whether a marker is shown on the mailbox item (when there is one to mark).
    marker: bool
    #: The ``EX-nn`` entries of ``docs/exceptions.md`` this code serves.
    exceptions: tuple[str, ...] = ()
    #: Whether someone has to act when it first appears (``calsync sync`` exits 1 for a new
    #: one). Not for what settles by itself or is how the policy is meant to work.
    needs_person: bool = True
    #: The advice when the issue is about the whole organisation (:data:`ORGANISATION`),
    #: e.g. a shared credential; the mailbox advice otherwise.
    organisation_advice: str = ""

    def __post_init__(self) -> None:
        """Refuse codes that are not stable identifiers."""
        if not _CODE.match(self.code):
            raise ValueError(f"issue code {self.code!r} must be UPPER_SNAKE_CASE")
        # Advice is rendered from what an issue keeps (its message and mailbox), so it may only
        # ask for what the message carries.
        unknown = (
            _names(self.advice + self.organisation_advice) - self.placeholders - ADVICE_CONTEXT
        )
        if unknown:
            raise ValueError(f"advice of {self.code} names {sorted(unknown)}, not in its message")

    @property
    def placeholders(self) -> frozenset[str]:
        """The names the message template expects."""
        return _names(self.message)

    def render(self, **params: object) -> str:
        """Fill the message template; a missing parameter shows as ``?`` rather than failing."""
        values = {name: params.get(name, "?") for name in self.placeholders}
        return self.message.format(**values)

    def render_advice(self, **params: object) -> str:
        """Fill the advice template; a missing parameter shows as ``?`` rather than failing."""
        return self.advice.format(**{name: params.get(name, "?") for name in _names(self.advice)})

    def parameters(self, message: str) -> dict[str, str]:
        """The parameters a message rendered from this template was filled with ({} if none fit)."""
        pattern, groups = "", set()
        fields = list(string.Formatter().parse(self.message))
        for index, (literal, name, _, _) in enumerate(fields):
            pattern += re.escape(literal)
            if not name:
                continue
            if name in groups:
                pattern += f"(?P={name})"
            else:
                lazy = "?" if index < len(fields) - 1 else ""
                pattern += f"(?P<{name}>.*{lazy})"
                groups.add(name)
        found = re.fullmatch(pattern, message, flags=re.DOTALL)
        return dict(found.groupdict()) if found else {}


#: Names advice may use beyond its message's: the issue's own mailbox.
ADVICE_CONTEXT: Final = frozenset({"mailbox"})


def _names(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def _define(*definitions: IssueDefinition) -> Mapping[str, IssueDefinition]:
    table: dict[str, IssueDefinition] = {}
    for item in definitions:
        if item.code in table:
            raise ValueError(f"issue code {item.code} is defined twice")
        table[item.code] = item
    return MappingProxyType(table)


SKIP, RETRY, SUSPEND = Disposition.SKIP, Disposition.RETRY, Disposition.SUSPEND
ITEM, MAILBOX = Severity.ITEM, Severity.MAILBOX

#: Every issue code, by code.
CATALOGUE: Final[Mapping[str, IssueDefinition]] = _define(
    IssueDefinition(
        code="RECURRING_ALL_DAY_UNSUPPORTED",
        title="Recurring all-day item",
        severity=ITEM,
        disposition=SKIP,
        source=Source.ENGINE,
        marker=True,
        message="Recurring all-day series are not synced: {subject}",
        advice="Sync the days as single all-day items, or make the series a timed one.",
        exceptions=("EX-02",),
    ),
    IssueDefinition(
        code="RECURRING_SYNC_DISABLED",
        title="Recurring items not synced",
        severity=ITEM,
        disposition=SKIP,
        source=Source.ENGINE,
        marker=True,
        message="Recurring series are not synced because {reason}: {subject}",
        advice=(
            'Set `recurring_items = "on"` in the policy, and make sure the CRM org supports '
            "recurring events (Salesforce: Advanced Calendaring, ask Salesforce Support)."
        ),
        exceptions=("EX-03",),
    ),
    IssueDefinition(
        code="CRM_SERIES_NOT_DOWNSYNCED",
        title="CRM event series not written to mailboxes",
        severity=ITEM,
        disposition=SKIP,
        source=Source.CRM,
        marker=False,
        message="CRM event series of the newer model are not written to mailboxes: {subject}",
        advice="Create the series in the mailbox, or in the CRM with the classic recurrence fields.",
        exceptions=("EX-04",),
    ),
    IssueDefinition(
        code="UNSUPPORTED_ITEM_KIND",
        title="Item kind cannot be mirrored",
        severity=ITEM,
        disposition=SKIP,
        source=Source.ENGINE,
        marker=True,
        message="{kind} items cannot be mirrored on the other side: {subject}",
        advice="Nothing to do: this kind of item stays where it is.",
        exceptions=("EX-05",),
        needs_person=False,
    ),
    IssueDefinition(
        code="SERIES_CONVERSION_UNSUPPORTED",
        title="Single item turned into a series, or back",
        severity=ITEM,
        disposition=SKIP,
        source=Source.ENGINE,
        marker=True,
        message="This item was synced as a {before} and is now a {after}; it is not synced: {subject}",
        advice=(
            "The CRM cannot turn a single event into a series or back. Create a new item "
            "instead of converting the synced one."
        ),
        exceptions=("EX-07",),
    ),
    IssueDefinition(
        code="ORGANIZER_NOT_SYNCED",
        title="Waiting for the organizer",
        severity=ITEM,
        disposition=RETRY,
        source=Source.ENGINE,
        marker=True,
        message="The organizer {organizer} has not synced this meeting yet: {subject}",
        advice=(
            "Nothing to do if the organizer's sync is active: the meeting links to the "
            "organizer's event once it syncs. Otherwise check the organizer's mailbox status."
        ),
        exceptions=("EX-09",),
        needs_person=False,
    ),
    IssueDefinition(
        code="ORGANIZER_ONLY_EDIT",
        title="Only the organizer's event can be edited",
        severity=ITEM,
        disposition=SKIP,
        source=Source.CRM,
        marker=True,
        message="The CRM lets only the organizer edit this meeting: {subject}",
        advice="Edit the meeting from the organizer's calendar, or ask the organizer to edit it.",
        exceptions=("EX-11",),
    ),
    IssueDefinition(
        code="MEETING_MAIL_AVOIDED",
        title="A change would mail the meeting's attendees",
        severity=ITEM,
        disposition=SKIP,
        source=Source.MAILBOX,
        marker=True,
        message="Not written to the mailbox, {reason}: {subject}",
        advice=(
            "Make the change in the mailbox's own calendar app: the mailbox organizes this "
            "meeting, and its service mails the attendees about every change to it."
        ),
        exceptions=("EX-11",),
    ),
    IssueDefinition(
        code="UNRESOLVED",
        title="No matching CRM contact or lead",
        severity=ITEM,
        disposition=SKIP,
        source=Source.ENGINE,
        marker=False,
        message="No participant matches a CRM contact or lead (Match mode): {subject}",
        advice=(
            "Add the participant to the CRM as a contact or lead, remove them from the ignore "
            "list, or use Sync All mode."
        ),
        exceptions=("EX-15",),
        needs_person=False,
    ),
    IssueDefinition(
        code="UNSUPPORTED_TIME_ZONE",
        title="Time zone not supported by the CRM",
        severity=ITEM,
        disposition=SKIP,
        source=Source.CRM,
        marker=True,
        message="The time zone {zone} has no equivalent the CRM supports: {subject}",
        advice="Give the item a time zone the CRM lists (run `calsync tz ZONE` to check one).",
        exceptions=("EX-19",),
    ),
    IssueDefinition(
        code="FIELD_ACCESS_DENIED",
        title="No access to a CRM field",
        severity=ITEM,
        disposition=SKIP,
        source=Source.CRM,
        marker=True,
        message="The sync user cannot write the CRM field {field}: {subject}",
        advice="Grant the sync user's profile edit access to {field} (field-level security).",
        exceptions=("EX-20",),
    ),
    IssueDefinition(
        code="CRM_VALIDATION_FAILED",
        title="A CRM validation rule refused the item",
        severity=ITEM,
        disposition=SKIP,
        source=Source.CRM,
        marker=True,
        message="A CRM validation rule refused the item: {rule_message}",
        advice="Change the item so it passes the rule, or ask the CRM admin to review the rule.",
        exceptions=("EX-21",),
    ),
    IssueDefinition(
        code="AUTH_FAILED",
        title="Credentials refused",
        severity=MAILBOX,
        disposition=SUSPEND,
        source=Source.MAILBOX,
        marker=False,
        message="The {side} refused the credentials: {detail}",
        advice=(
            "Renew the credentials for the {side} connection, then run "
            "`calsync enable --mailbox {mailbox}`; "
            "nothing changed in between is lost."
        ),
        organisation_advice=(
            "Renew the credentials calsync shares for the {side}: every mailbox waits, and "
            "the next round after that resumes them all by itself; nothing changed in "
            "between is lost."
        ),
        exceptions=("EX-22",),
    ),
    IssueDefinition(
        code="DUPLICATES_DETECTED",
        title="Identical items: sync stopped",
        severity=MAILBOX,
        disposition=SUSPEND,
        source=Source.ENGINE,
        marker=True,
        message="Sync stopped to avoid creating duplicates: {count} identical items {subject!r} at {start}",
        advice=(
            "Make the subjects of the identical items unique, or delete the identical copies, "
            "then run `calsync enable --mailbox {mailbox}`."
        ),
        exceptions=("EX-23",),
    ),
    IssueDefinition(
        code="TEXT_TRUNCATED",
        title="Text cut to fit the CRM",
        severity=ITEM,
        disposition=Disposition.INFO,
        source=Source.CRM,
        marker=False,
        message="The CRM holds only the first {limits} of the {fields}: {subject}",
        advice=(
            "Nothing to do: the item synced, and its full text stays in the mailbox. "
            "Shorten it there if the CRM copy should hold all of it."
        ),
        exceptions=("EX-23",),
        needs_person=False,
    ),
    IssueDefinition(
        code="INTERNAL_ERROR",
        title="Unexpected error",
        severity=ITEM,
        disposition=RETRY,
        source=Source.ENGINE,
        marker=True,
        message="An unexpected error occurred (correlation id {correlation_id}): {detail}",
        advice="It is tried again on the next pass. If it persists, report the correlation id.",
        exceptions=("EX-24",),
        needs_person=False,
    ),
    IssueDefinition(
        code="THROTTLED",
        title="The service asked to slow down",
        severity=MAILBOX,
        disposition=RETRY,
        source=Source.MAILBOX,
        marker=False,
        message="The {side} asked to slow down; retrying after {retry_at}",
        advice="Nothing to do; the pass backs off as told. Persistent throttling means the API quota is too small.",
        exceptions=("EX-25",),
        needs_person=False,
    ),
    IssueDefinition(
        code="API_ALLOWANCE_LOW",
        title="The CRM's daily API allowance is nearly used",
        severity=MAILBOX,
        disposition=RETRY,
        source=Source.CRM,
        marker=False,
        message=(
            "The CRM's daily API allowance is {used} of {allowed} calls used; rounds read "
            "the changes but run no passes until the share reserved for other integrations "
            "is free again"
        ),
        advice=(
            "Nothing to do unless it persists: passes resume by themselves as the 24-hour "
            "allowance frees up. Lower [crm] api_reserve, or raise the org's allowance."
        ),
        exceptions=("EX-25",),
        needs_person=False,
    ),
    IssueDefinition(
        code="ADDRESS_NOT_LINKED",
        title="Mailbox address not linked to a CRM user",
        severity=MAILBOX,
        disposition=SUSPEND,
        source=Source.CRM,
        marker=False,
        message="The mailbox address {address} matches no active CRM user",
        advice=(
            "Give the CRM user the mailbox's address (or fix the mailbox address), then run "
            "`calsync enable --mailbox {mailbox}`."
        ),
        exceptions=("EX-28",),
    ),
    IssueDefinition(
        code="SERVICE_UNAVAILABLE",
        title="Service unavailable",
        severity=MAILBOX,
        disposition=RETRY,
        source=Source.MAILBOX,
        marker=False,
        message="The {side} could not be reached or failed: {detail}",
        advice="Nothing to do; the pass is tried again. If it persists, check the service's status.",
        exceptions=("EX-24",),
        needs_person=False,
    ),
    IssueDefinition(
        code="INVALID_SERVER_REPLY",
        title="The service answered garbage",
        severity=MAILBOX,
        disposition=RETRY,
        source=Source.MAILBOX,
        marker=False,
        message="The {side} sent a reply that could not be understood: {detail}",
        advice="Nothing was changed. It is tried again; if it persists, check proxies between calsync and the service.",
        exceptions=("EX-24",),
        needs_person=False,
    ),
    IssueDefinition(
        code="MASS_DELETE_HELD",
        title="Deletions held back",
        severity=MAILBOX,
        disposition=SKIP,
        source=Source.ENGINE,
        marker=False,
        message="The {side} suddenly returned {remaining} of {known} synced items; {count} deletions were held back",
        advice=(
            "If the items really were deleted, run "
            "`calsync sync --mailbox {mailbox} --allow-mass-delete`; "
            "otherwise check the {side} connection. Nothing is deleted until then."
        ),
    ),
)


def definition(code: str) -> IssueDefinition:
    """Look up ``code``; an unknown code is a programming error and raises ``KeyError``."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(
            f"unknown issue code {code!r}; known: {', '.join(sorted(CATALOGUE))}"
        ) from None


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """One recorded issue in a mailbox's issue log."""

    code: str
    mailbox: str
    #: The side the affected item is on, and its native id there (``None`` for mailbox issues).
    side: Source
    item_id: str | None
    message: str
    first_seen: datetime
    last_seen: datetime
    count: int = 1
    resolved_at: datetime | None = None
    #: Ties the issue to log lines (INTERNAL_ERROR).
    correlation_id: str | None = None
    #: Further item ids the issue is about (DUPLICATES_DETECTED lists every copy).
    related_ids: tuple[str, ...] = ()
    #: Whether its marker is shown on the mailbox item.
    marked: bool = False
    #: The row id in the state database.
    id: int | None = None

    @property
    def definition(self) -> IssueDefinition:
        """The catalogue entry of :attr:`code`."""
        return definition(self.code)

    @property
    def parameters(self) -> dict[str, str]:
        """What the issue's message was rendered with, and its mailbox."""
        side = "CRM" if self.side is Source.CRM else "mailbox"
        return {"mailbox": self.mailbox, "side": side, **self.definition.parameters(self.message)}

    @property
    def advice(self) -> str:
        """What to do about this issue, in its own words (its side, field, mailbox...)."""
        if self.mailbox == ORGANISATION and self.definition.organisation_advice:
            template = self.definition.organisation_advice
            return template.format(**{n: self.parameters.get(n, "?") for n in _names(template)})
        return self.definition.render_advice(**self.parameters)

    @property
    def is_open(self) -> bool:
        """Whether the issue is still unresolved."""
        return self.resolved_at is None


def named(item: CalendarItem) -> str:
    """How an issue message names ``item``: its subject, or :data:`PRIVATE_ITEM` if private."""
    return PRIVATE_ITEM if item.is_private else item.subject
