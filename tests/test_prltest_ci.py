"""`protrules test` for a CI: -v, --run, JSON, JUnit XML, coverage JSON and --threshold, failures
at their `expect` line; and the pytest plugin that runs a rule file's tests as pytest items."""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import protrules
from protrules.cli import main
from protrules.testing import prltest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

RULES = """\
standard "meetings":
    title: "示例"
    assessment: 评估期
period 评估期 = 2023-04-01 .. 2024-03-31
fact meeting "会议":
    date: date "召开日期"
    online: boolean "线上"
area 1 "组织":
    item 1.1 "会议":
        rule 1.1.1 "每年至少召开两次会议":
            clause: "每年至少召开两次会议。"
            applies when exists(meeting)
            require count(meeting where meeting.date in 评估期) >= 2
            require none(meeting where meeting.online)
test "两次会议":
    facts: "two.json"
    expect 1.1.1 pass
test "一次会议不够":
    facts: "one.json"
    expect 1.1.1 pass
    expect status meets
"""

ONE = {
    "entity": {"id": "s1", "name": "一站"},
    "facts": {"meeting": [{"id": "M1", "date": "2023-05-12", "online": False}]},
}
TWO = {
    "entity": {"id": "s2", "name": "二站"},
    "facts": {
        "meeting": [
            {"id": "M1", "date": "2023-05-12", "online": False},
            {"id": "M2", "date": "2023-11-03", "online": False},
        ]
    },
}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.prl").write_text(RULES, encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps(ONE), encoding="utf-8")
    (tmp_path / "two.json").write_text(json.dumps(TWO), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_failure_is_reported_at_its_expect_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "test", "m.prl")
    assert code == 1
    assert "FAIL  一次会议不够 (m.prl:18)\n" in out
    assert "      m.prl:20: expect 1.1.1 pass\n          expected pass       actual fail\n" in out
    assert "      m.prl:21: expect status meets\n          expected meets      actual fails\n" in out
    assert out.endswith("1 passed, 1 failed\n")


def test_verbose_and_run(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "test", "m.prl", "-v", "--run", "^两次")
    assert code == 0
    assert (
        out == "ok    两次会议 (1 expectation)\n      m.prl:17: expect 1.1.1 pass  ok\n\n1 passed, 0 failed\n"
    )
    code, _, err = _run(capsys, "test", "m.prl", "--run", "三次")
    assert code == 2 and "no test name matches --run '三次' (of 2 tests)" in err
    code, _, err = _run(capsys, "test", "m.prl", "--run", "(")
    assert code == 2 and "is not a regular expression" in err
    code, _, err = _run(capsys, "test", "m.prl", "--threshold", "120")
    assert code == 2 and "--threshold is a percentage from 0 to 100, not 120" in err


def test_json_output(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "test", "m.prl", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["format"] == "protrules-test/1"
    assert data["summary"] == {"tests": 2, "passed": 1, "failed": 1, "errors": 0}
    failed = data["tests"][1]
    assert (failed["name"], failed["where"], failed["outcome"]) == ("一次会议不够", "m.prl:18", "failed")
    assert [(e["rule"], e["expected"], e["actual"], e["ok"], e["where"]) for e in failed["expectations"]] == [
        ("1.1.1", "pass", "fail", False, "m.prl:20"),
        ("status", "meets", "fails", False, "m.prl:21"),
    ]
    assert data["tests"][0]["expectations"][0]["actual"] == "pass"


def test_junit_xml(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "broken.json").write_text(
        '{"name": "没有台账", "facts": "nope.json", "expect": {"1.1.1": "pass"}}'
    )
    code, _, err = _run(capsys, "test", "m.prl", "broken.json", "--junit", "junit.xml")
    assert code == 1, err
    text = (folder / "junit.xml").read_text(encoding="utf-8")
    root = ET.fromstring(text)
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = suite.findall("testcase")
    assert [(c.get("name"), c.get("file"), c.get("line")) for c in cases] == [
        ("两次会议", "m.prl", "15"),
        ("一次会议不够", "m.prl", "18"),
        ("没有台账", "broken.json", None),
    ]
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("message") == "1.1.1 expected pass, actual fail (and 1 more)"
    assert failure.text is not None and failure.text.startswith("m.prl:20: expect 1.1.1 pass: actual fail — ")
    error = cases[2].find("error")
    assert error is not None and "cannot load facts" in (error.get("message") or "")
    _run(capsys, "test", "m.prl", "broken.json", "--junit", "again.xml")
    assert (folder / "again.xml").read_text(encoding="utf-8") == text  # deterministic


def test_coverage_json_branches_and_threshold(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "test", "m.prl", "--coverage", "--coverage-json", "cov.json", "--threshold", "80"
    )
    data = json.loads((folder / "cov.json").read_text(encoding="utf-8"))
    assert data["format"] == "protrules-coverage/1"
    (rule,) = data["rules"]
    assert (rule["id"], rule["line"], rule["expected_by_a_test"]) == ("1.1.1", 10, True)
    assert (rule["verdicts"], rule["never"]) == (["pass", "fail"], [])
    assert [(b["kind"], b["line"], b["seen"], b["never"]) for b in rule["branches"]] == [
        ("applies", 12, ["applies"], ["n/a"]),
        ("require", 13, ["pass", "fail"], []),
        ("require", 14, ["pass"], ["fail"]),
    ]
    # 2 rule verdicts + 2 + 2 + 2 branch outcomes = 8, of which n/a and the second fail unseen
    assert data["summary"] == {
        "tests": 2,
        "rules": 1,
        "rules_expected": 1,
        "outcomes": 8,
        "seen": 6,
        "percent": 75.0,
    }
    assert "1.1.1: line 12: `applies when exists(meeting)` never n/a\n" in out
    assert "1.1.1: line 14: `require none(meeting where meeting.online)` never fail\n" in out
    assert "outcomes seen: 6 of 8 (75.0%)\n" in out
    assert "coverage 75.0% below the threshold 80%\n" in out
    code, out, _ = _run(capsys, "test", "m.prl", "--run", "两次", "--threshold", "50")
    assert code == 0 and out.endswith("coverage 50.0% meets the threshold 50%\n")


def test_coverage_of_the_example_counts_every_outcome() -> None:
    ruleset = protrules.load_rules(ROOT / "rules" / "example.prl")
    run = prltest.run_tests(ruleset, prltest.tests_from_program(ruleset.program, "rules/example.prl"))
    cov = prltest.coverage(ruleset, run)
    assert cov.outcomes == 2 * len(ruleset.rules) + sum(len(b.outcomes) for b in cov.branches)
    assert 0 < cov.seen < cov.outcomes
    assert all(set(b.seen) | set(b.never) >= set(b.outcomes) for b in cov.branches)


# ------------------------------------------------------------------ the pytest plugin


def _project(pytester: pytest.Pytester, ini: str = "") -> None:
    pytester.makepyprojecttoml(f"[tool.pytest.ini_options]\n{ini}\n")
    rules = pytester.mkdir("rules")
    (rules / "m.prl").write_text(RULES, encoding="utf-8")
    (rules / "one.json").write_text(json.dumps(ONE), encoding="utf-8")
    (rules / "two.json").write_text(json.dumps(TWO), encoding="utf-8")
    (rules / "notes.prl").write_text("no tests here, and not even a rule file\n", encoding="utf-8")
    tests = pytester.mkdir("tests")
    (tests / "test_plain.py").write_text("def test_plain():\n    assert True\n", encoding="utf-8")
    (tests / "case.prl").write_text(RULES, encoding="utf-8")  # a case file the suite reads, not a test


def test_plugin_runs_the_tests_beside_the_rules(pytester: pytest.Pytester) -> None:
    _project(pytester)
    result = pytester.runpytest("rules/", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test 一次会议不够*",
            "rules/m.prl:20: expect 1.1.1 pass",
            "    expected pass       actual fail",
            "rules/m.prl:21: expect status meets",
            "    expected meets      actual fails",
            "FAILED rules/m.prl::一次会议不够 - rules/m.prl:20: expect 1.1.1 pass",
        ]
    )
    result = pytester.runpytest("rules/m.prl", "-k", "两次", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, deselected=1)


def test_plugin_collects_nothing_where_not_asked(pytester: pytest.Pytester) -> None:
    _project(pytester, 'testpaths = ["tests"]')
    result = pytester.runpytest("-p", "no:cacheprovider")  # testpaths: tests/case.prl is left alone
    result.assert_outcomes(passed=1)
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nprotrules_rules = ["rules/*.prl"]\n')
    result = pytester.runpytest("tests/", "rules/", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)  # tests/case.prl does not match the glob


def test_plugin_reports_a_broken_rule_file_as_a_collection_error(pytester: pytest.Pytester) -> None:
    _project(pytester)
    (pytester.path / "rules" / "m.prl").write_text(RULES.replace("count(", "cuont("), encoding="utf-8")
    result = pytester.runpytest("rules/", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*error[PRL*", "*rules/m.prl:13:*"])


def test_the_plugin_is_registered_as_an_entry_point() -> None:
    from importlib.metadata import entry_points

    found = [e for e in entry_points(group="pytest11") if e.name == "protrules"]
    assert [e.value for e in found] == ["protrules.testing.pytest_plugin"]
    assert os.path.exists(ROOT / "rules" / "example.prl")
