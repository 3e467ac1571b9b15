"""``calsync plugins``: the installed providers."""

from __future__ import annotations

import click

from calsync.cli.output import print_json, show_table
from calsync.plugins import Registry, discover, get_plugin_manager


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def command(as_json: bool) -> None:
    """List installed providers: role, distribution, version, capabilities."""
    installed = discover()
    registry = Registry(get_plugin_manager())
    rows = []
    for (role, name), spec in sorted(
        registry.providers.items(), key=lambda kv: (kv[0][1], kv[0][0])
    ):
        info = installed[registry.plugin_of(role, name)]
        rows.append(
            {
                "name": name,
                "role": str(role),
                "distribution": info.distribution,
                "version": info.version,
                "capabilities": sorted(str(c) for c in spec.capabilities),
                "description": spec.description,
            }
        )
    if as_json:
        print_json(rows)
        return
    show_table(
        "Installed providers",
        ["name", "role", "distribution", "version", "capabilities"],
        (
            (r["name"], r["role"], r["distribution"], r["version"], ", ".join(r["capabilities"]))
            for r in rows
        ),
    )
