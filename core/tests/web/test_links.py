"""The console links an issue's item to its service's web application when the provider can."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest

pytest.importorskip("calsync_salesforce", reason="the Salesforce provider builds the link")

from starlette.testclient import TestClient

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.issues import Issue, Source
from calsync.plugins import load_registry
from calsync.state.records import Link, LinkKind
from calsync.web import create_app

from .conftest import HASHES, NOW, PASSWORDS, login

EVENT_ID = "00U5g00000AbCdEfGH"
ITEM_ID = "AAMkAGI2TG93AAA="
#: The CRM event ITEM_ID is paired with.
PAIRED_EVENT_ID = "00U5g00000ZyXwVuTS"


@pytest.fixture
def calsync(tmp_path: Path) -> Iterator[Calsync]:
    # The CRM is built from this configuration by calsync itself, as `calsync web` does; building
    # it reads no secret and makes no call (the session id is read when signing in).
    data = {
        "state": f"sqlite:///{tmp_path / 'state.db'}",
        "crm": {
            "provider": "salesforce",
            "settings": {
                "instance_url": "https://acme.my.salesforce.com",
                "session_id": {"env": "CALSYNC_TEST_UNUSED_SESSION"},
            },
        },
        "mailboxes": [{"name": "alice", "provider": "sandbox", "address": "alice@example.com"}],
        "web": {"users": [{"name": "ada", "password_hash": HASHES["ada"]}]},
    }
    config = parse_config(data, registry=load_registry(["sandbox", "salesforce", "notify"]))
    app = Calsync(config, clock=lambda: NOW, notifiers=[])
    for side, item_id, code in (
        (Source.CRM, EVENT_ID, "FIELD_ACCESS_DENIED"),
        (Source.MAILBOX, ITEM_ID, "UNSUPPORTED_TIME_ZONE"),
    ):
        app.state.save_issue(
            Issue(
                code=code,
                mailbox="alice",
                side=side,
                item_id=item_id,
                message="The time zone Asia/Tehran has no equivalent the CRM supports: a call",
                first_seen=NOW,
                last_seen=NOW,
            )
        )
    app.state.save_links(
        [
            Link(
                mailbox="alice",
                kind=LinkKind.SINGLE,
                mailbox_key=ITEM_ID,
                crm_key=PAIRED_EVENT_ID,
                synced_at=NOW,
            )
        ]
    )
    yield app
    app.close()


def pages(calsync: Calsync) -> dict[str, str]:
    client = TestClient(create_app(calsync, worker=lambda: nullcontext(calsync)))
    login(client, "ada", PASSWORDS["ada"])
    return {path: client.get(path).text for path in ("/issues", "/mailboxes/alice")}


def test_a_salesforce_record_is_linked_to_its_lightning_record_page(calsync: Calsync) -> None:
    for path, page in pages(calsync).items():
        link = f'href="https://acme.my.salesforce.com/lightning/r/Event/{EVENT_ID}/view"'
        assert link in page, path
        assert f'aria-label="Open the CRM record {EVENT_ID}"' in page, path


def test_an_item_whose_provider_builds_no_link_is_named_by_its_id_alone(calsync: Calsync) -> None:
    for path, page in pages(calsync).items():
        assert f'<span title="{ITEM_ID}">' in page, path
        assert f"Open the mailbox item {ITEM_ID}" not in page, path


def test_an_issue_names_its_item_s_counterpart_too(calsync: Calsync) -> None:
    for path, page in pages(calsync).items():
        row = page[page.index(f'<span title="{ITEM_ID}">') :].split("</tr>")[0]
        link = f'href="https://acme.my.salesforce.com/lightning/r/Event/{PAIRED_EVENT_ID}/view"'
        assert "CRM record" in row and link in row, path
