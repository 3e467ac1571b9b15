"""F. Errors the services return: EX-20 .. EX-25."""

from __future__ import annotations

from calsync.emulation import FaultKind
from calsync.engine import FAILURES_BEFORE_NOTICE
from calsync.issues import ORGANISATION
from calsync.notify import NotificationKind
from calsync.state.records import MailboxStatus

from .conftest import Org, meeting

ALICE = "alice@example.com"


class TestEX20FieldLevelSecurity:
    def test_a_forbidden_field_is_named_with_advice_and_a_marker(self, org: Org) -> None:
        org.crm.deny_field("location")
        item = org.mail.seed(ALICE, meeting("Visit", location="Their office"))
        org.settle()
        [issue] = org.app.issues()
        assert issue.code == "FIELD_ACCESS_DENIED" and "location" in issue.message
        assert "location" in issue.definition.advice.format(field="location")
        assert org.mail.marker(ALICE, item).flagged and org.crm_events() == []


class TestEX21ValidationRules:
    def test_the_rules_message_is_carried(self, org: Org) -> None:
        org.crm.add_validation_rule(
            message="Internal meetings do not belong in the CRM", subject_contains="internal"
        )
        item = org.mail.seed(ALICE, meeting("Internal sync"))
        org.settle()
        [issue] = org.app.issues()
        assert (
            issue.code == "CRM_VALIDATION_FAILED"
            and "Internal meetings do not belong in the CRM" in issue.message
        )
        assert org.mail.marker(ALICE, item).flagged


class TestEX22AuthenticationLost:
    def test_suspends_notifies_and_resumes_without_losing_changes(self, org: Org) -> None:
        org.mail.seed(ALICE, meeting("Before"))
        org.settle()
        org.mail.revoke_credentials()
        during = org.mail.seed(ALICE, meeting("During", days=2))
        [report] = org.sync()
        assert report.outcome == "suspended"
        [issue] = org.app.issues()
        assert issue.code == "AUTH_FAILED" and "mailbox" in issue.message
        assert [n.kind for n in org.notifications] == [NotificationKind.AUTH_FAILED]
        status = org.app.status().mailboxes[0]
        assert status.status is MailboxStatus.SUSPENDED and not status.effectively_enabled
        assert org.sync()[0].outcome == "suspended"  # stays suspended until someone acts
        org.mail.restore_credentials()
        report = org.app.enable("alice")
        assert report.outcome == "ok" and org.issue_codes() == []
        assert sorted(e.subject for e in org.crm_events()) == ["Before", "During"] and during

    def test_the_crm_refusing_suspends_the_organisation_even_for_one_mailbox(
        self, org: Org
    ) -> None:
        # The CRM credential is everyone's: a round of one (`sync --mailbox alice`) that
        # meets its refusal suspends the organisation, not alice, and resumes by itself.
        org.mail.seed(ALICE, meeting("Before"))
        org.settle()
        org.crm.revoke_credentials()
        org.mail.seed(ALICE, meeting("During", days=2))
        [report] = org.sync("alice")
        assert report.outcome == "suspended"
        [issue] = org.app.issues()
        assert (issue.mailbox, issue.code) == (ORGANISATION, "AUTH_FAILED")
        assert "CRM" in issue.message and "resumes them all by itself" in issue.advice
        assert [n.kind for n in org.notifications] == [NotificationKind.AUTH_FAILED]
        assert org.app.status().mailboxes[0].status is MailboxStatus.ACTIVE
        assert org.sync("alice")[0].outcome == "suspended"  # waits while the CRM refuses
        org.crm.restore_credentials()
        [report] = org.sync("alice")
        assert report.outcome == "ok" and org.app.issues() == []
        assert [n.kind for n in org.notifications] == [
            NotificationKind.AUTH_FAILED,
            NotificationKind.RESUMED,
        ]
        assert sorted(e.subject for e in org.crm_events()) == ["Before", "During"]


class TestEX23Duplicates:
    def test_identical_items_create_nothing_and_suspend(self, org: Org) -> None:
        org.crm.seed(org.users["alice"], meeting("Standup"))
        first = org.mail.seed(ALICE, meeting("Standup"))
        second = org.mail.seed(ALICE, meeting("Standup"))
        org.mail.seed(ALICE, meeting("Other", days=3))
        [report] = org.sync()
        assert report.outcome == "issues"
        assert sorted(e.subject for e in org.crm_events()) == ["Other", "Standup"]
        [issue] = org.app.issues()
        assert issue.code == "DUPLICATES_DETECTED" and set(issue.related_ids) == {first, second}
        assert org.mail.marker(ALICE, first).flagged and org.mail.marker(ALICE, second).flagged
        assert org.app.status().mailboxes[0].status is MailboxStatus.SUSPENDED
        org.mail.edit(ALICE, second, subject="Standup (team B)")
        report = org.app.enable("alice")
        assert org.issue_codes() == [] and not org.mail.marker(ALICE, first).flagged
        assert sorted(e.subject for e in org.crm_events()) == [
            "Other",
            "Standup",
            "Standup (team B)",
        ]
        assert report.outcome == "ok"


class TestEX24AnythingElse:
    def test_failing_passes_are_issues_not_crashes_and_ten_in_a_row_notify(self, org2: Org) -> None:
        org2.mail.seed(ALICE, meeting())
        org2.mail.inject(FaultKind.SERVER_ERROR, times=None)
        for _ in range(FAILURES_BEFORE_NOTICE):
            reports = org2.sync()
            assert [r.outcome for r in reports] == ["failed", "failed"]
        assert org2.issue_codes("alice") == ["SERVICE_UNAVAILABLE"]
        # both mailboxes' notices of the same round go out as one digest
        [notice] = org2.notifications
        assert notice.kind is NotificationKind.DIGEST
        assert notice.text.count(f"{FAILURES_BEFORE_NOTICE} passes in a row failed") == 2
        org2.mail.clear_faults()
        org2.settle()
        assert org2.issue_codes() == [] and len(org2.crm_events()) == 1

    def test_garbage_replies_are_retried_with_nothing_changed(self, org: Org) -> None:
        org.mail.seed(ALICE, meeting())
        org.crm.inject(FaultKind.MALFORMED)
        assert org.sync()[0].outcome == "failed"
        assert org.issue_codes() == ["INVALID_SERVER_REPLY"] and org.crm_events() == []
        org.settle()
        assert org.issue_codes() == [] and len(org.crm_events()) == 1

    def test_one_failing_item_does_not_stop_the_others(self, org: Org) -> None:
        org.mail.seed(ALICE, meeting("A"))
        org.mail.seed(ALICE, meeting("B", days=2))
        org.crm.inject(FaultKind.PARTIAL_FAILURE, endpoint="write")
        [report] = org.sync()
        assert report.synced_up == 1 and org.issue_codes() == ["INTERNAL_ERROR"]
        [issue] = org.app.issues()
        assert issue.correlation_id and issue.correlation_id in issue.message
        org.settle()
        assert sorted(e.subject for e in org.crm_events()) == ["A", "B"] and org.issue_codes() == []


class TestEX25Throttling:
    def test_short_hints_are_waited_for_inside_the_pass(self, org: Org) -> None:
        org.mail.seed(ALICE, meeting())
        org.crm.inject(FaultKind.THROTTLE, retry_after=2.5)
        [report] = org.settle()
        assert report.outcome == "ok" and org.sleeps == [2.5] and len(org.crm_events()) == 1

    def test_long_hints_end_the_pass_with_when_it_retries(self, org: Org) -> None:
        org.mail.seed(ALICE, meeting())
        org.crm.inject(FaultKind.THROTTLE, retry_after=3600)
        [report] = org.sync()
        assert report.outcome == "failed" and org.sleeps == []
        [issue] = org.app.issues()
        assert issue.code == "THROTTLED" and "2027-03-01T09:00:00" in issue.message
        org.settle()
        assert len(org.crm_events()) == 1 and org.issue_codes() == []
