"""The ``protrules`` command, run in-process: every subcommand, its output and exit codes.

Golden files (tests/golden/cli/) pin the JSON documents and the text table of ``check`` on
the demo ledgers; refresh them with ``PROTRULES_UPDATE_GOLDEN=1 pytest tests/test_cli.py``
and review the diff. Everything else is asserted on the output directly.
"""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from protrules.cli.common import GC_THRESHOLD
from protrules.cli.main import main
from tests import goldens

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "cli"
RULES = "rules/example.prl"
DEMO = "examples/demo/"
XING = "examples/demo/xingxing.json"
YANG = "examples/demo/yangguang.json"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def compare(name: str, text: str) -> None:
    goldens.compare(GOLDEN / name, text)


def error_line(err: str) -> str:
    """The one line of a bad-input error."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("protrules: error: "), err
    return lines[0][len("protrules: error: ") :]


# ------------------------------------------------------------------ check


def test_check_one_entity_prints_its_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", RULES, YANG)
    assert code == 0 and err == ""
    assert out.startswith("阳光站 (yangguang) — 社区未成年人服务站工作规范（示例）, as of 2024-03-31\n")
    assert "结果 result: 达标 meets    得分 score: 100.0% (13/13)" in out


def test_check_an_entity_that_does_not_meet_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", RULES, XING)
    assert code == 1
    assert "一票否决 vetoed by: N.1" in out


def test_check_several_prints_the_table_and_status_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", RULES, DEMO)
    assert code == 1 and err == ""
    compare("check-demo.txt", out)
    assert (
        "星星站 (xingxing)   一票否决 vetoed   69.2%  vetoed by N.1; fail 1.1.1, 2.1.1, N.1; unknown 2.2.2"
        in out
    )
    # several FACTS arguments are the same as the folder
    assert run(capsys, "check", RULES, XING, YANG)[1] == out


def test_check_only_filters_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", RULES, XING, "--only", "fail,unknown")
    assert code == 1
    shown = [line.split()[0] for line in out.splitlines() if line.startswith("  ") and "✓" not in line]
    assert "1.1.2" not in out and "2.2.2" in out
    assert {"1.1.1", "2.1.1", "2.2.2", "N.1"} <= set(shown)
    _, table, _ = run(capsys, "check", RULES, DEMO, "--only", "unknown")
    rows = [line.split()[0] for line in table.splitlines() if line[:1].isdigit() or line.startswith("N.")]
    assert rows == ["2.2.2"]


def test_check_only_rejects_unknown_verdicts_and_other_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", RULES, XING, "--only", "fail,pendng")
    assert code == 2
    assert error_line(err) == "--only: unknown verdict `pendng`; did you mean pending?"
    code, _, err = run(capsys, "check", RULES, XING, "--only", "fail", "--format", "json")
    assert code == 2 and "--only works with --format text" in error_line(err)


def test_check_json_is_the_documented_report_and_byte_identical(capsys: pytest.CaptureFixture[str]) -> None:
    code, first, _ = run(capsys, "check", RULES, DEMO, "--format", "json")
    assert code == 1
    compare("check-demo.json", first)
    data = json.loads(first)
    assert data["format"] == "protrules-result/1"
    assert [e["id"] for e in data["entities"]] == ["xingxing", "yangguang"]
    assert run(capsys, "check", RULES, DEMO, "--format", "json")[1] == first


def test_check_json_without_checks_is_the_full_report_less_its_checks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, full, _ = run(capsys, "check", RULES, DEMO, "--format", "json")
    code_brief, brief, _ = run(capsys, "check", RULES, DEMO, "--format", "json", "--no-checks")
    assert code_brief == code == 1
    expected = json.loads(full)
    for entity in expected["entities"]:
        for rule in entity["rules"]:
            assert rule.pop("checks")  # every rule of the full report lists its checks
    assert json.loads(brief) == expected
    assert run(capsys, "check", RULES, DEMO, "--format", "json", "--no-checks", "--jobs", "2")[1] == brief
    code, _, err = run(capsys, "check", RULES, DEMO, "--no-checks")
    assert code == 2
    assert error_line(err) == "--no-checks works with --format json (text and Markdown never list checks)"


def test_ledgers_are_read_as_they_are_evaluated(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import protrules.facts.ledgers
    from protrules.compiling.ruleset import RuleSet

    loaded: list[str] = []
    seen_at_evaluation: list[int] = []
    load, evaluate = protrules.facts.ledgers.load_ledger, RuleSet.evaluate

    def counting_load(path: Any, schema: Any) -> Any:
        loaded.append(str(path))
        return load(path, schema)

    thresholds: set[tuple[int, ...]] = set()

    def noting_evaluate(self: RuleSet, ledger: Any, *args: Any, **kwargs: Any) -> Any:
        seen_at_evaluation.append(len(loaded))
        thresholds.add(gc.get_threshold())
        return evaluate(self, ledger, *args, **kwargs)

    monkeypatch.setattr(protrules.facts.ledgers, "load_ledger", counting_load)
    monkeypatch.setattr(RuleSet, "evaluate", noting_evaluate)
    before = gc.get_threshold()
    code, _, _ = run(capsys, "rank", "rules/changning_2023.prl", "examples/changning/")
    assert code == 1  # as check: not every street meets the standard
    # the district ledger is read first, then the n-th evaluation comes after n streets read
    assert loaded[0].endswith("_district.json")
    assert seen_at_evaluation == list(range(2, 12))
    assert thresholds == {GC_THRESHOLD} != {before}  # the collector runs less often meanwhile …
    assert gc.get_threshold() == before  # … and is put back afterwards


def test_check_markdown_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--lang", "zh", RULES, DEMO, "--format", "markdown")
    assert code == 1
    assert out.startswith("# 督导报告：社区未成年人服务站工作规范（示例）\n")
    assert "## 星星站（一票否决" in out
    code, out, _ = run(capsys, "check", RULES, DEMO, "--format", "markdown")  # the locale's: English
    assert out.startswith("# Supervision report: 社区未成年人服务站工作规范（示例）\n")
    assert "## 星星站 (vetoed" in out


def test_check_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    code, out, err = run(capsys, "check", RULES, YANG, "--format", "json", "--output", str(target))
    assert (code, out, err) == (0, "", "")
    assert json.loads(target.read_text(encoding="utf-8"))["entities"][0]["status"] == "meets"


def test_check_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", RULES, YANG, "--as-of", "2023-09-30")
    assert "as of 2023-09-30" in out
    assert code == 1  # 1.1.1 is pending mid-year: incomplete, not yet达标
    assert "待定 incomplete" in out


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", RULES, "x.json"], "no such file: x.json"),
        (["check", "nope.prl", XING], "no such file: nope.prl"),
        (
            ["check", RULES, XING, "--as-of", "2023-02-30"],
            "--as-of: invalid date `2023-02-30`: February 2023 has 28 days",
        ),
        (
            ["check", RULES, XING, "--as-of", "2023-2-3"],
            "--as-of: invalid date `2023-2-3`: expected YYYY-MM-DD",
        ),
        (["explain", RULES, XING, "N1"], "unknown rule id N1; did you mean N.1?"),
        (["explain", RULES, DEMO, "1.1.1"], "explain takes one ledger, but examples/demo/ holds 2"),
        (["rank", RULES, DEMO, "--top", "-1"], "argument --top: must be 0 or more, not -1"),
        (["due", RULES, DEMO, "--within", "30 fortnights"], "--within: invalid duration `30 fortnights`"),
        (["schema", RULES, "--fact-type", "meetings"], "unknown fact type meetings; did you mean meeting?"),
        (["calendar", "is-working-day", "2023-02-30"], "date: invalid date `2023-02-30`"),
        (["calendar", "blocks", "2030"], "no published holiday notice for 2030"),
        (["calendar", "add", "2023-01-01", "x"], "N: expected a whole number, not `x`"),
        (["test", RULES, "missing.json"], "no such file: missing.json"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert error_line(err).startswith(message)


def test_unknown_options_and_commands_exit_2_naming_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", RULES, XING, "--bogus")
    assert code == 2
    assert error_line(err) == "unrecognized arguments: --bogus (see `protrules check --help`)"
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "invalid choice: 'frobnicate'" in error_line(err)
    code, _, err = run(capsys)
    assert code == 2 and "required: COMMAND" in error_line(err)
    code, _, err = run(capsys, "check", "--format", "yaml", RULES, XING)
    assert code == 2 and "invalid choice: 'yaml'" in error_line(err)


def test_a_broken_rule_file_prints_every_diagnostic(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.prl"
    bad.write_text(
        'standard "x":\n    title: "t"\nfact meeting:\n    date: date\narea 1 "a":\n    item 1.1 "b":\n'
        '        rule 1.1.1 "c":\n            clause: "x"\n            require count(metting) >= 2\n'
        "            require count(meetng) >= 1\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", str(bad), XING)
    assert code == 2 and out == ""
    assert err.startswith("error[PRL201]: unknown name `metting`\n")
    assert f"--> {bad}:9:27" in err and "did you mean `meeting`?" in err
    assert err.endswith("2 errors found\n")


def test_an_invalid_ledger_prints_every_located_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "bad.json"
    ledger.write_text(
        json.dumps(
            {
                "entity": {"id": "a", "name": "A"},
                "facts": {"meeting": [{"id": "M1", "date": "2023-02-30", "kind": "x", "minutes": True}]},
            }
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", RULES, str(ledger))
    assert code == 2 and out == ""
    assert "2023-02-30" in err and "/facts/meeting/0/date" in err and "协调会议" in err


def test_help_for_every_subcommand_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    commands = [
        ["check"], ["explain"], ["rank"], ["due"], ["test"], ["fmt"], ["lint"], ["schema"], ["calendar"],
        ["calendar", "is-working-day"], ["calendar", "add"], ["calendar", "deadline"],
        ["calendar", "blocks"], ["calendar", "between"],
    ]  # fmt: skip
    for command in commands:
        code, out, _ = run(capsys, *command, "--help")
        assert code == 0, command
        assert "example" in out and f"protrules {' '.join(command)}" in out, command
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "exit codes" in out


def test_python_dash_m_runs_the_same_command() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "protrules", "calendar", "add", "2023-09-28", "3"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2023-09-28 + 3 working days = 2023-10-09 星期一\n")


# ------------------------------------------------------------------ explain


def test_explain_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", RULES, XING, "1.1.1")
    assert code == 1  # 1.1.1 fails
    # the example says it is fictional, then the rule
    fictional = "Fictional example data: 星星站 — 虚构示例数据 fictional example data"
    assert out.startswith(f"{fictional}\n\n规则 1.1.1 每年")
    assert "理由 reason: 2023: 协调会议: 1 time, required at least 2 times (by 2023-12-31)\n" in out
    assert "原式 source: 年 = 2023: count(协调会议) = 1, required >= 2; was due 2023-12-31\n" in out
    code, out, _ = run(capsys, "explain", RULES, XING, "1.1.1", "--lang", "zh")
    assert "理由：2023年：协调会议1次，要求至少2次（截至2023年12月31日）\n" in out  # the Chinese frame
    code, out, _ = run(capsys, "explain", RULES, XING, "2.1.1", "N.1", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["format"] == "protrules-explain/1"
    assert [r["id"] for r in data["rules"]] == ["2.1.1", "N.1"]
    compare("explain-xingxing.json", out)


def test_explain_every_rule_when_none_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", RULES, YANG)
    assert code == 0
    assert out.count("规则 ") == 14


# ------------------------------------------------------------------ rank


def test_rank_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", RULES, DEMO)
    assert code == 1  # 星星站 does not meet the standard
    assert "(at most 2 named)" in out
    assert "1  阳光站 (yangguang)  100.0%" in out
    assert "星星站 (xingxing): excluded: vetoed by N.1" in out
    assert out.endswith("命名 named: 阳光站\n")


def test_rank_json_and_top(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", RULES, DEMO, "--format", "json")
    assert code == 1
    compare("rank-demo.json", out)
    assert json.loads(out)["cap"] == 2
    _, out, _ = run(capsys, "rank", RULES, DEMO, "--format", "json", "--top", "0")
    data = json.loads(out)
    assert data["cap"] == 0 and data["named"] == []
    assert "not named: the cap of 0 is reached" in data["places"][0]["explanation"]


# ------------------------------------------------------------------ due


def test_due_lists_overdue_and_pending(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "due", RULES, DEMO, "--as-of", "2023-09-30")
    assert code == 1  # 2.1.1 is overdue
    assert out.startswith(
        "社区未成年人服务站工作规范（示例） — obligations as of 2023-09-30\n"
        "Fictional example data: every entity — 虚构示例数据 fictional example data\n"
        "待办 due: 3    逾期 overdue: 1\n"
    )
    assert out.index("2023-09-05  逾期 overdue") < out.index("2023-12-31  待办 due")


def test_due_within_a_window(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "due", RULES, DEMO, "--as-of", "2023-09-30", "--within", "2 weeks")
    assert "due by 2023-10-14" in out and "待办 due: 0    逾期 overdue: 1" in out
    _, out, _ = run(capsys, "due", RULES, DEMO, "--as-of", "2023-09-30", "--within", "3个月")
    assert "due by 2023-12-30" in out and "待办 due: 0" in out
    _, out, _ = run(capsys, "due", RULES, DEMO, "--as-of", "2023-09-30", "--within", "65 working days")
    assert "due by 2024-01-04" in out and "待办 due: 3" in out


def test_due_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "due", RULES, DEMO, "--as-of", "2023-09-30", "--format", "json")
    assert code == 1
    compare("due-demo.json", out)
    assert run(capsys, "due", RULES, DEMO, "--as-of", "2023-09-30", "--format", "json")[1] == out


# ------------------------------------------------------------------ test


def test_test_runs_the_rule_files_tests(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "test", RULES)
    assert code == 0
    assert out.splitlines()[-1] == "2 passed, 0 failed"


def test_test_with_a_failing_json_test_and_coverage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    extra = tmp_path / "more.json"
    extra.write_text(
        json.dumps(
            {"name": "wrong", "facts": str(ROOT / XING), "expect": {"1.1.1": "pass"}, "status": "meets"},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "test", RULES, str(extra), "--coverage")
    assert code == 1
    assert f"FAIL  wrong ({extra}#0)" in out
    assert "\n          expected pass       actual fail\n          年 = 2023" in out
    assert "\n          expected meets      actual vetoed\n          vetoed by N.1\n" in out
    assert "\n2 passed, 1 failed\n" in out
    assert "coverage: 4 of 14 rules have an expectation in 3 tests" in out
    assert "\n2.1.3: never fail\n" in out


def test_test_with_a_bad_test_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = tmp_path / "more.json"
    extra.write_text('{"name": "x", "facts": "a.json", "expect": {"9.9": "pass"}}', encoding="utf-8")
    code, _, err = run(capsys, "test", RULES, str(extra))
    assert code == 2 and "unknown rule id 9.9" in error_line(err)


def test_test_without_tests(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rules = tmp_path / "none.prl"
    text = (ROOT / RULES).read_text(encoding="utf-8")
    rules.write_text(
        text[: text.index("# ---------------------------------------------------------------- 测试")]
    )
    code, out, _ = run(capsys, "test", str(rules))
    assert code == 0 and out.startswith("no tests:") and out.endswith("0 passed, 0 failed\n")


# ------------------------------------------------------------------ schema


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", RULES)
    assert code == 0
    data = json.loads(out)
    assert data["$id"] == "urn:protrules:ledger:example-2023"
    assert set(data["$defs"]) >= {"meeting", "staff", "training"}
    code, out, _ = run(capsys, "schema", RULES, "--fact-type", "meeting")
    one = json.loads(out)
    assert code == 0 and one["required"] == ["id", "date", "kind", "minutes"]
    assert one["title"].endswith("— meeting")


# ------------------------------------------------------------------ calendar


def test_calendar_is_working_day(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "calendar", "is-working-day", "2023-10-07", "2023-10-02", "2023-10-04", "2023-10-14"
    )
    assert code == 0
    assert out.splitlines() == [
        "2023-10-07 星期六 working day (调休上班 make-up working day)",
        "2023-10-02 星期一 rest day (法定节假日 statutory holiday, 节假日 2023-09-29..2023-10-06)",
        "2023-10-04 星期三 rest day (放假 day off, 节假日 2023-09-29..2023-10-06)",
        "2023-10-14 星期六 rest day (weekend)",
    ]


def test_calendar_uses_a_rule_files_vacations(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "calendar", "is-working-day", "2023-07-03", "--rules", RULES)
    assert out == "2023-07-03 星期一 working day (2023年暑假 2023-07-01..2023-08-31)\n"


def test_calendar_add_and_between(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "calendar", "add", "2023-09-28", "3")
    assert out.splitlines()[0] == "2023-09-28 + 3 working days = 2023-10-09 星期一"
    _, out, _ = run(capsys, "calendar", "add", "2023-10-09", "-3")
    assert out.splitlines()[0] == "2023-10-09 - 3 working days = 2023-09-28 星期四"
    _, out, _ = run(capsys, "calendar", "between", "2023-09-28", "2023-10-09")
    assert out.startswith("3 working days in (2023-09-28, 2023-10-09]")


def test_calendar_deadline_follows_the_civil_code(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "calendar", "deadline", "2023-01-31", "3 months")
    assert out.splitlines()[0] == "2023-01-31 + 3 months → 2023-05-04 星期四"
    assert "+ 3 months = 2023-04-30" in out and "第二百零三条" in out
    _, out, _ = run(capsys, "calendar", "deadline", "2024-09-01", "1个月")
    assert out.splitlines()[0] == "2024-09-01 + 1 month → 2024-10-08 星期二"
    _, out, _ = run(capsys, "calendar", "deadline", "2023-09-28", "3 working days")
    assert out.splitlines()[0] == "2023-09-28 + 3 working days → 2023-10-09 星期一"
    code, _, err = run(capsys, "calendar", "deadline", "2023-09-28", "3 hours")
    assert code == 2 and "not 3 hours" in error_line(err)


def test_calendar_blocks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calendar", "blocks", "2023")
    assert code == 0
    assert out.startswith("2023: 7 节假日 blocks, 11 法定节假日 statutory days\n")
    assert (
        "2023-09-29 星期五 .. 2023-10-06 星期五  8 days  statutory: 2023-09-29, 2023-10-01..2023-10-03\n"
    ) in out
    assert "2023-04-05 星期三  1 day  statutory: 2023-04-05\n" in out
    assert "2023-10-07 星期六, 2023-10-08 星期日" in out


# ------------------------------------------------------------------ terminal behaviour


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, err = run(capsys, "check", RULES, DEMO)
    assert err == ""  # a pipe: nothing
    fake = _Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    assert main(["check", RULES, DEMO]) == 1
    shown = fake.getvalue()
    assert "0/2 [00:00<?, ? ledgers/s]" in shown  # count, elapsed<left, rate (tqdm)
    assert shown.endswith("\r") and shown.rsplit("\r", 2)[1].strip() == ""  # erased at the end


def test_progress_shows_the_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import time

    from protrules.cli.common import progress

    fake = _Tty()
    monkeypatch.setattr(sys, "stderr", fake)

    def slow() -> Iterator[int]:
        for n in range(3):
            time.sleep(0.25)
            yield n

    assert list(progress(slow(), 3)) == [0, 1, 2]
    # count, time spent < time left, rate; however loaded the machine is
    assert re.search(r"[12]/3 \[\d\d:\d\d<\d\d:\d\d, +[0-9.]+ ledgers/s\]", fake.getvalue()), fake.getvalue()


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from protrules.cli.common import colour_enabled, colourize

    assert not colour_enabled(io.StringIO())
    assert colour_enabled(_Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_enabled(_Tty())
    coloured = colourize("  1.1.1  ✗ fail 未通过\nFAIL  x\n")
    assert "\033[31m✗ fail\033[0m" in coloured and coloured.count("\033[0m") == 2
    coloured = colourize("1.1.1  ✗ 未通过    ✓ 通过\n长宁区未成年人保护示范街道（镇）创建达标体系\n")
    assert "\033[31m✗ 未通过\033[0m" in coloured and "\033[32m✓ 通过\033[0m" in coloured
    assert coloured.count("\033[0m") == 2  # 达标 in a title stays plain


def test_colour_is_applied_to_terminal_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _Tty()
    monkeypatch.setattr(sys, "stdout", fake)
    main(["check", RULES, YANG])
    assert "\033[32m✓ pass\033[0m" in fake.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Tty()
    monkeypatch.setattr(sys, "stdout", plain)
    main(["check", RULES, YANG])
    assert "\033[" not in plain.getvalue()
    json_out = _Tty()
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys, "stdout", json_out)
    main(["check", RULES, YANG, "--format", "json"])
    assert "\033[" not in json_out.getvalue()


# ------------------------------------------------------------------ fmt and lint

MESSY = """standard "messy":
    title:   "格式示例"
period 评估期 = 2023-04-01..2024-03-31
fact meeting "会议":
    date:date "召开日期"
area 1 "组织":
    item 1.1 "会议":
        rule 1.1.1 "每年至少召开两次会议":
            clause: "每年至少召开两次会议。"
            require count(meeting where meeting.date in 评估期)>=2
"""

BROKEN = 'standard "x":\n    title: "t"\narea 1 "a":\n    item 1.1 "b":\n        rule 1.1.1 "c"\n'


def test_fmt_check_lists_files_that_would_change(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    formatter = pytest.importorskip("protrules.language.formatter")
    tidy = tmp_path / "tidy.prl"
    tidy.write_text(formatter.format_source(MESSY, "tidy.prl"), encoding="utf-8")
    messy = tmp_path / "messy.prl"
    messy.write_text(MESSY, encoding="utf-8")
    assert formatter.format_source(MESSY, str(messy)) != MESSY
    code, out, _ = run(capsys, "fmt", "--check", str(tidy), str(messy))
    assert code == 1
    assert out == f"would reformat {messy}\n1 file would be reformatted, 1 unchanged\n"
    assert messy.read_text(encoding="utf-8") == MESSY  # --check writes nothing
    code, out, _ = run(capsys, "fmt", "--check", str(tidy))
    assert code == 0 and out == "0 files would be reformatted, 1 unchanged\n"


def test_fmt_rewrites_only_changed_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    formatter = pytest.importorskip("protrules.language.formatter")
    messy = tmp_path / "messy.prl"
    messy.write_text(MESSY, encoding="utf-8")
    code, out, _ = run(capsys, "fmt", str(messy))
    assert code == 0 and out == f"reformatted {messy}\n1 file reformatted, 0 unchanged\n"
    formatted = messy.read_text(encoding="utf-8")
    assert formatted == formatter.format_source(MESSY, str(messy))
    assert [p.name for p in tmp_path.iterdir()] == ["messy.prl"]  # no temp file left behind
    before = messy.stat().st_mtime_ns
    code, out, _ = run(capsys, "fmt", str(messy))
    assert code == 0 and out == "0 files reformatted, 1 unchanged\n"
    assert messy.stat().st_mtime_ns == before


def test_fmt_of_a_broken_or_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("protrules.language.formatter")
    broken = tmp_path / "broken.prl"
    broken.write_text(BROKEN, encoding="utf-8")
    code, _, err = run(capsys, "fmt", str(broken))
    assert code == 2 and "error[PRL" in err and str(broken) in err
    assert broken.read_text(encoding="utf-8") == BROKEN
    code, _, err = run(capsys, "fmt", "--check", "nope.prl")
    assert code == 2 and error_line(err) == "no such file: nope.prl"


def test_lint_reports_findings_rendered(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The example's findings, rendered once its `# protrules: allow` comments are removed;
    with them, the example lints clean and the allowed findings are counted."""
    lint = pytest.importorskip("protrules.authoring.lint")
    import re

    import protrules

    program = protrules.load_rules(RULES).program
    findings = {(d.code, d.message) for d in (*program.warnings, *lint.lint(program))}
    assert findings
    bare = tmp_path / "example.prl"
    text = Path(RULES).read_text(encoding="utf-8")
    bare.write_text(re.sub(r"  # protrules: allow .*", "", text), encoding="utf-8")
    code, out, _ = run(capsys, "lint", str(bare))
    assert code == 1
    assert out.endswith(f"{len(findings)} findings in 1 file\n")
    for code_, message in findings:
        assert f"[{code_}]: {message}" in out
    code, out, _ = run(capsys, "lint", RULES)
    assert (code, out) == (0, f"0 findings in 1 file, {len(findings)} allowed\n")


def test_lint_of_a_broken_file_prints_its_errors_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("protrules.authoring.lint")
    broken = tmp_path / "broken.prl"
    broken.write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, "lint", str(broken))
    assert code == 2 and "error[PRL" in err
    assert out.endswith("0 findings in 0 files, 1 with errors\n")


@pytest.mark.parametrize("command", ["check", "rank", "due"])
def test_jobs_read_and_evaluate_in_worker_processes_with_the_same_output(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    serial = run(capsys, command, "rules/changning_2023.prl", "examples/changning", "--format", "json")
    parallel = run(
        capsys, command, "rules/changning_2023.prl", "examples/changning", "--format", "json", "--jobs", "2"
    )
    assert parallel == serial
    if command == "check":
        assert len(json.loads(serial[1])["entities"]) == 10


def test_jobs_report_bad_ledgers_and_duplicates_as_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"entity": {"id": "x", "name": "某街道"}, "facts": {"meeting": [{"id": 1}]}}')
    code, out, err = run(capsys, "check", RULES, XING, str(broken), "--jobs", "2")
    assert (code, out) == (2, "")
    assert f"{broken}:/facts/meeting/0/id" in err
    code, _, err = run(capsys, "check", RULES, XING, XING, "--jobs", "2")
    assert code == 2
    assert 'the entity id "xingxing" is also the id of examples/demo/xingxing.json' in err
    code, _, err = run(capsys, "check", RULES, XING, "--jobs", "-1")
    assert code == 2
    assert "--jobs: must be 0 (one per core) or more, not -1" in err


def test_explain_shows_each_let_beside_the_check_of_its_loop_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "explain", "rules/changning_2023.prl", "examples/changning/zhoujiaqiao.json", "3.3.1"
    )
    assert code == 1  # 3.3.1 fails for 周家桥
    lines = out.splitlines()
    lets = [i for i, line in enumerate(lines) if line.startswith("  设 let 复查期限 (查询 = ")]
    assert len(lets) > 20
    for i in lets:  # the next line is the check of the same loop pass
        context = lines[i].split(" (", 1)[1].split(")", 1)[0]
        assert lines[i + 1].startswith("  check ") and f"({context})" in lines[i + 1], lines[i : i + 2]


def test_due_lists_no_obligations_of_a_street_that_did_not_apply(capsys: pytest.CaptureFixture[str]) -> None:
    # docs/domain.md, “The programme”: only applicants are assessed, so only they owe anything.
    # 江苏路 never applied; 天山路 applied late, on 2023-05-08.
    streets = [f"examples/changning/{s}.json" for s in ("jiangsu", "tianshan", "huayang")]
    args = ["due", "rules/changning_2023.prl", *streets, "--district", "examples/changning/_district.json"]
    _, out, _ = run(capsys, *args, "--as-of", "2023-05-01")
    line = "not applied, so no obligations under the programme: 江苏路街道 (jiangsu), 天山路街道 (tianshan)"
    assert line in out.splitlines()[:4]
    assert "(jiangsu)  " not in out and "(tianshan)  " not in out and "(huayang)  " in out
    _, out, _ = run(capsys, *args, "--as-of", "2023-06-01")
    assert "not applied, so no obligations under the programme: 江苏路街道 (jiangsu)" in out
    assert "(jiangsu)  " not in out and "(tianshan)  " in out
    _, out, _ = run(capsys, "--lang", "zh", *args, "--as-of", "2023-06-01")
    assert "未申报，不承担创建程序下的义务：江苏路街道 (jiangsu)" in out
    _, out, _ = run(capsys, *args, "--as-of", "2023-06-01", "--format", "json")
    data = json.loads(out)
    assert data["not_applied"] == [{"id": "jiangsu", "name": "江苏路街道"}]
    assert {o["entity"]["id"] for o in data["obligations"]} == {"tianshan", "huayang", "changning-district"}
    # without a programme there is no such key
    _, out, _ = run(capsys, "due", RULES, DEMO, "--as-of", "2023-09-30", "--format", "json")
    assert "not_applied" not in json.loads(out)
