"""F. Errors the services return: EX-20 .. EX-25."""

from __future__ import annotations

from calsync.emulation import FaultKind
from calsync.issues import ORGANISATION
from calsync.providers import Capability, Role
from calsync.state.records import MailboxStatus
from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario


@case(
    "EX-20",
    "Field-level security",
    requires={Role.MAILBOX: {Capability.MARKERS}, Role.CRM: {Capability.FIELD_SECURITY}},
)
def field_security(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.crm.deny_field("location")
    item = s.mail.seed(alice, s.item("Visit", location="Their office"))
    s.settle()
    [issue] = s.issues()
    assert issue.code == "FIELD_ACCESS_DENIED", issue
    assert s.flagged(item) and s.crm_events() == []
    assert "cannot write the CRM field" in issue.message and "field ?" not in issue.message, (
        "the field is named"
    )


@case(
    "EX-21",
    "Validation rules",
    requires={Role.MAILBOX: {Capability.MARKERS}, Role.CRM: {Capability.VALIDATION_RULES}},
)
def validation_rules(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.crm.add_validation_rule(
        message="Internal meetings do not belong in the CRM", subject_contains="internal"
    )
    item = s.mail.seed(alice, s.item("Internal sync"))
    fine = s.mail.seed(alice, s.item("Customer call", days=2))
    s.settle()
    [issue] = s.issues()
    assert (
        issue.code == "CRM_VALIDATION_FAILED"
        and "Internal meetings do not belong in the CRM" in issue.message
    )
    assert s.flagged(item) and not s.flagged(fine)
    assert [e.subject for e in s.crm_events()] == ["Customer call"]


@case("EX-22", "Credentials lost")
def credentials_lost(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.mail.seed(alice, s.item("Before"))
    s.settle()
    s.tested.revoke_credentials()
    s.mail.seed(alice, s.item("During", days=2))
    s.crm.seed(s.users["alice"], s.item("During (CRM)", days=3))
    [report] = s.sync()
    assert report.outcome == "suspended"
    [issue] = s.issues()
    side = "CRM" if s.role is Role.CRM else "mailbox"
    assert issue.code == "AUTH_FAILED" and side in issue.message
    assert [n.kind for n in s.notifications] == ["auth-failed"]
    if s.role is Role.CRM:  # the CRM credential is everyone's: the organisation waits
        assert issue.mailbox == ORGANISATION
        assert s.app.status().mailboxes[0].status is MailboxStatus.ACTIVE
    else:
        assert s.app.status().mailboxes[0].status is MailboxStatus.SUSPENDED
    s.tested.restore_credentials()
    assert s.app.enable("alice").outcome == "ok"
    s.settle()
    assert sorted(e.subject for e in s.crm_events()) == ["Before", "During", "During (CRM)"]
    assert sorted(i.subject for i in s.mailbox_items()) == ["Before", "During", "During (CRM)"]
    assert s.codes() == []


@case("EX-23", "Identical items")
def duplicates(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.crm.seed(s.users["alice"], s.item("Standup"))
    first = s.mail.seed(alice, s.item("Standup"))
    second = s.mail.seed(alice, s.item("Standup"))
    s.mail.seed(alice, s.item("Other", days=3))
    s.sync()
    [issue] = s.issues()
    assert issue.code == "DUPLICATES_DETECTED" and set(issue.related_ids) == {first, second}
    assert sorted(e.subject for e in s.crm_events()) == ["Other", "Standup"], (
        "nothing created for the identical items"
    )
    assert s.flagged(first) and s.flagged(second)
    assert s.app.status().mailboxes[0].status is MailboxStatus.SUSPENDED
    s.mail.edit(alice, second, subject="Standup (team B)")
    s.app.enable("alice")
    s.settle()
    assert sorted(e.subject for e in s.crm_events()) == ["Other", "Standup", "Standup (team B)"]
    assert s.codes() == [] and not s.flagged(first)


@case("EX-24", "Anything else")
def anything_else(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.mail.seed(alice, s.item("A"))
    s.tested.inject(FaultKind.SERVER_ERROR, times=None)
    for _ in range(10):
        assert s.sync()[0].outcome == "failed"
    assert s.codes() == ["SERVICE_UNAVAILABLE"]
    assert [n.kind for n in s.notifications] == ["failing"], "10 failed passes in a row notify"
    s.tested.clear_faults()
    s.tested.inject(FaultKind.MALFORMED)
    assert s.sync()[0].outcome == "failed" and "INVALID_SERVER_REPLY" in s.codes()
    s.settle()
    assert [e.subject for e in s.crm_events()] == ["A"] and s.codes() == []


@case("EX-25", "Throttling and quotas")
def throttling(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.settle()  # connected: credentials and cursors in hand, as in steady state
    s.mail.seed(alice, s.item("A"))
    s.tested.inject(FaultKind.THROTTLE, retry_after=2.0)
    s.settle()
    assert s.sleeps and s.sleeps[0] >= 1.0, "the pass waited as the service asked"
    assert [e.subject for e in s.crm_events()] == ["A"] and s.codes() == []
    s.tested.inject(FaultKind.THROTTLE, retry_after=3600, times=None)
    s.mail.seed(alice, s.item("B", days=2))
    assert s.sync()[0].outcome == "failed"
    [issue] = s.issues()
    assert issue.code == "THROTTLED" and "retrying after" in issue.message
    s.tested.clear_faults()
    s.settle()
    assert sorted(e.subject for e in s.crm_events()) == ["A", "B"], (
        "nothing lost, nothing duplicated"
    )
