"""A stateful emulator of the Salesforce REST API for simple-salesforce 1.12.10.

``SalesforceEmulator`` is the transport-neutral core (a :class:`calsync.emulation.Emulator`);
``emulator.org`` (:class:`Org`) is its store with the typed seed and read API; the helpers
in :mod:`.transport` connect a real ``simple_salesforce.Salesforce`` to it in process or
through :class:`calsync.emulation.server.EmulatorServer`.

Seed and read API (``emulator.org``): ``add_user``, ``expire_session``, ``open_session``,
``add_contact``, ``add_lead``, ``add_account``, ``add_opportunity``, ``configure`` (org
settings), ``use_api_requests``, ``declare_field`` / ``drop_field``, ``deny_field`` /
``allow_field`` (field-level security), ``add_validation_rule`` / ``remove_validation_rule``,
``insert_event``, ``update_event``, ``delete_record``, ``invite``; reads ``event``, ``events``,
``children``, ``relations``, ``record``, ``records``, ``deleted_ids``, ``snapshot``.

Example::

    emulator = SalesforceEmulator(clock=FrozenClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    user_id, session_id = emulator.org.add_user("ann@acme.test", time_zone="Europe/Berlin")
    sf = connect(emulator, session_id)
    sf.Event.create({"Subject": "Call", "StartDateTime": "2026-03-03T09:00:00Z",
                     "DurationInMinutes": 30})
"""

from __future__ import annotations

from calsync_salesforce.emulator.context import Caller
from calsync_salesforce.emulator.emulator import DEFAULT_INSTANCE_URL, SalesforceEmulator
from calsync_salesforce.emulator.errors import SalesforceError
from calsync_salesforce.emulator.org import Org
from calsync_salesforce.emulator.schema import FieldDef, FieldType, custom_field
from calsync_salesforce.emulator.settings import Access, OrgSettings
from calsync_salesforce.emulator.timezones import SALESFORCE_TIME_ZONES
from calsync_salesforce.emulator.transport import connect, in_process_session, socket_session

__all__ = [
    "DEFAULT_INSTANCE_URL",
    "SALESFORCE_TIME_ZONES",
    "Access",
    "Caller",
    "FieldDef",
    "FieldType",
    "Org",
    "OrgSettings",
    "SalesforceEmulator",
    "SalesforceError",
    "connect",
    "custom_field",
    "in_process_session",
    "socket_session",
]
