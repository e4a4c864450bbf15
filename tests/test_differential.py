"""Differential testing: generated rules and facts give identical verdicts, due dates and
evidence on the reference interpreter and on every way protrules runs a rule — the compiled
closures, the traced closures of ``explain`` (identical results less the trace), the generated
code with checks and without (``evaluate(…, checks=False)``); and a rule that checks never
raises a Python exception when evaluated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import protrules
from protrules.evaluation.reference import decided, evaluate_reference
from protrules.testing import as_of_dates, ledgers
from tests.test_summary import without_checks

ROOT = Path(__file__).resolve().parent.parent

SCHEMA = """standard "generated":
    title: "generated"
    assessment: 评估期
period 评估期 = 2023-04-01 .. 2024-03-31
vacation 暑假 = 2023-07-01 .. 2023-08-31
parameter 次数: integer:
    1 from 2023-01-01
    2 from 2024-01-01
fact person "人员":
    name: text "姓名"
    appointed: date "任职日期"
    female: boolean? "女性"
fact meeting "会议":
    date: date "日期"
    kind: enum("A", "B") "类型"
    hours: decimal "时长"
    share: percentage "占比"
    owner: person? "负责人"
    note: text? "备注"
fact incident "事件":
    date: date "日期"
"""

SETS = st.sampled_from(
    [
        "meeting",
        'meeting where meeting.kind = "A"',
        "meeting where meeting.date in 评估期",
        "meeting where meeting.date is rest day",
        "meeting where meeting.hours > 2",
        "meeting where meeting.note is set",
        "meeting where meeting.owner.female",
        "meeting where meeting.date within 3 months after 2023-06-30",
        "meeting where meeting.date in 暑假 or meeting.date is statutory holiday",
        "person where person.appointed in 评估期",
        "incident",
    ]
)
ITEM = st.sampled_from(
    [
        "{x}.date is working day",
        "{x}.hours >= 3",
        '{x}.kind = "B"',
        "{x}.share >= 50%",
        "{x}.note is missing",
        '{x}.owner.name = "王芳"',
        "{x}.date in 评估期",
        "{x}.date + 10 working days <= 评估期.end",
        "{x}.date is in holiday",
        "{x}.date > 评估期.start - 1 year",
        "{x}.date <= deadline(评估期.start, 2 months) + 3 working days",
        "(if {x}.hours > 2 then {x}.date else {x}.date + 1 month) in 评估期",
        "round({x}.hours / 3, 1) >= 1.2 and ceil({x}.share, 0) < 60%",
        "max({x}.date, 2023-06-01) <= min(deadline(2023-06-01, 1 month), 评估期.end)",
        "months_between({x}.date, as_of) >= 3 and years_between(2020-02-29, {x}.date) >= 3",
        "floor({x}.hours) * 1 day >= 2 days and {x}.date > date(2023, 5, 31)",
        "overlaps({x}.date .. {x}.date + 1 month, 暑假) or intersection(评估期, 暑假).days > 60",
    ]
)


def _aggregate(draw: st.DrawFn) -> str:
    source = draw(SETS)
    name = source.split()[0]
    day = {"person": "appointed"}.get(name, "date")
    item = draw(ITEM).format(x=name) if name == "meeting" else f"{name}.{day} is working day"
    form = draw(st.integers(0, 10))
    return [
        f"count({source}) >= {draw(st.integers(0, 3))}",
        f"exists({source})",
        f"none({source})",
        f"every({source}, {item})",
        f"share({source}, {item}) >= {draw(st.sampled_from(['0%', '50%', '100%']))}",
        f"sum({source}, {name}.hours) > 4" if name == "meeting" else f"count({source}) <= 次数",
        f"distinct({source}, {name}.{day}) >= 次数",
        f"max({source}, {name}.{day}) > 2023-10-01",
        f"min({source}, {name}.{day}) < deadline(2023-04-30, 1 month)",
        f"default(max({source}, {name}.{day}), 2023-01-01) > 2023-10-01",
        f"default(share({source}, {item}), 100%) >= 50%",
    ][form]


@st.composite
def conditions(draw: st.DrawFn, depth: int = 2) -> str:
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return _aggregate(draw)
    op = draw(st.sampled_from(["and", "or", "not", "if"]))
    if op == "not":
        return f"not ({draw(conditions(depth - 1))})"
    if op == "if":
        parts = [draw(conditions(depth - 1)) for _ in range(3)]
        return f"(if {parts[0]} then {parts[1]} else {parts[2]})"
    return f"({draw(conditions(depth - 1))}) {op} ({draw(conditions(depth - 1))})"

APPLIES = st.sampled_from(
    ['m.kind = "A"', "m.note is set", "m.hours > 2", "m.owner.female", "m.date is rest day"]
)


@st.composite
def rule_bodies(draw: st.DrawFn) -> str:
    lines = []
    shape = draw(st.integers(0, 5))
    cond = draw(conditions())
    if shape == 0:
        lines.append(f"        require {cond}")
    elif shape == 1:
        unit = draw(st.sampled_from([
            "year", "half year", "quarter", "month", "week", "day", "vacation", "holiday"
        ]))
        where = draw(st.sampled_from(["", " where 期 in 评估期"]))
        lines.append(f"        for each {unit} 期 of 评估期{where}:")
        lines.append(f"            require {cond.replace('评估期', '期')}")
    elif shape == 2:
        lines.append('        for each m in meeting where m.kind = "A":')
        lines.append(
            "            require exists(meeting where meeting.date within 30 working days after m.date"
            ' and meeting.kind = "B") by deadline(m.date, 30 working days)'
        )
    elif shape == 3:
        lines.append(f"        applies when {draw(conditions(1))}")
        lines.append(f"        require {cond}")
    elif shape == 4:
        lines.append("        for each m in meeting:")
        lines.append(f"            applies when {draw(APPLIES)}")
        lines.append(f"            require {cond} by m.date + 20 days")
    else:
        lines.append(f"        let 甲 = {draw(SETS)}")
        lines.append(f"        require count(甲) >= 1 or {cond}")
        lines.append(f"        advise {draw(conditions(1))}")
    return "\n".join(lines)


@st.composite
def programs(draw: st.DrawFn) -> str:
    rules = []
    for i in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["required", "veto", "assessed", "advisory"]))
        rules.append(
            f'    rule 1.{i + 1} "r{i}":\n        kind: {kind}\n        clause: "c{i}"\n'
            + draw(rule_bodies())
        )
    return SCHEMA + 'area 1 "a":\n' + "\n".join(rules) + "\n"


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data(), st.sampled_from(["some", "all"]))
def test_generated_rules_agree_on_every_backend(data: st.DataObject, covered: str) -> None:
    """The closures with checks, the reference interpreter, the closures' tally and the rules
    generated as Python: on ledgers covering some fact types (the generated code hands many
    rules back) and all of them (it answers most)."""
    text = data.draw(programs(), label="rules")
    program = protrules.check(protrules.parse(text, "gen.prl"), protrules.Source("gen.prl", text))
    rules, closures = protrules.compile(program), protrules.compile(program, generate=False)
    ledger = data.draw(ledgers(rules, covered=covered), label="ledger")
    as_of = data.draw(as_of_dates(rules), label="as_of")
    full = rules.evaluate(ledger, as_of)
    reference = evaluate_reference(rules.program, ledger, as_of)
    assert decided(full) == reference
    assert full == closures.evaluate(ledger, as_of)  # generated with checks, and the closures
    assert untraced(rules.explain(ledger, as_of=as_of)) == list(full.results)  # the traced closures
    brief = rules.evaluate(ledger, as_of, checks=False)
    assert brief == without_checks(full) == closures.evaluate(ledger, as_of, checks=False)
    assert decided(brief) == reference


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_real_rule_files_agree_on_both_backends(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(sorted((ROOT / "rules").glob("*.prl"))), label="file")
    rules = _load(path)
    ledger = data.draw(ledgers(rules, covered="some"), label="ledger")
    as_of = data.draw(st.one_of(as_of_dates(rules), st.dates(dt.date(2023, 1, 1), dt.date(2025, 6, 30))))
    full = rules.evaluate(ledger, as_of)
    assert decided(full) == evaluate_reference(rules.program, ledger, as_of)
    assert untraced(rules.explain(ledger, as_of=as_of)) == list(full.results)
    assert rules.evaluate(ledger, as_of, checks=False) == without_checks(full)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_real_rule_files_agree_with_a_district_ledger(data: st.DataObject) -> None:
    """A street's ledger read with a district ledger (protrules.facts.district): the compiled
    code and the reference interpreter see the same merged facts, the programme's records
    left to the district."""
    path = data.draw(st.sampled_from(sorted((ROOT / "rules").glob("*.prl"))), label="file")
    plain = _load(path)
    ledger = data.draw(ledgers(plain, covered="some"), label="ledger")
    district = data.draw(ledgers(plain, covered="some", prefix="d"), label="district")
    rules = plain.with_district(district)
    as_of = data.draw(st.one_of(as_of_dates(rules), st.dates(dt.date(2023, 1, 1), dt.date(2025, 6, 30))))
    full = rules.evaluate(ledger, as_of)
    assert decided(full) == evaluate_reference(rules.program, ledger, as_of, district)
    assert untraced(rules.explain(ledger, as_of=as_of)) == list(full.results)
    assert rules.evaluate(ledger, as_of, checks=False) == without_checks(full)


def test_the_changning_streets_agree_with_the_district_ledger() -> None:
    """The example streets with the example district ledger: the rehab and allowance policies
    (7.3.1, 7.3.3) and the bureaus' appraisal rules (8.1.1, 8.1.2) are the district's, so
    without it the reference interpreter would judge those rules otherwise."""
    from protrules.facts.ledgers import load_ledger

    plain = _load(ROOT / "rules" / "changning_2023.prl")
    district = load_ledger(ROOT / "examples" / "changning" / "_district.json", plain.fact_types)
    rules = plain.with_district(district)
    differs = set()
    for street in ("huayang", "chengjiaqiao", "jiangsu"):
        ledger = load_ledger(ROOT / "examples" / "changning" / f"{street}.json", rules.fact_types)
        for as_of in (dt.date(2023, 11, 1), dt.date(2024, 3, 31)):
            compiled = decided(rules.evaluate(ledger, as_of))
            assert compiled == evaluate_reference(rules.program, ledger, as_of, district), (street, as_of)
            alone = evaluate_reference(rules.program, ledger, as_of)
            differs |= {rule for rule in compiled if compiled[rule] != alone[rule]}
    assert {"7.3.1", "7.3.3", "8.1.1", "8.1.2"} <= differs


def untraced(results: list[protrules.RuleResult]) -> list[protrules.RuleResult]:
    """``explain``'s results less the traces: what an evaluation gives."""
    return [attrs.evolve(r, checks=tuple(attrs.evolve(c, trace=()) for c in r.checks)) for r in results]


_CACHE: dict[Path, protrules.RuleSet] = {}


def _load(path: Path) -> protrules.RuleSet:
    if path not in _CACHE:  # evaluation without checks by generated code from the first ledger on
        _CACHE[path] = protrules.load_rules(path)
    return _CACHE[path]
