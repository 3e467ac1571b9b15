"""The EWS emulator: request routing, authentication, SOAP dispatch and fault injection."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final
from urllib.parse import urlsplit

from calsync.emulation import Clock, Emulator, Fault, FaultKind, HttpRequest, HttpResponse
from calsync_exchange.emulator import (
    auth,
    faults,
    ops_config,
    ops_find,
    ops_folders,
    ops_items,
    ops_sync,
    ops_update,
    timezones,
)
from calsync_exchange.emulator._xml import SOAP, Element, XmlSyntaxError, local, parse, t
from calsync_exchange.emulator.context import Context
from calsync_exchange.emulator.errors import EwsError, SoapFault, schema_error
from calsync_exchange.emulator.seeding import SeedApi
from calsync_exchange.emulator.soap import CONTENT_TYPE, Response, ServerBuild, fault_body
from calsync_exchange.emulator.store import EwsStore
from calsync_exchange.emulator.values import TimeZoneSpec, WindowsTimeZone

EWS_PATH = re.compile(r"^/EWS/Exchange\.asmx$", re.IGNORECASE)
TOKEN_ENDPOINT = "oauth2/token"

Handler = Callable[[Context], Response]

OPERATIONS: dict[str, Handler] = {
    "GetFolder": ops_folders.get_folder,
    "FindFolder": ops_folders.find_folder,
    "FindItem": ops_find.find_item,
    "GetItem": ops_items.get_item,
    "CreateItem": ops_items.create_item,
    "UpdateItem": ops_update.update_item,
    "DeleteItem": ops_items.delete_item,
    "SyncFolderItems": ops_sync.sync_folder_items,
    "GetUserConfiguration": ops_config.get_user_configuration,
    "CreateUserConfiguration": ops_config.create_user_configuration,
    "UpdateUserConfiguration": ops_config.update_user_configuration,
    "DeleteUserConfiguration": ops_config.delete_user_configuration,
}


def _unavailable(ctx: Context) -> Response:
    """Any other operation: an ``ErrorInvalidOperation`` response message, as Exchange fails one.

    EWS reports that an operation failed in the operation's own response, a response message
    with ``ResponseClass="Error"`` and a code of ResponseCodeType (EWS reference, ResponseCode
    element, which lists ``ErrorInvalidOperation``:
    https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/responsecode).
    So a client sees the error a real server can give (exchangelib raises
    ``ErrorInvalidOperation``), never an HTTP 500 the emulator made up.
    """
    operation = local(ctx.payload)
    response = Response(operation, ctx.build)
    response.error(EwsError("ErrorInvalidOperation", f"{operation} is not available here."))
    return response


def _xml(status: int, body: bytes) -> HttpResponse:
    return HttpResponse(status=status, headers={"Content-Type": CONTENT_TYPE}, body=body)


#: The operations on a batch of items, where a partial failure fails the last one.
_ITEM_BATCHES: Final = frozenset({"GetItem", "CreateItem", "UpdateItem", "DeleteItem"})


class EwsEmulator(SeedApi, Emulator):
    """A stateful Exchange Web Services endpoint (plus the Entra ID token endpoint).

    Point exchangelib at it in process with
    ``BaseProtocol.HTTP_ADAPTER_CLS = InProcessAdapter.bound_to(emulator)`` (see
    :mod:`calsync_exchange.emulator.client`), or serve it with
    :class:`calsync.emulation.server.EmulatorServer` and use
    ``http://127.0.0.1:PORT/EWS/Exchange.asmx``. Request counters are per SOAP operation
    (``emulator.counts["FindItem"]``) plus ``oauth2/token``.

    :param clock: drives ``DateTimeCreated``/``LastModifiedTime`` and token expiry.
    :param build: the server version reported in ``ServerVersionInfo``.
    """

    def __init__(self, *, clock: Clock | None = None, build: ServerBuild | None = None) -> None:
        """Start with an empty organisation."""
        super().__init__(clock=clock)
        self.build = build or ServerBuild()
        self.store = EwsStore(self.clock)
        self._fail_last = False

    # -- Emulator contract -------------------------------------------------------------------

    def endpoint_of(self, request: HttpRequest) -> str:
        """Return the SOAP operation (local name of ``Body[0]``), or ``oauth2/token``."""
        parts = urlsplit(request.url)
        if parts.hostname == auth.TOKEN_HOST and auth.TOKEN_PATH.match(parts.path):
            return TOKEN_ENDPOINT
        if not EWS_PATH.match(parts.path):
            return "unknown"
        try:
            return local(self._operation(parse(request.body)))
        except (XmlSyntaxError, SoapFault):
            return "InvalidRequest"

    def dispatch(self, endpoint: str, request: HttpRequest) -> HttpResponse:
        """Answer one request from the store."""
        fail_last, self._fail_last = self._fail_last, False
        if endpoint == TOKEN_ENDPOINT:
            match = auth.TOKEN_PATH.match(urlsplit(request.url).path)
            assert match is not None
            return auth.token_endpoint(self.store, request, match["tenant"])
        if endpoint == "unknown":
            return HttpResponse(
                status=404, headers={"Content-Type": "text/html"}, body=b"Not Found"
            )
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        try:
            identity = auth.authenticate(self.store, request)
        except auth.AuthFailure as failure:
            return failure.response()
        try:
            return self._soap(identity, request, fail_last)
        except SoapFault as fault:
            return _xml(500, fault_body(fault, self.build))

    def fault_applies(self, endpoint: str, request: HttpRequest, fault: Fault) -> bool:
        """A partial failure waits, armed, for an operation on a batch of items."""
        if fault.kind is FaultKind.PARTIAL_FAILURE:
            return endpoint in _ITEM_BATCHES
        return True

    def render_fault(self, endpoint: str, request: HttpRequest, fault: Fault) -> HttpResponse:
        """Answer an armed fault the way Exchange fails (see :mod:`.faults`)."""
        if endpoint == TOKEN_ENDPOINT:
            return faults.render_token_fault(fault)
        if fault.kind is FaultKind.PARTIAL_FAILURE:
            self._fail_last = True
            return self.dispatch(endpoint, request)
        if fault.kind is FaultKind.CURSOR_EXPIRED:
            for mailbox in self.store.mailboxes.values():
                mailbox.sync_epoch += 1
            if endpoint != "SyncFolderItems":
                return self.dispatch(endpoint, request)
            response = Response("SyncFolderItems", self.build)
            ops_sync.invalid_state(response)
            return _xml(200, response.body())
        if fault.kind is FaultKind.AUTH_EXPIRED:
            self._revoke_bearer(request)
        return faults.render_ews_fault(fault, request, self.build)

    def reset(self) -> None:
        """Forget every mailbox, application, token, message, counter and armed fault."""
        self.store = EwsStore(self.clock)
        self.faults.clear()
        self.reset_counts()

    # -- SOAP ------------------------------------------------------------------------------------

    @staticmethod
    def _operation(envelope: Element) -> Element:
        body = envelope.find(f"{{{SOAP}}}Body")
        if envelope.tag != f"{{{SOAP}}}Envelope" or body is None or len(body) != 1:
            raise schema_error("The request is not a SOAP envelope with one operation in its Body.")
        return body[0]

    def _soap(self, identity: auth.Identity, request: HttpRequest, fail_last: bool) -> HttpResponse:
        try:
            envelope = parse(request.body)
        except XmlSyntaxError as exc:
            raise schema_error(f"The request is not well-formed XML: {exc}") from None
        payload = self._operation(envelope)
        header = envelope.find(f"{{{SOAP}}}Header")
        impersonated = None
        zone: TimeZoneSpec | None = None
        if header is not None:
            impersonated = header.findtext(
                f"{t('ExchangeImpersonation')}/{t('ConnectingSID')}/{t('PrimarySmtpAddress')}"
            )
            definition = header.find(f"{t('TimeZoneContext')}/{t('TimeZoneDefinition')}")
            if definition is not None and definition.get("Id"):
                zone = WindowsTimeZone(definition.get("Id", ""))
                try:
                    timezones.validate(zone)
                except timezones.UnknownTimeZoneError:
                    raise SoapFault("ErrorTimeZone", "The time zone isn't valid.") from None
        acting = auth.acting_mailbox(
            self.store, identity, impersonated, request.headers.get("x-anchormailbox")
        )
        operation = local(payload)
        handler = OPERATIONS.get(operation, _unavailable)
        ctx = Context(
            store=self.store,
            build=self.build,
            identity=identity,
            acting=acting,
            payload=payload,
            zone_context=zone,
            fail_last=fail_last,
        )
        try:
            response = handler(ctx)
        except EwsError as error:
            response = Response(operation, self.build)
            response.error(error)
        return _xml(200, response.body())

    def _revoke_bearer(self, request: HttpRequest) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        record = self.store.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if record is not None:
            record.revoked = True
