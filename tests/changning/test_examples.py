"""The ten example ledgers (examples/changning/) give the outcomes they were designed for.

The expected verdicts live beside the rules, as `test` blocks at the end of
rules/changning_2023.prl; this runs them. It also checks that the committed ledgers are exactly
what examples/changning/generate.py writes, and that the CSV and JSON forms of a ledger agree.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import protrules
from protrules.facts.ledgers import load_ledger

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "changning_2023.prl"
EXAMPLES = ROOT / "examples" / "changning"
AS_OF = dt.date(2024, 3, 31)


@pytest.fixture(scope="module")
def rules() -> protrules.RuleSet:
    return protrules.load_rules(RULES)


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("changning_generate", EXAMPLES / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_street_has_a_test_block(rules: protrules.RuleSet) -> None:
    # one with the file's own readings for each street (others may try another reading)
    tests = [t for t in rules.program.tests if t.facts and not t.params]
    named = sorted(Path(str(t.facts)).name.removesuffix(".json") for t in tests)
    streets = sorted(sid for sid, *_ in generator().STREETS)
    assert named == streets


TESTS = len(protrules.load_rules(RULES).program.tests)


@pytest.mark.parametrize("index", range(TESTS))
def test_rule_file_test_block(rules: protrules.RuleSet, index: int) -> None:
    test = rules.program.tests[index]
    assert test.facts is not None
    ledger = load_ledger(RULES.parent / test.facts, rules.fact_types)
    result = rules.with_parameters(dict(test.params)).evaluate(ledger, test.as_of)
    got = {rule_id: result.verdicts[rule_id] for rule_id, _ in test.expects}
    reasons = {r.rule: r.reason for r in result.results if r.rule in got}
    assert got == dict(test.expects), f"{test.name}: {reasons}"
    assert result.status == test.status, test.name


def test_the_designed_statuses(rules: protrules.RuleSet) -> None:
    statuses = {}
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix == ".json" or (path.is_dir() and (path / "entity.csv").exists()):
            ledger = load_ledger(path, rules.fact_types)
            statuses[ledger.id] = rules.evaluate(ledger, AS_OF).status
    assert statuses == {
        "huayang": "meets",
        "xinhua": "meets",
        "xinjing": "meets",
        "jiangsu": "fails",
        "zhoujiaqiao": "fails",
        "xianxia": "fails",
        "hongqiao": "fails",
        "tianshan": "fails",
        "chengjiaqiao": "vetoed",
        "beixinjing": "incomplete",
    }
    assert list(statuses.values()).count("meets") == rules.program.cap


def test_meeting_streets_have_nothing_open(rules: protrules.RuleSet) -> None:
    """In a street that meets the standard every one of the 80 rules passes: nothing is pending,
    unknown or n/a (its ledger exercises every rule)."""
    for street in ("huayang.json", "xinhua.json", "xinjing"):
        result = rules.evaluate(load_ledger(EXAMPLES / street, rules.fact_types), AS_OF)
        assert {r.verdict for r in result.results} == {"pass"}, street
        assert result.score == 1


def test_committed_ledgers_are_what_the_generator_writes(tmp_path: Path) -> None:
    generator().main(tmp_path)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(EXAMPLES)
        for p in EXAMPLES.rglob("*")
        if p.is_file() and p.suffix in (".json", ".csv")
    )
    assert written == committed
    for relative in written:
        assert (tmp_path / relative).read_bytes() == (EXAMPLES / relative).read_bytes(), relative


def test_csv_and_json_forms_agree(rules: protrules.RuleSet, tmp_path: Path) -> None:
    gen = generator()
    for sid, name, short, story in gen.STREETS:
        if sid in gen.CSV_STREETS:
            gen.write_json(gen.build(sid, name, short, story), tmp_path)
            from_csv = rules.evaluate(load_ledger(EXAMPLES / sid, rules.fact_types), AS_OF)
            from_json = rules.evaluate(load_ledger(tmp_path / f"{sid}.json", rules.fact_types), AS_OF)
            assert [(r.rule, r.verdict, r.evidence) for r in from_csv.results] == [
                (r.rule, r.verdict, r.evidence) for r in from_json.results
            ]
