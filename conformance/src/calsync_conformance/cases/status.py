"""G. Status and markers: EX-26 .. EX-28."""

from __future__ import annotations

from calsync.providers import Capability, Role
from calsync.state.records import DirectionStatus, MailboxStatus
from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario


@case(
    "EX-26",
    "Markers follow issues",
    requires={Role.MAILBOX: {Capability.MARKERS}, Role.CRM: {Capability.VALIDATION_RULES}},
)
def markers_follow_issues(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.crm.add_validation_rule(message="No drafts in the CRM", subject_contains="draft")
    item = s.mail.seed(alice, s.item("Draft plan"))
    s.settle()
    assert s.flagged(item) and s.codes() == ["CRM_VALIDATION_FAILED"]
    own = s.mail.read(alice, item)
    assert own is not None and not any(c.startswith("Sync Error") for c in own.categories), (
        "markers are not the person's categories"
    )
    s.mail.edit(alice, item, subject="Final plan")
    s.settle()
    assert not s.flagged(item) and s.codes() == [], "resolving the issue removes the marker"
    held = s.mail.read(alice, item)
    assert held is not None and held.categories == own.categories, (
        "the person's own categories are untouched"
    )
    assert [e.subject for e in s.crm_events()] == ["Final plan"]


@case("EX-27", "Mailbox status")
def mailbox_status(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    [view] = s.app.status().mailboxes
    assert view.status is MailboxStatus.NOT_INITIALIZED
    for day in range(1, 4):
        s.mail.seed(alice, s.item(f"Item {day}", days=day))
    s.crm.seed(s.users["alice"], s.item("CRM item", days=5))
    s.settle()
    [view] = s.app.status().mailboxes
    assert (
        view.status is MailboxStatus.ACTIVE
        and view.effectively_enabled
        and view.records_in_sync == 4
    )
    assert (view.up, view.down) == (DirectionStatus.IN_SYNC, DirectionStatus.IN_SYNC)
    crm_before = sorted(e.ref.id for e in s.crm.items() if e.ref)
    mail_before = sorted(i.ref.id for i in s.mailbox_items() if i.ref)
    s.app.reset("alice")
    [report] = s.settle()
    assert (report.synced_up, report.synced_down) == (0, 0), (
        "a reset adopts, it does not copy again"
    )
    assert sorted(e.ref.id for e in s.crm.items() if e.ref) == crm_before
    assert sorted(i.ref.id for i in s.mailbox_items() if i.ref) == mail_before
    s.app.disable("alice")
    s.mail.seed(alice, s.item("While disabled", days=6))
    assert s.sync()[0].outcome == "disabled"
    assert s.app.enable("alice").synced_up == 1, "enabling starts a pass"


@case("EX-28", "Address linking")
def address_linking(s: Scenario) -> None:
    s.add_mailbox("alice")
    zoe = s.add_mailbox("zoe", crm_user=False)
    s.mail.seed(zoe, s.item("Zoe's meeting"))
    reports = {r.mailbox: r.outcome for r in s.sync()}
    assert reports == {"alice": "ok", "zoe": "suspended"}
    [issue] = s.issues("zoe")
    assert issue.code == "ADDRESS_NOT_LINKED" and zoe in issue.message
    assert (
        next(v for v in s.app.status().mailboxes if v.name == "zoe").status
        is MailboxStatus.ADDRESS_NOT_LINKED
    )
    assert s.crm.items() == ()
    s.users["zoe"] = s.crm.add_user(zoe)
    assert s.app.enable("zoe").outcome == "ok" and [e.subject for e in s.crm_events("zoe")] == [
        "Zoe's meeting"
    ]
