"""Obligations falling due or overdue, and the --within window."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import protrules
from protrules.errors import ProtrulesError
from protrules.evaluation.results import FAIL, FAILS, NA, PASS, PENDING, Check, EntityResult, RuleResult
from protrules.facts.ledgers import load_ledger
from protrules.facts.model import Duration
from protrules.programme.due import DUE, OVERDUE, due_json, due_text, horizon, obligations, parse_duration

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2023, 9, 30)


@pytest.fixture(scope="module")
def rules() -> protrules.RuleSet:
    return protrules.load_rules(ROOT / "rules" / "example.prl")


def _check(verdict: str, due: dt.date | None, context: str = "", *, advisory: bool = False) -> Check:
    return Check(
        f"require something {verdict}",
        (context,) if context else (),
        verdict,
        f"detail {verdict}",
        due,
        ("meeting:M1",),
        advisory,
    )


def _result(rule: str, checks: list[Check], entity: str = "e1") -> EntityResult:
    rule_result = RuleResult(rule, f"title {rule}", "required", 1, FAIL, "", None, (), tuple(checks))
    return EntityResult(entity, f"街道{entity}", AS_OF, FAILS, None, 0, 1, (), (rule_result,))


def test_pending_checks_fall_due_and_failed_past_deadlines_are_overdue(rules: protrules.RuleSet) -> None:
    checks = [
        _check(PENDING, dt.date(2023, 12, 31), "季度 = 2023-Q4"),
        _check(FAIL, dt.date(2023, 9, 5), "hit = BC-07"),
        _check(FAIL, None),  # a breach with no deadline is not an obligation
        _check(FAIL, dt.date(2023, 10, 5)),  # (cannot happen) a fail whose deadline is ahead
        _check(PASS, dt.date(2023, 8, 1)),
        _check(NA, dt.date(2023, 8, 1)),
        _check(PENDING, None),
        _check(PENDING, dt.date(2023, 10, 1), advisory=True),
    ]
    found = obligations(rules, [_result("2.1.3", checks)])
    assert [(o.state, o.deadline, o.days_left) for o in found] == [
        (OVERDUE, dt.date(2023, 9, 5), -25),
        (DUE, dt.date(2023, 12, 31), 92),
    ]
    overdue = found[0]
    assert overdue.context == ("hit = BC-07",)
    assert overdue.rule == "2.1.3" and overdue.title == "title 2.1.3"
    assert overdue.entity == "e1" and overdue.entity_name == "街道e1"
    assert overdue.requirement == "require something fail" and overdue.detail == "detail fail"
    assert overdue.evidence == ("meeting:M1",)


def test_sorted_soonest_first_then_entity_then_rule_order(rules: protrules.RuleSet) -> None:
    day = dt.date(2023, 11, 1)
    results = [
        _result("3.1.1", [_check(PENDING, day)], "b"),
        _result("1.1.1", [_check(PENDING, day)], "b"),
        _result("2.1.1", [_check(PENDING, dt.date(2023, 10, 15))], "z"),
        _result("1.1.1", [_check(PENDING, day)], "a"),
    ]
    found = obligations(rules, results)
    assert [(o.entity, o.rule) for o in found] == [
        ("z", "2.1.1"),
        ("a", "1.1.1"),
        ("b", "1.1.1"),
        ("b", "3.1.1"),
    ]


def test_within_keeps_due_by_the_window_and_every_overdue(rules: protrules.RuleSet) -> None:
    checks = [
        _check(PENDING, dt.date(2023, 10, 30)),  # 30 days left
        _check(PENDING, dt.date(2023, 10, 31)),  # 31 days left
        _check(FAIL, dt.date(2022, 1, 1)),
    ]
    found = obligations(rules, [_result("1.1.1", checks)], within_days=30)
    assert [o.deadline for o in found] == [dt.date(2022, 1, 1), dt.date(2023, 10, 30)]
    assert [o.deadline for o in obligations(rules, [_result("1.1.1", checks)], within_days=0)] == [
        dt.date(2022, 1, 1)
    ]


def test_on_the_demo_ledgers(rules: protrules.RuleSet) -> None:
    from protrules.facts.ledgers import load_ledger

    ledger = load_ledger(ROOT / "examples" / "demo" / "xingxing.json", rules.fact_types)
    found = obligations(rules, [rules.evaluate(ledger, AS_OF)])
    assert [(o.rule, o.state, o.deadline) for o in found] == [
        ("2.1.1", OVERDUE, dt.date(2023, 9, 5)),
        ("1.1.1", DUE, dt.date(2023, 12, 31)),
        ("1.1.1", DUE, dt.date(2023, 12, 31)),
    ]
    assert found[0].context == ("人 = P02",)
    assert found[1].context == ("年 = 2023",)
    text = due_text(rules.program, found, AS_OF)
    assert "2023-09-05  逾期 overdue, 25 days overdue" in text
    assert "待办 due: 2    逾期 overdue: 1" in text
    data = json.loads(due_json(rules.program, found, AS_OF, dt.date(2023, 10, 30)))
    assert data["format"] == "protrules-due/1" and data["until"] == "2023-10-30"
    assert data["obligations"][0]["days_left"] == -25
    assert data["obligations"][0]["entity"] == {"id": "xingxing", "name": "星星站"}
    assert "nothing falls due" in due_text(rules.program, [], AS_OF)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("30 days", 30, "days"),
        ("1 day", 1, "days"),
        ("2 weeks", 2, "weeks"),
        ("3 months", 3, "months"),
        ("30 working days", 30, "working_days"),
        ("30  Working  Days", 30, "working_days"),
        ("1 year", 1, "years"),
        ("30个工作日", 30, "working_days"),
        ("2周", 2, "weeks"),
        ("3个月", 3, "months"),
        ("10天", 10, "days"),
        ("1个季度", 1, "quarters"),
    ],
)
def test_parse_duration(text: str, amount: int, unit: str) -> None:
    assert parse_duration(text) == Duration(amount, unit)


@pytest.mark.parametrize("text", ["", "30", "days", "30 fortnights", "３０天", "-3 days", "3.5 days"])
def test_parse_duration_errors_name_the_text(text: str) -> None:
    with pytest.raises(ProtrulesError, match="invalid duration"):
        parse_duration(text)


def test_horizon(rules: protrules.RuleSet) -> None:
    cal = rules.calendar
    assert horizon(cal, dt.date(2023, 9, 28), Duration(3, "working_days")) == dt.date(2023, 10, 9)
    assert horizon(cal, dt.date(2023, 1, 31), Duration(1, "months")) == dt.date(2023, 2, 28)
    assert horizon(cal, dt.date(2023, 9, 20), Duration(10, "days")) == dt.date(2023, 9, 30)  # no roll-forward
    assert horizon(cal, dt.date(2023, 9, 20), Duration(2, "weeks")) == dt.date(2023, 10, 4)
    assert horizon(cal, dt.date(2023, 9, 20), Duration(1, "years")) == dt.date(2024, 9, 20)
    with pytest.raises(ProtrulesError, match="not 3 hours"):
        horizon(cal, dt.date(2023, 9, 20), Duration(3, "hours"))


def test_results_without_checks_are_refused_not_read_as_nothing_due() -> None:
    rules = protrules.load_rules(ROOT / "rules" / "changning_2023.prl")
    ledger = load_ledger(ROOT / "examples" / "changning" / "huayang.json", rules.fact_types)
    as_of = dt.date(2023, 10, 1)
    assert obligations(rules, [rules.evaluate(ledger, as_of)])  # something falls due
    with pytest.raises(ValueError, match="huayang was evaluated with checks=False"):
        obligations(rules, [rules.evaluate(ledger, as_of, checks=False)])


def test_the_command_says_each_obligation_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    """`protrules due` words what each check found, as explain's reasons do (issue 17 item 2):
    no rule source, Chinese days as an official writes them; the API without ``words`` and the
    JSON keep the author's form."""
    from protrules.cli.main import main

    demo = str(ROOT / "examples" / "demo" / "xingxing.json")
    rules_file = str(ROOT / "rules" / "example.prl")
    assert main(["due", rules_file, demo, "--as-of", "2023-09-30", "--lang", "zh"]) == 1
    zh = capsys.readouterr().out
    assert "截至 2023年9月30日 的待办事项" in zh
    assert "2023年9月5日  逾期，超过期限 25 天" in zh
    assert "  星星站 (xingxing)  1.1.1 每年至少召开两次协调会议 [2023年]\n  → 协调会议1次，要求至少2次" in zh
    assert "require" not in zh and "count(" not in zh and "is false" not in zh
    assert "→ 每项协调会议均形成纪要（2023年12月31日到期）" in zh  # a yes/no field states its answer
    assert main(["due", rules_file, demo, "--as-of", "2023-09-30", "--lang", "en"]) == 1
    en = capsys.readouterr().out
    assert "  → 协调会议: 1 time, required at least 2 times (due 2023-12-31)" in en
    assert "[staff P02]" in en and "require exists" not in en and "count(" not in en
    assert main(["due", rules_file, demo, "--as-of", "2023-09-30", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["obligations"][1]["requirement"].startswith("require count(")
