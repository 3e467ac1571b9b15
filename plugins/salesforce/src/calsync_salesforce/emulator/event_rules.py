"""Server behaviour of ``Event``: what Salesforce derives and refuses on every save.

* Child events (``IsChild``, an invitee's copy) accept updates to ``IsReminderSet`` and
  ``ReminderDateTime`` only. Anything else is refused with 400
  ``INVALID_FIELD_FOR_INSERT_UPDATE`` "Only event organizers can update this field" and the
  offending fields in ``fields`` (the code matches the FLS refusal a sync already handles;
  the text is the one the research notes give; no live capture exists).
* Private events (``IsPrivate``) cannot carry ``WhoId``, ``WhatId`` or ``EventWhoIds``:
  ``FIELD_INTEGRITY_EXCEPTION`` with the Object Reference's sentence.
* Recurring series need "Enable Creation of Recurring Events"; Classic (``IsRecurrence``)
  and Lightning (``IsRecurrence2``) cannot be combined; Classic pattern fields need
  ``IsRecurrence``.
* Times, durations and all-day dates: :mod:`.event_times`; people: :mod:`.event_people`;
  series: :mod:`.classic_recurrence` and :mod:`.series`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calsync_salesforce.emulator import (
    classic_recurrence,
    event_people,
    event_times,
    rrule_subset,
    series,
)
from calsync_salesforce.emulator.behavior_base import Behavior
from calsync_salesforce.emulator.errors import SalesforceError, integrity, required_missing
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.schema import ObjectDef
    from calsync_salesforce.emulator.state import OrgState

CHILD_EDITABLE = frozenset({"IsReminderSet", "ReminderDateTime"})
PRIVATE_LINKS_MESSAGE = (
    "Private events can't be associated with opportunities, accounts, cases, campaigns, "
    "contracts, leads, or contacts."
)
RECURRING_DISABLED_MESSAGE = (
    "Recurring events aren't enabled for this organization: turn on Enable Creation of "
    "Recurring Events in Activity Settings."
)


class EventBehavior(Behavior):
    """Derivations, rules and side effects of Event saves and deletes."""

    def prepare(
        self,
        org: OrgState,
        caller: Caller,
        sobject: ObjectDef,
        record: Record,
        old: Record | None,
        changes: Record,
    ) -> Record:
        """Derive every computed field and refuse what Salesforce refuses."""
        if old is not None and old.get("IsChild"):
            refused = sorted(set(changes) - CHILD_EDITABLE)
            if refused:
                raise SalesforceError(
                    400,
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    "Only event organizers can update this field",
                    refused,
                )
            return record
        changes = dict(changes)
        record = self._recurrence(org, record, old, changes)
        limit = event_times.duration_limit(org.settings.multiday_events)
        if record.get("IsRecurrence"):
            limit = event_times.DAY_MINUTES  # each Classic occurrence is at most a day
        zone = org.user_zone(record["OwnerId"])
        record = event_times.derive(record, old, changes, zone, limit)
        record = event_people.derive_whos(org, record, old, changes)
        if record.get("IsPrivate"):
            linked = [f for f in ("WhoId", "WhatId") if record.get(f)]
            if record.get("EventWhoIds"):
                linked.append("EventWhoIds")
            if linked:
                raise integrity(PRIVATE_LINKS_MESSAGE, linked)
        record["AccountId"] = _account_of(org, record)
        if old is None and record.get("IsRecurrence2"):
            record["Recurrence2PatternStartDate"] = record["StartDateTime"]
            record["Recurrence2PatternTimeZone"] = zone.key
            record["Recurrence2PatternVersion"] = "1"
        if old is not None:
            record = series.mark_exception(org, record, old)
        return record

    def _recurrence(
        self, org: OrgState, record: Record, old: Record | None, changes: Record
    ) -> Record:
        creating = old is None
        classic = bool(record.get("IsRecurrence"))
        pattern = record.get("Recurrence2PatternText")
        lightning = bool(record.get("IsRecurrence2")) or (creating and pattern is not None)
        if creating and (classic or lightning) and not org.settings.recurring_events:
            raise integrity(
                RECURRING_DISABLED_MESSAGE, ["IsRecurrence2" if lightning else "IsRecurrence"]
            )
        if classic and lightning:
            raise integrity("IsRecurrence and IsRecurrence2 can't both be true", ["IsRecurrence2"])
        if lightning and creating:
            if pattern is None:
                raise required_missing(["Recurrence2PatternText"])
            record = {
                **record,
                "IsRecurrence2": True,
                "Recurrence2PatternText": rrule_subset.normalize(pattern),
            }
        pattern_changed = any(name in changes for name in classic_recurrence.FIELDS)
        if classic and (creating or pattern_changed):
            if (
                creating
                and changes.get("StartDateTime") is None
                and changes.get("ActivityDateTime") is None
            ):
                # A series may be given by its recurrence start alone.
                changes["StartDateTime"] = record.get("RecurrenceStartDateTime")
            owner = org.store.get("User", record["OwnerId"])
            record = classic_recurrence.validate(
                record, owner["TimeZoneSidKey"] if owner else "GMT"
            )
        elif not classic and pattern_changed and classic_recurrence.has_pattern(changes):
            raise integrity(
                "Recurrence fields can only be set on a recurring event (IsRecurrence)",
                ["IsRecurrence"],
            )
        return record

    def after_save(
        self, org: OrgState, caller: Caller, record: Record, old: Record | None, changes: Record
    ) -> None:
        """Relations, series materialisation and propagation to child events."""
        if record.get("IsChild"):
            return
        event_people.sync_relations(org, caller, record)
        if old is None:
            if record.get("IsRecurrence"):
                classic_recurrence.materialize(org, caller, record)
            elif record.get("IsRecurrence2"):
                series.create(org, caller, record)
            return
        event_people.propagate_to_children(org, caller, record)
        if record.get("IsRecurrence") and any(
            n in changes for n in (*classic_recurrence.FIELDS, *series.CRITICAL)
        ):
            current = org.live("Event", record["Id"]) or record
            classic_recurrence.regenerate(org, caller, current)
        elif record.get("IsRecurrence2"):
            series.after_update(org, caller, record, old, changes)

    def delete(self, org: OrgState, caller: Caller, sobject: str, record: Record) -> None:
        """Delete with dependents: children, relations, and series members where due."""
        if record.get("IsChild"):
            event_people.delete_child(org, caller, record)
        elif record.get("IsRecurrence"):
            classic_recurrence.delete_series(org, caller, record)
        elif record.get("IsRecurrence2") and record.get(series.SERIES_KEY):
            series.delete(org, caller, record)
        else:
            event_people.delete_with_dependents(org, caller, record)


def _account_of(org: OrgState, record: Record) -> str | None:
    """``AccountId``: the what's account, else the primary contact's account."""
    what = record.get("WhatId")
    if what:
        kind = org.store.object_of(what)
        if kind == "Account":
            return str(what)
        target = org.live(kind or "", what)
        if target and target.get("AccountId"):
            return str(target["AccountId"])
    who = record.get("WhoId")
    if who and org.store.object_of(who) == "Contact":
        contact = org.live("Contact", who)
        if contact and contact.get("AccountId"):
            return str(contact["AccountId"])
    return None
