"""The console with mailboxes the configuration does not list: the users of a permission set."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from starlette.testclient import TestClient

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.emulation import FrozenClock
from calsync.plugins import load_registry
from calsync.providers import GroupKind, UserGroup
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync.sandbox.world import Sandbox
from calsync.state import State
from calsync.web import create_app

from .conftest import HASHES, NOW, PASSWORDS, login, meeting

MEMBERS = ("dana@example.com", "eli@example.com")


def test_the_members_of_the_synced_permission_set_are_mailboxes_of_the_console(
    tmp_path: Path,
) -> None:
    world = Sandbox()
    crm, mail = SandboxCrmHarness(world), SandboxMailboxHarness(world)
    crm.service.set_group(UserGroup(kind=GroupKind.PERMISSION_SET, name="Calendar_Sync"), MEMBERS)
    crm.add_user("fay@example.com")  # a user, not in the set
    mail.seed(MEMBERS[0], meeting("Planning"))
    data = {
        "state": f"sqlite:///{tmp_path / 'state.db'}",
        "crm": {"provider": "sandbox"},
        "mailbox_defaults": {"provider": "sandbox", "permission_set": "Calendar_Sync"},
        "web": {"users": [{"name": "ada", "password_hash": HASHES["ada"]}]},
    }
    config = parse_config(data, registry=load_registry(["sandbox", "notify"]))
    app = Calsync(
        config,
        state=State(config.state),
        clock=FrozenClock(NOW).now,
        crm=crm.open_crm(),
        mailboxes={a: mail.open_mailbox(a) for a in MEMBERS},
        notifiers=[],
    )
    try:
        assert {r.mailbox: r.outcome for r in app.sync()} == dict.fromkeys(MEMBERS, "ok")
        client = TestClient(create_app(app, worker=lambda: nullcontext(app)))
        login(client, "ada", PASSWORDS["ada"])
        listing = client.get("/mailboxes").text
        assert all(f'href="/mailboxes/{a}"' in listing for a in MEMBERS)
        assert "fay@example.com" not in listing
        page = client.get(f"/mailboxes/{MEMBERS[0]}")
        assert page.status_code == 200 and MEMBERS[0] in page.text
        assert client.get("/mailboxes/fay@example.com").status_code == 404
    finally:
        app.close()
