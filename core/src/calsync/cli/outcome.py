"""The exit status of a run: whether something needs a person.

- **0**: every pass did its job. Issues that need nobody (an item kind that stays where it
  is, a meeting waiting for its organizer, a Match-mode meeting with no CRM contact, a
  retry) do not change that, and neither does a mailbox disabled on purpose or one another
  process was syncing (busy).
- **1**: something needs a person: a mailbox is suspended, a pass failed, or the run opened
  a new issue someone has to act on (:attr:`~calsync.issues.IssueDefinition.needs_person`).
  An issue already open before the run does not make every later run exit 1.
- **2**: usage or configuration error (click and :func:`~calsync.cli.output.fail`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Final

from calsync.cli.output import EXIT_ATTENTION, EXIT_OK
from calsync.engine import PassReport
from calsync.issues import Issue

__all__ = ["NEEDS_PERSON", "attention", "exit_code", "new_issues"]

#: Pass outcomes someone has to look at.
NEEDS_PERSON: Final = frozenset({"suspended", "failed"})


def new_issues(issues: Iterable[Issue], since: datetime, mailboxes: Iterable[str]) -> list[Issue]:
    """The open issues of ``mailboxes`` first seen at or after ``since``: opened by this run.

    Issues another process opened meanwhile for other mailboxes do not count.
    """
    chosen = set(mailboxes)
    return [i for i in issues if i.is_open and i.first_seen >= since and i.mailbox in chosen]


def attention(reports: Sequence[PassReport], opened: Sequence[Issue]) -> list[str]:
    """Why someone is needed, one line each (empty when nobody is)."""
    reasons = [f"{r.mailbox}: pass {r.outcome}" for r in reports if r.outcome in NEEDS_PERSON]
    reasons += [f"{i.mailbox}: new {i.code}" for i in opened if i.definition.needs_person]
    return reasons


def exit_code(reports: Sequence[PassReport], opened: Sequence[Issue]) -> int:
    """0 when nobody is needed, 1 otherwise."""
    return EXIT_ATTENTION if attention(reports, opened) else EXIT_OK
