"""Markers as categories, the master category list, and stale change keys retried once."""

from __future__ import annotations

import dataclasses

from ews_testing import ALICE, PASSWORD
from provider_testing import provider_for, utc

from calsync.emulation import HttpRequest, HttpResponse
from calsync.markers import Marker, MarkerChange
from calsync.model import CalendarItem
from calsync.providers import Write
from calsync_exchange import ExchangeMailbox
from calsync_exchange.emulator import EwsEmulator

MARKER = Marker(
    code="UNSUPPORTED_TIME_ZONE", detail="The time zone Customized Time Zone has no equivalent"
)


def _item(emulator: EwsEmulator, subject: str = "Item", **fields: object) -> str:
    return emulator.seed_item(
        ALICE, subject=subject, start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10), **fields
    )


def test_a_marker_is_a_red_flag_and_a_colourless_detail_category(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    item_id = _item(emulator, categories=("Blue team", "Customer"))
    emulator.set_master_categories(ALICE, {"Blue team": 7, "Customer": 4})
    [result] = provider.set_markers([MarkerChange(item_id=item_id, marker=MARKER)])
    flag, detail = MARKER.labels
    assert emulator.categories(ALICE, item_id) == ("Blue team", "Customer", flag, detail)
    assert emulator.master_categories(ALICE) == {"Blue team": 7, "Customer": 4, flag: 0, detail: -1}
    stored = emulator.item(ALICE, item_id)
    assert result.ref is not None and stored is not None
    assert result.ref.change_token == stored["change_key"]
    # The pulled item shows the person's own categories only.
    [pulled] = provider.pull(None).changed
    assert pulled.categories == ("Blue team", "Customer")
    assert provider.set_markers([MarkerChange(item_id=item_id, marker=None)])[0].ok
    assert emulator.categories(ALICE, item_id) == ("Blue team", "Customer")
    assert emulator.invitations_sent == 0


def test_markers_are_set_in_batches_and_the_list_is_read_once(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    ids = [_item(emulator, f"Item {n}") for n in range(3)]
    emulator.reset_counts()
    other = Marker(code="INTERNAL_ERROR", detail="Something else")
    results = provider.set_markers(
        [
            MarkerChange(item_id=ids[0], marker=MARKER),
            MarkerChange(item_id=ids[1], marker=other),
            MarkerChange(item_id=ids[2], marker=None),  # nothing to remove: no write
            MarkerChange(item_id="AAMkbm90LWFuLWlk", marker=MARKER),
        ]
    )
    assert [r.ok for r in results] == [True, True, True, False]
    assert emulator.counts == {
        "GetItem": 1,
        "GetUserConfiguration": 1,
        "CreateUserConfiguration": 1,
        "UpdateItem": 1,
    }
    emulator.reset_counts()
    # Moving a marker to another item needs no list write; the list is not read again.
    provider.set_markers(
        [MarkerChange(item_id=ids[0], marker=None), MarkerChange(item_id=ids[2], marker=MARKER)]
    )
    assert emulator.counts == {"GetItem": 1, "UpdateItem": 1}
    assert emulator.categories(ALICE, ids[0]) == ()
    assert emulator.categories(ALICE, ids[2]) == MARKER.labels


def test_a_recoloured_flag_is_made_red_again(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    item_id = _item(emulator)
    emulator.set_master_categories(ALICE, {"Sync Error": 4})
    provider.set_markers([MarkerChange(item_id=item_id, marker=MARKER)])
    assert emulator.master_categories(ALICE)["Sync Error"] == 0


def test_a_marker_with_another_title(provider: ExchangeMailbox, emulator: EwsEmulator) -> None:
    item_id = _item(emulator, categories=("Mine",))
    marker = Marker(code="X", detail="Fehler", title="Sync-Fehler")
    provider.set_markers([MarkerChange(item_id=item_id, marker=marker)])
    assert emulator.categories(ALICE, item_id) == ("Mine", "Sync-Fehler", "Sync-Fehler: Fehler")
    [pulled] = provider.pull(None).changed
    assert pulled.categories == ("Mine",)


class _ChangesUnderfoot:
    """A transport on which the item changes in Outlook just before the first update arrives.

    The first UpdateItem is also sent as ``NeverOverwrite``, as a server that refuses stale
    change keys answers it: ``ErrorIrresolvableConflict``.
    """

    def __init__(self, emulator: EwsEmulator, item_id: str) -> None:
        self.emulator, self.item_id, self.done = emulator, item_id, False

    def handle(self, request: HttpRequest) -> HttpResponse:
        if not self.done and self.emulator.endpoint_of(request) == "UpdateItem":
            self.done = True
            self.emulator.update_item(ALICE, self.item_id, location="Changed in Outlook")
            body = request.body.replace(
                b'ConflictResolution="AutoResolve"', b'ConflictResolution="NeverOverwrite"'
            )
            request = dataclasses.replace(request, body=body)
        return self.emulator.handle(request)


def test_a_stale_change_key_is_read_again_and_retried_once(emulator: EwsEmulator) -> None:
    item_id = _item(emulator, "Before")
    transport = _ChangesUnderfoot(emulator, item_id)
    provider = provider_for(transport, ALICE, PASSWORD)  # type: ignore[arg-type]
    item = CalendarItem(subject="After", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    [result] = provider.write([Write.update(item_id, item, frozenset({"subject"}))])
    assert result.ok and result.ref is not None
    stored = emulator.item(ALICE, item_id)
    assert stored is not None
    assert (stored["subject"], stored["location"]) == ("After", "Changed in Outlook")
    assert result.ref.change_token == stored["change_key"]
    assert emulator.counts["UpdateItem"] == 2
    provider.close()
