"""A mailbox's share of its round's organisation read, carried in its pass task.

The round task reads the organisation once (:meth:`calsync.api.Calsync.open_round`) and
gives each pass task only what that mailbox's pass needs: what the CRM supports, the
mailbox owner's CRM user and that owner's part of the round's CRM changes. A share is JSON
(cattrs, as the configuration is read), not pickle: whoever can write to the broker can
queue a pass, but never run code of their choosing in a worker.

A share may be stale when its task runs: redelivered after a killed worker, retried after
throttling, or late behind a backlog. The engine takes a share's CRM changes only when the
mailbox's stored CRM cursor is still the one the round's read began at; otherwise the pass
reads its owner's changes itself. A share older than :data:`SHARE_LIFETIME` (the
organisation's facts may have changed) is dropped whole: the pass reads everything itself.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime, timedelta
from typing import Any, Final

from cattrs.preconf.json import JsonConverter, make_converter

from calsync.engine import OrgRound
from calsync.engine.org_round import FACTS_LIFETIME, CrmRead
from calsync.providers import OwnersDelta

__all__ = ["SHARE_LIFETIME", "decode", "encode", "share_of"]

#: A share is used for as long as the organisation's facts in it are reused by a round.
SHARE_LIFETIME: Final = FACTS_LIFETIME


def share_of(org: OrgRound, address: str) -> OrgRound:
    """What the pass of the mailbox at ``address`` needs of ``org`` (a read with owners)."""
    assert org.owners is not None
    owner = org.owners.get(address)
    crm: CrmRead | None = None
    if org.crm is not None:
        read, mine = org.crm.delta, owner in org.crm.owners
        # Even without this owner's part the read is kept: a pass that reads by itself
        # then continues from the round's cursor with the others (engine/org_round.py).
        crm = CrmRead(
            since=org.crm.since,
            owners=frozenset({owner}) if mine and owner else frozenset(),
            delta=OwnersDelta(
                changed={owner: tuple(read.changed.get(owner, ()))} if mine and owner else {},
                removed={owner: tuple(read.removed.get(owner, ()))} if mine and owner else {},
                cursor=read.cursor,
                full=read.full,
            ),
        )
    # An address without a CRM user stays without one: its pass says ADDRESS_NOT_LINKED.
    return OrgRound(features=org.features, owners={address: owner} if owner else {}, crm=crm)


def encode(share: OrgRound, read_at: datetime) -> dict[str, Any]:
    """``share`` as JSON-ready values, with when the round read it."""
    return {"read_at": read_at.isoformat(), "org": _CONVERTER.unstructure(share)}


def decode(document: dict[str, Any], now: datetime) -> OrgRound | None:
    """The share in ``document``; ``None`` when it is too old to use."""
    read_at = datetime.fromisoformat(document["read_at"])
    if now - read_at > SHARE_LIFETIME:
        return None
    return _CONVERTER.structure(document["org"], OrgRound)


def _is_moment(kind: Any) -> bool:
    """``datetime | date`` (optionally ``| None``): a start, end or original start."""
    if typing.get_origin(kind) not in (typing.Union, types.UnionType):
        return False
    return set(typing.get_args(kind)) - {type(None)} == {datetime, date}


def _moment(value: str | None, _: Any) -> date | None:
    if value is None:
        return None
    # An all-day item's moments are dates ("2026-12-03"), a timed item's datetimes.
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


def _converter() -> JsonConverter:
    converter = make_converter()
    converter.register_unstructure_hook(timedelta, timedelta.total_seconds)
    converter.register_structure_hook(timedelta, lambda seconds, _: timedelta(seconds=seconds))
    converter.register_unstructure_hook_func(
        _is_moment, lambda value: None if value is None else value.isoformat()
    )
    converter.register_structure_hook_func(_is_moment, _moment)
    return converter


_CONVERTER: Final = _converter()
