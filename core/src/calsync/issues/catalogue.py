"""The issue catalogue: every problem calsync reports, with what it means and what to do.

Each entry has a stable code (the contract of ``docs/exceptions.md``), a severity (one
item, or the whole mailbox), a disposition (what the engine does about it), the side it
usually comes from, a message template and advice in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from calsync.issues.definitions import Disposition, IssueDefinition, Severity, Source

__all__ = ["CATALOGUE", "definition"]


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
        code="OTHER_SYNC_PRODUCT",
        title="Another product syncs the same events",
        severity=MAILBOX,
        disposition=Disposition.INFO,
        source=Source.CRM,
        marker=False,
        message=(
            "{count} CRM event(s) of synced people, first {address}'s, repeat a meeting "
            "calsync syncs but were written by something else"
        ),
        advice=(
            "Another sync product (Lightning Sync, Einstein Activity Capture's event sync, or "
            "another integration user) seems to write the same meetings into the CRM: two "
            "products side by side create duplicates. Turn event sync off in one of them for "
            "the people calsync syncs, then delete the extra copies."
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
        code="CONFIG_INVALID",
        title="The mailbox's configuration cannot be used",
        severity=MAILBOX,
        disposition=RETRY,
        source=Source.ENGINE,
        marker=False,
        message="The pass could not start: {detail}",
        advice=(
            "Fix the mailbox's configuration where the message says (`calsync check` lists "
            "every problem); the next pass uses it and syncs everything changed meanwhile."
        ),
        exceptions=("EX-24",),
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
