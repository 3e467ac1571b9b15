"""What every provider has, mailbox or CRM: a name, a role, capabilities and a batched write."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Self

from calsync.model import CalendarItem
from calsync.providers.values import (
    Capability,
    ProviderContext,
    Role,
    Write,
    WriteResult,
)


class Provider(abc.ABC):
    """What every provider has: a name, a role and its capabilities."""

    #: The value integrators write as ``provider = "<name>"``; lower-case.
    name: ClassVar[str]
    role: ClassVar[Role]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    #: A frozen dataclass the provider's ``settings`` table is validated into, or ``None``.
    #: Its fields may use :mod:`calsync.config.values` (``HttpUrl``, ``Seconds``, ``ZoneId``)
    #: to be checked on load, and ``__post_init__`` may raise ``ValueError`` for a bad value
    #: (every command then refuses the file, exit 2). What only building the provider finds
    #: (a combination of values that cannot work, a secret that cannot be used) is raised
    #: by :meth:`from_context` as :class:`~calsync.errors.ConfigError`: ``calsync check``
    #: builds every provider, without calling its service, to report it before a pass.
    settings_type: ClassVar[type[Any] | None] = None

    @classmethod
    @abc.abstractmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """Build the provider from validated settings (secrets are resolved here, not earlier).

        Calls no service. Raises :class:`~calsync.errors.ConfigError` for settings that
        cannot work together or a secret that cannot be used (``calsync check`` reports it).
        A provider whose credentials were refused is used again once they are renewed:
        sign in again on the next call rather than remembering the failure.
        """

    @abc.abstractmethod
    def fetch(self, ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Return the current state of the items ``ids``; ids that no longer exist are absent.

        Batched. The engine fetches items whose last write failed, to try them again.
        Markers are hidden as in a pull.
        """

    @abc.abstractmethod
    def find_by_counterpart(self, counterpart_ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Return the items whose stored counterpart id is one of ``counterpart_ids``, keyed by it.

        For a series, the master (header), never an occurrence or exception: an exception
        does not report its master's counterpart id as its own. Counterpart ids are opaque
        strings and may contain ``|`` and ``:`` (an occurrence's is ``<series id>|<start>``).

        The engine uses it to adopt what an interrupted pass already created, and to find
        counterparts when its own state was lost.
        """

    @abc.abstractmethod
    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Apply ``writes`` in as few service calls as the service's batch API allows.

        Returns one :class:`WriteResult` per write, in order, with the change token after
        the write; a refused item is a result with an :class:`ItemFailure` and the others
        go on. Never sends invitations or updates to attendees: a write the service could
        only make by mailing them is refused with ``MEETING_MAIL_AVOIDED``. Raises
        :class:`~calsync.errors.ProviderError` only when the whole call fails. Do not sleep
        or retry: raise :class:`~calsync.errors.ThrottledError` with the service's hint.
        """

    def close(self) -> None:  # noqa: B027 - optional hook: most providers hold nothing to close
        """Release connections; the provider is not used afterwards."""

    def probe(self) -> str:
        """Reach the service once, as cheaply as it allows, to prove the setup works.

        Optional; ``calsync check --connect`` calls it for each mailbox (a CRM is reached
        through :meth:`CrmProvider.users`). Sign in and find what the provider works on (a
        mailbox: its calendar), read nothing else and write nothing. Return a few words on
        what was reached, e.g. ``"calendar primary"``. Raise
        :class:`~calsync.errors.ProviderError` when it fails (:class:`~calsync.errors.AuthError`
        for refused credentials), as the other calls do.

        The default raises :class:`NotImplementedError`: ``check --connect`` then reports
        the mailbox as not checked, and its first pass is the test.

        .. versionadded:: 0.2
        """
        raise NotImplementedError

    def own_account(self) -> str | None:
        """The account calsync acts as, named as :attr:`~calsync.model.ItemRef.modified_by` names it.

        Optional, for services whose write answers carry no change token (Salesforce: the
        integration user's id, from its UserInfo endpoint). The engine asks only when an
        item comes back changed after such a write and names who changed it: when that is
        this account, the change is calsync's own write as the service stored it (a value
        normalised or trimmed), not a person's edit. Learn it at most once per provider
        (it cannot change while the credentials stay). The default returns ``None``: such
        an item is then recognised by its content alone.

        .. versionadded:: 0.3
        """
        return None

    def web_link(self, item_id: str) -> str | None:
        """A link that opens the item ``item_id`` in the service's own web application.

        Optional; the admin console shows it beside an issue's item. Build it without a
        call, only from a URL form the service documents (cite it in a comment), or from a
        link the service gave for the item and the provider still holds. The default
        returns ``None``: the console then names the item by its id alone.

        .. versionadded:: 0.3
        """
        return None
