"""Options and helpers shared by the commands that work on a configuration."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from calsync.api import Calsync

__all__ = [
    "config_option",
    "json_option",
    "mailbox_option",
    "names_of",
    "open_app",
    "selection_options",
    "writable_folder",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Where the configuration is looked for when --config is not given.
DEFAULT_CONFIG = "calsync.toml"


def config_option(function: F) -> F:
    """``--config FILE`` (default: $CALSYNC_CONFIG or ./calsync.toml)."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        default=lambda: os.environ.get("CALSYNC_CONFIG", DEFAULT_CONFIG),
        show_default="$CALSYNC_CONFIG or calsync.toml",
        help="The configuration file (TOML).",
    )(function)


def json_option(function: F) -> F:
    """``--json``."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")(
        function
    )


def mailbox_option(required: bool = False) -> Callable[[F], F]:
    """``--mailbox NAME`` (repeatable; the values arrive as a tuple)."""
    return click.option(
        "--mailbox",
        "mailboxes",
        multiple=True,
        required=required,
        metavar="NAME",
        help="A mailbox's name in the configuration (repeatable).",
    )


def selection_options(function: F) -> F:
    """``--mailbox NAME`` (repeatable), ``--all``, ``--code CODE``: which mailboxes to act on."""
    from calsync.issues import CATALOGUE

    function = click.option(
        "--code",
        type=click.Choice(sorted(CATALOGUE)),
        help="Only mailboxes with an open issue of this code (of those chosen, or of all).",
    )(function)
    function = click.option(
        "--all", "every", is_flag=True, help="Every mailbox in the configuration."
    )(function)
    return mailbox_option()(function)


def open_app(config_path: Path) -> Calsync:
    """Load the configuration and open its state database."""
    return Calsync.from_file(config_path)


def names_of(app: Calsync, chosen: Sequence[str]) -> list[str]:
    """The names of the mailboxes ``chosen`` (all when none): unknown ones are usage errors.

    All: the configured ones and the users of the CRM group ``[mailbox_defaults]`` syncs.
    """
    if not chosen:
        return [m.name for m in app.engine.roster.mailboxes()]
    return list(dict.fromkeys(app.engine.roster.named(name).name for name in chosen))


def writable_folder(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A click callback: the folder ``value`` exists (made if need be) and can be written.

    The demo and the sandbox write a configuration and a state database there; finding out
    half-way would be an internal error instead of a usage one.
    """
    if value is None:
        return None
    try:
        value.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=value):
            pass
    except OSError as exc:
        raise click.BadParameter(f"cannot write in {value}: {exc.strerror or exc}") from None
    return value
