"""Markers on Microsoft 365 events: a red flag category and a colourless detail category.

As in Outlook over EWS: the red ``"Sync Error"`` category (``preset0``) and the detail
``"Sync Error: <detail>"`` (``none``), both in the mailbox's master category list
(https://learn.microsoft.com/en-us/graph/api/outlookuser-post-mastercategories; a name
missing from the list shows without colour). Removing a marker removes only calsync's
labels; the person's own categories stay as they were, in their order. One batch reads the
items' categories, one batch PATCHes those that change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from calsync.markers import MarkerChange, MarkerLabels
from calsync.providers import ItemFailure, WriteResult
from calsync_graph.client import GraphCallError
from calsync_graph.convert import ref_of
from calsync_graph.errors import item_failure
from calsync_graph.reading import Reader

__all__ = ["NO_COLOUR", "RED", "Markers"]

RED: Final = "preset0"
NO_COLOUR: Final = "none"


class Markers(MarkerLabels):
    """Renders markers on one mailbox's events."""

    def __init__(self, reader: Reader) -> None:
        """Mark events through ``reader``'s client."""
        super().__init__()
        self.reader = reader
        self._colours: dict[str, tuple[str, str]] | None = None

    def set(self, changes: Sequence[MarkerChange]) -> list[WriteResult]:
        """Show or remove the markers ``changes`` name; one result per change, in order."""
        self.learn(changes)
        current = self.reader.get((c.item_id for c in changes), with_exceptions=False)
        results: list[WriteResult | None] = [None] * len(changes)
        patches: list[tuple[int, str, list[str]]] = []
        for index, change in enumerate(changes):
            part = current[change.item_id]
            if not part.ok:
                results[index] = WriteResult(failure=item_failure(part))
                continue
            before = list(part.body.get("categories") or ())
            labels = self.after(before, change.marker)
            if labels == before:
                results[index] = WriteResult(ref=ref_of(part.body))
            else:
                patches.append((index, change.item_id, labels))
        colours = self.colours(changes, flag=RED, detail=NO_COLOUR)
        if colours:
            self._ensure(colours)
        requests = [
            {"method": "PATCH", "url": self.reader.event_url(i), "body": {"categories": c}}
            for _, i, c in patches
        ]
        for (index, _, _), part in zip(patches, self.reader.client.batch(requests), strict=True):
            results[index] = (
                WriteResult(ref=ref_of(part.body))
                if part.ok
                else WriteResult(failure=item_failure(part))
            )
        return [
            r or WriteResult(failure=ItemFailure(code="INTERNAL_ERROR", message="not marked"))
            for r in results
        ]

    def _ensure(self, wanted: Mapping[str, str]) -> None:
        """Register the names in the master category list with their colours (once each)."""
        client = self.reader.client
        url = f"{client.user}/outlook/masterCategories"
        if self._colours is None:
            listing = client.request("GET", url)
            self._colours = {
                c["displayName"]: (c["id"], c.get("color", NO_COLOUR))
                for c in listing.get("value") or ()
            }
        for name, colour in wanted.items():
            known = self._colours.get(name)
            if known is None:
                try:
                    made = client.request("POST", url, body={"displayName": name, "color": colour})
                except GraphCallError as exc:
                    if exc.status != 409:  # created meanwhile: fine
                        raise
                    continue
                self._colours[name] = (made["id"], colour)
            elif known[1] != colour:
                client.request("PATCH", f"{url}/{known[0]}", body={"color": colour})
                self._colours[name] = (known[0], colour)
