"""G. Status and markers (EX-26, EX-27, EX-28), statistics and notifications."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.utils import parsedate_to_datetime

import pytest

from calsync.emulation import FaultKind
from calsync.notify import NotDelivered, Notification, NotificationKind
from calsync.notify.smtp import SmtpNotifier, SmtpSettings, Tls
from calsync.state.records import DirectionStatus, MailboxStatus, ResetState

from .conftest import NOW, Org, meeting

ALICE = "alice@example.com"


class TestEX26MarkersFollowIssues:
    def test_a_marker_comes_and_goes_with_its_issue_and_never_stays_on_a_synced_item(
        self, org: Org
    ) -> None:
        org.crm.deny_field("location")
        item = org.mail.seed(
            ALICE, meeting("Visit", location="Office", categories=("Blue", "Customer"))
        )
        org.settle()
        assert org.mail.marker(ALICE, item).flagged
        assert org.mail.read(ALICE, item).categories == ("Blue", "Customer")  # type: ignore[union-attr]
        org.mail.edit(ALICE, item, location="")
        org.settle()
        assert not org.mail.marker(ALICE, item).flagged and org.issue_codes() == []
        assert org.mail.read(ALICE, item).categories == ("Blue", "Customer")  # type: ignore[union-attr]
        assert [i.code for i in org.app.issues(open_only=False)] == ["FIELD_ACCESS_DENIED"]

    def test_a_marker_the_mailbox_refused_is_placed_by_the_next_pass(self, org: Org) -> None:
        item = org.mail.seed(ALICE, meeting(zone="Asia/Tehran"))
        org.mail.inject(FaultKind.PARTIAL_FAILURE, endpoint="markers")
        org.sync()
        assert org.issue_codes() == ["UNSUPPORTED_TIME_ZONE"]
        assert not org.mail.marker(ALICE, item).flagged  # the marker write failed
        org.settle()
        assert org.mail.marker(ALICE, item).flagged
        assert org.issue_codes() == ["UNSUPPORTED_TIME_ZONE"]

    def test_the_issue_of_an_item_the_person_deleted_resolves(self, org: Org) -> None:
        item = org.mail.seed(ALICE, meeting("Call Tehran", zone="Asia/Tehran"))
        org.settle()
        assert org.issue_codes() == ["UNSUPPORTED_TIME_ZONE"]
        org.mail.remove(ALICE, item)
        org.settle()
        assert org.issue_codes() == [] and org.crm_events() == []
        [issue] = org.app.issues(open_only=False)
        assert issue.resolved_at is not None

    def test_markers_use_the_configured_title(self, org: Org) -> None:
        org.configure({"marker_title": "Sync Error"})
        item = org.mail.seed(ALICE, meeting(zone="Asia/Tehran"))
        org.settle()
        assert org.mail.marker(ALICE, item).detail.startswith("Sync Error: ")  # type: ignore[union-attr]


class TestEX27MailboxStatus:
    def test_statuses_through_the_life_of_a_mailbox(self, org: Org) -> None:
        [view] = org.app.status().mailboxes
        assert (view.status, view.up, view.down) == (
            MailboxStatus.NOT_INITIALIZED,
            DirectionStatus.NOT_STARTED,
            DirectionStatus.NOT_STARTED,
        )
        org.mail.seed(ALICE, meeting("One"))
        org.crm.seed(org.users["alice"], meeting("Two", days=2))
        org.sync()
        [view] = org.app.status().mailboxes
        assert (view.status, view.up, view.down) == (
            MailboxStatus.ACTIVE,
            DirectionStatus.INITIAL_SYNC_COMPLETED,
            DirectionStatus.INITIAL_SYNC_COMPLETED,
        )
        assert view.effectively_enabled and view.records_in_sync == 2
        org.sync()
        [view] = org.app.status().mailboxes
        assert (view.up, view.down) == (DirectionStatus.IN_SYNC, DirectionStatus.IN_SYNC)

    def test_a_one_way_mailbox_reports_the_other_direction_not_configured(self, org: Org) -> None:
        org.configure({"directions": "up"})
        org.sync()
        [view] = org.app.status().mailboxes
        assert view.down is DirectionStatus.NOT_CONFIGURED

    def test_disable_enable_and_the_pass_enabling_starts(self, org: Org) -> None:
        org.app.disable("alice")
        org.mail.seed(ALICE, meeting())
        assert org.sync()[0].outcome == "disabled" and org.crm_events() == []
        assert not org.app.status().mailboxes[0].effectively_enabled
        report = org.app.enable("alice")
        assert report.synced_up == 1

    def test_reset_adopts_existing_counterparts(self, org: Org) -> None:
        for day in range(1, 4):
            org.mail.seed(ALICE, meeting(f"Item {day}", days=day))
        org.crm.seed(org.users["alice"], meeting("CRM item", days=5))
        org.settle()
        before = sorted((e.ref.id, e.subject) for e in org.crm.items())  # type: ignore[union-attr]
        mail_before = len(org.mail.items(ALICE))
        org.app.reset("alice")
        assert org.app.status().mailboxes[0].reset is ResetState.MARKED
        [report] = org.settle()
        assert (report.synced_up, report.synced_down) == (0, 0)
        assert sorted((e.ref.id, e.subject) for e in org.crm.items()) == before  # type: ignore[union-attr]
        assert len(org.mail.items(ALICE)) == mail_before
        assert org.app.status().mailboxes[0].reset is ResetState.NONE

    def test_organisation_statistics(self, org: Org) -> None:
        org.mail.seed(ALICE, meeting("A"))
        org.mail.seed(ALICE, meeting("B", days=2))
        org.sync()
        figures = org.app.status().organisation
        assert (figures.synced_last_60_minutes, figures.synced_last_24_hours) == (2, 2)
        assert figures.last_sync_activity == NOW
        org.clock.advance(timedelta(hours=2))
        figures = org.app.status().organisation
        assert (figures.synced_last_60_minutes, figures.synced_last_24_hours) == (0, 2)


class TestEX28AddressLinking:
    def test_a_mailbox_without_a_crm_user_is_not_synced(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        org = Org(tmp_path, {"alice": ALICE})
        org.addresses["zoe"] = "zoe@example.com"
        org.configure({})
        org.mail.seed("zoe@example.com", meeting())
        reports = {r.mailbox: r for r in org.sync()}
        assert reports["zoe"].outcome == "suspended" and reports["alice"].outcome == "ok"
        [issue] = org.app.issues("zoe")
        assert issue.code == "ADDRESS_NOT_LINKED" and "zoe@example.com" in issue.message
        view = next(v for v in org.app.status().mailboxes if v.name == "zoe")
        assert view.status is MailboxStatus.ADDRESS_NOT_LINKED and org.crm.items() == ()
        org.crm.add_user("zoe@example.com")
        assert org.app.enable("zoe").outcome == "ok" and len(org.crm.items()) == 1


class TestNotifications:
    def test_the_smtp_channel_sends_a_plain_mail_without_secrets(
        self, smtp: tuple[int, list[bytes]]
    ) -> None:
        port, received = smtp
        notifier = SmtpNotifier(
            SmtpSettings(
                host="127.0.0.1",
                port=port,
                tls=Tls.NONE,
                sender="calsync@example.com",
                recipients=("admin@example.com",),
            )
        )
        notifier.notify(
            Notification(
                kind=NotificationKind.AUTH_FAILED,
                mailbox="alice",
                address=ALICE,
                summary="the CRM refused the credentials",
                advice="Renew them.",
                at=NOW,
            )
        )
        [raw] = received
        mail = message_from_bytes(raw)
        assert mail["To"] == "admin@example.com" and "alice" in mail["Subject"]
        assert "Renew them." in mail.get_payload()
        # RFC 5322: a Date (the notification's own time) and a unique Message-ID.
        assert parsedate_to_datetime(mail["Date"]) == NOW
        assert re.fullmatch(r"<[^@<>\s]+@example\.com>", mail["Message-ID"])

    def test_the_credentials_notice_names_the_mailbox_in_the_command_it_suggests(
        self, org: Org
    ) -> None:
        org.mail.revoke_credentials()  # the mailbox's own (the CRM's suspends the organisation)
        org.sync()
        [notice] = org.notifications
        assert notice.kind is NotificationKind.AUTH_FAILED and notice.mailbox == "alice"
        assert "Renew the credentials for the mailbox connection" in notice.advice
        assert "`calsync enable --mailbox alice`" in notice.advice and "{" not in notice.text

    def test_delivery_problems_are_logged_and_said_to_the_caller(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        notifier = SmtpNotifier(
            SmtpSettings(
                host="127.0.0.1",
                port=9,
                tls=Tls.NONE,
                sender="a@b.c",
                recipients=("x@y.z",),
                timeout=1,
            )
        )
        with pytest.raises(NotDelivered):  # calsync keeps it, to send it again later
            notifier.notify(
                Notification(
                    kind=NotificationKind.FAILING,
                    mailbox="alice",
                    address=ALICE,
                    summary="s",
                    advice="a",
                    at=NOW,
                )
            )
        assert "could not send the notification" in caplog.text

    def test_the_engine_notifies_through_configured_smtp(
        self, tmp_path, smtp: tuple[int, list[bytes]]
    ) -> None:  # type: ignore[no-untyped-def]
        port, received = smtp
        org = Org(tmp_path, {"alice": ALICE})
        from calsync.config import parse_config
        from calsync.plugins import load_registry

        config = parse_config(
            {
                "state": org.db,
                "crm": {"provider": "sandbox"},
                "mailboxes": [{"name": "alice", "provider": "sandbox", "address": ALICE}],
                "notify": {
                    "channels": ["smtp"],
                    "smtp": {
                        "host": "127.0.0.1",
                        "port": port,
                        "tls": "none",
                        "sender": "calsync@example.com",
                        "recipients": ["admin@example.com"],
                    },
                },
            },
            registry=load_registry(["sandbox", "notify"]),
        )
        from calsync.api import Calsync

        app = Calsync(
            config,
            clock=org.clock.now,
            crm=org.crm.open_crm(),
            mailboxes={"alice": org.mail.open_mailbox(ALICE)},
        )
        org.mail.inject(FaultKind.AUTH_EXPIRED)
        app.sync()
        assert len(received) == 1 and b"refused the credentials" in received[0]
        app.close()
