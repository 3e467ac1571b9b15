"""The ``calsync`` command line.

Tables for people, ``--json`` for machines. Exit codes: 0 ok, 1 finished with issues,
2 usage or configuration error. A user error never prints a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from calsync.cli import admin, check, conformance, demo, plugins, sandbox, sync, tz, web
from calsync.cli.common import setup_logging
from calsync.cli.output import fail
from calsync.errors import CalsyncError, ConfigError

__all__ = ["main"]


class _Group(click.Group):
    """Turns calsync's own errors into a message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            fail("configuration error", exc.problems)
        except CalsyncError as exc:
            fail("error", [str(exc)])


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="calsync")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Keep calendar items in step between mailboxes and a CRM."""
    setup_logging(verbose)


main.add_command(plugins.command)
main.add_command(tz.command)
main.add_command(check.command)
main.add_command(conformance.command)
main.add_command(sync.command)
main.add_command(demo.command)
main.add_command(sandbox.group)
main.add_command(web.group)
for _command in (admin.status, admin.issues, admin.enable, admin.disable, admin.reset):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
