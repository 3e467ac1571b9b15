"""F. Errors and the unexpected: adopting what the CRM holds cut to its field lengths (EX-23)."""

from __future__ import annotations

from calsync.issues import Disposition, definition
from calsync.providers import Capability
from calsync.state import State
from calsync_conformance.cases.series import moved_series
from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario

#: Longer than any CRM subject; é is one UTF-16 code unit, an emoji two.
LONG_SUBJECTS = ("Quarterly review " + "x" * 283, "é" * 250 + "🎉" * 10)
#: Longer than a CRM description (Salesforce: 32,000).
LONG_BODY = "Agenda. " * 5000


@case("EX-23-long-text", "First sync adopts an event holding the text cut to the CRM's lengths")
def adoption_of_cut_text(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    limits = s.app.engine.crm().features().text_lengths
    subject_limit, body_limit = limits.get("subject"), limits.get("body")
    for day, subject in enumerate(LONG_SUBJECTS, start=1):
        s.mail.seed(alice, s.item(subject, days=day, body=LONG_BODY))
        if subject_limit is not None:
            # What an earlier sync (or a person) left in the CRM: the text cut where it must be.
            s.crm.seed(
                s.users["alice"],
                s.item(_cut(subject, subject_limit), days=day, body=_cut(LONG_BODY, body_limit)),
            )
    [report] = s.settle()
    events = s.crm_events()
    assert len(events) == len(LONG_SUBJECTS), "each item has exactly one CRM event"
    if subject_limit is None:
        return  # this CRM keeps any length: nothing was cut, nothing to report
    assert report.synced_up == 0, "the existing events are adopted, not created again"
    for event in events:
        assert _units(event.subject) <= subject_limit and _units(event.body) <= (body_limit or 0)
    issues = s.issues()
    assert sorted(i.code for i in issues) == [], "adopting reports nothing"

    # A new long item is cut on the way, and the cut is reported once, on the item.
    long_item = s.mail.seed(alice, s.item(LONG_SUBJECTS[1], days=5, body=LONG_BODY))
    s.settle()
    created = [e for e in s.crm_events() if e.start == s.at(5)]
    assert len(created) == 1 and created[0].subject == _cut(LONG_SUBJECTS[1], subject_limit)
    [issue] = s.issues()
    assert issue.code == "TEXT_TRUNCATED" and issue.item_id == long_item
    assert definition(issue.code).disposition is Disposition.INFO
    assert not definition(issue.code).needs_person, "`calsync sync` does not exit 1 for it"
    assert not s.flagged(long_item), "an item that synced shows no error marker"
    s.settle()
    assert [i.count for i in s.issues()] == [1], "reported once"

    # A change made in the CRM comes down without cutting the mailbox's text.
    assert created[0].ref is not None
    s.crm.edit(created[0].ref.id, location="Room 7")
    s.settle()
    held = s.mail.read(alice, long_item)
    assert held is not None and held.location == "Room 7"
    assert (held.subject, held.body.strip()) == (LONG_SUBJECTS[1], LONG_BODY.strip()), (
        "the mailbox keeps its full text"
    )


def _units(text: str) -> int:
    """Length in UTF-16 code units (how Salesforce counts characters)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int | None) -> str:
    """The longest start of ``text`` within ``limit`` UTF-16 code units."""
    if limit is None:
        return text
    out, used = [], 0
    for char in text:
        used += _units(char)
        if used > limit:
            break
        out.append(char)
    return "".join(out)


@case(
    "EX-23-moved-occurrence",
    "First sync adopts a series with a moved occurrence on both sides",
    requires={Capability.RECURRENCE},
)
def adoption_of_a_series_with_a_moved_occurrence(s: Scenario) -> None:
    alice, _, _ = moved_series(s)
    crm_before = sorted((e.ref.id, e.start) for e in s.crm.items() if e.ref)
    mailbox_before = sorted((i.subject, i.start) for i in s.mail.items(alice))

    # calsync's state is lost (a new database): the next pass is a first sync of both sides.
    s.state.close()
    s.state = State(f"sqlite:///{s.workdir / 'a-new-state.db'}")
    s._app = None
    [report] = s.settle()

    assert report.outcome == "ok" and s.codes() == []
    assert sorted((e.ref.id, e.start) for e in s.crm.items() if e.ref) == crm_before, (
        "the CRM holds the same events: adopted, none created twice, the moved one still moved"
    )
    assert sorted((i.subject, i.start) for i in s.mail.items(alice)) == mailbox_before
