"""The CRM side of the contract: one CRM org, used on behalf of the synced mailboxes' owners."""

from __future__ import annotations

import abc
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import final

from calsync.providers.base import Provider
from calsync.providers.values import ApiUsage, Delta, OwnersDelta, Role, UserGroup


class PersonKind(enum.StrEnum):
    """What kind of CRM record an address matched."""

    CONTACT = "contact"
    LEAD = "lead"
    USER = "user"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class PersonMatch:
    """An address that matched a CRM record."""

    address: str
    kind: PersonKind
    id: str


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class CrmFeatures:
    """What the connected CRM org supports, read once per pass (e.g. from ``describe``)."""

    #: Recurring events can be stored (Salesforce: Advanced Calendaring; EX-03).
    recurring_events: bool = True
    #: An event can link several people (Salesforce: Shared Activities).
    shared_activities: bool = True
    #: How many contacts one event can link.
    max_people: int = 50
    #: The longest event the CRM accepts (EX-05); ``None`` for no limit.
    max_duration: timedelta | None = None
    #: The time zones the CRM supports (EX-19); ``None`` when any IANA zone is fine.
    zones: frozenset[str] | None = None
    #: The most text the CRM holds in ``subject``, ``location`` and ``body``, in UTF-16 code
    #: units (how Salesforce counts characters: an emoji counts two); absent: no limit.
    text_lengths: Mapping[str, int] = field(default_factory=dict)


class CrmProvider(Provider):
    """One CRM org (Salesforce, ...), used on behalf of the synced mailboxes' owners."""

    role = Role.CRM

    @abc.abstractmethod
    def features(self) -> CrmFeatures:
        """Describe what the org supports; called once per pass."""

    @abc.abstractmethod
    def users(self, addresses: Sequence[str]) -> Mapping[str, str]:
        """Map each address to the id of the active CRM user with it; unknown ones are absent."""

    @abc.abstractmethod
    def match_people(self, addresses: Sequence[str]) -> tuple[PersonMatch, ...]:
        """Return every contact and lead whose e-mail is one of ``addresses``."""

    @abc.abstractmethod
    def pull(self, cursor: str | None, *, owner: str) -> Delta:
        """Return what changed since ``cursor`` among the events ``owner`` (a user id) owns.

        As :meth:`MailboxProvider.pull`, occurrence records of series included.
        """

    def pull_owners(self, cursor: str | None, *, owners: Sequence[str]) -> OwnersDelta | None:
        """Return what changed since ``cursor`` among the events any of ``owners`` owns.

        The organisation's round reads the CRM once for every synced owner with this (one
        query, paged, instead of one per mailbox) and hands each pass its share. ``None``
        for ``cursor`` lists everything (``full``). The cursor returned must cover every
        owner read, up to when the read began: a pass that read its owner by itself after
        this read may continue from it. Raise :class:`~calsync.errors.CursorExpiredError`
        as :meth:`pull` does. Optional: the default returns ``None`` and the engine pulls
        owner by owner.
        """
        return None

    def active_users(self, group: UserGroup | None = None) -> Mapping[str, str] | None:
        """Every active CRM user who could have a synced mailbox: address -> user id.

        ``calsync discover`` lists them (and checks whether their mailboxes are reachable).
        With ``group``, only the users of that permission set or profile: a configuration
        that syncs "all users of permission set X" has them resolved once per round (an
        unknown group has no users). Optional: ``None`` when the CRM cannot list its users
        (or not by that kind of group).
        """
        return None

    def api_usage(self) -> ApiUsage | None:
        """The org's daily API allowance and how much is used, as the latest answer said.

        Costs no call (Salesforce says it in every answer's ``Sforce-Limit-Info``). The
        round slows down before the allowance runs out. Optional: ``None`` when unknown.
        """
        return None
