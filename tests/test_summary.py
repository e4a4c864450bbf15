"""Evaluating without checks (``RuleSet.evaluate(…, checks=False)``): the same results as a
full evaluation, less each rule's checks and lets. ``tests/test_differential.py`` holds
generated rules and ledgers to the same property."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest

import protrules
from protrules.evaluation.findings import Reason
from protrules.evaluation.results import EntityResult
from protrules.facts.ledgers import load_ledger

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "rules" / "changning_2023.prl"


def without_checks(result: EntityResult) -> EntityResult:
    """A full result as ``checks=False`` gives it: no checks, no lets."""
    rules = tuple(attrs.evolve(r, checks=(), lets=()) for r in result.results)
    return attrs.evolve(result, results=rules, with_checks=False)


@pytest.fixture(scope="module")
def changning() -> protrules.RuleSet:  # evaluation without checks by generated code from the first ledger on
    return protrules.load_rules(CHANGNING)


@pytest.fixture(scope="module")
def streets(changning: protrules.RuleSet) -> list[protrules.Ledger]:
    folder = ROOT / "examples" / "changning"
    paths = sorted(p for p in folder.iterdir() if p.suffix == ".json" or p.is_dir())
    return [load_ledger(p, changning.fact_types) for p in paths]


@pytest.mark.parametrize("as_of", ["2023-06-30", "2023-10-01", "2024-03-31", "2024-09-30"])
def test_changning_streets_same_without_checks(
    changning: protrules.RuleSet, streets: list[protrules.Ledger], as_of: str
) -> None:
    day = dt.date.fromisoformat(as_of)
    verdicts = set()
    for ledger in streets:
        full = changning.evaluate(ledger, day)
        brief = changning.evaluate(ledger, day, checks=False)
        assert brief == without_checks(full)
        assert brief.with_checks is False and full.with_checks is True
        assert all(r.checks == () and r.lets == () for r in brief.results)
        verdicts |= {r.verdict for r in brief.results}
    # the comparison saw passes, failures, and rules open or missing data
    assert {"pass", "fail"} <= verdicts and verdicts & {"pending", "unknown"}


RULES = """standard "s":
    title: "t"
    assessment: 评估期
period 评估期 = 2023-01-01 .. 2023-12-31
fact meeting "会议":
    date: date "日期"
    kind: enum("A", "B") "类型"
    note: text? "备注"
area 1 "a":
    rule 1.1 "each A meeting, if noted, within 10 days of a B":
        clause: "c1.1"
        for each m in meeting:
            applies when m.note is set
            require exists(meeting as b where b.kind = "B" and b.date within 10 days after m.date)
    rule 1.2 "assessed, nothing to check":
        kind: assessed
        clause: "c1.2"
        advise count(meeting) >= 1
        for each m in meeting where m.kind = "B":
            require m.note is set
    rule 1.3 "due later":
        clause: "c1.3"
        require count(meeting) >= 3 by 2023-12-31
        require count(meeting where meeting.kind = "B") >= 1 by 2023-11-30
    rule 1.4 "let, then applies":
        clause: "c1.4"
        let 次数 = count(meeting)
        applies when 次数 > 5
        require 次数 >= 6
    rule 1.5 "a let in each pass, some passes do not apply":
        clause: "c1.5"
        for each m in meeting:
            let 日 = m.date
            applies when m.kind = "A"
            require 日 in 评估期
    rule 1.6 "a count in a let after a requirement is no evidence of it":
        clause: "c1.6"
        for each quarter 季度 of 评估期:
            let 其他 = count(meeting where meeting.kind = "B" and meeting.date in 季度)
            require count(meeting where meeting.kind = "A" and meeting.date in 季度) >= 0
"""


def _rules() -> protrules.RuleSet:
    return protrules.compile(
        protrules.check(protrules.parse(RULES, "s.prl"), protrules.Source("s.prl", RULES))
    )


def _ledger(*meetings: tuple[str, str, str | None]) -> protrules.Ledger:
    from protrules.facts.model import Fact, Ledger

    facts = []
    for i, (day, kind, note) in enumerate(meetings):
        values: dict[str, object] = {"date": dt.date.fromisoformat(day), "kind": kind}
        if note is not None:
            values["note"] = note
        facts.append(Fact("meeting", f"M{i}", values))
    return Ledger("s1", "一街", {"meeting": tuple(facts)})


@pytest.mark.parametrize(
    "meetings",
    [
        (),
        (("2023-03-01", "A", "x"), ("2023-03-05", "B", None)),
        (("2023-03-01", "A", "x"), ("2023-03-20", "B", "y"), ("2023-05-01", "A", None)),
        (("2023-03-01", "A", None),),
    ],
)
@pytest.mark.parametrize("as_of", ["2023-06-30", "2024-01-31"])
def test_applies_advice_and_due_dates_agree(
    meetings: tuple[tuple[str, str, str | None], ...], as_of: str
) -> None:
    rules = _rules()
    ledger = _ledger(*meetings)
    day = dt.date.fromisoformat(as_of)
    full = rules.evaluate(ledger, day)
    assert rules.evaluate(ledger, day, checks=False) == without_checks(full)


def test_evaluate_many_without_checks_in_a_pool(
    changning: protrules.RuleSet, streets: list[protrules.Ledger]
) -> None:
    day = dt.date(2024, 3, 31)
    serial = [without_checks(r) for r in changning.evaluate_many(streets, day)]
    with ThreadPoolExecutor(2) as pool:
        pooled = list(changning.evaluate_many(streets, day, executor=pool, chunk=3, checks=False))
    assert pooled == serial


def test_lets_stay_in_full_results_when_the_rule_or_a_pass_does_not_apply() -> None:
    rules = _rules()
    ledger = _ledger(("2023-03-01", "A", None), ("2023-04-01", "B", None))
    full = rules.evaluate(ledger, dt.date(2023, 12, 31))
    first, second = full.result("1.4"), full.result("1.5")
    assert first is not None and second is not None
    assert (first.verdict, first.reason, first.lets) == ("n/a", "does not apply", (("次数", 2),))
    assert [c.verdict for c in second.checks] == ["pass", "n/a"]  # M1's pass gave way to "does not apply"
    assert second.lets == (("日 (m = M0)", dt.date(2023, 3, 1)), ("日 (m = M1)", dt.date(2023, 4, 1)))
    assert rules.evaluate(ledger, dt.date(2023, 12, 31), checks=False) == without_checks(full)


def test_evidence_is_what_requirements_read_not_what_later_lets_count() -> None:
    rules = _rules()
    ledger = _ledger(("2023-03-01", "A", None), ("2023-05-01", "B", None))
    day = dt.date(2023, 12, 31)
    full = rules.evaluate(ledger, day).result("1.6")
    brief = rules.evaluate(ledger, day, checks=False).result("1.6")
    assert full is not None and brief is not None
    # Q2's let counts M1 after Q1's requirement read M0: M1 is evidence of no requirement
    assert full.evidence == brief.evidence == ("meeting:M0",)


def test_a_settled_result_holds_no_facts(
    changning: protrules.RuleSet, streets: list[protrules.Ledger]
) -> None:
    result = changning.evaluate(streets[0], dt.date(2024, 3, 31), checks=False)
    # reasons and evidence are written on first reading: until then they hold what they are made of
    assert any(not isinstance(r._evidence, tuple) for r in result.results)
    assert any(not isinstance(r._reason, str) for r in result.results)
    full = changning.evaluate(streets[0], dt.date(2024, 3, 31))
    assert result.settle() is result and result == without_checks(full)
    assert all(isinstance(r._evidence, tuple) for r in result.results)
    # a reason stays data, to be worded in either language, but it holds no fact any more
    for r in result.results:
        why = r._reason
        assert isinstance(why, Reason) and why._text is not None
        held = [getattr(c, "value", None) for c in why.context]
        held += [getattr(why.finding, "left", None), getattr(why.finding, "right", None)]
        assert not any(isinstance(v, protrules.Fact) for v in held), r.rule


def test_a_result_made_the_quick_way_is_the_same_result() -> None:
    """Generated code makes its results with ``tallied`` (each slot set by its descriptor):
    every field set, equal, hashed and shown as ``RuleResult(…)`` makes it."""
    from protrules.evaluation.results import RuleResult, tallied

    fields = ("1.1", "t", "required", 2, "pass", "r", dt.date(2024, 1, 1), ("meeting:M1",))
    quick, made = tallied(*fields), RuleResult(*fields, ())
    assert quick == made and repr(quick) == repr(made) and hash(quick) == hash(made)
    assert all(getattr(quick, f.name) == getattr(made, f.name) for f in attrs.fields(RuleResult))
