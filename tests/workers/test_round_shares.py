"""A worker round: the organisation read once, each pass task carrying its mailbox's share.

In one process, without a broker: the round's read and the passes run as a worker's tasks
would (each share through JSON, as the broker carries it). Judged by the Salesforce
emulator's request log and what the mailboxes hold.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("prometheus_client", reason="calsync[workers] is installed by `make setup`")

from calsync.api import Calsync
from calsync.config import MailboxConfig
from calsync.model import CalendarItem
from calsync.workers import shares
from calsync.workers.passes import Runtime
from calsync.workers.testorg import TestOrg

MAILBOXES = 6


@pytest.fixture
def org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestOrg, Path]]:
    """A served org of MAILBOXES mailboxes, synced once, and its configuration."""
    with ExitStack() as stack:
        served = TestOrg(MAILBOXES)
        served.start(stack)
        for name, value in served.environment.items():
            monkeypatch.setenv(name, value)
        config = served.write_config(tmp_path / "calsync.toml", f"sqlite:///{tmp_path / 's.db'}")
        first = Calsync.from_file(config)
        stack.callback(first.close)
        assert {r.outcome for r in first.sync()} == {"ok"}
        yield served, config


def through_the_broker(share: dict[str, Any] | None) -> dict[str, Any] | None:
    return json.loads(json.dumps(share))  # type: ignore[no-any-return]


def mailbox(work: Runtime, name: str) -> MailboxConfig:
    found = work.mailbox(name)
    assert found is not None
    return found


def later(days: int) -> datetime:
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=days)


def test_a_worker_round_costs_the_crm_what_the_organisation_round_does(
    org: tuple[TestOrg, Path],
) -> None:
    served, config = org
    work = Runtime(config)

    def worker_round() -> set[str]:
        """The round as the workers run it: one read, then each pass with its share."""
        planned = work.plan_round()
        assert all(share is not None for _, share in planned)
        return {
            work.run_pass(mailbox(work, name), through_the_broker(share)).outcome
            for name, share in planned
        }

    try:
        worker_round()  # a running worker: what its CRM client learnt once, it knows
        served.add_change(served.addresses[0], later(3))
        mark = len(served.log)
        outcomes = worker_round()
        by_workers = served.endpoints("salesforce", since=mark)
    finally:
        work.close()

    # The same round in one process (`calsync sync`), with a change in another mailbox.
    served.add_change(served.addresses[1], later(4))
    mark = len(served.log)
    one_process = Calsync.from_file(config)
    try:
        assert {r.outcome for r in one_process.sync()} == {"ok"}
    finally:
        one_process.close()
    by_round = served.endpoints("salesforce", since=mark)

    assert outcomes == {"ok"}
    # Each endpoint at most as often as in the round of one process (which also read what
    # the CRM supports and who owns each address: a worker reuses those for an hour).
    assert by_workers.keys() <= by_round.keys()
    assert all(count <= by_round[endpoint] for endpoint, count in by_workers.items()), (
        by_workers,
        by_round,
    )
    # A pass by itself reads its owner's changes (query, queryAll, the delete log): not here.
    assert sum(by_workers.values()) < MAILBOXES
    assert served.in_step(served.addresses[0], changes=2)
    assert all(served.in_step(a) for a in served.addresses[2:])


def test_a_worker_s_threads_share_one_description_of_the_crm_and_one_graph_token(
    org: tuple[TestOrg, Path],
) -> None:
    served, config = org
    work = Runtime(config)

    def threaded_round() -> set[str]:
        """The round, its passes on threads side by side as a worker's (--concurrency 4)."""
        planned = work.plan_round()
        with ThreadPoolExecutor(4) as pool:
            return set(
                pool.map(
                    lambda task: (
                        work.run_pass(mailbox(work, task[0]), through_the_broker(task[1])).outcome
                    ),
                    planned,
                )
            )

    try:
        for address in served.addresses:  # every pass writes to the CRM, on every thread
            served.add_change(address, later(3))
        mark = len(served.log)
        first = threaded_round()
        described = served.endpoints("salesforce", since=mark).get("sobjects.describe", 0)
        threaded_round()  # each mailbox reads back the item the first round wrote to it
        served.add_change(served.addresses[0], later(4))
        mark = len(served.log)
        second = threaded_round()
        again = served.endpoints("salesforce", since=mark).get("sobjects.describe", 0)
        graph = [e for e in served.log[mark:] if e.service == "graph"]
    finally:
        work.close()

    assert first == second == {"ok"}
    # Once for the round's facts, not once per thread that wrote; not again within the hour.
    assert (described, again) == (1, 0)
    # An idle mailbox costs Graph one call a round: its delta (no sign-in, no second read).
    idle = [e for e in graph if e.mailbox in served.addresses[1:]]
    assert Counter(e.endpoint for e in idle) == {"delta": MAILBOXES - 1}
    assert Counter(e.mailbox for e in idle) == dict.fromkeys(served.addresses[1:], 1)
    # The changed one's reads and writes ($batch names no mailbox in its path) come on top.
    assert {e.endpoint for e in graph} <= {"delta", "batch"}
    # One token for this test's process (the initial sync's), shared by every pass since.
    assert served.endpoints("graph").get("token") == 1
    assert served.in_step(served.addresses[0], changes=3)
    assert all(served.in_step(a, changes=2) for a in served.addresses[1:])
    assert served.duplicates() == 0


def test_a_pass_whose_share_is_stale_reads_its_crm_changes_itself(
    org: tuple[TestOrg, Path],
) -> None:
    served, config = org
    work = Runtime(config)
    try:
        planned = dict(work.plan_round())
        first = served.addresses[0].split("@")[0]
        # The mailbox is passed before its share's task runs (redelivered, or late).
        assert work.run_pass(mailbox(work, first)).outcome == "ok"
        served.crm.seed(
            served.owners[served.addresses[0]],
            CalendarItem(start=later(5), end=later(5) + timedelta(hours=1), subject="Later"),
        )
        mark = len(served.log)
        report = work.run_pass(mailbox(work, first), through_the_broker(planned[first]))
    finally:
        work.close()

    assert report.outcome == "ok"
    assert served.endpoints("salesforce", since=mark).get("queryAll", 0) >= 1, "read by itself"
    subjects = sorted(i.subject for i in served.mail.items(served.addresses[0]))
    assert subjects == ["CRM", "Later", "Mailbox"]
    assert served.duplicates() == 0


def test_a_share_travels_as_json_and_expires_with_the_organisation_s_facts(
    org: tuple[TestOrg, Path],
) -> None:
    served, config = org
    address = served.addresses[0]
    # An all-day item: its moments are dates, not datetimes.
    day = later(6).date()
    served.crm.seed(
        served.owners[address],
        CalendarItem(start=day, end=day + timedelta(days=1), subject="Away"),
    )
    app = Calsync.from_file(config)
    try:
        read, waits = app.open_round(mailbox_changes=False)
    finally:
        app.close()
    assert waits == ""
    share = shares.share_of(read, address)
    assert share.crm is not None and any(
        isinstance(item.start, date) and not isinstance(item.start, datetime)
        for item in share.crm.share(served.owners[address], share.crm.since).changed
    )
    now = datetime.now(UTC)
    carried = through_the_broker(shares.encode(share, now))
    assert carried is not None
    assert shares.decode(carried, now) == share
    assert shares.decode(carried, now + shares.SHARE_LIFETIME + timedelta(seconds=1)) is None


def test_a_worker_s_metrics_say_the_api_budget_and_each_mailbox_s_lag(
    org: tuple[TestOrg, Path],
) -> None:
    from prometheus_client import generate_latest

    served, config = org
    work = Runtime(config)
    try:
        for name, share in work.plan_round():
            work.run_pass(mailbox(work, name), through_the_broker(share))
    finally:
        work.close()
    scraped = generate_latest().decode()  # what /metrics serves

    used = re.search(r'^calsync_api_budget_used\{service="salesforce"\} (\S+)', scraped, re.M)
    allowed = re.search(
        r'^calsync_api_budget_allowance\{service="salesforce"\} (\S+)', scraped, re.M
    )
    assert used and allowed and 0 < float(used[1]) < float(allowed[1])
    for address in served.addresses:  # synced once before the round: a lag of seconds
        lag = re.search(
            rf'^calsync_round_lag_seconds\{{mailbox="{address.split("@")[0]}"\}} (\S+)',
            scraped,
            re.M,
        )
        assert lag and 0 <= float(lag[1]) < 600


def test_a_worker_round_passes_every_user_of_the_permission_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ExitStack() as stack:
        served = TestOrg(MAILBOXES)
        served.start(stack)
        for name, value in served.environment.items():
            monkeypatch.setenv(name, value)
        config = served.write_config(
            tmp_path / "calsync.toml", f"sqlite:///{tmp_path / 's.db'}", members=True
        )
        work = Runtime(config)
        try:
            planned = work.plan_round()
            outcomes = {
                work.run_pass(mailbox(work, name), through_the_broker(share)).outcome
                for name, share in planned
            }
        finally:
            work.close()

        # Each user is a mailbox named by its address; the CRM was asked who they are by
        # the round, not by each pass.
        assert sorted(name for name, _ in planned) == served.addresses
        assert outcomes == {"ok"}
        assert all(served.in_step(address) for address in served.addresses)
        group_queries = [r for r in served.crm.received() if "PermissionSetAssignment" in r]
        assert len(group_queries) == 1


def test_a_worker_s_first_tasks_on_every_thread_share_one_runtime(
    org: tuple[TestOrg, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from calsync.workers import app

    _, config = org
    monkeypatch.setenv("CALSYNC_BROKER_URL", "redis://127.0.0.1:1/0")  # never reached
    monkeypatch.setenv("CALSYNC_CONFIG", str(config))
    monkeypatch.setattr(app, "_runtime", None)
    start = threading.Barrier(8)

    def first_task() -> Runtime:
        start.wait()
        return app.runtime()

    with ThreadPoolExecutor(8) as pool:
        opened = list(pool.map(lambda _: first_task(), range(8)))
    opened[0].close()

    # One lease holder per process, one lock per mailbox: two runtimes would let two
    # threads of the process pass the same mailbox at once (the lease lets its holder in).
    assert len({id(runtime) for runtime in opened}) == 1
