"""``calsync new-provider NAME [--role crm]``: write a provider plugin's skeleton to start from."""

from __future__ import annotations

from pathlib import Path

import click

from calsync.cli.output import fail, print_json, say

__all__ = ["command"]


@click.command("new-provider")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to write the plugin (default: ./calsync-NAME); must not exist or be empty.",
)
@click.option(
    "--role",
    type=click.Choice(["mailbox", "crm"]),
    default="mailbox",
    show_default=True,
    help="The side of the sync the provider serves: people's calendars, or a CRM org.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def command(name: str, directory: Path | None, role: str, as_json: bool) -> None:
    """Write the skeleton of a provider plugin called NAME (a mailbox provider, or --role crm).

    A distribution with its entry point, the provider, an emulator of the service, a
    conformance harness and the conformance suite's test module. Every contract method
    raises NotImplementedError naming the section of docs/writing-a-provider.md to read;
    `pytest` in the new folder shows which comes next.
    """
    from calsync.plugins import discover
    from calsync.providers import Role
    from calsync.scaffold import Names, write_plugin

    installed = discover().get(name)
    if installed is not None:
        fail(
            "cannot write the plugin",
            [
                f"{name!r} is the name of an installed plugin ({installed.distribution}); choose another"
            ],
        )
    try:
        names = Names(name=name, role=Role(role))
        target = directory or Path(names.distribution)
        written = write_plugin(name, target, names.role)
    except ValueError as exc:
        fail("cannot write the plugin", [str(exc)])
    if as_json:
        print_json(
            {
                "plugin": name,
                "role": role,
                "package": names.package,
                "distribution": names.distribution,
                "folder": str(target),
                "files": [path.relative_to(target).as_posix() for path in written],
            }
        )
        return
    for path in written:
        say(f"  {path}")
    say(
        f"\nWrote {len(written)} files to {target}. Next: `pip install -e '{target}[test]'`, "
        f"then `pytest {target}` says what to implement first."
    )
