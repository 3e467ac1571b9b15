"""The same emulator served over real sockets on 127.0.0.1 (plain http endpoint)."""

from __future__ import annotations

from datetime import date

from ews_testing import ALICE, PASSWORD, utc
from exchangelib import CalendarItem, EWSDate, EWSDateTime
from exchangelib import recurrence as xr

from calsync.emulation.server import EmulatorServer
from calsync_exchange.emulator import EwsEmulator, server_account


def test_exchangelib_over_sockets(emulator: EwsEmulator) -> None:
    with (
        EmulatorServer(emulator) as server,
        server_account(emulator, server.url, ALICE, password=PASSWORD) as account,
    ):
        assert account.protocol.service_endpoint == f"{server.url}/EWS/Exchange.asmx"
        tz = account.default_timezone
        master = CalendarItem(
            folder=account.calendar,
            subject="Weekly",
            start=EWSDateTime(2025, 3, 3, 9, tzinfo=tz),
            end=EWSDateTime(2025, 3, 3, 9, 30, tzinfo=tz),
            recurrence=xr.Recurrence(
                pattern=xr.WeeklyPattern(interval=1, weekdays=[1]),
                start=EWSDate(2025, 3, 3),
                number=3,
            ),
            crm_id="00U9",
        )
        master.save()
        view = list(
            account.calendar.view(
                start=EWSDateTime(2025, 3, 1, tzinfo=tz), end=EWSDateTime(2025, 4, 1, tzinfo=tz)
            )
        )
        assert [o.start for o in view] == [
            utc(2025, 3, 3, 8),
            utc(2025, 3, 10, 8),
            utc(2025, 3, 17, 8),
        ]
        assert [i.subject for i in account.calendar.filter(crm_id="00U9")] == ["Weekly"]
        changes = list(account.calendar.sync_items())
        assert [(kind, item.id) for kind, item in changes] == [("create", master.id)]
    stored = emulator.item(ALICE, master.id)
    assert stored is not None
    assert stored["recurrence"]["start_date"] == date(2025, 3, 3)
    assert emulator.counts["SyncFolderItems"] == 1
