"""Running the tests beside the rules, JSON test files, and coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import protrules
from protrules.testing import prltest
from protrules.testing.prltest import Mismatch, TestError

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "example.prl"
DEMO = ROOT / "examples" / "demo"


@pytest.fixture(scope="module")
def rules() -> protrules.RuleSet:
    return protrules.load_rules(RULES)


def _write(tmp_path: Path, data: object, name: str = "more.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_rule_files_own_tests_pass(rules: protrules.RuleSet) -> None:
    cases = prltest.tests_from_program(rules.program, str(RULES))
    assert [c.name for c in cases] == ["阳光站达标", "星星站未达标"]
    assert cases[0].facts == str(DEMO / "yangguang.json")  # relative to the rule file
    assert cases[0].origin.startswith(f"{RULES}:")
    run = prltest.run_tests(rules, cases)
    assert (run.passed, run.failed) == (2, 0)
    text = prltest.run_text(run)
    assert text.endswith("\n2 passed, 0 failed\n")
    assert "ok    阳光站达标 (5 expectations)" in text


def test_failing_expectations_name_test_rule_expected_actual_and_reason(
    rules: protrules.RuleSet, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        {
            "name": "星星站 wrong",
            "facts": str(DEMO / "xingxing.json"),
            "as_of": "2024-03-31",
            "expect": {"1.1.1": "pass", "2.2.2": "unknown"},
            "status": "meets",
        },
    )
    run = prltest.run_tests(rules, prltest.load_test_file(path, rules))
    assert (run.passed, run.failed) == (0, 1)
    first, status = run.mismatches
    assert first == Mismatch(
        "星星站 wrong",
        "1.1.1",
        "pass",
        "fail",
        "年 = 2023: count(协调会议) = 1, required >= 2; was due 2023-12-31",
    )
    assert (status.rule, status.expected, status.actual, str(status.reason)) == (
        "status",
        "meets",
        "vetoed",
        "vetoed by N.1",
    )
    text = prltest.run_text(run)
    assert "FAIL  星星站 wrong (" in text
    assert "#0: expect 1.1.1 pass\n          expected pass       actual fail\n          年 = 2023" in text
    assert text.splitlines()[-1] == "0 passed, 1 failed"


def test_json_files_hold_lists_inline_ledgers_and_relative_paths(
    rules: protrules.RuleSet, tmp_path: Path
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.json").write_bytes((DEMO / "xingxing.json").read_bytes())
    inline = {"entity": {"id": "e", "name": "空站"}, "facts": {"meeting": []}}
    path = _write(
        tmp_path,
        {
            "tests": [
                {"name": "relative", "facts": "data/x.json", "expect": {"N.1": "fail"}, "status": "vetoed"},
                {"name": "inline", "facts": inline, "expect": {"1.1.1": "fail", "N.1": "unknown"}},
            ]
        },
    )
    cases = prltest.load_test_file(path, rules)
    assert cases[0].facts == str(tmp_path / "data" / "x.json")
    assert cases[0].as_of is None  # the end of the assessment period
    run = prltest.run_tests(rules, cases)
    assert (run.passed, run.failed) == (2, 0), prltest.run_text(run)


def test_a_test_whose_facts_cannot_load_fails_with_the_reason(
    rules: protrules.RuleSet, tmp_path: Path
) -> None:
    path = _write(tmp_path, [{"name": "gone", "facts": "nope.json", "expect": {"1.1.1": "pass"}}])
    run = prltest.run_tests(rules, prltest.load_test_file(path, rules))
    assert run.failed == 1
    assert str(run.outcomes[0].error) == f"cannot load facts: no such file: {tmp_path / 'nope.json'}"
    assert "ERROR gone" in prltest.run_text(run)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "x", "facts": "a.json", "expect": {"1.1.9": "pass"}},
            "unknown rule id 1.1.9; did you mean 1.1.",
        ),
        ({"name": "x", "facts": "a.json", "expect": {"1.1.1": "passed"}}, "verdict must be one of"),
        ({"name": "x", "facts": "a.json", "status": "great"}, "status must be one of"),
        ({"name": "x", "facts": "a.json", "expects": {}}, "unknown key `expects`; did you mean `expect`?"),
        ({"facts": "a.json", "status": "meets"}, "needs a `name`"),
        ({"name": "x", "facts": 3, "status": "meets"}, "`facts` must be a path or a ledger object"),
        (
            {"name": "x", "facts": "a.json", "as_of": "2023-02-30", "status": "meets"},
            "February 2023 has 28 days",
        ),
        ({"name": "x", "facts": "a.json"}, "expects nothing"),
        ([1], "a test is an object"),
    ],
)
def test_bad_test_files_are_located_errors(
    rules: protrules.RuleSet, tmp_path: Path, data: object, message: str
) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(TestError, match=message.replace("(", r"\(").replace("?", r"\?")) as info:
        prltest.load_test_file(path, rules)
    assert str(path) in str(info.value)


def test_invalid_json_is_reported_with_its_position(rules: protrules.RuleSet, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"name": "x",\n  "facts": }', encoding="utf-8")
    with pytest.raises(TestError, match=r"bad\.json:2:\d+: invalid JSON"):
        prltest.load_test_file(path, rules)


def test_coverage_names_untested_rules_and_verdicts_never_seen(rules: protrules.RuleSet) -> None:
    run = prltest.run_tests(rules, prltest.tests_from_program(rules.program, str(RULES)))
    cov = prltest.coverage(rules, run)
    assert cov.tests == 2
    assert "1.1.1" not in cov.untested and "2.1.3" in cov.untested
    assert ("2.1.3", "fail") in cov.never  # both demo ledgers pass it
    assert ("1.1.1", "fail") not in cov.never and ("1.1.1", "pass") not in cov.never
    text = prltest.coverage_text(rules, cov)
    assert text.startswith("coverage: 4 of 14 rules have an expectation in 2 tests\n")
    assert "\n2.1.3: never fail\n" in text


def test_coverage_of_no_tests_is_everything(rules: protrules.RuleSet) -> None:
    cov = prltest.coverage(rules, prltest.run_tests(rules, []))
    assert cov.untested == tuple(r.id for r in rules.rules)
    assert len(cov.never) == 2 * len(rules.rules)
