"""SOAP envelopes, response messages and faults, in the shapes Exchange writes them.

Every answer carries ``t:ServerVersionInfo`` in the SOAP header. Operation answers are
``m:{Op}Response/m:ResponseMessages/m:{Op}ResponseMessage`` with a ``ResponseClass``, an
optional ``m:MessageText``, ``m:ResponseCode`` and the payload; request-level failures are
SOAP faults sent with HTTP 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from lxml import etree

from calsync_exchange.emulator._xml import NSMAP, SOAP, E, Element, T, m, sub, t, to_bytes
from calsync_exchange.emulator.errors import EwsError, SoapFault

CONTENT_TYPE = "text/xml; charset=utf-8"


@final
@dataclass(frozen=True, slots=True)
class ServerBuild:
    """The build the server reports (``ServerVersionInfo``)."""

    major: int = 15
    minor: int = 1
    build: int = 2507
    revision: int = 0
    #: The schema version string Exchange 2016 CU servers report.
    version: str = "V2017_07_11"


def envelope(build: ServerBuild) -> tuple[Element, Element]:
    """Return a new envelope with the version header; returns (envelope, body)."""
    env = etree.Element(f"{{{SOAP}}}Envelope", nsmap=NSMAP)
    header = sub(env, f"{{{SOAP}}}Header")
    sub(
        header,
        t("ServerVersionInfo"),
        MajorVersion=str(build.major),
        MinorVersion=str(build.minor),
        MajorBuildNumber=str(build.build),
        MinorBuildNumber=str(build.revision),
        Version=build.version,
    )
    return env, sub(env, f"{{{SOAP}}}Body")


class Response:
    """An operation answer being built: one response message per input item."""

    def __init__(self, operation: str, build: ServerBuild) -> None:
        """Start ``m:{operation}Response``."""
        self.operation = operation
        self.envelope, body = envelope(build)
        response = sub(body, m(f"{operation}Response"))
        self.messages = sub(response, m("ResponseMessages"))

    def success(self) -> Element:
        """Append a ``Success``/``NoError`` message and return it for the payload."""
        message = sub(self.messages, m(f"{self.operation}ResponseMessage"), ResponseClass="Success")
        sub(message, m("ResponseCode"), "NoError")
        return message

    def error(self, error: EwsError) -> Element:
        """Append an ``Error`` message for ``error`` and return it."""
        message = sub(self.messages, m(f"{self.operation}ResponseMessage"), ResponseClass="Error")
        sub(message, m("MessageText"), error.message)
        sub(message, m("ResponseCode"), error.code)
        sub(message, m("DescriptiveLinkKey"), "0")
        if error.field_uri is not None:
            xml = sub(message, m("MessageXml"))
            sub(xml, t("FieldURI"), FieldURI=error.field_uri)
        return message

    def body(self) -> bytes:
        """Return the serialised document."""
        return to_bytes(self.envelope)


def fault_body(fault: SoapFault, build: ServerBuild | None = None) -> bytes:
    """Return a SOAP fault document for ``fault`` (throttling, schema errors, impersonation...)."""
    env = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"s": SOAP})
    if build is not None:
        header = sub(env, f"{{{SOAP}}}Header")
        sub(
            header,
            f"{{{T}}}ServerVersionInfo",
            MajorVersion=str(build.major),
            MinorVersion=str(build.minor),
            MajorBuildNumber=str(build.build),
            MinorBuildNumber=str(build.revision),
            Version=build.version,
        )
    body = sub(env, f"{{{SOAP}}}Body")
    elem = sub(body, f"{{{SOAP}}}Fault")
    code = etree.SubElement(elem, "faultcode", nsmap={"a": T})
    code.text = f"a:{fault.code}"
    string = etree.SubElement(elem, "faultstring")
    string.set("{http://www.w3.org/XML/1998/namespace}lang", "en-US")
    string.text = fault.message if fault.violation is None else f"{fault.message} {fault.violation}"
    detail = etree.SubElement(elem, "detail")
    sub(detail, f"{{{E}}}ResponseCode", fault.code)
    sub(detail, f"{{{E}}}Message", fault.message)
    if fault.back_off_ms is not None or fault.violation is not None:
        xml = sub(detail, f"{{{T}}}MessageXml")
        if fault.back_off_ms is not None:
            sub(xml, f"{{{T}}}Value", str(fault.back_off_ms), Name="BackOffMilliseconds")
        if fault.violation is not None:
            sub(xml, f"{{{T}}}LineNumber", "1")
            sub(xml, f"{{{T}}}LinePosition", "1")
            sub(xml, f"{{{T}}}Violation", fault.violation)
    return to_bytes(env)
