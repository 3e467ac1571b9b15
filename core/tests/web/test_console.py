"""The console through the ASGI test client: pages, actions, and what it refuses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from calsync.errors import StateError
from calsync.issues import CATALOGUE
from calsync.state.audit import AuditLog
from calsync.state.records import MailboxStatus, ResetState

from .conftest import ADDRESSES, PASSWORDS, PRIVATE_SUBJECT, Site, csrf, login, meeting

PAGES = [
    "/",
    "/mailboxes",
    "/mailboxes/alice",
    "/mailboxes/alice/status",
    "/issues",
    "/exceptions",
    "/audit",
]


def statuses(site: Site) -> dict[str, object]:
    return {m.name: m for m in site.app.status().mailboxes}


def act(
    client, action: str, mailboxes: list[str], *, confirmed: bool = True, token: str | None = None
):
    data: dict[str, object] = {
        "mailbox": mailboxes,
        "csrf_token": token if token is not None else csrf(client, "/mailboxes"),
        "back": "/mailboxes",
    }
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(f"/actions/{action}", data=data)


class TestSigningIn:
    @pytest.mark.parametrize("path", PAGES)
    def test_no_page_without_signing_in(self, site: Site, path: str) -> None:
        response = site.client().get(path)
        assert response.status_code == 303
        target = urlsplit(response.headers["location"])
        assert target.path == "/login" and parse_qs(target.query)["next"] == [path]

    def test_no_action_without_signing_in(self, site: Site) -> None:
        client = site.client()
        response = act(client, "disable", ["alice"], token=csrf(client))
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        assert statuses(site)["alice"].enabled

    def test_signing_in_leads_where_the_person_was_going_and_out_again(self, site: Site) -> None:
        client = site.client()
        token = csrf(client, "/login?next=/issues")
        response = client.post(
            "/login",
            data={
                "name": "ada",
                "password": PASSWORDS["ada"],
                "csrf_token": token,
                "next": "/issues",
            },
        )
        assert response.status_code == 303 and response.headers["location"] == "/issues"
        assert client.get("/issues").status_code == 200
        response = client.post("/logout", data={"csrf_token": csrf(client, "/issues")})
        assert response.headers["location"] == "/login"
        assert client.get("/issues").status_code == 303

    def test_signing_in_never_leads_off_the_site(self, site: Site) -> None:
        for target in ("//evil.example/x", "/\\evil.example/x", "https://evil.example/"):
            client = site.client()
            token = csrf(client)
            response = client.post(
                "/login",
                data={
                    "name": "ada",
                    "password": PASSWORDS["ada"],
                    "csrf_token": token,
                    "next": target,
                },
            )
            assert response.headers["location"] == "/"

    def test_a_wrong_password_or_name_is_refused_the_same_way(self, site: Site) -> None:
        client = site.client()
        wrong_password = login(client, "ada", "not it")
        wrong_name = login(site.client(), "nobody", "not it")
        assert wrong_password.status_code == wrong_name.status_code == 401
        assert (
            "Wrong name or password." in wrong_password.text
            and "Wrong name or password." in wrong_name.text
        )
        assert client.get("/").status_code == 303

    def test_sign_ins_are_throttled_after_repeated_failures(self, site: Site) -> None:
        client = site.client()
        for _ in range(3):  # the fixture allows 3 failures per window
            assert login(client, "ada", "guess").status_code == 401
        refused = login(client, "ada", PASSWORDS["ada"])
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert client.get("/").status_code == 303
        # the same address trying another name is held back too
        assert login(client, "lin", PASSWORDS["lin"]).status_code == 429

    def test_the_session_cookie_is_httponly_strict_and_secure_over_tls(self, site: Site) -> None:
        plain = login(site.client(), "ada", PASSWORDS["ada"]).headers["set-cookie"].lower()
        assert "httponly" in plain and "samesite=strict" in plain and "secure" not in plain
        client = site.client()
        client.base_url = client.base_url.copy_with(scheme="https")
        secure = login(client, "ada", PASSWORDS["ada"]).headers["set-cookie"].lower()
        assert "httponly" in secure and "; secure" in secure

    def test_a_person_taken_out_of_the_configuration_is_signed_out(self, site: Site) -> None:
        client = site.client("lin")
        assert client.get("/").status_code == 200
        object.__setattr__(
            site.app.config.web,
            "users",
            tuple(u for u in site.app.config.web.users if u.name != "lin"),
        )
        assert client.get("/").status_code == 303

    def test_pages_forbid_framing_and_foreign_scripts(self, site: Site) -> None:
        response = site.client("ada").get("/")
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
        scripts = re.findall(r'<script src="([^"]+)"', response.text)
        assert scripts == ["/static/htmx.min.js", "/static/console.js"]
        for script in scripts:
            assert site.client().get(script).status_code == 200


class TestPages:
    def test_overview(self, site: Site) -> None:
        page = site.client("ada").get("/").text
        assert "records synced in the last 24 hours" in page
        assert re.search(r'<span class="figure">3</span> mailboxes', page)
        assert re.search(r'<span class="figure">1</span> not syncing', page)
        assert '<a href="/mailboxes/bob">bob</a>: address-not-linked' in page
        # the chart: three series of 24 hours, the first pass's hour drawn for each
        assert page.count('role="img"') == 3
        assert "Passes: 3 in all" in page
        assert "Records synced: 2 in all" in page  # alice's review and carol's visit
        assert "New issues: 2 in all" in page

    def test_mailboxes_sort_filter_and_page(self, site: Site) -> None:
        client = site.client("ada")
        page = client.get("/mailboxes").text
        assert [*re.findall(r'<a href="/mailboxes/(\w+)">', page)] == ["alice", "bob", "carol"]
        page = client.get("/mailboxes?sort=name&dir=desc").text
        assert [*re.findall(r'<a href="/mailboxes/(\w+)">', page)] == ["carol", "bob", "alice"]
        assert 'aria-sort="descending"' in page
        page = client.get("/mailboxes?status=not-syncing").text
        assert re.findall(r'<a href="/mailboxes/(\w+)">', page) == ["bob"]
        page = client.get("/mailboxes?q=car").text
        assert re.findall(r'<a href="/mailboxes/(\w+)">', page) == ["carol"]
        page = client.get("/mailboxes?sort=nonsense&page=x").text  # falls back, never fails
        assert re.findall(r'<a href="/mailboxes/(\w+)">', page) == ["alice", "bob", "carol"]

    def test_the_table_pages_when_there_are_many_mailboxes(self, site: Site) -> None:
        from calsync.web.present import PAGE_SIZE, MailboxQuery

        [alice] = [m for m in site.app.status().mailboxes if m.name == "alice"]
        many = [
            alice.__class__(
                **{**{f: getattr(alice, f) for f in alice.__slots__}, "name": f"m{n:03}"}
            )
            for n in range(60)
        ]
        page = MailboxQuery.parse({"page": "3"}).apply(many)
        assert (page.number, page.count, page.total) == (3, 3, 60)
        assert [m.name for m in page.rows] == [f"m{n:03}" for n in range(2 * PAGE_SIZE, 60)]

    def test_one_mailbox(self, site: Site) -> None:
        page = site.client("ada").get("/mailboxes/alice").text
        assert 'data-testid="status" class="status-active">active<' in page
        assert "UNSUPPORTED_TIME_ZONE" in page and "Asia/Tehran" in page
        assert "Markers shown on items (1)" in page
        assert "Pass history" in page and "<td>issues</td>" in page
        page = site.client("ada").get("/mailboxes/bob").text
        assert "Why it does not sync" in page and "ADDRESS_NOT_LINKED" in page

    def test_a_state_database_that_cannot_answer_is_said_plainly(
        self, site: Site, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        client = site.client("ada")

        def locked() -> None:
            raise StateError("the state database /srv/calsync.db is locked by another process")

        monkeypatch.setattr(site.app, "status", locked)
        page = client.get("/mailboxes")
        assert page.status_code == 503
        assert "is locked by another process" in page.text and "Traceback" not in page.text

    def test_unknown_mailboxes_and_actions(self, site: Site) -> None:
        client = site.client("ada")
        assert client.get("/mailboxes/nobody").status_code == 404
        assert act(client, "enable", ["nobody"]).status_code == 404
        assert act(client, "explode", ["alice"]).status_code == 404

    def test_issues_filtered_with_advice_and_dates(self, site: Site) -> None:
        client = site.client("ada")
        page = client.get("/issues").text
        assert "2 issues" in page
        page = client.get("/issues?code=UNSUPPORTED_TIME_ZONE").text
        assert "1 issue<" in page and "Give the item a time zone the CRM lists" in page
        assert "first 2027-03-01 08:00 UTC" in page and "last 2027-03-01 08:00 UTC" in page
        assert "1 issue<" in client.get("/issues?mailbox=bob").text
        assert "0 issues" in client.get("/issues?mailbox=carol").text
        assert "1 issue<" in client.get("/issues?source=crm").text
        assert "0 issues" in client.get("/issues?state=resolved").text
        assert "0 issues" in client.get("/issues?code=NOT_A_CODE").text

    def test_advice_is_rendered_with_the_issue_s_details(self, site: Site) -> None:
        site.crm.deny_field("location")
        site.mail.seed(ADDRESSES["carol"], meeting("Visit", location="Office"))
        site.app.sync("carol")
        page = site.client("ada").get("/issues?code=FIELD_ACCESS_DENIED").text
        assert "Grant the sync user&#39;s profile edit access to location" in page
        assert "{field}" not in page

    def test_exceptions_list_the_whole_catalogue(self, site: Site) -> None:
        page = site.client("lin").get("/exceptions").text
        for code, definition in CATALOGUE.items():
            assert f'id="{code}"' in page
            for ex in definition.exceptions:
                assert ex in page


class TestActions:
    def test_enable_asks_first_then_runs_a_pass_in_the_background(self, site: Site) -> None:
        client = site.client("ada")
        site.crm.add_user(ADDRESSES["bob"])  # the admin fixed the cause
        question = act(client, "enable", ["bob"], confirmed=False)
        assert question.status_code == 200 and "Enable 1 mailbox?" in question.text
        assert statuses(site)["bob"].status is MailboxStatus.ADDRESS_NOT_LINKED
        done = act(client, "enable", ["bob"])
        assert done.status_code == 303 and done.headers["location"] == "/mailboxes"
        site.console.actions.wait(30)
        assert statuses(site)["bob"].status is MailboxStatus.ACTIVE
        assert [e.subject for e in site.crm.items() if e.owner].count("Bob's planning") == 1
        page = client.get("/mailboxes/bob/status").text
        assert "status-active" in page and "hx-trigger" not in page  # polling stops
        entries = AuditLog(site.app.state).entries(mailbox="bob")
        assert [(e.who, e.action, e.outcome.split(" (")[0]) for e in entries] == [
            ("ada", "enable", "pass ok"),
            ("ada", "enable", "pass queued"),
        ]

    def test_disable_and_reset_many_at_once(self, site: Site) -> None:
        client = site.client("ada")
        act(client, "disable", ["alice", "carol"])
        now = statuses(site)
        assert not now["alice"].enabled and not now["carol"].enabled and now["bob"].enabled
        assert "alice: disabled" in client.get("/mailboxes").text  # the message, once
        act(client, "reset", ["alice", "carol"])
        now = statuses(site)
        assert now["alice"].reset is ResetState.MARKED and now["carol"].reset is ResetState.MARKED
        audit = client.get("/audit").text
        assert audit.count("<td>ada</td>") == 4

    def test_an_action_on_no_mailbox_says_so(self, site: Site) -> None:
        client = site.client("ada")
        response = act(client, "disable", [])
        assert response.status_code == 303
        assert "Choose at least one mailbox." in client.get("/mailboxes").text
        assert AuditLog(site.app.state).entries() == []

    def test_allow_held_deletions_runs_a_pass_that_deletes(self, site: Site) -> None:
        alice = ADDRESSES["alice"]
        ids = [site.mail.seed(alice, meeting(f"Visit {n}", days=4 + n)) for n in range(6)]
        site.app.sync("alice")
        for item in site.mail.items(alice):
            assert item.ref is not None
            site.mail.remove(alice, item.ref.id)
        site.app.sync("alice")
        assert "MASS_DELETE_HELD" in [i.code for i in site.app.issues("alice")]
        held = [e for e in site.crm.items() if e.subject.startswith("Visit")]
        assert len(held) == len(ids)
        act(site.client("ada"), "allow-mass-delete", ["alice"])
        site.console.actions.wait(30)
        assert [e for e in site.crm.items() if e.subject.startswith("Visit")] == []
        [done, queued] = AuditLog(site.app.state).entries(mailbox="alice")
        assert (done.action, queued.outcome) == ("allow-mass-delete", "pass queued")
        assert done.outcome.startswith("pass ok")


class TestRefusals:
    def test_a_post_without_the_session_s_token_is_refused(self, site: Site) -> None:
        client = site.client("ada")
        for token in ("", "forged"):
            response = act(client, "disable", ["alice"], token=token)
            assert response.status_code == 403
        other = site.client("ada")  # another session's token is no good either
        assert act(client, "disable", ["alice"], token=csrf(other, "/")).status_code == 403
        assert client.post("/logout", data={}).status_code == 403
        assert statuses(site)["alice"].enabled
        assert AuditLog(site.app.state).entries() == []

    def test_signing_in_needs_the_token_too(self, site: Site) -> None:
        client = site.client()
        client.get("/login")
        response = client.post("/login", data={"name": "ada", "password": PASSWORDS["ada"]})
        assert response.status_code == 403 and client.get("/").status_code == 303

    def test_the_read_only_role_sees_everything_and_changes_nothing(self, site: Site) -> None:
        client = site.client("lin")
        for path in PAGES:
            assert client.get(path).status_code == 200, path
        assert "formaction" not in client.get("/mailboxes").text
        for action in ("enable", "disable", "reset", "allow-mass-delete"):
            response = act(client, action, ["bob"])
            assert response.status_code == 403 and "read-only" in response.text
        site.console.actions.wait(5)
        assert statuses(site)["bob"].status is MailboxStatus.ADDRESS_NOT_LINKED
        assert AuditLog(site.app.state).entries() == []


class TestNothingPrivateOrSecret:
    def test_no_page_shows_a_private_subject_a_password_or_a_hash(self, site: Site) -> None:
        client = site.client("ada")
        paths = (
            PAGES
            + [f"/mailboxes/{n}" for n in ADDRESSES]
            + [
                "/issues?state=all",
                "/mailboxes?status=not-syncing",
            ]
        )
        secrets = [
            *PASSWORDS.values(),
            *(u.password_hash for u in site.app.config.web.users),
            "$argon2",
        ]
        for path in paths:
            page = client.get(path).text
            assert PRIVATE_SUBJECT not in page, path
            for secret in secrets:
                assert secret not in page, path
        # and the private item is still only in alice's mailbox
        assert all(e.subject != PRIVATE_SUBJECT for e in site.crm.items())

    def test_time_moves_on_and_the_chart_follows(self, site: Site) -> None:
        site.clock.advance(timedelta(hours=30))
        page = site.client("ada").get("/").text
        assert "Passes: 0 in all" in page


class TestBehindASigningInProxy:
    @pytest.fixture
    def proxied(self, tmp_path: Path) -> Iterator[Site]:
        # Starlette's test client connects from the address "testclient".
        made = Site(
            tmp_path,
            web={"proxy_header": "X-Remote-User", "trusted_proxies": ["testclient"]},
        )
        yield made
        made.console.actions.close()
        made.app.close()

    def test_the_proxy_s_header_signs_people_in_with_their_role(self, proxied: Site) -> None:
        client = proxied.client()
        client.headers["X-Remote-User"] = "lin"
        page = client.get("/mailboxes")
        assert page.status_code == 200 and "lin <small>(read-only)</small>" in page.text
        assert act(client, "disable", ["alice"]).status_code == 403
        client.headers["X-Remote-User"] = "ada"
        assert act(client, "disable", ["alice"]).status_code == 303
        assert not statuses(proxied)["alice"].enabled

    def test_a_name_the_configuration_does_not_list_is_nobody(self, proxied: Site) -> None:
        client = proxied.client()
        client.headers["X-Remote-User"] = "mallory"
        assert client.get("/").status_code == 303

    def test_the_header_is_ignored_from_an_untrusted_address(self, tmp_path: Path) -> None:
        site = Site(tmp_path, web={"proxy_header": "X-Remote-User"})  # trusts loopback only
        try:
            client = site.client()
            client.headers["X-Remote-User"] = "ada"
            assert client.get("/").status_code == 303
        finally:
            site.console.actions.close()
            site.app.close()


class TestPrivateItemsSyncedStillUnnamed:
    def test_an_issue_about_a_synced_private_item_never_shows_its_subject(
        self, tmp_path: Path
    ) -> None:
        from calsync.cli.admin import issue_json
        from calsync.model import Privacy

        site = Site(tmp_path, policy={"private_items": "sync"})
        try:
            subject = "Therapy session in Tehran"
            private = meeting(subject, days=4, zone="Asia/Tehran", privacy=Privacy.PRIVATE)
            site.mail.seed(ADDRESSES["alice"], private)
            site.app.sync("alice")
            found = site.app.issues("alice", code="UNSUPPORTED_TIME_ZONE")
            assert any("a private item" in i.message for i in found)
            assert all(subject not in i.message for i in found)
            assert subject not in str([issue_json(i) for i in site.app.issues(open_only=False)])
            client = site.client("ada")
            for path in [*PAGES, "/issues?state=all", "/issues?code=UNSUPPORTED_TIME_ZONE"]:
                assert subject not in client.get(path).text, path
        finally:
            site.console.actions.close()
            site.app.close()
