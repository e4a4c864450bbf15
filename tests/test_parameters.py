"""Setting a rule file's parameters for one evaluation: the API, test blocks, JSON tests, the CLI.

docs/domain.md (“Readings”) makes each disputed reading of a clause a parameter; a district
tries the other reading by setting the parameter, never by editing a rule.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

import protrules
from protrules.calendar.durations import Duration
from protrules.checking.parameters import ParameterError, coerce, overridden
from protrules.cli.main import main
from protrules.facts.ledgers import ledger_from_mapping
from protrules.testing import prltest

RULES = """\
standard "p":
    title: "p"
    assessment: 评估期

period 评估期 = 2023-04-01 .. 2024-03-31
parameter 次数 "每年会议次数": integer = 2
parameter 金额 "金额": decimal = 1.5
parameter 占比 "占比": percentage = 50%
parameter 开关 "开关": boolean = false
parameter 截止 "截止": date = 2023-12-31
parameter 期限 "期限": duration = 3 months
parameter 名称 "名称": text = "甲"
parameter 读法 "读法": enum("协调会议", "全部会议") = "协调会议"

fact meeting "会议":
    date: date "日期"
    kind: enum("协调会议", "专题会议") "类型"

area 1 "a":
    rule 1.1 "会议次数":
        clause: "每年至少召开两次会议。"
        require count(meeting where meeting.date in 评估期
                      and (读法 = "全部会议" or meeting.kind = "协调会议")) >= 次数

test "默认读法":
    facts: "ledger.json"
    expect 1.1 fail

test "另一读法":
    facts: "ledger.json"
    parameter 读法 = "全部会议"
    expect 1.1 pass

test "另一读法，三次":
    facts: "ledger.json"
    parameter 读法 = "全部会议"
    parameter 次数 = 3
    expect 1.1 fail
"""
LEDGER = {
    "entity": {"id": "s", "name": "某街道"},
    "facts": {
        "meeting": [
            {"id": "M1", "date": "2023-05-01", "kind": "协调会议"},
            {"id": "M2", "date": "2023-09-01", "kind": "专题会议"},
        ]
    },
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "p.prl").write_text(RULES, encoding="utf-8")
    (tmp_path / "ledger.json").write_text(json.dumps(LEDGER, ensure_ascii=False), encoding="utf-8")
    return tmp_path


@pytest.fixture
def rules(folder: Path) -> protrules.RuleSet:
    return protrules.load_rules(folder / "p.prl")


def verdict(rules: protrules.RuleSet) -> str:
    result = rules.evaluate(ledger_from_mapping(LEDGER, rules.fact_types)).result("1.1")
    assert result is not None
    return result.verdict


def test_with_parameters_gives_another_rule_set_and_leaves_this_one(rules: protrules.RuleSet) -> None:
    other = rules.with_parameters({"读法": "全部会议"})
    assert verdict(rules) == "fail"
    assert verdict(other) == "pass"
    assert verdict(rules.with_parameters({"读法": "全部会议", "次数": 3})) == "fail"
    assert rules.program.overrides == ()
    assert other.program.overrides == (("读法", "全部会议"),)
    assert rules.with_parameters({}) is rules


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("次数", "3", 3),
        ("金额", "2.25", Decimal("2.25")),
        ("金额", "2", Decimal(2)),
        ("占比", "60%", Decimal("0.6")),
        ("开关", "true", True),
        ("截止", "2024-01-31", dt.date(2024, 1, 31)),
        ("期限", "30 working days", Duration(30, "working_days")),
        ("期限", "2个月", Duration(2, "months")),
        ("名称", "乙", "乙"),
        ("读法", "全部会议", "全部会议"),
    ],
)
def test_values_are_read_as_a_rule_file_writes_them(
    rules: protrules.RuleSet, name: str, text: str, value: object
) -> None:
    assert coerce(rules.program, name, text) == value


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("次说", "3", "unknown parameter 次说"),
        ("次数", "2.5", "expected a whole number"),
        ("次数", True, "expected integer"),
        ("占比", "60", "expected a percentage"),
        ("开关", "yes", "expected true or false"),
        ("截止", "2024-02-30", "2024-02-30"),
        ("期限", "3 fortnights", "invalid duration"),
        ("读法", "全部", 'expected one of "协调会议", "全部会议"; did you mean "全部会议"?'),
        ("名称", 3, "expected text"),
    ],
)
def test_a_wrong_value_names_the_parameter_and_what_it_expects(
    rules: protrules.RuleSet, name: str, value: object, message: str
) -> None:
    with pytest.raises(ParameterError) as info:
        rules.with_parameters({name: value})
    assert message in info.value.message


def test_overridden_values_are_shown_as_a_rule_file_writes_them(rules: protrules.RuleSet) -> None:
    other = rules.with_parameters({"占比": "62.5%", "读法": "全部会议", "开关": "true", "期限": "1 month"})
    assert overridden(other.program) == ["占比 = 62.5%", "开关 = true", "期限 = 1 month", '读法 = "全部会议"']


def test_a_rule_set_with_parameters_pickles_as_itself(rules: protrules.RuleSet) -> None:
    # worker processes rebuild a rule set once per key: the key must tell the two apart
    other = rules.with_parameters({"读法": "全部会议"})
    restored = [pickle.loads(pickle.dumps(r)) for r in (rules, other)]
    assert [verdict(r) for r in restored] == ["fail", "pass"]


def test_test_blocks_run_with_their_parameters(rules: protrules.RuleSet, folder: Path) -> None:
    cases = prltest.tests_from_program(rules.program, folder / "p.prl")
    assert [dict(c.params) for c in cases] == [{}, {"读法": "全部会议"}, {"读法": "全部会议", "次数": 3}]
    run = prltest.run_tests(rules, cases)
    assert (run.passed, run.failed) == (3, 0)


def test_json_tests_set_parameters(rules: protrules.RuleSet, folder: Path) -> None:
    both = {"读法": "全部会议", "次数": 2}
    tests = [
        {"name": "a", "facts": "ledger.json", "parameters": both, "expect": {"1.1": "pass"}},
        {"name": "b", "facts": "ledger.json", "parameters": {"次数": 1}, "expect": {"1.1": "pass"}},
    ]
    (folder / "more.json").write_text(json.dumps(tests, ensure_ascii=False), encoding="utf-8")
    run = prltest.run_tests(rules, prltest.load_test_file(folder / "more.json", rules))
    assert (run.passed, run.failed) == (2, 0)
    bad = [{**tests[0], "parameters": {"读法": "丙"}}]
    (folder / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(protrules.ProtrulesError, match="parameter 读法"):
        prltest.load_test_file(folder / "bad.json", rules)


def test_the_cli_sets_parameters_and_says_so(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    assert main(["check", "p.prl", "ledger.json"]) == 1
    assert "parameters set" not in capsys.readouterr().out
    assert main(["check", "p.prl", "ledger.json", "--parameter", "读法=全部会议"]) == 0
    out = capsys.readouterr().out
    assert '参数 parameters set for this evaluation: 读法 = "全部会议"' in out.splitlines()[1]
    assert main(["explain", "p.prl", "ledger.json", "1.1", "--parameter", "读法=全部会议"]) == 0
    assert capsys.readouterr().out.startswith('参数 parameters set for this evaluation: 读法 = "全部会议"')
    assert main(["check", "p.prl", "ledger.json", "--format", "json", "--parameter", "次数=1"]) == 0
    assert json.loads(capsys.readouterr().out)["standard"]["parameters_set"] == {"次数": "1"}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("读法", "--set: expected NAME=VALUE"),
        ("=3", "--set: expected NAME=VALUE"),
        ("读法=全部", '--set: parameter 读法 (enum("协调会议", "全部会议")): `全部`'),
    ],
)
def test_the_cli_refuses_a_bad_parameter(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    given: str,
    message: str,
) -> None:
    monkeypatch.chdir(folder)
    assert main(["check", "p.prl", "ledger.json", "--parameter", given]) == 2
    assert message in capsys.readouterr().err
