"""The ``calsync`` command line."""

import click


@click.group()
def main() -> None:
    """Keep calendar items in step between mailboxes and a CRM."""
