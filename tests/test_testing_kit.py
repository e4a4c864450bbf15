"""The ready-made properties of protrules.testing hold on every rule file in the repository,
and each property catches the bug it is meant to catch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import protrules
from protrules.facts.model import Fact, Ledger
from protrules.testing import (
    check_as_of_stability,
    check_properties,
    check_veto_dominance,
    ledgers,
    monotone_rules,
)

ROOT = Path(__file__).resolve().parent.parent
RULES = {p.stem: protrules.load_rules(p) for p in sorted((ROOT / "rules").glob("*.prl"))}


@pytest.mark.parametrize("name", sorted(RULES))
def test_properties_hold_on_rule_files(name: str) -> None:
    rules = RULES[name]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        check_properties(rules, data)

    run()


def test_generated_ledgers_respect_the_declarations() -> None:
    rules = RULES["example"]

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ledgers(rules))
    def run(ledger: Ledger) -> None:
        for name, facts in ledger.facts.items():
            declared = rules.fact_types[name]
            for fact in facts:
                for field in declared.fields:
                    if not field.optional and field.type.kind.value != "fact":
                        assert field.name in fact.values
                assert set(fact.values) <= {f.name for f in declared.fields}

    run()


def test_monotone_rules_are_the_at_least_rules() -> None:
    found = set(monotone_rules(RULES["example"]))
    assert {"1.1.2", "2.1.3", "2.2.1"} <= found
    assert "3.1.3" not in found  # none(...) can be broken by a new fact
    assert "2.1.1" not in found  # a new appointment adds a new obligation


def test_veto_dominance_catches_a_wrong_status() -> None:
    rules = RULES["example"]
    ledger = Ledger(
        "x", "x", {"incident": (Fact("incident", "I1", {"date": dt.date(2023, 5, 1), "item": "N.1"}),)}
    )
    result = rules.evaluate(ledger, dt.date(2024, 3, 31))
    check_veto_dominance(result)
    import attrs

    wrong = attrs.evolve(result, status="fails")
    with pytest.raises(AssertionError):
        check_veto_dominance(wrong)


def test_as_of_stability_catches_a_rule_that_reads_the_as_of_date() -> None:
    text = (
        'standard "s":\n    title: "s"\narea 1 "a":\n    rule 1.1 "b":\n        clause: "c"\n'
        "        require as_of.year < 2024\n"
    )
    rules = protrules.compile(
        protrules.check(protrules.parse(text, "x.prl"), protrules.Source("x.prl", text))
    )
    ledger = Ledger("x", "x", {})
    with pytest.raises(AssertionError, match=r"1\.1"):
        check_as_of_stability(rules, ledger, dt.date(2023, 6, 1), dt.date(2024, 2, 1))
