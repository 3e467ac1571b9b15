"""The exit status of a run: whether something needs a person.

- **0**: every pass did its job. Issues that need nobody (an item kind that stays where it
  is, a meeting waiting for its organizer, a Match-mode meeting with no CRM contact, a
  retry) do not change that, and neither does a mailbox disabled on purpose or one another
  process was syncing (busy).
- **1**: something needs a person: a mailbox is suspended, a pass failed, or the run opened
  a new issue someone has to act on (:attr:`~calsync.issues.IssueDefinition.needs_person`).
  An issue already open before the run does not make every later run exit 1.
- **2**: usage or configuration error (click and :func:`~calsync.cli.output.fail`), also
  a mailbox whose configuration its pass found unusable (a secret gone since ``calsync
  check``); the other mailboxes' passes ran.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Final

from calsync.cli.output import EXIT_ATTENTION, EXIT_OK, EXIT_USAGE
from calsync.engine import PassReport
from calsync.engine.report import MISCONFIGURED
from calsync.issues import Issue

__all__ = ["NEEDS_PERSON", "attention", "exit_code", "misconfigured", "new_issues"]

#: Pass outcomes someone has to look at.
NEEDS_PERSON: Final = frozenset({"suspended", "failed", MISCONFIGURED})


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


def misconfigured(reports: Sequence[PassReport]) -> list[str]:
    """The configuration mistakes passes met, one line each naming its mailbox."""
    return [f"mailbox {r.mailbox}: {r.detail}" for r in reports if r.outcome == MISCONFIGURED]


def exit_code(reports: Sequence[PassReport], opened: Sequence[Issue]) -> int:
    """2 when a mailbox's configuration could not be used, else 1 when someone is needed, else 0."""
    if misconfigured(reports):
        return EXIT_USAGE
    return EXIT_ATTENTION if attention(reports, opened) else EXIT_OK
