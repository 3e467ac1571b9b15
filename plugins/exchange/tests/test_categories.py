"""The master category list: Outlook's CategoryList user configuration on the calendar folder."""

from __future__ import annotations

import pytest
from ews_testing import ALICE, utc
from exchangelib import Account
from exchangelib.errors import ErrorItemNotFound, ErrorItemSave
from lxml import etree

from calsync_exchange.emulator import EwsEmulator
from calsync_exchange.emulator.categories import colour_name, parse, render

OUTLOOK_XML = b"""<?xml version="1.0"?>
<categories default="Red Category" lastSavedSession="1" lastSavedTime="2025-01-01T00:00:00.000"
 xmlns="CategoryList.xsd">
<category name="Sync Error" color="0" keyboardShortcut="0"
 guid="{5A2D4C1E-0000-0000-0000-000000000001}"/>
<category name="Synced" color="-1" keyboardShortcut="0"
 guid="{5A2D4C1E-0000-0000-0000-000000000002}"/>
</categories>"""


def test_a_mailbox_without_a_list_answers_item_not_found(account: Account) -> None:
    with pytest.raises(ErrorItemNotFound):
        account.calendar.get_user_configuration("CategoryList")


def test_create_then_read_the_list_with_colours(account: Account, emulator: EwsEmulator) -> None:
    account.calendar.create_user_configuration("CategoryList", xml_data=OUTLOOK_XML)
    assert emulator.master_categories(ALICE) == {"Sync Error": 0, "Synced": -1}
    assert colour_name(emulator.master_categories(ALICE)["Sync Error"]) == "Red"
    config = account.calendar.get_user_configuration("CategoryList")
    assert config.xml_data == OUTLOOK_XML
    assert config.user_configuration_name.name == "CategoryList"
    assert config.id


def test_creating_it_twice_is_refused(account: Account) -> None:
    account.calendar.create_user_configuration("CategoryList", xml_data=OUTLOOK_XML)
    with pytest.raises(ErrorItemSave):
        account.calendar.create_user_configuration("CategoryList", xml_data=OUTLOOK_XML)


def test_a_seeded_list_is_read_and_updated_through_exchangelib(
    account: Account, emulator: EwsEmulator
) -> None:
    emulator.set_master_categories(ALICE, {"Blue Team": 7})
    xml = account.calendar.get_user_configuration("CategoryList", properties="XmlData").xml_data
    root = etree.fromstring(xml)
    assert [(c.get("name"), c.get("color")) for c in root] == [("Blue Team", "7")]
    assert root.nsmap[None] == "CategoryList.xsd"
    # A sync adds a red "Sync Error" category and writes the list back.
    colours = parse(xml) | {"Sync Error": 0}
    account.calendar.update_user_configuration(
        "CategoryList", xml_data=render(colours, utc(2025, 1, 6))
    )
    assert emulator.master_categories(ALICE) == {"Blue Team": 7, "Sync Error": 0}


def test_updating_a_missing_list_is_item_not_found(account: Account) -> None:
    with pytest.raises(ErrorItemNotFound):
        account.calendar.update_user_configuration("CategoryList", xml_data=OUTLOOK_XML)


def test_dictionaries_are_kept_verbatim(account: Account) -> None:
    account.calendar.create_user_configuration(
        "Calsync.Settings", dictionary={"version": 3, "enabled": True}
    )
    config = account.calendar.get_user_configuration("Calsync.Settings", properties="Dictionary")
    assert config.dictionary == {"version": 3, "enabled": True}
    account.calendar.delete_user_configuration("Calsync.Settings")
    with pytest.raises(ErrorItemNotFound):
        account.calendar.get_user_configuration("Calsync.Settings")


def test_item_categories_are_read_back(account: Account, emulator: EwsEmulator) -> None:
    emulator.add_mailbox("carol@example.com", master_categories={"Sync Error": 0})
    item_id = emulator.seed_item(
        ALICE,
        subject="x",
        start=utc(2025, 3, 3, 9),
        end=utc(2025, 3, 3, 10),
        categories=("Sync Error",),
    )
    assert emulator.categories(ALICE, item_id) == ("Sync Error",)
    assert emulator.master_categories("carol@example.com") == {"Sync Error": 0}
    assert emulator.master_categories(ALICE) == {}
