"""``calsync web``: the admin console; ``calsync web hash-password`` for its users."""

from __future__ import annotations

import secrets
from pathlib import Path
from types import ModuleType

import click

from calsync.cli.common import config_option, open_app
from calsync.cli.output import console
from calsync.errors import CalsyncError

__all__ = ["DEFAULT_LISTEN", "group", "serve_demo", "web_module"]

DEFAULT_LISTEN = "127.0.0.1:8765"


def web_module() -> ModuleType:
    """:mod:`calsync.web`, or a clear error naming the extra to install."""
    try:
        import calsync.web
    except ImportError as exc:
        raise CalsyncError(
            f"the console needs calsync's web extra ({exc.name} is missing): "
            "pip install 'calsync[web]'"
        ) from None
    return calsync.web


@click.group("web", invoke_without_command=True)
@config_option
@click.option(
    "--listen",
    default=DEFAULT_LISTEN,
    show_default=True,
    help="HOST:PORT to serve on; loopback unless you choose otherwise.",
)
@click.pass_context
def group(ctx: click.Context, config_path: Path, listen: str) -> None:
    """Serve the admin console (sign in at /login); needs calsync[web]."""
    if ctx.invoked_subcommand is not None:
        return
    web = web_module()
    web.parse_listen(listen)  # a bad --listen is refused before the state is opened
    app = open_app(config_path)
    try:
        web.serve(app, listen, ready=lambda line: console.print(line, highlight=False))
    finally:
        app.close()


def serve_demo(config_path: Path, listen: str) -> None:
    """Serve the console on the demo's state, with a one-time admin password."""
    web = web_module()
    from calsync.web.auth import hash_password as make_hash

    password = secrets.token_urlsafe(12)
    with config_path.open("a", encoding="utf-8") as file:
        file.write(
            "\n# Added by `calsync demo --web`: a one-time console user.\n"
            f'[web]\nusers = [{{ name = "admin", password_hash = "{make_hash(password)}" }}]\n'
        )
    app = open_app(config_path)
    try:
        console.print(f"Sign in as [bold]admin[/] with the password [bold]{password}[/]")
        web.serve(app, listen, ready=lambda line: console.print(line, highlight=False))
    finally:
        app.close()


@group.command("hash-password")
@click.password_option(help="The password (asked for, twice, when not given).")
def hash_password(password: str) -> None:
    """Print an argon2 hash of a password for [web] users."""
    web_module()
    from calsync.web.auth import hash_password as make_hash

    click.echo(make_hash(password))
