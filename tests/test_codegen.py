"""Rules generated as Python (:mod:`protrules.compiling.codegen`, :mod:`protrules.compiling.exact`):
the code for definite values gives the same results as the exact code, is the path taken on
clean ledgers, hands a rule to the exact code where a value is not definite, and no text of a
rule file is ever in the generated code."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

import protrules
from protrules.compiling.rules import RuleTooComplexError
from protrules.evaluation.runtime import EvaluationLimitError
from protrules.facts.ledgers import ledger_from_mapping, load_ledger
from protrules.language import building
from protrules.language.diagnostics import RuleFileError
from tests import goldens
from tests.test_summary import without_checks

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "codegen"
SIX = ROOT / "benchmarks" / "six_rules.prl"


def _compile(text: str, **options: Any) -> protrules.RuleSet:
    program = protrules.check(protrules.parse(text, "t.prl"), protrules.Source("t.prl", text))
    return protrules.compile(program, **options)


def _load(path: Path, generate: bool = True) -> protrules.RuleSet:
    """A rule file; ``generate=False``: every rule on its exact code."""
    return protrules.load_rules(path, generate=generate)


def _fallbacks(rules: protrules.RuleSet, checks: bool = False) -> dict[str, int]:
    return {c.rule.id: c.fallbacks["checks" if checks else "tally"] for c in rules._rules}


@pytest.fixture(scope="module")
def streets() -> list[protrules.Ledger]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import ledgers
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return list(ledgers.streets(40))


def test_six_rules_run_generated_and_agree_with_the_exact_code(streets: list[protrules.Ledger]) -> None:
    generated, closures = _load(SIX), _load(SIX, generate=False)  # the latter: exact code only
    as_of = dt.date(2024, 3, 31)
    verdicts = set()
    for street in streets:
        fast, full = generated.evaluate(street, as_of, checks=False), generated.evaluate(street, as_of)
        assert full == closures.evaluate(street, as_of)  # every check, detail and let
        assert fast == closures.evaluate(street, as_of, checks=False) == without_checks(full)
        verdicts |= set(fast.verdicts.values())
    assert verdicts == {"pass", "fail", "n/a"}
    assert all(generated.generated_source(r.id, checks=checks) for r in generated.rules for checks in (0, 1))
    assert not any(_fallbacks(generated).values())  # every street, every rule: generated code
    assert not any(_fallbacks(generated, checks=True).values())
    assert "_select(" in generated.generated_source("F.1.1", exact=True)  # readable even where not run


def test_changning_rules_are_all_generated_and_fall_back_only_for_missing_data() -> None:
    path = ROOT / "rules" / "changning_2023.prl"
    generated, closures = _load(path), _load(path, generate=False)
    folder = ROOT / "examples" / "changning"
    district = load_ledger(folder / "_district.json", generated.fact_types)  # read with every street
    generated, closures = generated.with_district(district), closures.with_district(district)
    streets = sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith("_"))
    ledgers = [load_ledger(p, generated.fact_types) for p in streets]
    fell_back = set()
    for as_of in ("2023-06-30", "2023-10-01", "2024-03-31", "2024-09-30"):
        day = dt.date.fromisoformat(as_of)
        for ledger in ledgers:
            assert generated.evaluate(ledger, day) == closures.evaluate(ledger, day)
            before = _fallbacks(generated)
            fast = generated.evaluate(ledger, day, checks=False)
            assert fast == closures.evaluate(ledger, day, checks=False)
            after = _fallbacks(generated)
            handed = {rule for rule in after if after[rule] > before[rule]}
            # the exact code answered only where some value was unknown (a fact type or field missing)
            assert all(fast.verdicts[rule] in ("unknown", "pending", "fail") for rule in handed)
            assert all("unknown" in {c.verdict for c in closures.evaluate(ledger, day).result(rule).checks}  # type: ignore[union-attr]
                       for rule in handed)  # fmt: skip
            fell_back |= handed
    assert all(generated.generated_source(r.id) for r in generated.rules)
    assert len(fell_back) < 10  # of 80 rules


@pytest.mark.parametrize(("rule_id", "checks"), [("C.1.1", False), ("F.1.1", False), ("F.1.1", True)])
def test_generated_source_of_representative_rules(rule_id: str, checks: bool) -> None:
    source = _load(SIX).generated_source(rule_id, checks=checks)
    assert source is not None
    goldens.compare(GOLDEN / f"six-{rule_id}{'-checks' if checks else ''}.py.txt", source)


RULES = """standard "s":
    title: "t"
    assessment: 评估期
period 评估期 = 2023-01-01 .. 2023-12-31
fact meeting "会议":
    date: date "日期"
    topic: text "议题"
    note: text? "备注"
area 1 "a":
    rule 1.1 "a topic with quotes and code in it":
        clause: "c"
        require count(meeting where meeting.topic = "x\\") or __import__('os').system('echo') or (\\"") = 0
    rule 1.2 "on rest days":
        clause: "c"
        require none(meeting where meeting.date is rest day)
    rule 1.3 "notes written":
        clause: "c"
        require every(meeting, meeting.note != "")
"""


def _ledger(rules: protrules.RuleSet, *meetings: dict[str, str]) -> protrules.Ledger:
    data = {"entity": {"id": "s1", "name": "一街"}, "facts": {"meeting": list(meetings)}}
    return ledger_from_mapping(data, rules.fact_types, origin="test")


def test_no_text_of_the_rule_file_is_spliced_into_generated_code() -> None:
    rules = _compile(RULES)
    source = rules.generated_source("1.1")
    assert source is not None and "__import__" not in source and "echo" not in source
    ledger = _ledger(rules, {"id": "M1", "date": "2023-05-04", "topic": "x\") or __import__('os')"})
    assert rules.evaluate(ledger, dt.date(2024, 1, 1), checks=False).verdicts["1.1"] == "pass"


def test_a_value_the_generated_code_cannot_be_sure_of_goes_to_the_exact_code() -> None:
    generated, closures = _compile(RULES), _compile(RULES, generate=False)
    # a missing optional field (1.3) and a year with no published holiday notice (1.2)
    ledger = _ledger(
        generated,
        {"id": "M1", "date": "2023-05-04", "topic": "a", "note": "n"},
        {"id": "M2", "date": "2030-05-04", "topic": "b"},
    )
    day = dt.date(2031, 1, 1)
    fast = generated.evaluate(ledger, day, checks=False)
    full = closures.evaluate(ledger, day)
    assert generated.evaluate(ledger, day) == full
    assert fast == closures.evaluate(ledger, day, checks=False) == without_checks(full)
    assert fast.verdicts == {"1.1": "pass", "1.2": "unknown", "1.3": "unknown"}
    assert "no published holiday notice for 2030" in fast.result("1.2").reason  # type: ignore[union-attr]
    assert _fallbacks(generated) == {"1.1": 0, "1.2": 1, "1.3": 1}


def test_a_runaway_generated_rule_stops_with_a_clear_error() -> None:
    text = RULES + """    rule 1.4 "every pair":
        clause: "c"
        for each a in meeting:
            for each b in meeting:
                require count(meeting where meeting.date >= a.date and meeting.date <= b.date) >= 0
"""
    rules = _compile(text, max_work=20_000)
    meetings = [{"id": f"M{i}", "date": "2023-05-04", "topic": "t", "note": "n"} for i in range(60)]
    for checks in (False, True):
        with pytest.raises(EvaluationLimitError, match="evaluation stopped after 20,000 steps"):
            rules.evaluate(_ledger(rules, *meetings), dt.date(2024, 1, 1), checks=checks)


def test_code_is_written_at_a_rules_first_evaluation_and_kept() -> None:
    rules = _compile(RULES)
    assert not any(c.written for c in rules._rules)  # compiling writes nothing yet
    ledger = _ledger(rules, {"id": "M1", "date": "2023-05-04", "topic": "a", "note": "n"})
    day = dt.date(2024, 1, 1)
    first = rules.evaluate(ledger, day, checks=False)
    functions = [c.function("tally") for c in rules._rules]
    assert all(functions) and [set(c.written) for c in rules._rules] == [{"tally"}] * 3
    assert rules.evaluate(ledger, day, checks=False) == first
    assert [c.function("tally") for c in rules._rules] == functions  # the same functions: written once
    explained = rules.explain(ledger, as_of=day)
    assert all(r.checks[0].trace for r in explained)
    assert all("traced" in c.written and "exact" not in c.written for c in rules._rules)


def test_generate_after_is_deprecated_and_ignored() -> None:
    with pytest.warns(DeprecationWarning, match="generate_after is deprecated"):
        rules = _compile(RULES, generate_after=5)
    with pytest.warns(DeprecationWarning, match="generate_after is deprecated"):
        protrules.load_rules(SIX, generate_after=0)
    ledger = _ledger(rules, {"id": "M1", "date": "2023-05-04", "topic": "a", "note": "n"})
    rules.evaluate(ledger, dt.date(2024, 1, 1), checks=False)
    assert all(c.function("tally") for c in rules._rules)


def test_rule_sets_pickle_with_their_generation_options() -> None:
    import pickle

    for generate in (False, True):
        rules = _compile(RULES, generate=generate)
        restored = pickle.loads(pickle.dumps(rules))
        assert restored.generate == rules.generate


def _nested(depth: int) -> str:
    head = RULES.split("area 1")[0] + 'area 1 "a":\n    rule 1.1 "deep":\n        clause: "c"\n'
    lines = [f"{'    ' * (i + 2)}for each m{i} in meeting:" for i in range(depth)]
    return head + "\n".join(lines) + f"\n{'    ' * (depth + 2)}require count(meeting) >= 0\n"


def test_nesting_python_cannot_compile_is_refused_when_the_rules_are_compiled() -> None:
    """Once a crash at a rule's 33rd evaluation: a `for each` is a Python loop, and Python
    compiles at most 20 inside one another. 20 run on every path; 21 are refused at once."""
    rules = _compile(_nested(20))
    ledger = _ledger(rules, {"id": "M1", "date": "2023-05-04", "topic": "a"})
    day = dt.date(2024, 1, 1)
    full = rules.evaluate(ledger, day)
    assert full.verdicts == {"1.1": "pass"}
    assert rules.evaluate(ledger, day, checks=False) == without_checks(full)
    assert _compile(_nested(20), generate=False).evaluate(ledger, day) == full
    assert rules.explain(ledger, as_of=day)[0].verdict == "pass"
    with pytest.raises(RuleFileError) as info:  # refused when the file is read (docs/limits.md)
        _compile(_nested(21))
    assert [(d.code, d.span.line if d.span else 0) for d in info.value.diagnostics] == [("PRL109", 12)]


def test_nesting_past_the_limit_in_a_program_built_otherwise_is_refused_when_compiled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(building, "BLOCK_DEPTH", 30)  # a program the parser's bound did not see
    with pytest.raises(RuleTooComplexError, match=r"rule 1.1 \(line 10\) nests 21 `for each`"):
        _compile(_nested(21))
    from protrules.language.formatter import format_source

    with pytest.raises(RuleTooComplexError, match=r"rule 1.1 \(line \d+\) nests 21 `对每个`"):
        _compile(format_source(_nested(21), dialect="zh"))  # named as the file writes it


def test_index_readers_read_a_field_as_attrgetter_does() -> None:
    """Indexes read a field through comprehensions compiled for its attribute: the same values
    and picks as ``operator.attrgetter``, the same AttributeError for a fact lacking it, and no
    code from a name that is not an attribute."""
    import operator
    from types import SimpleNamespace

    from protrules.evaluation.indexes import _readers

    one, two = object(), object()
    facts = [SimpleNamespace(venue=v, n=i) for i, v in enumerate([one, two, one, 3, 3.0])]
    read, get = _readers("venue"), operator.attrgetter("venue")
    assert read.values(facts) == list(map(get, facts))
    assert read.same(facts, one) == [facts[0], facts[2]]
    assert read.equal(facts, 3) == [facts[3], facts[4]]
    assert _readers("venue") is read
    with pytest.raises(AttributeError):
        read.values([*facts, SimpleNamespace(n=9)])
    for bad in ("class", "a.b", "x = 1", ""):
        with pytest.raises(ValueError):
            _readers(bad)


SPANS = """standard "s":
    title: "t"
    assessment: 评估期
    calendar: china
period 评估期 = 2023-01-02 .. 2023-04-02
period 一月 = 2023-01-01 .. 2023-01-31
period 三月 = 2023-03-01 .. 2023-03-31
fact venue "场所":
    name: text "名称"
fact venue_session "开放记录":
    venue: venue "场所"
    date: date "日期"
area 1 "a":
    rule 1.1 "open every week of January and March":
        clause: "c"
        for each 场所 in venue:
            for each week 周 of 评估期 where 周 in 一月 or 周 in 三月:
                let 本周 = (venue_session where venue_session.venue = 场所 and venue_session.date in 周)
                require distinct(本周, 本周.date) >= 2
                require exists(本周 as s where s.date is rest day)
"""


def test_evidence_gathered_as_spans_of_a_run_is_the_exact_codes() -> None:
    """Generated code without checks keeps the facts of a run's consecutive slices (the weeks
    a loop visits) as one span: the weeks it skips (February), another venue's run, and a run
    out of date order (sliced by the run's own method) leave exactly the exact code's evidence."""
    generated, closures = _compile(SPANS), _compile(SPANS, generate=False)
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(0, 95, 2)]
    sessions = [{"id": f"A{i}", "venue": "V1", "date": d.isoformat()} for i, d in enumerate(days)]
    sessions += [{"id": f"B{i}", "venue": "V2", "date": d.isoformat()} for i, d in enumerate(days[::3])]
    shuffled = [{"id": f"C{i}", "venue": "V3", "date": d.isoformat()} for i, d in enumerate(reversed(days))]
    venues = [{"id": v, "name": v} for v in ("V1", "V2", "V3")]
    for rows in (sessions, sessions + shuffled, shuffled):
        data = {"entity": {"id": "s1", "name": "一街"}, "facts": {"venue": venues, "venue_session": rows}}
        ledger = ledger_from_mapping(data, generated.fact_types, origin="test")
        fast = generated.evaluate(ledger, dt.date(2023, 6, 30), checks=False)
        exact = closures.evaluate(ledger, dt.date(2023, 6, 30), checks=False)
        assert fast == exact
        found = fast.results[0].evidence
        assert found == exact.results[0].evidence
        assert not any(f"venue_session:{s['id']}" in found for s in rows if s["date"][5:7] == "02")
        assert len(found) > 20
    assert _fallbacks(generated) == {"1.1": 0}
    assert "F += span_" in (generated.generated_source("1.1") or "")
