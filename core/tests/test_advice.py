"""Advice is shown in the issue's own words: no ``{placeholder}`` ever reaches a person."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from calsync.issues import CATALOGUE, Issue, IssueDefinition, Severity, Source

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    p
    for folder in [ROOT / "core" / "src", *sorted((ROOT / "plugins").glob("*/src"))]
    for p in folder.rglob("*.py")
)
NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)
#: Calls that raise an issue code with parameters.
RAISERS = {"Hit", "Refuse", "ItemFailure"}


def _keys(node: ast.expr | None) -> set[str]:
    if not isinstance(node, ast.Dict):
        return set()
    return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def _assigned(tree: ast.AST, name: str) -> ast.expr | None:
    """The dict literal last assigned to ``name`` in a module (a raiser's named params)."""
    found = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found = node.value
    return found


def _raisers() -> tuple[dict[str, list[frozenset[str]]], frozenset[str]]:
    """The parameters each code's raisers supply, read from the source of core and plugins.

    An ``ItemFailure`` (a plugin's refusal of one write) becomes an issue through the engine's
    ``_failure_hit``, which supplies its own parameters; a ``Hit`` whose code is not a literal
    (``exc.code`` for service errors) supplies its parameters to every code it may carry.
    """
    supplied: dict[str, list[frozenset[str]]] = defaultdict(list)
    dynamic: set[str] = set()
    failure_keys: set[str] = set()
    failure_codes: set[str] = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == "_failure_hit":
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Assign) and isinstance(inner.value, ast.Dict):
                        failure_keys |= _keys(inner.value)
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id == "raise_issue":  # an organisation's issue: (state, code, params, now)
                code_arg, params_arg = node.args[1], node.args[2]
                if isinstance(params_arg, ast.Name):  # a dict named once in its module
                    params_arg = _assigned(tree, params_arg.id)
                if isinstance(code_arg, ast.Constant) and isinstance(code_arg.value, str):
                    supplied[code_arg.value].append(frozenset(_keys(params_arg)))
                continue
            if node.func.id not in RAISERS:
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            code = keywords.get("code")
            params = _keys(keywords.get("params"))
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                if node.func.id == "ItemFailure":
                    failure_codes.add(code.value)
                else:
                    supplied[code.value].append(frozenset(params))
            elif node.func.id == "Hit":
                dynamic |= params
    assert failure_keys, "the engine's _failure_hit was not found"
    for code in failure_codes:
        supplied[code].append(frozenset(failure_keys))
    return dict(supplied), frozenset(dynamic)


SUPPLIED, DYNAMIC = _raisers()


def test_the_raisers_were_found() -> None:
    assert {"AUTH_FAILED", "FIELD_ACCESS_DENIED", "MASS_DELETE_HELD"} <= set(SUPPLIED)
    assert {"side", "detail"} <= DYNAMIC


def _each_raiser(code: str) -> list[frozenset[str]]:
    return SUPPLIED.get(code) or [DYNAMIC]


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_advice_is_filled_from_what_each_of_its_raisers_supplies(code: str) -> None:
    for params in _each_raiser(code):
        _check_advice(code, params)


def _check_advice(code: str, params: frozenset[str]) -> None:
    entry = CATALOGUE[code]
    values = {name: f"<{name}-value>" for name in params}
    for side in (Source.MAILBOX, Source.CRM):
        issue = Issue(
            code=code,
            mailbox="alice",
            side=side,
            item_id="item-1" if entry.severity is Severity.ITEM else None,
            message=entry.render(**values),
            first_seen=NOW,
            last_seen=NOW,
        )
        advice = issue.advice
        assert not re.search(r"\{[^}]*\}", advice), advice
        assert "?" not in advice, advice  # what a missing parameter would show as
        for name in re.findall(r"\{(\w+)", entry.advice):
            expected = "alice" if name == "mailbox" else values.get(name)
            assert expected is not None, f"{code}: no raiser supplies {name}"
            assert expected in advice, (name, advice)


def test_advice_names_the_side_field_and_mailbox_it_is_about() -> None:
    auth = CATALOGUE["AUTH_FAILED"]
    issue = Issue(
        code="AUTH_FAILED",
        mailbox="erin",
        side=Source.MAILBOX,
        item_id=None,
        message=auth.render(side="CRM", detail="invalid_grant: refresh token: expired"),
        first_seen=NOW,
        last_seen=NOW,
    )
    assert issue.advice.startswith("Renew the credentials for the CRM connection")
    assert "`calsync enable --mailbox erin`" in issue.advice
    field = CATALOGUE["FIELD_ACCESS_DENIED"]
    denied = Issue(
        code="FIELD_ACCESS_DENIED",
        mailbox="alice",
        side=Source.MAILBOX,
        item_id="x",
        message=field.render(field="Location", subject="Visit: the plant {B}"),
        first_seen=NOW,
        last_seen=NOW,
    )
    assert "edit access to Location (field-level security)" in denied.advice


def test_parameters_come_back_from_a_message_even_with_separators_in_the_subject() -> None:
    entry = CATALOGUE["UNSUPPORTED_ITEM_KIND"]
    message = entry.render(kind="Out-of-office", subject="Away: back on Monday: really")
    assert entry.parameters(message) == {
        "kind": "Out-of-office",
        "subject": "Away: back on Monday: really",
    }
    assert entry.parameters("a message from an older calsync") == {}


def test_advice_may_only_name_what_its_message_carries() -> None:
    with pytest.raises(ValueError, match="not in its message"):
        IssueDefinition(
            code="MADE_UP",
            title="t",
            severity=Severity.ITEM,
            disposition=CATALOGUE["UNRESOLVED"].disposition,
            source=Source.ENGINE,
            message="Something about {subject}",
            advice="Fix {field}",
            marker=False,
        )


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_message_is_filled_by_each_of_its_raisers(code: str) -> None:
    entry = CATALOGUE[code]
    for params in _each_raiser(code):
        assert entry.placeholders <= params, (
            f"{code}: a raiser leaves {entry.placeholders - params}"
        )
