"""The Salesforce CRM provider: events, users, contacts and leads through simple-salesforce.

Built on an unmodified ``simple_salesforce.Salesforce`` client. Tests and the demo inject
the HTTP transport (a ``requests`` session answered by the emulator, in process or over a
socket); in production the client signs in with one of the flows simple-salesforce
supports (see :mod:`.settings`). Every SDK exception is translated at the boundary
(:mod:`.errors`); per-record refusals come back as :class:`ItemFailure` (:mod:`.failures`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Self
from urllib.parse import quote

from calsync.building import provider_settings
from calsync.model import CalendarItem
from calsync.providers import (
    ApiUsage,
    Capability,
    CrmFeatures,
    CrmProvider,
    Delta,
    OwnersDelta,
    PersonMatch,
    ProviderContext,
    UserGroup,
    Write,
    WriteResult,
)
from calsync_salesforce import people
from calsync_salesforce.connection import ClientFactory, Connection, client_factory
from calsync_salesforce.org import OrgView
from calsync_salesforce.pull import pull, pull_owners
from calsync_salesforce.reader import EventReader
from calsync_salesforce.refs import stored_ref
from calsync_salesforce.settings import SalesforceSettings
from calsync_salesforce.writes import Writer

__all__ = ["SalesforceCrm"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SalesforceCrm(CrmProvider):
    """One Salesforce org, used as its integration user on behalf of every synced owner.

    :param factory: signs in and returns a ``simple_salesforce.Salesforce`` client (see
        :func:`~.connection.client_factory`); called again once when a session expires.
    :param counterpart_field: the Event External ID field holding counterpart ids.
    :param multiday_events: whether the org allows events longer than a day.
    :param clock: the current time (cursor ages); the system clock by default.
    :param timeout: seconds to wait for each answer.
    :param query_batch_size: rows per query page (Salesforce's default, 2000, when ``None``).
    """

    name = "salesforce"
    capabilities = frozenset(
        {
            Capability.RECURRENCE,
            Capability.ALL_DAY,
            Capability.PRIVACY,
            Capability.CROSS_REFERENCE,
            Capability.PEOPLE_MATCHING,
            Capability.ORGANIZER_ONLY_EDIT,
            Capability.FIELD_SECURITY,
            Capability.VALIDATION_RULES,
            Capability.EVENT_SERIES_MODEL,
            Capability.DURATION_LIMIT,
            Capability.ZONE_LIST,
        }
    )
    settings_type = SalesforceSettings

    def __init__(
        self,
        factory: ClientFactory,
        *,
        counterpart_field: str = "Calsync_Ref__c",
        multiday_events: bool = True,
        clock: Callable[[], datetime] = _utc_now,
        timeout: float | None = None,
        query_batch_size: int | None = None,
        instance_url: str | None = None,
    ) -> None:
        """Sign in lazily, on the first call (``instance_url`` only builds :meth:`web_link`)."""
        self.instance_url = instance_url
        self.connection = Connection(factory, timeout=timeout, batch_size=query_batch_size)
        self.org = OrgView(
            self.connection, counterpart_field=counterpart_field, multiday_events=multiday_events
        )
        self.reader = EventReader(self.org)
        self.writer = Writer(self.org, self.reader)
        self.clock = clock

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """Build the provider from its ``[crm.settings]`` (secrets are read when signing in)."""
        settings: SalesforceSettings = provider_settings(cls, context)
        return cls(
            client_factory(settings),
            counterpart_field=settings.counterpart_field,
            multiday_events=settings.multiday_events,
            timeout=settings.timeout_seconds,
            instance_url=settings.instance_url,
        )

    def features(self) -> CrmFeatures:
        """Describe Event (one call; cached for the rest of the pass)."""
        return self.org.features()

    def users(self, addresses: Sequence[str]) -> Mapping[str, str]:
        """Active users by e-mail address (batched ``IN`` queries; their zones come along)."""
        found, zones = people.users_by_address(self.connection, addresses)
        self.org.remember_zones(zones)
        return found

    def active_users(self, group: UserGroup | None = None) -> Mapping[str, str]:
        """Every active standard user (of ``group``) by address (one query, paged)."""
        return people.active_users(self.connection, group)

    def own_account(self) -> str:
        """The integration user's id: an event it last modified was last written by calsync.

        Every record names who last updated it in ``LastModifiedById`` ("System Fields":
        https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/system_fields.htm).
        One UserInfo call, the first time the engine asks.
        """
        return self.org.integration_user()

    def match_people(self, addresses: Sequence[str]) -> tuple[PersonMatch, ...]:
        """Contacts and leads by e-mail address (batched ``IN`` queries)."""
        return people.match_people(self.connection, addresses)

    def pull(self, cursor: str | None, *, owner: str) -> Delta:
        """What changed among the events ``owner`` owns since ``cursor``."""
        return pull(self.reader, cursor, owner, self.clock)

    def pull_owners(self, cursor: str | None, *, owners: Sequence[str]) -> OwnersDelta:
        """What changed among the events of ``owners`` since ``cursor``: one query, paged."""
        return pull_owners(self.reader, cursor, owners, self.clock)

    def api_usage(self) -> ApiUsage | None:
        """The daily API allowance and its use, from the latest answer (no call)."""
        usage = self.connection.api_usage()
        return ApiUsage(used=usage[0], allowed=usage[1]) if usage else None

    def web_link(self, item_id: str) -> str | None:
        """The event's record page in Lightning Experience, on the configured ``instance_url``.

        The URL form is the documented one of the Record Page type ("standard__recordPage",
        URL format ``/lightning/r/{objectApiName}/{recordId}/{actionName}``) in the Lightning
        Aura Components Developer Guide, "pageReference Types":
        https://developer.salesforce.com/docs/atlas.en-us.lightning.meta/lightning/components_navigation_page_definitions.htm
        """
        if not self.instance_url:
            return None
        base = self.instance_url.rstrip("/")
        return f"{base}/lightning/r/Event/{quote(item_id, safe='')}/view"

    def fetch(self, ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """The current state of the events ``ids`` (deleted ones absent)."""
        if not ids:
            return {}
        rows = self.reader.query_in("Id", list(ids))
        items = self.reader.read(rows)
        return {item.ref.id: item for item in items if item.ref is not None}

    def find_by_counterpart(self, counterpart_ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """The events whose counterpart field holds one of ``counterpart_ids``, by it."""
        if not counterpart_ids or not self.org.has_counterpart_field:
            return {}
        # Both forms, in case the field changed its case sensitivity since (see .refs).
        stored = {f for r in counterpart_ids for f in (r, stored_ref(r, case_proof=True))}
        rows = self.reader.query_in(self.org.counterpart_field, sorted(stored))
        wanted = set(counterpart_ids)
        return {
            item.counterpart_id: item
            for item in self.reader.read(rows)
            if item.counterpart_id in wanted
        }

    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Create, update and delete events in as few Collections calls as possible."""
        if not writes:
            return []
        return self.writer.write(writes)

    def close(self) -> None:
        """Close the HTTP session."""
        self.connection.close()
