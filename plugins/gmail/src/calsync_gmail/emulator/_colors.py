"""Calendar v3's colour palettes, as ``colors.get`` returns them.

Event colour ``"11"`` is *Tomato*, the red the sync marks failing events with
(protocols.md §3.3; Apps Script ``EventColor.RED``).
"""

from __future__ import annotations

from typing import Any

FOREGROUND = "#1d1d1d"

#: Event palette: id -> background.
EVENT_COLORS: dict[str, str] = {
    "1": "#a4bdfc",  # Lavender
    "2": "#7ae7bf",  # Sage
    "3": "#dbadff",  # Grape
    "4": "#ff887c",  # Flamingo (Apps Script PALE_RED)
    "5": "#fbd75b",  # Banana
    "6": "#ffb878",  # Tangerine
    "7": "#46d6db",  # Peacock
    "8": "#e1e1e1",  # Graphite
    "9": "#5484ed",  # Blueberry
    "10": "#51b749",  # Basil
    "11": "#dc2127",  # Tomato (Apps Script RED)
}

#: Calendar palette: id -> background.
CALENDAR_COLORS: dict[str, str] = {
    "1": "#ac725e", "2": "#d06b64", "3": "#f83a22", "4": "#fa573c", "5": "#ff7537",
    "6": "#ffad46", "7": "#42d692", "8": "#16a765", "9": "#7bd148", "10": "#b3dc6c",
    "11": "#fbe983", "12": "#fad165", "13": "#92e1c0", "14": "#9fe1e7", "15": "#9fc6e7",
    "16": "#4986e7", "17": "#9a9cff", "18": "#b99aff", "19": "#c2c2c2", "20": "#cabdbf",
    "21": "#cca6ac", "22": "#f691b2", "23": "#cd74e6", "24": "#a47ae2",
}  # fmt: skip

#: The date Google reports the palettes last changed.
PALETTE_UPDATED = "2012-02-14T00:00:00.000Z"


def colors_resource() -> dict[str, Any]:
    """Return the ``calendar#colors`` resource."""

    def palette(colors: dict[str, str]) -> dict[str, dict[str, str]]:
        return {k: {"background": v, "foreground": FOREGROUND} for k, v in colors.items()}

    return {
        "kind": "calendar#colors",
        "updated": PALETTE_UPDATED,
        "calendar": palette(CALENDAR_COLORS),
        "event": palette(EVENT_COLORS),
    }
