"""Options and helpers shared by the commands that work on a configuration."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from calsync.api import Calsync

__all__ = ["config_option", "json_option", "mailbox_option", "open_app", "setup_logging"]

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
    """``--mailbox NAME``."""
    return click.option(
        "--mailbox", "mailbox", required=required, help="The mailbox's name in the configuration."
    )


def open_app(config_path: Path) -> Calsync:
    """Load the configuration and open its state database."""
    return Calsync.from_file(config_path)


def setup_logging(verbose: int) -> None:
    """Warnings (and with -v, progress) from calsync on stderr; never item content or secrets."""
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
