"""The organisation's side of a run: its read, its suspension and its API allowance.

:class:`Organisation` is what :class:`~calsync.engine.Engine` asks before the passes of a
round run: what the CRM said for all of them (:mod:`.org_round`), whether the CRM refuses
the shared credentials (the organisation waits, :mod:`.org_status`), and whether the daily
API allowance is used into its reserved share (the round runs no passes).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Final

from calsync.config import Config, MailboxConfig
from calsync.engine.keys import fingerprint, item_key
from calsync.engine.org_round import (
    MailboxRead,
    OrgFacts,
    OrgRound,
    PeopleRead,
    RecordsRead,
    read_organisation,
)
from calsync.engine.org_status import open_issue, raise_issue, record_read, resolve
from calsync.engine.other_writers import copies_by_others
from calsync.engine.people import look_up, to_look_up
from calsync.errors import AuthError, ProviderError, ThrottledError
from calsync.issues import ORGANISATION
from calsync.model import CalendarItem
from calsync.notify import Notification, NotificationKind
from calsync.providers import CrmProvider, MailboxProvider
from calsync.retry import Backoff
from calsync.state import State
from calsync.state.records import Link, Side

__all__ = ["Organisation", "linked_records", "tenant_of"]

logger = logging.getLogger("calsync.engine")

#: How long without another product's copies before ``OTHER_SYNC_PRODUCT`` resolves.
COPIES_FORGOTTEN_AFTER: Final = timedelta(days=1)


def tenant_of(mailbox: MailboxConfig) -> str:
    """The key of the mailboxes that share a service's limits (one tenant or account).

    Same provider and same settings: one service account or app registration.
    """
    return f"{mailbox.provider}:{mailbox.settings!r}"


def linked_records(
    crm: CrmProvider,
    state: State,
    reads: Mapping[str, MailboxRead],
    clock: Callable[[], datetime],
) -> RecordsRead | None:
    """The CRM records linked to the mailboxes' changes ``reads``, fetched at once.

    The provider batches the ids as its service allows (Salesforce: ``IN`` lists within
    the SOQL length). A record linked to the changes of two mailboxes (an event both
    attend) is left to their passes: the first pass may write it before the second
    compares with it. ``None`` when the fetch fails: each pass fetches its own, and meets
    the failure itself.
    """
    wanted: Counter[str] = Counter()
    for name, read in reads.items():
        if not read.delta.changed:
            continue
        links = {link.mailbox_key: link for link in state.links(name)}
        keys = {
            link.crm_key
            for item in read.delta.changed
            if (link := links.get(item_key(item))) is not None and not _echo(item, link)
        }
        # An occurrence without a record of its own ("<series>|<start>") has nothing to fetch.
        wanted.update(key for key in keys if "|" not in key)
    ids = sorted(key for key, count in wanted.items() if count == 1)
    if not ids:
        return None
    read_at = clock()  # before the fetch: each record is at least as new as this
    try:
        found = crm.fetch(ids)
    except Exception:  # each pass fetches its own records, and meets the failure
        return None
    return RecordsRead(asked=frozenset(ids), found=dict(found), read_at=read_at)


def _echo(item: CalendarItem, link: Link) -> bool:
    """Whether the mailbox's ``item`` is what its link knows (the pass plans no update for it)."""
    token = item.ref.change_token if item.ref else ""
    return bool(token and token == link.mailbox_token) or (
        fingerprint(item, Side.MAILBOX) == link.mailbox_hash
    )


class Organisation:
    """Reads the organisation once per round and keeps its org-level issues.

    :param crm: the CRM provider (built on first need).
    :param built_crm: the CRM provider if one was built already (its latest answer tells
        the API allowance), else ``None``.
    :param deliver: sends a notification through every channel.
    """

    def __init__(
        self,
        config: Config,
        state: State,
        *,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None],
        backoff: Backoff,
        crm: Callable[[], CrmProvider],
        built_crm: Callable[[], CrmProvider | None],
        deliver: Callable[[Notification], None],
    ) -> None:
        """Work for ``config`` on ``state``."""
        self.config, self.state, self.clock, self.sleep = config, state, clock, sleep
        self._backoff, self._crm, self._built_crm, self._deliver = backoff, crm, built_crm, deliver
        #: What the last round learnt of the organisation (reused for a while).
        self.facts: OrgFacts | None = None

    def read(self, mailboxes: Sequence[tuple[str, str | None]]) -> OrgRound:
        """Read once what the passes of ``mailboxes`` (address, CRM cursor) need."""
        if len(mailboxes) < 2:
            return OrgRound()
        org = read_organisation(
            self._crm(),
            mailboxes,
            backoff=self._backoff,
            sleep=self.sleep,
            known=self.facts,
            now=self.clock(),
        )
        self.facts = org.facts
        logger.info("organisation read: %d CRM calls for %d mailboxes", org.calls, len(mailboxes))
        return org

    def read_mailboxes(
        self, org: OrgRound, mailboxes: Sequence[tuple[MailboxConfig, MailboxProvider, str]]
    ) -> OrgRound:
        """Read the mailboxes' changes ahead; look up everyone on them, and fetch their records.

        Only mailboxes continuing from a cursor: a first, full listing stays with its pass.
        A mailbox whose read fails is read by its pass, which meets the failure itself; a
        failed lookup leaves each pass to look up its own people, a failed fetch to fetch
        its own records (:func:`linked_records`).
        """
        reads: dict[str, MailboxRead] = {}
        wanted: set[str] = set()
        throttled: set[str] = set()
        for mailbox, provider, cursor in mailboxes:
            if tenant_of(mailbox) in throttled:
                continue  # not asked again this round: its pass meets the throttling itself
            try:
                delta = provider.pull(cursor)
            except ThrottledError:
                throttled.add(tenant_of(mailbox))
                continue
            except Exception:  # its pass meets it (a provider's own bug: INTERNAL_ERROR)
                continue
            reads[mailbox.name] = MailboxRead(since=cursor, delta=delta)
            wanted |= to_look_up(delta.changed, mailbox.policy, mailbox.address)
        records = linked_records(self._crm(), self.state, reads, self.clock)
        try:
            found = look_up(self._crm(), wanted)
        except Exception:  # each pass looks up its own people, and meets the failure
            return replace(org, mailboxes=reads, records=records)
        people = PeopleRead(asked=frozenset(wanted), found=found)
        return replace(org, mailboxes=reads, people=people, records=records)

    def still_refused(self, org: OrgRound) -> str:
        """While the organisation is suspended: whether the CRM still refuses (else resume)."""
        if open_issue(self.state, "AUTH_FAILED") is None:
            return ""
        if org.owners is None:  # a round of one read nothing: ask the CRM once
            try:
                self._crm().features()
            except AuthError as exc:
                return str(exc)
            except ProviderError:
                pass  # not about the credentials: the pass meets it and says so
        now = self.clock()
        if resolve(self.state, "AUTH_FAILED", now):
            self._notify(
                NotificationKind.RESUMED,
                "the CRM accepts calsync's credentials again; every mailbox syncs again",
                "Nothing to do: what changed meanwhile is synced now.",
                now,
            )
        return ""

    def suspend(self, detail: str) -> None:
        """The CRM refused the shared credentials: one issue, one notification."""
        now = self.clock()
        if raise_issue(self.state, "AUTH_FAILED", {"side": "CRM", "detail": detail}, now):
            issue = open_issue(self.state, "AUTH_FAILED")
            assert issue is not None
            self._notify(
                NotificationKind.AUTH_FAILED,
                "the CRM refused calsync's credentials; every mailbox waits",
                issue.advice,
                now,
            )

    def slowed(self, org: OrgRound, started: datetime) -> bool:
        """Whether the CRM's daily API allowance is used into its reserved share (EX-25).

        Also keeps the round's read, with the allowance, in the organisation's history.
        """
        crm = self._built_crm()
        usage = crm.api_usage() if crm is not None else None
        now = self.clock()
        slowed = usage is not None and usage.exceeds(self.config.crm.api_reserve)
        if usage is not None and slowed:
            allowance = {"used": usage.used, "allowed": usage.allowed}
            raise_issue(self.state, "API_ALLOWANCE_LOW", allowance, now)
        else:
            resolve(self.state, "API_ALLOWANCE_LOW", now)
        if org.owners is not None or usage is not None:
            outcome = "slowed" if slowed else "read"
            record_read(self.state, started, now, outcome, org.calls, usage)
        return slowed

    def watch_copies(self, org: OrgRound, mailboxes: Sequence[MailboxConfig]) -> None:
        """Open ``OTHER_SYNC_PRODUCT`` once when the round's read shows another product's copies.

        Seen again, the issue counts up (no new notification); a day without such copies
        resolves it. See :mod:`.other_writers`.
        """
        found = copies_by_others(org, mailboxes, self.state)
        now = self.clock()
        if found:
            params = {"count": sum(found.values()), "address": min(found)}
            if raise_issue(self.state, "OTHER_SYNC_PRODUCT", params, now):
                issue = open_issue(self.state, "OTHER_SYNC_PRODUCT")
                assert issue is not None
                self._notify(NotificationKind.OTHER_SYNC_PRODUCT, issue.message, issue.advice, now)
            return
        issue = open_issue(self.state, "OTHER_SYNC_PRODUCT")
        if issue is not None and now - issue.last_seen >= COPIES_FORGOTTEN_AFTER:
            resolve(self.state, "OTHER_SYNC_PRODUCT", now)

    def _notify(self, kind: NotificationKind, summary: str, advice: str, at: datetime) -> None:
        self._deliver(
            Notification(
                kind=kind, mailbox=ORGANISATION, address="", summary=summary, advice=advice, at=at
            )
        )
