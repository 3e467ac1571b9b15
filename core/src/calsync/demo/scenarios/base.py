"""What a demo scenario is, and what its check may look at.

A scenario seeds the organisation, lets people change it, and checks the documented
outcome through the harnesses, on the services themselves (:class:`View`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from calsync.demo.organisation import Organisation
from calsync.issues import Issue
from calsync.model import CalendarItem, ItemKind, Participant
from calsync.recurrence import Recurrence
from calsync.status import MailboxView

__all__ = ["Scenario", "Verdict", "View", "check", "meeting", "weekly"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """The documented outcome, and whether the services show it."""

    ok: bool
    detail: str


class View:
    """What a check may look at: the services (through the harnesses) and the issue log."""

    def __init__(
        self, org: Organisation, issues: list[Issue], status: dict[str, MailboxView]
    ) -> None:
        self.org = org
        self.issues = issues
        self.status = status

    def crm(self, name: str) -> list[CalendarItem]:
        user = self.org.users.get(name)
        return [e for e in self.org.crm.items(user) if e.series_id is None] if user else []

    def crm_subjects(self, name: str) -> list[str]:
        return [e.subject for e in self.crm(name)]

    def mailbox(self, name: str) -> list[CalendarItem]:
        return [
            i for i in self.org.harness(name).items(self.org.address(name)) if i.series_id is None
        ]

    def codes(self, name: str, *, item: str | None = None) -> list[str]:
        item_id = self.org.ids.get(item) if item else None
        return sorted(
            i.code
            for i in self.issues
            if i.mailbox == name and (item is None or i.item_id == item_id)
        )

    def flagged(self, name: str, item: str) -> bool:
        return self.org.harness(name).marker(self.org.address(name), self.org.ids[item]).flagged


def check(condition: bool, detail: str) -> Verdict:
    """The verdict: ``detail`` says what was seen, ``condition`` whether it is the documented one."""
    return Verdict(ok=bool(condition), detail=detail)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """The demo's scenario for one ``EX-nn`` entry."""

    ex: str
    title: str
    expected: str
    #: Seeds the scenario before the first sync (what it returns is not used).
    seed: Callable[[Organisation], object]
    verify: Callable[[View], Verdict]
    #: What people change after the first sync (``None``: nothing).
    edit: Callable[[Organisation], object] | None = None


def weekly(
    org: Organisation, subject: str, *, weeks_ago: int = 2, count: int = 8, **fields: Any
) -> CalendarItem:
    start = org.at(-7 * weeks_ago, 9)
    return CalendarItem(
        start=start,
        end=start + timedelta(hours=1),
        subject=subject,
        zone="Europe/Berlin",
        kind=ItemKind.SERIES,
        recurrence=Recurrence(rule=f"FREQ=WEEKLY;COUNT={count}", zone="Europe/Berlin"),
        **fields,
    )


def meeting(
    org: Organisation, subject: str, organizer: str, *guests: str, **fields: Any
) -> CalendarItem:
    return org.item(
        subject,
        organizer=Participant(address=organizer),
        attendees=tuple(Participant(address=g) for g in guests),
        **fields,
    )
