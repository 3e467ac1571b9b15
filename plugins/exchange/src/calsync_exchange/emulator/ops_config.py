"""Get/Create/Update/DeleteUserConfiguration: folder-associated configuration objects.

Outlook's master category list is one of them (``CategoryList`` on the calendar folder,
XML in ``XmlData``). Exchange stores dictionaries, XML and binary data as given; the
emulator does the same and keeps the ``t:Dictionary`` element verbatim.
"""

from __future__ import annotations

import base64

from lxml import etree

from calsync_exchange.emulator import ids
from calsync_exchange.emulator._xml import Element, m, parse_bool, render_bool, sub, t
from calsync_exchange.emulator.context import Context
from calsync_exchange.emulator.errors import EwsError, schema_error
from calsync_exchange.emulator.records import MailboxRecord, UserConfigurationRecord
from calsync_exchange.emulator.soap import Response
from calsync_exchange.emulator.xml_item import parse_base64
from calsync_exchange.emulator.xml_request import parse_folder

_PROPERTIES = ("Id", "Dictionary", "XmlData", "BinaryData", "All")


def _name(ctx: Context, elem: Element | None) -> tuple[MailboxRecord, str, str, Element]:
    """Mailbox, folder and configuration name from a ``UserConfigurationName``."""
    if elem is None or elem.get("Name") is None or len(elem) != 1:
        raise schema_error("UserConfigurationName needs a Name and a folder id.")
    mailbox, folder = ctx.folder(parse_folder(elem[0]))
    return mailbox, folder, elem.get("Name", ""), elem[0]


def _render(
    message: Element, record: UserConfigurationRecord, name: str, folder_elem: Element, wanted: str
) -> None:
    config = sub(message, m("UserConfiguration"))
    name_elem = sub(config, t("UserConfigurationName"), Name=name)
    name_elem.append(etree.fromstring(etree.tostring(folder_elem)))
    sub(config, t("ItemId"), Id=record.item_id, ChangeKey=ids.change_key(0, record.version))
    if wanted in ("Dictionary", "All") and record.dictionary_xml is not None:
        config.append(etree.fromstring(record.dictionary_xml))
    if wanted in ("XmlData", "All") and record.xml_data is not None:
        sub(config, t("XmlData"), base64.b64encode(record.xml_data).decode("ascii"))
    if wanted in ("BinaryData", "All") and record.binary_data is not None:
        sub(config, t("BinaryData"), base64.b64encode(record.binary_data).decode("ascii"))


def get_user_configuration(ctx: Context) -> Response:
    """Answer GetUserConfiguration."""
    wanted = ctx.payload.findtext(m("UserConfigurationProperties")) or "All"
    if wanted not in _PROPERTIES:
        raise schema_error(f"Invalid UserConfigurationProperties {wanted!r}.")
    response = ctx.response("GetUserConfiguration")
    try:
        mailbox, folder, name, folder_elem = _name(
            ctx, ctx.payload.find(m("UserConfigurationName"))
        )
        record = mailbox.configurations.get((folder, name))
        if record is None:
            raise EwsError("ErrorItemNotFound")
    except EwsError as error:
        response.error(error)
        return response
    _render(response.success(), record, name, folder_elem, wanted)
    return response


def _payload(ctx: Context) -> tuple[Element, Element]:
    config = ctx.payload.find(m("UserConfiguration"))
    if config is None:
        raise schema_error("The request needs a UserConfiguration.")
    name = config.find(t("UserConfigurationName"))
    if name is None:
        raise schema_error("UserConfiguration needs a UserConfigurationName.")
    return config, name


def _canonical_dictionary(dictionary: Element) -> bytes:
    """Return the dictionary as Exchange returns it: typed values in their canonical form."""
    copy = etree.fromstring(etree.tostring(dictionary))
    for typed in copy.iter(t("DictionaryKey"), t("DictionaryValue")):
        kind = typed.findtext(t("Type"))
        for value in typed.findall(t("Value")):
            try:
                if kind == "Boolean":
                    value.text = render_bool(parse_bool(value.text or ""))
                elif kind in (
                    "Integer32",
                    "UnsignedInteger32",
                    "Integer64",
                    "UnsignedInteger64",
                    "Byte",
                ):
                    value.text = str(int(value.text or ""))
            except ValueError:
                raise schema_error(
                    f"The dictionary value {value.text!r} is not a valid {kind}."
                ) from None
    return etree.tostring(copy)


def _write(record: UserConfigurationRecord, config: Element) -> None:
    dictionary = config.find(t("Dictionary"))
    if dictionary is not None:
        record.dictionary_xml = _canonical_dictionary(dictionary)
    for tag, attr in (("XmlData", "xml_data"), ("BinaryData", "binary_data")):
        text = config.findtext(t(tag))
        if text is not None:
            try:
                setattr(record, attr, parse_base64(text))
            except ValueError:
                raise schema_error(f"{tag} is not valid base64.") from None


def create_user_configuration(ctx: Context) -> Response:
    """Answer CreateUserConfiguration (an existing name is refused)."""
    config, name_elem = _payload(ctx)
    response = ctx.response("CreateUserConfiguration")
    try:
        mailbox, folder, name, _ = _name(ctx, name_elem)
        if (folder, name) in mailbox.configurations:
            raise EwsError(
                "ErrorItemSave", "A user configuration object with this name already exists."
            )
    except EwsError as error:
        response.error(error)
        return response
    number = ctx.store.next_version()
    record = UserConfigurationRecord(item_id=ids.config_id(mailbox.index, number), version=number)
    _write(record, config)
    mailbox.configurations[(folder, name)] = record
    response.success()
    return response


def update_user_configuration(ctx: Context) -> Response:
    """Answer UpdateUserConfiguration (replaces the parts the request carries)."""
    config, name_elem = _payload(ctx)
    response = ctx.response("UpdateUserConfiguration")
    try:
        mailbox, folder, name, _ = _name(ctx, name_elem)
        record = mailbox.configurations.get((folder, name))
        if record is None:
            raise EwsError("ErrorItemNotFound")
    except EwsError as error:
        response.error(error)
        return response
    _write(record, config)
    record.version = ctx.store.next_version()
    response.success()
    return response


def delete_user_configuration(ctx: Context) -> Response:
    """Answer DeleteUserConfiguration."""
    response = ctx.response("DeleteUserConfiguration")
    try:
        mailbox, folder, name, _ = _name(ctx, ctx.payload.find(m("UserConfigurationName")))
        if mailbox.configurations.pop((folder, name), None) is None:
            raise EwsError("ErrorItemNotFound")
    except EwsError as error:
        response.error(error)
        return response
    response.success()
    return response
