"""A. What syncs at all (EX-01 .. EX-05) and B. recurring series (EX-06 .. EX-08)."""

from __future__ import annotations

from datetime import UTC, datetime

from calsync.demo.scenarios.base import Scenario, Verdict, View, check, weekly
from calsync.model import CalendarItem, EventType, ItemKind, Privacy
from calsync.recurrence import Recurrence, RecurrenceModel

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [
    Scenario(
        ex="EX-01",
        title="Private items",
        expected="stay in the mailbox, no issue",
        seed=lambda o: o.seed(
            "alice", o.item("Doctor's appointment", days=3, privacy=Privacy.PRIVATE), "private"
        ),
        verify=lambda v: check(
            "Doctor's appointment" not in v.crm_subjects("alice")
            and not v.codes("alice", item="private"),
            "the private item stayed in alice's mailbox with no issue",
        ),
    ),
    Scenario(
        ex="EX-02",
        title="Recurring all-day series",
        expected="RECURRING_ALL_DAY_UNSUPPORTED with a marker",
        seed=lambda o: o.seed(
            "alice",
            CalendarItem(
                start=o.at(2).date(),
                end=o.at(3).date(),
                subject="Gym day",
                kind=ItemKind.SERIES,
                recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=10"),
            ),
            "all_day_series",
        ),
        verify=lambda v: check(
            v.codes("alice", item="all_day_series") == ["RECURRING_ALL_DAY_UNSUPPORTED"]
            and v.flagged("alice", "all_day_series"),
            "issue and marker on 'Gym day'",
        ),
    ),
    Scenario(
        ex="EX-03",
        title="Recurring items when recurrence sync is off",
        expected="RECURRING_SYNC_DISABLED with a marker",
        seed=lambda o: o.seed("ivan", weekly(o, "Weekly 1:1"), "recurring_off"),
        verify=lambda v: check(
            v.codes("ivan", item="recurring_off") == ["RECURRING_SYNC_DISABLED"]
            and v.flagged("ivan", "recurring_off"),
            "ivan's series stays out (recurring_items = off)",
        ),
    ),
    Scenario(
        ex="EX-04",
        title="CRM series of the newer model",
        expected="CRM_SERIES_NOT_DOWNSYNCED, not in the mailbox",
        seed=lambda o: o.ids.setdefault(
            "lightning",
            o.crm.seed(
                o.users["alice"],
                weekly(o, "Lightning pipeline review", weeks_ago=0, count=4).evolve(
                    recurrence=Recurrence(
                        rule="FREQ=WEEKLY;COUNT=4",
                        zone="Europe/Berlin",
                        model=RecurrenceModel.CRM_EVENT_SERIES,
                    )
                ),
            ),
        ),
        verify=lambda v: check(
            "Lightning pipeline review" not in {i.subject for i in v.mailbox("alice")}
            and "CRM_SERIES_NOT_DOWNSYNCED" in v.codes("alice"),
            "the event series stayed in Salesforce",
        ),
    ),
    Scenario(
        ex="EX-05",
        title="Kinds of item that cannot be mirrored",
        expected="UNSUPPORTED_ITEM_KIND with a marker",
        seed=lambda o: (
            o.seed(
                "carol",
                o.item("Out of office", days=5, hours=8, event_type=EventType.OUT_OF_OFFICE),
                "ooo",
            ),
            o.seed("alice", o.item("Sabbatical", days=60, hours=24 * 20), "too_long"),
        ),
        verify=lambda v: check(
            v.codes("carol", item="ooo") == ["UNSUPPORTED_ITEM_KIND"]
            and v.flagged("carol", "ooo")
            and v.codes("alice", item="too_long") == ["UNSUPPORTED_ITEM_KIND"],
            "out-of-office and a 20-day item stay in the mailbox, flagged",
        ),
    ),
    Scenario(
        ex="EX-06",
        title="A series changed in the mailbox",
        expected="only future CRM occurrences change",
        seed=lambda o: o.seed("alice", weekly(o, "Team weekly", body="Old agenda"), "weekly"),
        edit=lambda o: o.harness("alice").edit(
            o.address("alice"), o.ids["weekly"], body="New agenda"
        ),
        verify=lambda v: _series_reset(v),
    ),
    Scenario(
        ex="EX-07",
        title="Single item turned into a series",
        expected="SERIES_CONVERSION_UNSUPPORTED, CRM unchanged",
        seed=lambda o: o.seed("alice", o.item("Quarterly review", days=9), "convert"),
        edit=lambda o: o.harness("alice").edit(
            o.address("alice"),
            o.ids["convert"],
            kind=ItemKind.SERIES,
            recurrence=Recurrence(rule="FREQ=MONTHLY;COUNT=4", zone="Europe/Berlin"),
        ),
        verify=lambda v: check(
            v.codes("alice", item="convert") == ["SERIES_CONVERSION_UNSUPPORTED"]
            and v.flagged("alice", "convert")
            and [e.kind for e in v.crm("alice") if e.subject == "Quarterly review"]
            == [ItemKind.SINGLE],
            "the CRM keeps a single event; the mailbox item is flagged",
        ),
    ),
    Scenario(
        ex="EX-08",
        title="Series as separate occurrences",
        expected="one CRM event per occurrence (heidi: instances)",
        seed=lambda o: o.seed(
            "heidi", weekly(o, "Daily standup", weeks_ago=0, count=5), "instances"
        ),
        verify=lambda v: check(
            [e.kind for e in v.crm("heidi") if e.subject == "Daily standup"]
            == [ItemKind.SINGLE] * 5,
            "5 occurrences, 5 single CRM events",
        ),
    ),
]


def _series_reset(view: View) -> Verdict:
    org = view.org
    headers = [
        e for e in view.crm("alice") if e.subject == "Team weekly" and e.kind is ItemKind.SERIES
    ]
    if len(headers) != 1 or headers[0].ref is None:
        return check(False, f"expected one CRM series, found {len(headers)}")
    rows = [e for e in org.crm.items() if e.series_id == headers[0].ref.id]
    # The edit's pass ran between the demo's start and now, by the real clock: an occurrence
    # starting in between may have been either side of it.
    past = {r.body for r in rows if r.start < org.started}
    future = {r.body for r in rows if r.start >= datetime.now(UTC)}
    return check(
        past == {"Old agenda"} and future == {"New agenda"},
        f"past occurrences kept 'Old agenda', future ones got 'New agenda' ({len(rows)} occurrences)",
    )
