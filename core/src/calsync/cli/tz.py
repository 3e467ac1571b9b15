"""``calsync tz``: how a zone id matches the CRM's supported zones."""

from __future__ import annotations

import click

from calsync.cli.output import EXIT_ISSUES, console, print_json
from calsync.timezones import TimeZoneMatcher, salesforce_zones, tzdb


@click.command("tz")
@click.argument("zone")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def command(zone: str, as_json: bool) -> None:
    """Show how ZONE (IANA id, Windows id or display name) matches a supported CRM zone.

    Matches against the Salesforce zone list (2026). Exits 1 when there is no match.
    """
    result = TimeZoneMatcher(salesforce_zones()).match(zone)
    if as_json:
        print_json(
            {
                "input": result.input,
                "canonical": result.canonical,
                "match": result.match,
                "method": str(result.method),
                "issue": result.issue,
                "detail": result.detail,
                "tzdata": tzdb.IANA_VERSION,
            }
        )
    else:
        console.print(f"[bold]{result.input}[/]", highlight=False)
        console.print(f"  canonical  {result.canonical or '-'}", highlight=False)
        if result.ok:
            console.print(
                f"  match      [green]{result.match}[/] ({result.method})", highlight=False
            )
        else:
            console.print(f"  match      [red]{result.issue}[/]", highlight=False)
        console.print(f"  why        {result.detail}", highlight=False, markup=False)
        console.print(f"  tzdata     {tzdb.IANA_VERSION}", highlight=False)
    if not result.ok:
        raise SystemExit(EXIT_ISSUES)
