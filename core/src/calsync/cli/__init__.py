"""The ``calsync`` command line.

Tables for people (tab-separated lines when the output is not a terminal), ``--json`` for
machines. Exit codes (:mod:`calsync.cli.outcome`): 0 the job was done, 1 something needs a
person, 2 usage or configuration error. No traceback reaches a user without ``-v``.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from calsync.cli import (
    admin,
    check,
    conformance,
    demo,
    discover,
    new_provider,
    plugins,
    sandbox,
    sync,
    tz,
    web,
    workers,
)
from calsync.cli.logsetup import LOG_FORMATS, setup_logging, verbosity
from calsync.cli.output import EXIT_ATTENTION, fail, fail_config
from calsync.errors import CalsyncError, ConfigError
from calsync.logs import new_correlation_id

__all__ = ["main"]

logger = logging.getLogger("calsync.cli")


class _Group(click.Group):
    """calsync's own errors become a message and exit 2; anything unexpected one line and 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            fail_config(exc.file, exc.problems)
        except CalsyncError as exc:
            fail("error", [str(exc)])
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            # The traceback goes to the log, which shows it with -v; the user gets one line
            # with the id to find it by.
            correlation = new_correlation_id()
            if verbosity():
                logger.error(
                    "internal error (correlation id %s)",
                    correlation,
                    exc_info=True,
                    extra={"correlation_id": correlation},
                )
            hint = "" if verbosity() else "; run again with -v for the traceback"
            fail(
                f"internal error: {type(exc).__name__} (correlation id {correlation}){hint}",
                [],
                code=EXIT_ATTENTION,
            )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="calsync")
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="-v: one log line per mailbox pass, and tracebacks; -vv: debug.",
)
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default="text",
    show_default=True,
    help="`json`: one JSON object per log line (with mailbox and correlation id).",
)
def main(verbose: int, log_format: str) -> None:
    """Keep calendar items in step between mailboxes and a CRM."""
    setup_logging(verbose, log_format)


main.add_command(plugins.command)
main.add_command(tz.command)
main.add_command(check.command)
main.add_command(discover.command)
main.add_command(conformance.command)
main.add_command(new_provider.command)
main.add_command(sync.command)
main.add_command(demo.command)
main.add_command(sandbox.group)
main.add_command(web.group)
for _command in (workers.worker, workers.scheduler, workers.health):
    main.add_command(_command)
for _command in (admin.status, admin.issues, admin.enable, admin.disable, admin.reset):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
