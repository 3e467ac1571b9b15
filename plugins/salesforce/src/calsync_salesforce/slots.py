"""Which pattern slot each occurrence record of a Classic series stands for.

Salesforce stores a Classic series as a header plus one record per occurrence, and keeps no
"original start" on an occurrence: once moved, an occurrence only says where it is now.
The slot it came from is recovered here. The server creates a series' occurrences in
pattern order, so their ids ascend with their slots; the records are matched to the
pattern's starts in that order (a dynamic programme, like a sequence alignment) so that as
many as possible sit exactly on their slot and the others are as close as possible to one.
Slots that no record takes are occurrences deleted from the series: its exclusions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from calsync.model import Moment

__all__ = ["assign", "nearest_free"]

_Score = tuple[int, int, float]


def _seconds(moment: Moment) -> float:
    if isinstance(moment, datetime):
        return moment.timestamp()
    assert isinstance(moment, date)
    return datetime.combine(moment, time(), UTC).timestamp()


def assign(slots: Sequence[Moment], records: Sequence[tuple[str, Moment]]) -> dict[str, Moment]:
    """Map each record id to the slot it stands for.

    :param slots: the pattern's occurrence starts, in order.
    :param records: ``(id, current start)`` of the live occurrence records, in id order.
    :returns: the slot of every record that has one (a record left over because there are
        more records than slots is absent).
    """
    n, m = len(records), len(slots)
    starts = [_seconds(start) for _, start in records]
    places = [_seconds(slot) for slot in slots]
    # best[i][j]: the best score placing the first i records on the first j slots, as
    # (exact hits, -records left over, -total distance).
    best: list[list[_Score]] = [[(0, 0, 0.0)] * (m + 1)]
    step: list[list[int]] = [[0] * (m + 1)]
    for i in range(1, n + 1):
        row: list[_Score] = [(0, -i, 0.0)]
        moves = [2]
        for j in range(1, m + 1):
            candidates: list[tuple[_Score, int]] = [(row[j - 1], 0)]
            hit, left, far = best[i - 1][j]
            candidates.append(((hit, left - 1, far), 2))
            hit, left, far = best[i - 1][j - 1]
            gap = abs(starts[i - 1] - places[j - 1])
            candidates.append(((hit + (gap == 0), left, far - gap), 1))
            # On a tie the first candidate wins: earlier records keep their slots.
            score, move = max(candidates, key=lambda c: c[0])
            row.append(score)
            moves.append(move)
        best.append(row)
        step.append(moves)
    out: dict[str, Moment] = {}
    i, j = n, m
    while i > 0:
        move = step[i][j] if j > 0 else 2
        if move == 0:
            j -= 1
        elif move == 1:
            out[records[i - 1][0]] = slots[j - 1]
            i, j = i - 1, j - 1
        else:
            i -= 1
    return out


def nearest_free(start: Moment, free: Sequence[Moment]) -> Moment | None:
    """The free slot nearest to ``start`` (``None`` when none is free)."""
    if not free:
        return None
    return min(free, key=lambda slot: abs(_seconds(slot) - _seconds(start)))
