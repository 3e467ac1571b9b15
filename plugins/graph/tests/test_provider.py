"""The graph provider through MSAL and httpx against the emulator: judged from the service side."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from graph_testing import ALICE, item

from calsync.config.secrets import Secret
from calsync.emulation import FaultKind, FrozenClock
from calsync.emulation.httpx_transport import InProcessTransport
from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidReplyError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.markers import Marker, MarkerChange
from calsync.model import ItemKind, Participant
from calsync.providers import ProviderContext, Write
from calsync.recurrence import Recurrence
from calsync_graph import GraphMailbox
from calsync_graph.emulator import PUBLIC_STRINGS
from calsync_graph.harness import GraphHarness
from calsync_graph.settings import GraphSettings


def test_writes_go_in_batches_of_twenty_and_mail_nobody(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    meeting = item("Kick-off", attendees=(Participant(address="carol@customer.com"),))
    writes = [Write.create(item(f"Call {n}", days=1 + n / 24)) for n in range(44)] + [
        Write.create(meeting)
    ]
    harness.emulator.reset_counts()
    results = mailbox.write(writes)
    assert all(r.ok for r in results)
    assert harness.emulator.counts["batch"] == 3, "45 creates are 3 $batch calls"
    assert harness.emulator.counts["events.create"] == 45
    stored = harness.emulator.store.find(ALICE)
    assert stored is not None and len(stored.events) == 45
    assert all(not e.attendees for e in stored.events.values()), "no attendee is ever written"
    assert harness.invitations_sent() == 0


def test_the_counterpart_is_the_ews_named_property(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    [result] = mailbox.write([Write.create(item("Linked", counterpart_id="00U5g000001AbCd"))])
    assert result.ref is not None
    event = harness.emulator.store.find(ALICE).events[result.ref.id]  # type: ignore[union-attr]
    assert event.extended == {("string", PUBLIC_STRINGS, "CalsyncCounterpart"): "00U5g000001AbCd"}
    mailbox.write([Write.create(item("Other case", days=2, counterpart_id="00U5g000001ABCD"))])
    found = mailbox.find_by_counterpart(["00U5g000001AbCd", "missing"])
    assert list(found) == ["00U5g000001AbCd"] and found["00U5g000001AbCd"].ref == result.ref


def test_a_series_with_exclusions_and_an_exception_round_trips(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    series = item(
        "Weekly",
        kind=ItemKind.SERIES,
        recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=4", zone="Europe/Berlin"),
    )
    second = series.start + timedelta(weeks=1)
    harness.emulator.reset_counts()
    [created] = mailbox.write(
        [Write.create(series.evolve(recurrence=series.recurrence.with_exclusion(second)))]  # type: ignore[union-attr]
    )
    assert created.ref is not None
    # The POST, the instances around the excluded start, its DELETE: the new series is not
    # read, before or after (a new series has cancelled nothing).
    counts = {k: v for k, v in harness.emulator.counts.items() if k != "token"}
    assert counts == {"batch": 3, "events.create": 1, "events.instances": 1, "events.delete": 1}
    held = harness.read(ALICE, created.ref.id)
    assert held is not None and held.recurrence is not None
    assert held.recurrence.rule == "FREQ=WEEKLY;COUNT=4" and held.recurrence.exclusions == (second,)
    # The cancellation changed the changeKey the POST answered; DELETE answers none.
    assert held.ref is not None and held.ref.id == created.ref.id
    assert created.ref.change_token == "" and held.ref.change_token
    third = series.start + timedelta(weeks=2)
    exception = series.evolve(
        kind=ItemKind.EXCEPTION,
        recurrence=None,
        series_id=created.ref.id,
        original_start=third,
        subject="Special",
    )
    [moved] = mailbox.write([Write.update(None, exception, frozenset({"subject"}))])
    assert moved.ok
    delta = mailbox.pull(None)
    specials = [i for i in delta.changed if i.kind is ItemKind.EXCEPTION]
    assert [(i.subject, i.original_start) for i in specials] == [("Special", third)]


def test_markers_are_categories_in_the_master_list(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    event_id = harness.seed(ALICE, item("Mine", categories=("Customer",)))
    marker = Marker(code="CRM_VALIDATION_FAILED", detail="No drafts")
    assert mailbox.set_markers([MarkerChange(item_id=event_id, marker=marker)])[0].ok
    view = harness.marker(ALICE, event_id)
    assert view.flagged and view.detail == "Sync Error: No drafts"
    colours = {n: c["color"] for n, c in harness.emulator.store.find(ALICE).categories.items()}  # type: ignore[union-attr]
    assert colours == {"Sync Error": "preset0", "Sync Error: No drafts": "none"}
    [read] = mailbox.fetch([event_id]).values()
    assert read.categories == ("Customer",), "markers are not the person's categories"
    mailbox.set_markers([MarkerChange(item_id=event_id, marker=None)])
    assert harness.emulator.store.find(ALICE).events[event_id].categories == ["Customer"]  # type: ignore[union-attr]


def test_the_window_slides_without_a_full_listing(harness: GraphHarness) -> None:
    clock = FrozenClock(datetime(2030, 1, 1, tzinfo=UTC))
    mailbox = GraphMailbox(
        harness.settings("Europe/Berlin"),
        ALICE,
        transport=InProcessTransport(harness.emulator),
        credential=harness.secret,
        clock=clock.now,
    )
    harness.emulator.store.add_mailbox(ALICE)
    first = mailbox.pull(None)
    assert first.full
    clock.advance(timedelta(days=10))
    assert not mailbox.pull(first.cursor).full
    clock.advance(timedelta(days=40))
    harness.emulator.reset_counts()
    slid = mailbox.pull(first.cursor)
    assert not slid.full and slid.removed == (), "items leaving the window are not gone"
    windows = [json.loads(c)["start"] for c in (first.cursor, slid.cursor)]
    assert windows[1] > windows[0], "a new round over today's window"
    mailbox.close()


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        (FaultKind.THROTTLE, ThrottledError),
        (FaultKind.AUTH_EXPIRED, AuthError),
        (FaultKind.CURSOR_EXPIRED, CursorExpiredError),
        (FaultKind.SERVER_ERROR, ServiceUnavailableError),
        (FaultKind.TIMEOUT, ServiceUnavailableError),
        (FaultKind.MALFORMED, InvalidReplyError),
    ],
)
def test_service_errors_are_translated(
    harness: GraphHarness, mailbox: GraphMailbox, kind: FaultKind, error: type[Exception]
) -> None:
    cursor = mailbox.pull(None).cursor
    harness.inject(kind, endpoint="pull", retry_after=7)
    with pytest.raises(error) as raised:
        mailbox.pull(cursor)
    if isinstance(raised.value, ThrottledError):
        assert raised.value.retry_after == 7.0


def test_a_proxy_page_with_retry_after_is_unavailable_for_that_long(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    harness.inject(
        FaultKind.SERVER_ERROR, endpoint="pull", detail="503 html retry-after", retry_after=9
    )
    with pytest.raises(ServiceUnavailableError, match="503 Service Unavailable") as raised:
        mailbox.pull(None)
    assert raised.value.retry_after == 9.0


def test_a_mailbox_the_tenant_keeps_the_app_out_of_says_what_to_do(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    harness.emulator.store.find(ALICE).blocked = True  # type: ignore[union-attr]
    with pytest.raises(AuthError, match="Test-ServicePrincipalAuthorization"):
        mailbox.pull(None)


def test_probe_reaches_the_calendar_or_says_what_to_do(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    assert mailbox.probe() == f"calendar Calendar of {ALICE}"
    harness.emulator.store.find(ALICE).blocked = True  # type: ignore[union-attr]
    with pytest.raises(AuthError, match="Test-ServicePrincipalAuthorization"):
        mailbox.probe()


def test_refused_credentials_are_auth_failed_and_recover(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    mailbox.pull(None)
    harness.revoke_credentials()
    with pytest.raises(AuthError, match=r"AADSTS7000215|InvalidAuthenticationToken"):
        mailbox.pull(None)
    with pytest.raises(AuthError, match="invalid_client"):
        mailbox.pull(None)
    harness.restore_credentials()
    assert mailbox.pull(None).full


def test_throttled_reads_are_waited_out_then_throttled(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    event_id = harness.seed(ALICE, item("Read me"))
    harness.inject(FaultKind.THROTTLE, endpoint="events.get", retry_after=2)
    assert list(mailbox.fetch([event_id])) == [event_id]
    assert harness.waits == [2.0], "the read waited as Graph asked, then succeeded"
    harness.inject(FaultKind.THROTTLE, endpoint="events.get", retry_after=2, times=None)
    with pytest.raises(ThrottledError) as raised:
        mailbox.fetch([event_id])
    assert raised.value.retry_after == 2.0 and len(harness.waits) == 1 + 5


def test_an_inner_throttle_is_an_item_failure_with_its_wait(
    harness: GraphHarness, mailbox: GraphMailbox
) -> None:
    harness.inject(FaultKind.THROTTLE, endpoint="events.create", retry_after=5)
    first, second = mailbox.write([Write.create(item("A")), Write.create(item("B", days=2))])
    assert (
        first.failure is not None
        and first.failure.code == "THROTTLED"
        and first.failure.retry_after == 5.0
    )
    assert second.ok


def test_over_a_socket(
    harness: GraphHarness, mailbox: GraphMailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.seed(ALICE, item("Over the wire"))
    endpoint = harness.serve()
    try:
        for name, value in endpoint.environment.items():
            monkeypatch.setenv(name, value)
        values = endpoint.settings(ALICE)
        settings = GraphSettings(**{**values, "client_secret": Secret(**values["client_secret"])})
        provider = GraphMailbox.from_context(
            ProviderContext(settings=settings, name="alice", address=ALICE)
        )
        try:
            assert [i.subject for i in provider.pull(None).changed] == ["Over the wire"]
        finally:
            provider.close()
    finally:
        endpoint.stop()


def test_the_full_listing_after_an_expired_token_reaches_back_to_the_first_round(
    harness: GraphHarness,
) -> None:
    clock = FrozenClock(datetime(2030, 1, 1, tzinfo=UTC))
    settings = harness.settings("Europe/Berlin", window_past_days=30, slide_days=10)
    mailbox = GraphMailbox(
        settings,
        ALICE,
        transport=InProcessTransport(harness.emulator),
        credential=harness.secret,
        clock=clock.now,
    )
    harness.emulator.store.add_mailbox(ALICE)
    old = item("Synced in the first round").evolve(
        start=datetime(2029, 12, 20, 9, tzinfo=UTC), end=datetime(2029, 12, 20, 10, tzinfo=UTC)
    )
    old_id = harness.seed(ALICE, old)
    first = mailbox.pull(None)
    assert [i.ref.id for i in first.changed if i.ref] == [old_id]
    clock.advance(timedelta(days=60))  # the window slid past the item: no longer watched
    slid = mailbox.pull(first.cursor)
    assert not slid.full and old_id not in {i.ref.id for i in slid.changed if i.ref}
    harness.inject(FaultKind.CURSOR_EXPIRED, endpoint="pull")
    with pytest.raises(CursorExpiredError):
        mailbox.pull(slid.cursor)
    full = mailbox.pull(None)  # what the engine does next
    assert full.full and old_id in {i.ref.id for i in full.changed if i.ref}, (
        "a linked item missing from a full listing would count as deleted"
    )
    mailbox.close()
