"""The admin console in a real headless Chromium, on the demo organisation's state.

An admin signs in, sees the mailboxes, opens erin's (suspended: the configuration had the
wrong password, EX-22), puts the right password in place, presses Enable, watches the
status turn active once the pass has run, filters the issues by code and signs out. Every
page is photographed on the way (``CALSYNC_SCREENSHOTS=docs/images`` keeps the pictures
for the documentation).
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's Chromium is not at /usr/bin/chromium (`make test` installs it as root: "
        "apt-get install chromium)",
        allow_module_level=True,
    )
playwright = pytest.importorskip("playwright.sync_api", reason="`make setup` installs playwright")
pytest.importorskip("starlette", reason="the console needs calsync[web]; `make setup` installs it")

from argon2 import PasswordHasher  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from calsync.api import Calsync  # noqa: E402
from calsync.demo import DemoResult, run_demo  # noqa: E402
from calsync.demo.run import Served  # noqa: E402
from calsync.web.server import server  # noqa: E402

pytestmark = pytest.mark.slow
# Generous waits: the suite runs on two busy cores; nothing here is a timing assertion.
expect.set_options(timeout=30_000)

PASSWORD = "a long demo password"
#: Never on any page: the demo's private item stays in alice's mailbox (EX-01).
PRIVATE_SUBJECT = "Doctor's appointment"


@dataclass
class Console:
    url: str
    served: Served


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The demo, then the console served on its state while its emulators still run."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ready = threading.Event()
    shared: dict[str, Any] = {}

    def serve(result: DemoResult, served: Served) -> None:
        with served.config.open("a", encoding="utf-8") as file:
            digest = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
            file.write(f'\n[web]\nusers = [{{ name = "admin", password_hash = "{digest}" }}]\n')
        app = Calsync.from_file(served.config)
        try:
            instance = server(app, f"127.0.0.1:{port}")
            shared.update(server=instance, served=served, ok=result.ok)
            thread_ready = threading.Thread(target=_signal_when_started, args=(instance, ready))
            thread_ready.start()
            instance.run()
            thread_ready.join()
        finally:
            app.close()

    def demo() -> None:
        try:
            run_demo(tmp_path_factory.mktemp("demo"), then=serve)
        finally:
            ready.set()

    thread = threading.Thread(target=demo, name="demo-and-console")
    thread.start()
    try:
        assert ready.wait(300) and "server" in shared, "the demo or the console did not start"
        assert shared["ok"], "the demo did not show every documented outcome"
        yield Console(url=f"http://127.0.0.1:{port}", served=shared["served"])
    finally:
        if "server" in shared:
            shared["server"].should_exit = True
        thread.join(120)


def _signal_when_started(instance: Any, ready: threading.Event) -> None:
    for _ in range(600):
        if instance.started or instance.should_exit:
            break
        threading.Event().wait(0.1)
    ready.set()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = os.environ.get("CALSYNC_SCREENSHOTS")
    folder = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def snap(page: Page, shots: Path, name: str) -> None:
    """Photograph the page, and check it shows nothing private."""
    assert PRIVATE_SUBJECT not in page.content()
    page.screenshot(path=str(shots / f"console-{name}.png"), full_page=True)


def test_an_admin_enables_a_suspended_mailbox_and_finds_issues(
    console: Console, shots: Path
) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(60_000)
            _walk(page, console, shots)
            phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
            phone.set_default_timeout(60_000)
            _phone(phone, console, shots)
        finally:
            browser.close()


def _sign_in(page: Page, console: Console) -> None:
    page.goto(console.url + "/mailboxes")
    expect(page).to_have_url(re.compile(r"/login\?next=/mailboxes$"))
    page.get_by_label("Name").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _walk(page: Page, console: Console, shots: Path) -> None:
    page.goto(console.url + "/login")
    snap(page, shots, "login")
    _sign_in(page, console)

    # The mailboxes: every person of the demo, erin and dave not syncing.
    expect(page).to_have_url(console.url + "/mailboxes")
    table = page.get_by_role("table")
    for name in ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"):
        expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="erin")).to_contain_text(
        "suspended (AUTH_FAILED)"
    )
    snap(page, shots, "mailboxes")
    # Filtering in place (htmx), sorting by a heading, selecting the whole page for an action.
    page.get_by_label("Name or address").fill("erin")
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=erin"))
    page.goto(console.url + "/mailboxes")
    page.get_by_role("link", name="Open issues").click()
    expect(page.get_by_role("columnheader", name="Open issues ▲")).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.get_by_label("Select every mailbox on this page").check()
    count = page.get_by_role("table").locator("tbody tr").count()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(count + 1)
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_role("heading", name=f"Reset {count} mailboxes?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("table")).to_be_visible()

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Passes per hour"))).to_be_visible()
    snap(page, shots, "overview")

    # erin's mailbox: suspended because the configuration had the wrong password.
    nav.get_by_role("link", name="Mailboxes").click()
    page.get_by_role("table").get_by_role("link", name="erin", exact=True).click()
    status = page.get_by_test_id("status")
    expect(status).to_have_text("suspended (AUTH_FAILED)")
    expect(page.get_by_role("heading", name="Why it does not sync")).to_be_visible()
    # The admin puts the right password in place (the emulator's own), then enables.
    for endpoint in console.served.endpoints.values():
        os.environ.update(endpoint.environment)
    page.get_by_role("button", name="Enable").click()
    expect(page.get_by_role("heading", name="Enable 1 mailbox?")).to_be_visible()
    snap(page, shots, "confirm")
    page.get_by_role("button", name="Yes, enable").click()
    expect(page).to_have_url(console.url + "/mailboxes/erin")
    expect(page.get_by_role("status").filter(has_text="erin: pass queued")).to_be_visible()
    # The status refreshes by itself while the pass runs, and shows its outcome.
    expect(status).to_have_text("active", timeout=120_000)
    expect(page.get_by_test_id("now")).to_have_text("idle")
    page.reload()
    expect(page.get_by_role("heading", name="Pass history")).to_be_visible()
    snap(page, shots, "mailbox")

    # Issues, filtered by code in place (htmx), the address following the filter.
    nav.get_by_role("link", name="Issues").click()
    page.get_by_label("Code").select_option("UNSUPPORTED_TIME_ZONE")
    expect(page).to_have_url(re.compile(r"code=UNSUPPORTED_TIME_ZONE"))
    rows = page.locator("#issue-list tbody tr")
    expect(rows.first).to_contain_text("UNSUPPORTED_TIME_ZONE")
    codes = rows.locator("td:first-child").all_inner_texts()
    assert codes and set(codes) == {"UNSUPPORTED_TIME_ZONE"}
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^\d+ issues?$"))).to_be_visible()
    snap(page, shots, "issues")

    nav.get_by_role("link", name="Exceptions").click()
    expect(page.get_by_role("cell", name="AUTH_FAILED", exact=True)).to_be_visible()
    snap(page, shots, "exceptions")

    nav.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("table")).to_contain_text("pass ok")
    snap(page, shots, "audit")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(console.url + "/login")
    page.goto(console.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))


def _phone(page: Page, console: Console, shots: Path) -> None:
    _sign_in(page, console)
    expect(page.get_by_role("table")).to_be_visible()
    # Nothing but the table scrolls sideways on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
    snap(page, shots, "phone")
