"""Run every language case file (tests/cases/lang/*.case, tests/cases/errors/*.case).

Each case is evaluated by generated code (with and without checks kept), by the closures, by
the traced closures of ``explain`` and by the reference interpreter, which must all agree on
every construct.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import protrules
from protrules.evaluation.reference import decided, evaluate_reference
from protrules.facts.ledgers import ledger_from_mapping
from protrules.language.diagnostics import RuleFileError
from tests.casefile import Case, read_case
from tests.test_differential import untraced
from tests.test_summary import without_checks

CASES = Path(__file__).parent / "cases"
LANG = sorted((CASES / "lang").glob("*.case"))
ERRORS = sorted((CASES / "errors").glob("*.case"))


def _compile(case: Case) -> protrules.RuleSet:
    module = protrules.parse(case.source, case.path.name)
    program = protrules.check(module, protrules.Source(case.path.name, case.source))
    return protrules.compile(program)


@pytest.mark.parametrize("path", LANG, ids=[p.stem for p in LANG])
def test_language_case(path: Path) -> None:
    case = read_case(path)
    assert case.expectations, f"{path.name} has no expectations"
    rules = _compile(case)
    closures = protrules.compile(rules.program, generate=False)
    for expectation in case.expectations:
        ledger = ledger_from_mapping(
            case.ledgers[expectation.ledger], rules.fact_types, origin=f"{path.name}:{expectation.ledger}"
        )
        result = rules.evaluate(ledger, expectation.as_of)
        assert rules.evaluate(ledger, expectation.as_of, checks=False) == without_checks(result)
        assert decided(result) == evaluate_reference(rules.program, ledger, expectation.as_of)
        assert result == closures.evaluate(ledger, expectation.as_of)
        assert untraced(rules.explain(ledger, as_of=expectation.as_of)) == list(result.results)
        got = {rule_id: result.verdicts[rule_id] for rule_id in expectation.verdicts}
        reasons = {r.rule: r.reason for r in result.results if r.rule in expectation.verdicts}
        assert got == expectation.verdicts, (
            f"{path.name} [{expectation.ledger} @ {expectation.as_of}]: {reasons}"
        )
        if expectation.status is not None:
            assert result.status == expectation.status, f"{path.name} [{expectation.ledger}]"
        if expectation.score is not None:
            assert result.score == expectation.score, f"{path.name} [{expectation.ledger}]"


@pytest.mark.parametrize("path", ERRORS, ids=[p.stem for p in ERRORS])
def test_error_case(path: Path) -> None:
    case = read_case(path)
    assert case.errors, f"{path.name} lists no wanted errors"
    with pytest.raises(RuleFileError) as info:
        _compile(case)
    got = [
        (d.code, d.span.line - case.offset, d.span.column) if d.span else (d.code, 0, 0)
        for d in info.value.diagnostics
        if d.severity == "error"
    ]
    assert got == case.errors


def test_every_case_directory_is_not_empty() -> None:
    assert len(LANG) >= 10
    assert len(ERRORS) >= 10
