"""docs/changning-facts.md says which rules read each fact type, and when its records are known:
both are read from rules/changning_2023.prl, so the contract a street office fills in cannot
drift from the rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import protrules
from protrules.authoring.walking import statements as _statements
from protrules.authoring.walking import stmt_expressions as _expressions
from protrules.authoring.walking import walk as _walk
from protrules.checking import ir
from protrules.checking.programme import RECORDS
from protrules.facts.model import Kind

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "changning-facts.md"


def _order(rule_id: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 99 for p in rule_id.split("."))


def used_by(program: ir.Program) -> dict[str, list[str]]:
    """Fact type → the ids of the rules that read it (defines are written out in the rules)."""
    found: dict[str, set[str]] = {name: set() for name in program.fact_types}
    for rule in program.rules:
        for stmt in _statements(rule.body):
            for expr in _expressions(stmt):
                for node in _walk(expr):
                    if node.type.kind in (Kind.FACT, Kind.SET) and node.type.fact in found:
                        found[node.type.fact].add(rule.id)
    return {name: sorted(ids, key=_order) for name, ids in found.items()}


@pytest.fixture(scope="module")
def program() -> ir.Program:
    return protrules.load_rules(ROOT / "rules" / "changning_2023.prl").program


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^### `(\w+)` — ", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_fact_type_has_a_section(program: ir.Program) -> None:
    assert set(_sections(DOC.read_text(encoding="utf-8"))) >= set(program.fact_types)


def test_used_by_lines_name_the_rules_that_read_each_fact_type(program: ir.Program) -> None:
    sections = _sections(DOC.read_text(encoding="utf-8"))
    for name, rules in used_by(program).items():
        line = re.search(r"^Used by: (.*)$", sections[name], re.M)
        assert line is not None, name
        if name in RECORDS:
            assert line.group(1).startswith("the programme"), name
        else:
            assert line.group(1) == (", ".join(rules) or "—") + ".", name


def test_known_from_lines_are_the_declarations(program: ir.Program) -> None:
    sections = _sections(DOC.read_text(encoding="utf-8"))
    for name, fact_type in program.fact_types.items():
        line = re.search(r"^Known from: (.*)$", sections[name], re.M)
        assert line is not None, name
        if fact_type.known_from is None:
            assert line.group(1).startswith("always"), name
        else:
            assert line.group(1).startswith(f"`{fact_type.known_from}`"), name
            for field in fact_type.fields:
                if field.known_from is not None:
                    assert f"`{field.name}`" in line.group(1), (name, field.name)
