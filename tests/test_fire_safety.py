"""The second real standard (issue 20.5): the fire-safety duties of 公安部令第61号, written with
the language's additions (for each day / half year, if … then … else in spirit of the table,
ceil, months_between, applies when before an inner loop, nested loops), on the same calendar.

Its own tests sit beside the rules (``protrules test rules/fire_safety_2002.prl``); here they are
run, the fictional ledgers are held to their generator, and every clause is held to quote an
article of its source."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import protrules
from protrules.facts.ledgers import load_ledgers
from protrules.testing import prltest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "fire_safety_2002.prl"
EXAMPLES = ROOT / "examples" / "fire_safety"


def test_the_tests_beside_the_rules_pass() -> None:
    rules = protrules.load_rules(RULES)
    run = prltest.run_tests(rules, prltest.tests_from_program(rules.program, RULES))
    assert run.failed == 0 and run.passed == 6


def test_every_clause_quotes_its_article() -> None:
    rules = protrules.load_rules(RULES)
    assert len(rules.rules) == 14
    for rule in rules.rules:
        assert re.match(r"(《消防法》)?第[一二三四五六七八九十]+条 ", rule.clause), rule.id


def test_the_example_ledgers_are_the_generators_and_fictional(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate", EXAMPLES / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    argv = sys.argv
    sys.argv = ["generate.py", str(tmp_path)]
    try:
        assert generate.main() == 0
    finally:
        sys.argv = argv
    written = sorted(p.name for p in tmp_path.glob("*.json"))
    assert written == ["dangan.json", "donghu.json", "xingguang.json", "xinyuan.json"]
    for name in written:
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), (
            f"run `python examples/fire_safety/generate.py` ({name} differs)"
        )
        assert "（虚构）" in json.loads((tmp_path / name).read_text(encoding="utf-8"))["entity"]["name"]


def test_the_four_units() -> None:
    rules = protrules.load_rules(RULES)
    results = {r.entity: r for r in rules.evaluate_many(load_ledgers([str(EXAMPLES)], rules.fact_types))}
    assert {k: r.status for k, r in results.items()} == {
        "dangan": "fails", "donghu": "fails", "xingguang": "meets", "xinyuan": "fails",
    }  # fmt: skip
    failed = {k: sorted(rule for rule, v in r.verdicts.items() if v == "fail") for k, r in results.items()}
    assert failed["donghu"] == ["4.25.1", "4.25.2", "4.25.3", "5.32.1", "6.40.1"]
    assert failed["xinyuan"] == ["4.26.1", "4.27.1", "4.27.2", "5.32.1", "6.36.3"]
