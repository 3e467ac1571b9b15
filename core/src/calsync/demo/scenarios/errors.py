"""F. Errors the services return (EX-20 .. EX-25) and G. status (EX-26 .. EX-28)."""

from __future__ import annotations

from calsync.demo.scenarios.base import Scenario, check
from calsync.emulation import FaultKind
from calsync.state.records import DirectionStatus, MailboxStatus

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [
    Scenario(
        ex="EX-20",
        title="Field-level security",
        expected="FIELD_ACCESS_DENIED naming the field, with a marker",
        seed=lambda o: o.seed(
            "carol", o.item("Site visit", days=16, location="Customer HQ"), "fls"
        ),
        verify=lambda v: check(
            v.codes("carol", item="fls") == ["FIELD_ACCESS_DENIED"] and v.flagged("carol", "fls"),
            "the location field is not writable for the sync user",
        ),
    ),
    Scenario(
        ex="EX-21",
        title="Validation rules",
        expected="CRM_VALIDATION_FAILED with the rule's message",
        seed=lambda o: o.seed("alice", o.item("Internal planning", days=17), "validation"),
        verify=lambda v: check(
            v.codes("alice", item="validation") == ["CRM_VALIDATION_FAILED"]
            and v.flagged("alice", "validation"),
            "refused by the demo's validation rule",
        ),
    ),
    Scenario(
        ex="EX-22",
        title="Credentials lost",
        expected="AUTH_FAILED, erin suspended, a notification",
        seed=lambda o: o.seed("erin", o.item("Erin's meeting", days=2)),
        verify=lambda v: check(
            v.codes("erin") == ["AUTH_FAILED"] and v.crm_subjects("erin") == [],
            "erin's mailbox refused the (wrong) credentials",
        ),
    ),
    Scenario(
        ex="EX-23",
        title="Identical items",
        expected="DUPLICATES_DETECTED, nothing created for them, grace suspended",
        seed=lambda o: (
            o.crm.seed(o.users["grace"], o.item("Standup", days=2, hour=9)),
            o.seed("grace", o.item("Standup", days=2, hour=9), "dup1"),
            o.seed("grace", o.item("Standup", days=2, hour=9), "dup2"),
        ),
        verify=lambda v: check(
            v.codes("grace") == ["DUPLICATES_DETECTED"]
            and v.crm_subjects("grace").count("Standup") == 1
            and v.flagged("grace", "dup1")
            and v.flagged("grace", "dup2"),
            "no copy made; both flagged",
        ),
    ),
    Scenario(
        ex="EX-24",
        title="Anything else",
        expected="a failing service is retried; nothing lost",
        seed=lambda o: None,
        # Google fails carol's next pass (a 500 on its first call); the pass after it syncs.
        edit=lambda o: (
            o.seed("carol", o.item("Retried after an outage", days=18)),
            o.mail["gmail"].inject(FaultKind.SERVER_ERROR, times=1),
        ),
        verify=lambda v: check(
            "Retried after an outage" in v.crm_subjects("carol"), "synced once the service answered"
        ),
    ),
    Scenario(
        ex="EX-25",
        title="Throttling and quotas",
        expected="the pass waits as told; nothing lost",
        seed=lambda o: (
            o.seed("bob", o.item("Synced after a pause", days=19)),
            o.crm.inject(FaultKind.THROTTLE, retry_after=1.0, times=1),
        ),
        verify=lambda v: check(
            "Synced after a pause" in v.crm_subjects("bob"), "synced after backing off"
        ),
    ),
    Scenario(
        ex="EX-26",
        title="Markers follow issues",
        expected="fixing the zone removes the marker",
        seed=lambda o: o.seed(
            "carol", o.item("Call from Tehran", days=20, zone="Asia/Tehran"), "fixed"
        ),
        edit=lambda o: o.harness("carol").edit(
            o.address("carol"), o.ids["fixed"], zone="Asia/Dubai"
        ),
        verify=lambda v: check(
            not v.flagged("carol", "fixed") and "Call from Tehran" in v.crm_subjects("carol"),
            "synced after the fix, marker gone",
        ),
    ),
    Scenario(
        ex="EX-27",
        title="Mailbox status",
        expected="active mailboxes in sync, suspended ones named",
        seed=lambda o: None,
        verify=lambda v: check(
            v.status["alice"].status is MailboxStatus.ACTIVE
            and v.status["alice"].up is DirectionStatus.IN_SYNC
            and v.status["alice"].records_in_sync > 0
            and v.status["erin"].status is MailboxStatus.SUSPENDED
            and not v.status["erin"].effectively_enabled
            and v.status["dave"].status is MailboxStatus.ADDRESS_NOT_LINKED,
            "alice active and in sync; erin suspended; dave not linked",
        ),
    ),
    Scenario(
        ex="EX-28",
        title="Address linking",
        expected="ADDRESS_NOT_LINKED for dave",
        seed=lambda o: o.seed("dave", o.item("Dave's meeting", days=2)),
        verify=lambda v: check(
            v.codes("dave") == ["ADDRESS_NOT_LINKED"], "no CRM user has dave's address"
        ),
    ),
]
