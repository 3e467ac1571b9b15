"""The connected org as the provider knows it: describe, users' zones, the integration user."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from calsync.errors import ProviderError
from calsync.providers import CrmFeatures
from calsync_salesforce.connection import Connection
from calsync_salesforce.payloads import TEXT_LENGTHS, WriteShape
from calsync_salesforce.replies import expect_dict, records_of
from calsync_salesforce.schema import TEXT_FIELDS, EventSchema
from calsync_salesforce.wire import in_chunks, soql_list

__all__ = ["OrgView"]

log = logging.getLogger(__name__)


class OrgView:
    """Describes the org once (again on :meth:`refresh`) and caches users' time zones.

    :param counterpart_field: the Event External ID field that stores counterpart ids.
    :param multiday_events: whether the org allows events longer than a day.
    """

    def __init__(
        self, connection: Connection, *, counterpart_field: str, multiday_events: bool
    ) -> None:
        """Describe lazily, on first need."""
        self.connection = connection
        self.counterpart_field = counterpart_field
        self.multiday_events = multiday_events
        self._schema: EventSchema | None = None
        self._zones: dict[str, str] = {}
        self._me: str | None = None

    def refresh(self) -> EventSchema:
        """Describe Event again (and User, only if Event lacks the zone list); forget cached zones."""
        event = self.connection.call(lambda sf: sf.restful("sobjects/Event/describe"))
        schema = EventSchema.from_describe(event)
        if not schema.zones:
            user = self.connection.call(lambda sf: sf.restful("sobjects/User/describe"))
            schema = EventSchema.from_describe(event, user)
        self._schema = schema
        self._zones.clear()
        return self._schema

    def integration_user(self) -> str:
        """The id of the user calsync is signed in as (asked once, then kept).

        From the UserInfo endpoint, which answers for the access token's own user, its
        ``user_id`` among the claims ("Query for User Information":
        https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm).
        When the org refuses the question (a connected app not allowed to ask), the answer is
        ``""`` for the provider's life: a write the org reshaped is then taken for a change,
        synced once, and settles. Refused credentials, throttling and outages are raised.
        """
        if self._me is None:
            try:
                answer = self.connection.call(lambda sf: sf.oauth2("userinfo"))
            except ProviderError as exc:
                if type(exc) is not ProviderError:
                    raise
                log.warning("Salesforce did not say who the integration user is: %s", exc)
                answer = {}
            self._me = str(expect_dict(answer, "userinfo").get("user_id") or "")
        return self._me

    def remember_zones(self, zones: Mapping[str, str]) -> None:
        """Users' ``TimeZoneSidKey`` learnt elsewhere (the users lookup), saving a query."""
        self._zones.update(zones)

    @property
    def schema(self) -> EventSchema:
        """The cached describe (described now if never before)."""
        return self._schema or self.refresh()

    def features(self) -> CrmFeatures:
        """What the org supports, described afresh."""
        return self.refresh().features(multiday_events=self.multiday_events)

    @property
    def select(self) -> str:
        """The SELECT list of every Event query."""
        return ", ".join(self.schema.select(self.counterpart_field))

    @property
    def shape(self) -> WriteShape:
        """How the org takes events, for writes."""
        return WriteShape(
            shared_activities=self.schema.shared_activities,
            counterpart_field=self.counterpart_field,
            case_proof_refs=self.counterpart_field not in self.schema.case_sensitive,
            lengths={
                **TEXT_LENGTHS,
                **{TEXT_FIELDS[name]: n for name, n in self.schema.lengths.items()},
            },
        )

    @property
    def has_counterpart_field(self) -> bool:
        """Whether the org has the counterpart field (and the user may read it)."""
        return self.counterpart_field in self.schema.fields

    def zones(self, user_ids: Iterable[str]) -> dict[str, str]:
        """``TimeZoneSidKey`` of each user (one query for those not cached yet)."""
        wanted = sorted({u for u in user_ids if u})
        missing = [u for u in wanted if u not in self._zones]
        for chunk in in_chunks(missing):
            soql = f"SELECT Id, TimeZoneSidKey FROM User WHERE Id IN {soql_list(chunk)}"
            result = self.connection.query_all(soql)
            for row in records_of(result):
                self._zones[str(row["Id"])] = str(row.get("TimeZoneSidKey") or "GMT")
        return {u: self._zones[u] for u in wanted if u in self._zones}
