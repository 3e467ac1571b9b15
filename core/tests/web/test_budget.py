"""The console's overview shows the CRM's daily API budget: used, allowance, reserve."""

from __future__ import annotations

import re
from datetime import timedelta

from .conftest import Site


def budget_text(page: str) -> str:
    found = re.search(
        r'<section class="panel" aria-label="CRM API budget">(.*?)</section>', page, re.S
    )
    assert found, "no API budget panel on the overview"
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def test_the_overview_shows_the_api_budget_the_round_read(site: Site) -> None:
    assert "Not known yet: the CRM has not stated its daily API allowance" in budget_text(
        site.client("lin").get("/").text
    )
    site.crm.service.api_allowed = 10_000
    site.clock.advance(timedelta(minutes=10))
    site.app.sync()  # a round: its read keeps the allowance as the CRM stated it
    used = len(site.crm.service.received)
    text = budget_text(site.client("lin").get("/").text)
    assert f"{used:,} of 10,000 calls of the daily allowance used" in text
    assert "2,000 (20%) kept for the org's other integrations" in text
    assert "rounds slow down at 8,000" in text and "Rounds are slowed now" not in text
    assert (
        f'<meter min="0" max="10000" high="8000" value="{used}">'
        in site.client("lin").get("/").text
    )


def test_the_overview_says_when_rounds_are_slowed(site: Site) -> None:
    site.crm.service.api_allowed = len(site.crm.service.received)  # all used already
    site.clock.advance(timedelta(minutes=10))
    site.app.sync()
    text = budget_text(site.client("ada").get("/").text)
    assert "Rounds are slowed now until the allowance frees up" in text
