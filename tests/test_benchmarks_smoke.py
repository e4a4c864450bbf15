"""The benchmark code still runs: benchmarks/run.py's six-rule check and per_rule.py on a few streets.

Only protrules and the hand-written baseline (no peer engines needed); fast (~1 s).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_six_rules_agree_with_the_hand_written_baseline() -> None:
    run = _load("run")
    ledgers = list(run.street_gen.streets(3))
    assert all(400 < run.street_gen.fact_count(s) < 560 for s in ledgers)
    streets = [run.records(s) for s in ledgers]  # every engine starts from the same records
    runners, skipped = run.make_engines(["protrules", "protrules-no-checks", "handwritten"])
    assert not skipped
    assert run.verify(runners, streets) == 3  # raises VerdictMismatch with a diff otherwise
    verdicts = [runners["protrules"](s) for s in streets]
    assert all(len(v) == 6 and set(v) <= {"pass", "fail", "n/a"} for v in verdicts)


def test_the_quick_table_prints(capsys: object) -> None:
    run = _load("run")
    out: list[str] = []
    args = run.parse_args(
        ["--quick", "--streets", "3", "--engines", "protrules,handwritten", "--skip-standards"]
    )
    args.streets = 3
    found = run.six_rules(args, out)
    assert set(found["results"]) == {"protrules", "handwritten"}
    assert any(line.startswith("| protrules |") for line in out)


def test_the_stream_is_deterministic_and_starts_anywhere() -> None:
    ledgers = _load("ledgers")
    a = [ledger.id for ledger in ledgers.streets(3, start=5)]
    assert a == ["S000005", "S000006", "S000007"]
    one, again = ledgers.street(7), ledgers.street(7)
    assert ledgers.fact_count(one) == ledgers.fact_count(again)
    dates = [f.values["date"] for f in one.facts["venue_session"]]
    assert dates == [f.values["date"] for f in again.facts["venue_session"]]


def test_each_rule_agrees_with_its_hand_written_twin_and_the_table_prints() -> None:
    per_rule = _load("per_rule")
    streets = list(per_rule.ledgers.streets(4))
    runs = per_rule.engines(streets)
    for street in streets:
        for letter in per_rule.RULES:
            assert runs[f"p{letter}"](street).verdict == runs[f"h{letter}"](street), (street.id, letter)
        assert tuple(runs["p"](street).values()) == runs["h"](street)
    table = per_rule.table(per_rule.times(4, 1), "µs")
    assert table.splitlines()[2].startswith("| protrules, µs | ")
    assert len(table.splitlines()) == 5
