"""The console's pages, each read through calsync's API (:class:`~calsync.api.Calsync`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from calsync.config.web import WebUser
from calsync.errors import ConfigError
from calsync.issues import CATALOGUE, Issue, Source
from calsync.providers import ApiUsage
from calsync.state.records import MailboxStatus
from calsync.status import MailboxView, OrgView
from calsync.web.actions import Action
from calsync.web.chart import activity, window_start
from calsync.web.present import MAILBOX_COLUMNS, MailboxQuery

if TYPE_CHECKING:
    from calsync.web.app import Console

__all__ = ["audit", "exceptions", "issues", "mailbox", "mailbox_status", "mailboxes", "overview"]

#: The issue filter's states.
STATES: Final = ("open", "resolved", "all")
#: Passes shown on a mailbox's page.
HISTORY: Final = 20


def overview(console: Console, request: Request, user: WebUser, form: FormData | None) -> Response:
    """The organisation: activity, figures, suspended mailboxes, the 24-hour chart."""
    app = console.app
    view = app.status()
    now = app.clock()
    since = window_start(now)
    recent_issues = [i for i in app.issues(open_only=False) if i.first_seen >= since]
    not_syncing = [m for m in view.mailboxes if not m.effectively_enabled]
    return console.render(
        request,
        "overview.html",
        {
            "org": view.organisation,
            "mailboxes": view.mailboxes,
            "not_syncing": not_syncing,
            "open_issues": sum(m.open_issues for m in view.mailboxes),
            "series": activity(now, app.passes_since(since), recent_issues),
            "now": now,
            "budget": _budget(view.organisation, app.config.crm.api_reserve),
        },
    )


def _budget(org: OrgView, reserve: float) -> dict[str, object] | None:
    """The CRM's daily API allowance as the last round's read saw it (``None``: not stated)."""
    if org.api_used is None or not org.api_allowed:
        return None
    usage = ApiUsage(used=org.api_used, allowed=org.api_allowed)
    return {
        "used": usage.used,
        "allowed": usage.allowed,
        "reserve": reserve,
        # where rounds slow down, and whether they do now (the engine's own rule)
        "limit": round(usage.allowed * (1 - reserve)),
        "slowed": usage.exceeds(reserve),
    }


def mailboxes(console: Console, request: Request, user: WebUser, form: FormData | None) -> Response:
    """Every mailbox: filter, sort, page, select, act."""
    query = MailboxQuery.parse(request.query_params)
    page = query.apply(console.app.status().mailboxes)
    return console.render(
        request,
        "mailboxes.html",
        {
            "query": query,
            "page": page,
            "columns": MAILBOX_COLUMNS,
            "statuses": [str(s) for s in MailboxStatus],
            "pending": console.actions.pending(),
            "actions": list(Action),
        },
    )


def _view(console: Console, name: str) -> MailboxView | None:
    return next((m for m in console.app.status().mailboxes if m.name == name), None)


def mailbox(console: Console, request: Request, user: WebUser, form: FormData | None) -> Response:
    """One mailbox: general, issues, markers, pass history, audit."""
    name = request.path_params["name"]
    view = _view(console, name)
    if view is None:
        return console.render(request, "refused.html", {"reason": "There is no such mailbox."}, 404)
    app = console.app
    found = app.issues(name, open_only=False)
    open_issues = [i for i in found if i.is_open]
    suspension = next((i for i in open_issues if i.code == view.suspended_by), None)
    return console.render(
        request,
        "mailbox.html",
        {
            "m": view,
            "pending": console.actions.pending().get(name),
            "suspension": suspension,
            "open_issues": open_issues,
            "resolved": [i for i in found if not i.is_open][:HISTORY],
            "markers": [i for i in open_issues if i.marked],
            "passes": app.passes(name, HISTORY),
            "pairs": console.counterparts(found),
            "audit": console.actions.audit.entries(mailbox=name, limit=HISTORY),
            "actions": list(Action),
        },
    )


def mailbox_status(
    console: Console, request: Request, user: WebUser, form: FormData | None
) -> Response:
    """The status panel alone, which the mailbox page polls while a pass is queued or runs."""
    name = request.path_params["name"]
    view = _view(console, name)
    if view is None:
        return console.render(request, "refused.html", {"reason": "There is no such mailbox."}, 404)
    return console.render(
        request,
        "_status.html",
        {"m": view, "pending": console.actions.pending().get(name)},
    )


def issues(console: Console, request: Request, user: WebUser, form: FormData | None) -> Response:
    """The issue log, filtered by code, mailbox, source and state."""
    params = request.query_params
    code = params.get("code") or None
    name = params.get("mailbox") or None
    source = params.get("source") or None
    state = params.get("state") if params.get("state") in STATES else "open"
    app = console.app
    try:
        found = app.issues(
            name, code=code if code in CATALOGUE else None, open_only=state == "open"
        )
    except ConfigError:
        found = []
    chosen: list[Issue] = [
        i
        for i in found
        if (source is None or str(i.side) == source) and (state != "resolved" or not i.is_open)
    ]
    if code is not None and code not in CATALOGUE:
        chosen = []
    return console.render(
        request,
        "issues.html",
        {
            "issues": chosen,
            "pairs": console.counterparts(chosen),
            "codes": sorted(CATALOGUE),
            "mailbox_names": [m.name for m in app.engine.roster.mailboxes()],
            "sources": [str(s) for s in Source],
            "states": STATES,
            "chosen": {
                "code": code or "",
                "mailbox": name or "",
                "source": source or "",
                "state": state,
            },
        },
    )


def exceptions(
    console: Console, request: Request, user: WebUser, form: FormData | None
) -> Response:
    """The catalogue: every issue code, what it means and what to do, by documented exception."""
    return console.render(
        request,
        "exceptions.html",
        {
            "definitions": sorted(
                CATALOGUE.values(), key=lambda d: (d.exceptions or ("EX-99",), d.code)
            )
        },
    )


def audit(console: Console, request: Request, user: WebUser, form: FormData | None) -> Response:
    """Who did what, newest first."""
    return console.render(
        request, "audit.html", {"entries": console.actions.audit.entries(limit=200)}
    )
