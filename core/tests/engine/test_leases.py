"""One process syncs a mailbox at a time: a second run leaves it alone instead of duplicating."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from calsync.state.lease import LEASE_TIME, Holder

from .conftest import Org, meeting

ALICE = "alice@example.com"

#: A second calsync process: takes alice's lease, says so, then waits to be killed.
HOLDER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, timedelta, UTC
    from calsync.state import State
    from calsync.state.lease import Holder
    state = State(sys.argv[1])
    # Long enough to outlast the test's frozen clock: only its death frees the mailbox.
    ten_years = timedelta(days=3650)
    assert state.take_lease("alice", Holder.this_process(), now=datetime.now(UTC), ttl=ten_years) is None
    print("holding", flush=True)
    time.sleep(120)
    """
)


def test_a_mailbox_another_process_syncs_is_left_alone_until_that_process_is_gone(
    org: Org,
) -> None:
    org.mail.seed(ALICE, meeting("Kickoff"))
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, org.db], stdout=subprocess.PIPE, text=True
    ) as other:
        try:
            assert other.stdout is not None and other.stdout.readline() == "holding\n"
            [report] = org.sync()
            assert report.outcome == "busy" and f":{other.pid})" in report.detail
            assert org.crm_events() == []
        finally:
            other.kill()  # dies without giving its lease up, as a killed pass would
    [report] = org.settle()
    assert (report.outcome, report.synced_up) == ("ok", 1)
    assert [e.subject for e in org.crm_events()] == ["Kickoff"]


def test_a_lease_held_from_another_host_is_waited_out_until_it_expires(org: Org) -> None:
    org.mail.seed(ALICE, meeting("Kickoff"))
    elsewhere = Holder("sync-02.example.net", 4242)
    assert org.app.state.take_lease("alice", elsewhere, now=org.clock.now(), ttl=LEASE_TIME) is None
    [report] = org.sync()
    assert report.outcome == "busy" and "sync-02.example.net:4242" in report.detail
    org.clock.advance(LEASE_TIME)
    [report] = org.sync()
    assert (report.outcome, report.synced_up) == ("ok", 1)


def test_a_finished_pass_leaves_the_mailbox_free_for_the_next_process(org: Org) -> None:
    org.mail.seed(ALICE, meeting("Kickoff"))
    org.sync()
    next_one = Holder("sync-02.example.net", 4242)
    assert org.app.state.take_lease("alice", next_one, now=org.clock.now(), ttl=LEASE_TIME) is None


class DuringPull:
    """Proxies a provider; ``then`` runs each time it is asked for its changes."""

    def __init__(self, target: Any, then: Callable[[], None]) -> None:
        self.target, self.then = target, then

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.target, name)
        if name != "pull":
            return attribute

        def pull(*args: Any, **kwargs: Any) -> Any:
            self.then()
            return attribute(*args, **kwargs)

        return pull


def test_a_pass_longer_than_its_lease_keeps_it_by_renewing(org: Org) -> None:
    org.mail.seed(ALICE, meeting("Kickoff"))
    elsewhere = Holder("sync-02.example.net", 4242)
    refused: list[object] = []

    def slow_crm() -> None:  # an hour and a half after the pass began
        org.clock.advance(LEASE_TIME * 0.75)
        refused.append(
            org.app.state.take_lease("alice", elsewhere, now=org.clock.now(), ttl=LEASE_TIME)
        )

    org.app.engine._mailboxes["alice"] = DuringPull(  # type: ignore[assignment]
        org.app.engine._mailboxes["alice"], lambda: org.clock.advance(LEASE_TIME * 0.75)
    )
    org.app.engine._crm = DuringPull(org.app.engine._crm, slow_crm)  # type: ignore[assignment]
    [report] = org.sync()
    assert [lease.holder for lease in refused] == [Holder.this_process()]  # type: ignore[attr-defined]
    assert (report.outcome, report.synced_up) == ("ok", 1)


def test_a_pass_whose_lease_was_taken_stops_before_writing_and_nothing_doubles(org: Org) -> None:
    org.mail.seed(ALICE, meeting("Kickoff"))
    elsewhere = Holder("sync-02.example.net", 4242)

    def stalled() -> None:  # the pass hangs for two hours; another host takes over
        org.clock.advance(LEASE_TIME * 2)
        assert (
            org.app.state.take_lease("alice", elsewhere, now=org.clock.now(), ttl=LEASE_TIME)
            is None
        )

    crm = org.app.engine._crm
    org.app.engine._crm = DuringPull(crm, stalled)  # type: ignore[assignment]
    [report] = org.sync()
    assert report.outcome == "busy" and "sync-02.example.net:4242 took it over" in report.detail
    assert org.crm_events() == []
    org.app.engine._crm = crm
    org.app.state.release_lease("alice", elsewhere)
    [report] = org.settle()
    assert (report.outcome, report.synced_up) == ("ok", 1)
    assert [e.subject for e in org.crm_events()] == ["Kickoff"]
