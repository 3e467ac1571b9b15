"""The ``[policy]`` table and a mailbox's ``policy`` overrides, read with their problems."""

from __future__ import annotations

from dataclasses import fields

from calsync.config.structure import structure
from calsync.policy import Policy

__all__ = ["mailbox_policy", "read_policy"]


def read_policy(table: object, path: str, problems: list[str]) -> Policy | None:
    """``table`` as a :class:`Policy`, or ``None`` with its problems added to ``problems``.

    The shorthands are spelt out first: ``directions = "both"`` and a plain ``prevent`` list.
    """
    if not isinstance(table, dict):
        problems.append(f"{path}: expected a table, got {table!r}")
        return None
    table = dict(table)
    if table.get("directions") == "both":
        table["directions"] = ["up", "down"]
    elif isinstance(table.get("directions"), str):
        table["directions"] = [table["directions"]]
    if isinstance(table.get("prevent"), list):
        table["prevent"] = {"up": table["prevent"], "down": table["prevent"]}
    policy, found = structure(table, Policy, path)
    problems += found
    return policy


def mailbox_policy(
    shared: object, overrides: object, path: str, problems: list[str]
) -> Policy | None:
    """The shared policy with a mailbox's overrides; reports only the overrides' problems.

    ``[policy]``'s own unknown keys are left out of the merge (they are reported there), so
    an unknown key reported here is the mailbox's own: a misspelt override must fail the
    file, never drop the mailbox silently.
    """
    if not isinstance(overrides, dict):
        problems.append(f"{path}: expected a table, got {overrides!r}")
        return None
    known = {f.name for f in fields(Policy)}
    base = {k: v for k, v in shared.items() if k in known} if isinstance(shared, dict) else {}
    found: list[str] = []
    policy = read_policy({**base, **overrides}, path, found)
    mine = [
        p
        for p in found
        if any(p.startswith(f"{path}.{key}") for key in overrides)
        or (overrides and p.startswith(f"{path}:"))
    ]
    problems += mine
    if policy is None and not mine and read_policy(base, "policy", []) is not None:
        # [policy] alone is fine, so what fails is this mailbox's combination: say so.
        problems += found or [f"{path}: cannot be combined with [policy]"]
    return policy
