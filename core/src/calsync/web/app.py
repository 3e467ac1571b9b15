"""The console's ASGI application: routes, sign-in, the guard every page passes, actions.

Every route but the sign-in page and the static files goes through :func:`guarded`: no
page without a signed-in person, no POST without the session's CSRF token, no action
without the admin role.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractContextManager, asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from calsync.api import Calsync
from calsync.config.web import WebRole, WebUser
from calsync.errors import CalsyncError, ConfigError
from calsync.issues import ORGANISATION, Issue, Source
from calsync.state.audit import AuditLog
from calsync.web import pages
from calsync.web.actions import Action, Actions
from calsync.web.auth import (
    CSRF_FIELD,
    LoginThrottle,
    check_password,
    csrf_ok,
    csrf_token,
    sign_in,
    signed_in,
)
from calsync.web.middleware import SecureCookiesBehindTls, SecurityHeaders
from calsync.web.present import when

__all__ = ["Console", "create_app"]

log = logging.getLogger(__name__)

HERE: Final = Path(__file__).parent
#: A session lasts a working day at most.
SESSION_SECONDS: Final = 12 * 60 * 60


@dataclass(slots=True, kw_only=True)
class Console:
    """What every request works with."""

    app: Calsync
    actions: Actions
    throttle: LoginThrottle
    templates: Jinja2Templates

    def render(
        self, request: Request, name: str, context: dict[str, Any], status_code: int = 200
    ) -> Response:
        """A page from its template; every page gets the person, the token and messages."""
        settings = self.app.config.web
        user = signed_in(settings, request)
        flashes = request.session.pop("flash", []) if user else []
        return self.templates.TemplateResponse(
            request,
            name,
            {
                "user": user,
                "admin": user is not None and user.role is WebRole.ADMIN,
                "csrf_field": CSRF_FIELD,
                "csrf_token": csrf_token(request.session),
                "flashes": flashes,
                **context,
            },
            status_code=status_code,
        )

    def item_link(self, mailbox: str, side: Source, item_id: str) -> str | None:
        """A link to an item of ``mailbox`` in its service's web application, if its provider has one.

        Built by the provider without a call (:meth:`~calsync.providers.Provider.web_link`);
        a provider that cannot be built (a plugin gone, a setting refused) gives no link.
        """
        engine = self.app.engine
        try:
            if side is Source.CRM:
                return engine.crm().web_link(item_id)
            if side is Source.MAILBOX and mailbox != ORGANISATION:
                config = self.app.engine.roster.named(mailbox)
                return engine.mailbox_provider(config).web_link(item_id)
        except CalsyncError as exc:
            log.warning("no link to %s item %s: %s", side, item_id, exc)
        return None

    def counterparts(self, issues: Iterable[Issue]) -> dict[int, tuple[Source, str]]:
        """For each issue (by id) whose item is paired: the side and id of its counterpart."""
        found: dict[int, tuple[Source, str]] = {}
        wanted = [i for i in issues if i.id is not None and i.item_id is not None]
        for mailbox in {i.mailbox for i in wanted if i.mailbox != ORGANISATION}:
            pairs = self.app.state.links(mailbox)
            crm = {link.mailbox_key: link.crm_key for link in pairs}
            mail = {link.crm_key: link.mailbox_key for link in pairs}
            for issue in (i for i in wanted if i.mailbox == mailbox):
                assert issue.id is not None and issue.item_id is not None
                if issue.side is Source.MAILBOX and issue.item_id in crm:
                    found[issue.id] = (Source.CRM, crm[issue.item_id])
                elif issue.side is Source.CRM and issue.item_id in mail:
                    found[issue.id] = (Source.MAILBOX, mail[issue.item_id])
        return found
        engine = self.app.engine
        try:
            if issue.side is Source.CRM:
                return engine.crm().web_link(issue.item_id)
            if issue.side is Source.MAILBOX and issue.mailbox != ORGANISATION:
                mailbox = self.app.engine.roster.named(issue.mailbox)
                return engine.mailbox_provider(mailbox).web_link(issue.item_id)
        except CalsyncError as exc:
            log.warning("no link to %s item %s: %s", issue.side, issue.item_id, exc)
        return None


Handler = Callable[[Console, Request, WebUser, FormData | None], Response]


def guarded(handler: Handler, *, admin: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint that demands a signed-in person (an admin if ``admin``) and CSRF on POST."""

    async def endpoint(request: Request) -> Response:
        console: Console = request.app.state.console
        user = signed_in(console.app.config.web, request)
        if user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        form = None
        if request.method == "POST":
            form = await request.form()
            sent = form.get(CSRF_FIELD) or request.headers.get("x-csrf-token")
            if not csrf_ok(request.session, sent):
                return _refused(
                    console, request, 403, "The form was out of date; nothing was done."
                )
        if admin and user.role is not WebRole.ADMIN:
            return _refused(console, request, 403, "Your role is read-only; nothing was done.")
        return await run_in_threadpool(handler, console, request, user, form)

    return endpoint


def _refused(console: Console, request: Request, status: int, reason: str) -> Response:
    return console.render(request, "refused.html", {"reason": reason}, status_code=status)


# -- signing in and out ------------------------------------------------------------------------


async def login(request: Request) -> Response:
    """The sign-in page, and signing in."""
    console: Console = request.app.state.console
    target = _local(request.query_params.get("next", "/"))
    if request.method == "GET":
        if signed_in(console.app.config.web, request):
            return RedirectResponse(target, status_code=303)
        return console.render(request, "login.html", {"next": target})
    form = await request.form()
    name = str(form.get("name", "")).strip()
    password = str(form.get("password", ""))
    target = _local(str(form.get("next", "/")))
    if not csrf_ok(request.session, form.get(CSRF_FIELD)):
        return _login_again(console, request, target, 403, "The form was out of date; try again.")
    address = request.client.host if request.client else ""
    wait = console.throttle.wait(name, address)
    if wait:
        response = _login_again(
            console, request, target, 429, f"Too many failed sign-ins; try again in {wait} s."
        )
        response.headers["Retry-After"] = str(wait)
        return response
    user = await run_in_threadpool(check_password, console.app.config.web, name, password)
    if user is None:
        console.throttle.failed(name, address)
        return _login_again(console, request, target, 401, "Wrong name or password.")
    console.throttle.succeeded(name)
    sign_in(request.session, user)
    return RedirectResponse(target, status_code=303)


def _login_again(
    console: Console, request: Request, target: str, status: int, error: str
) -> Response:
    return console.render(request, "login.html", {"next": target, "error": error}, status)


def _local(target: str) -> str:
    """Only a path of this site may be where signing in leads (no open redirect)."""
    # Browsers read a backslash as a slash: "/\host" would lead to another site.
    return target if target.startswith("/") and target[1:2] not in ("/", "\\") else "/"


def logout(console: Console, request: Request, user: WebUser, form: FormData | None) -> Response:
    """Sign out."""
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# -- actions -----------------------------------------------------------------------------------


def act(console: Console, request: Request, user: WebUser, form: FormData | None) -> Response:
    """Confirm an action, then carry it out and go back to where it was asked from."""
    assert form is not None
    try:
        action = Action(request.path_params["action"])
    except ValueError:
        return _refused(console, request, 404, "There is no such action.")
    names = [str(n) for n in form.getlist("mailbox")]
    back = _local(str(form.get("back", "/mailboxes")))
    if not names:
        request.session["flash"] = ["Choose at least one mailbox."]
        return RedirectResponse(back, status_code=303)
    try:
        for name in names:
            console.app.engine.roster.named(name)
    except ConfigError:
        return _refused(console, request, 404, "There is no such mailbox.")
    if form.get("confirmed") != "yes":
        return console.render(
            request, "confirm.html", {"action": action, "mailboxes": names, "back": back}
        )
    request.session["flash"] = console.actions.run(action, names, user.name)
    return RedirectResponse(back, status_code=303)


# -- the application ---------------------------------------------------------------------------


def _workers_queue() -> Callable[[str, bool], None] | None:
    """How the actions queue a pass for the workers, when a broker is configured."""
    from calsync.workers.enqueue import enqueue_passes, workers_configured

    if not workers_configured():
        return None

    def queue(name: str, allow_mass_delete: bool) -> None:
        enqueue_passes([name], allow_mass_delete=allow_mass_delete)

    return queue


def create_app(
    app: Calsync, *, worker: Callable[[], AbstractContextManager[Calsync]] | None = None
) -> Starlette:
    """The console over ``app`` (its configuration, state and engine).

    :param worker: opens the Calsync a background pass runs on (by default a new one from
        the configuration file, closed after the pass).
    """
    config = app.config
    if worker is None:
        if config.path is None:
            raise ConfigError("the console needs a configuration read from a file")
        path = config.path

        def worker() -> AbstractContextManager[Calsync]:
            return closing(Calsync.from_file(path))

    settings = config.web
    secret = settings.session_secret.reveal() if settings.session_secret else None
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(when=when)
    console = Console(
        app=app,
        actions=Actions(app, worker, AuditLog(app.state), queue=_workers_queue()),
        throttle=LoginThrottle(settings.login_attempts, settings.login_window),
        templates=templates,
    )
    templates.env.globals.update(item_link=console.item_link)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> Any:
        yield
        await run_in_threadpool(console.actions.close)

    routes = [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", guarded(logout), methods=["POST"]),
        Route("/", guarded(pages.overview)),
        Route("/mailboxes", guarded(pages.mailboxes)),
        Route("/mailboxes/{name}", guarded(pages.mailbox)),
        Route("/mailboxes/{name}/status", guarded(pages.mailbox_status)),
        Route("/issues", guarded(pages.issues)),
        Route("/exceptions", guarded(pages.exceptions)),
        Route("/audit", guarded(pages.audit)),
        Route("/actions/{action}", guarded(act, admin=True), methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def unavailable(request: Request, exc: Exception) -> Response:
        # calsync's own errors (the state database locked or gone...) are said, not traced.
        log.warning("console page %s: %s", request.url.path, exc)
        return _refused(console, request, 503, f"calsync cannot answer right now: {exc}")

    application = Starlette(
        routes=routes,
        exception_handlers={CalsyncError: unavailable},
        middleware=[
            Middleware(SecureCookiesBehindTls),
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=secret or secrets.token_urlsafe(32),
                session_cookie="calsync_session",
                max_age=SESSION_SECONDS,
                same_site="strict",
            ),
        ],
        lifespan=lifespan,
    )
    application.state.console = console
    return application
