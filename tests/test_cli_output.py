"""What the command writes and how: layouts that scale, failure first, files, flags, stdin.

- ``check`` on more entities than a rules × entities table fits switches to one line each;
- ``explain --only`` and failure-first order;
- ``--output`` files get the user's umask; ``-o``/``-f``; ``-`` reads standard input;
- ``fmt --diff``; the exit codes of ``explain``, ``rank`` and ``due``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from protrules.cli.main import main
from tests.test_cli import MESSY, run

ROOT = Path(__file__).resolve().parent.parent
RULES, DEMO = "rules/example.prl", "examples/demo/"
XING, YANG = "examples/demo/xingxing.json", "examples/demo/yangguang.json"
CN_RULES, CN = "rules/changning_2023.prl", "examples/changning/"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _district(tmp_path: Path, copies: int) -> Path:
    """The ten Changning streets, ``copies`` times over (each copy its own id and name), as JSON,
    with the district ledger they are read with."""
    from protrules import load_rules
    from protrules.facts import ledger_to_mapping, load_ledgers

    schema = load_rules(ROOT / CN_RULES).fact_types
    folder = tmp_path / "district"
    folder.mkdir()
    for ledger in load_ledgers([ROOT / CN], schema):
        data = ledger_to_mapping(ledger, schema)
        for n in range(copies):
            data["entity"] = {**data["entity"], "id": f"{ledger.id}-{n}", "name": f"{ledger.name}{n}"}
            text = json.dumps(data, ensure_ascii=False)
            (folder / f"{ledger.id}-{n}.json").write_text(text, encoding="utf-8")
    (folder / "_district.json").write_bytes((ROOT / CN / "_district.json").read_bytes())
    return folder


# ------------------------------------------------------------------ check's layouts


def test_check_keeps_the_table_when_it_fits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", RULES, DEMO)
    assert code == 1
    assert out.splitlines()[1].startswith("Fictional example data: every entity")  # the examples say so
    assert out.splitlines()[3].startswith("规则 rule    星星站     阳光站")


def test_check_switches_to_one_line_per_entity_when_the_table_is_too_wide(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "check", CN_RULES, CN)  # not a terminal: 80 columns
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "长宁区未成年人保护示范街道（镇）创建达标体系 — as of 2024-03-31, 10 entities"
    assert lines[1].startswith("Fictional example data: every entity")
    assert lines[3].split() == [
        "名称", "entity", "结果", "status", "得分", "score",
        "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "N", "问题", "open",
    ]  # fmt: skip
    hongqiao = next(line for line in lines if line.startswith("虹桥街道"))
    assert hongqiao.split()[4:16] == ["94.4%", "✓", "✗", "✗", "✓", "✓", "✓", "✓", "✓", "✓", "✗", "✓"]
    assert hongqiao.endswith("fail 2.1.3, 2.1.4, 3.2.1, 10.1.3")
    assert "达标 meets 4  不达标 fails 4  一票否决 vetoed 1  待定 incomplete 1" in lines
    assert max(len(line) for line in [lines[0], *lines[2:4]]) < 100


def test_layout_can_be_forced_either_way(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, table, _ = run(capsys, "check", CN_RULES, CN, "--layout", "table")
    assert table.splitlines()[3].startswith("规则 rule") and len(table.splitlines()) > 80
    _, summary, _ = run(capsys, "check", RULES, DEMO, "--layout", "summary")
    assert summary.splitlines()[0].endswith(", 2 entities")
    wide = _Tty()  # a terminal wide enough for the table gets it
    monkeypatch.setattr(sys, "stdout", wide)
    monkeypatch.setenv("COLUMNS", "200")
    main(["check", CN_RULES, CN])
    assert "规则 rule" in wide.getvalue().splitlines()[3]
    assert run(capsys, "check", RULES, DEMO, "--layout", "table", "-f", "json")[0] == 2


def test_the_summary_layout_scales_to_many_entities(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _district(tmp_path, 10)  # 100 streets
    code, out, _ = run(capsys, "check", CN_RULES, str(folder))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith(", 100 entities")
    assert len(lines) == 5 + 100 + 3  # with the line saying the examples are fictional
    assert max(len(line) for line in [lines[0], *lines[2:5]]) < 100  # as wide for 100 entities as for 10
    assert "达标 meets 40  不达标 fails 40  一票否决 vetoed 10  待定 incomplete 10" in lines


# ------------------------------------------------------------------ explain


def test_explain_only_fail_shows_the_failing_checks_and_counts_the_rest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, whole, _ = run(capsys, "explain", CN_RULES, "examples/changning/hongqiao.json")
    assert code == 1
    code, out, _ = run(capsys, "explain", CN_RULES, "examples/changning/hongqiao.json", "--only", "fail")
    assert code == 1
    assert len(out.splitlines()) * 20 < len(whole.splitlines())
    rules = [line.split()[1] for line in out.splitlines() if line.startswith("规则 ")]
    assert rules == ["2.1.3", "2.1.4", "3.2.1", "10.1.3"]
    checks = [line for line in out.splitlines() if line.startswith(("  check ", "  advise "))]
    assert all("✗ fail" in line for line in checks)
    section = out[out.index("规则 10.1.3") :]
    first = next(line for line in section.splitlines() if line.startswith(("  check ", "  advise ")))
    assert first.startswith("  check ") and "(居民区 = R016): ✗ fail" in first  # deciding before advisory
    assert re.search(r"\n  未列出 not shown: \d+ checks \(pass \d+\)\n", section)


def test_explain_shows_failing_rules_first(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "explain", RULES, XING, "3.1.2", "N.1", "1.1.1")
    rules = [line.split()[1] for line in out.splitlines() if line.startswith("规则 ")]
    assert rules == ["N.1", "1.1.1", "3.1.2"]


def test_explain_only_with_nothing_to_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", RULES, YANG, "1.1.1", "--only", "fail")
    assert (code, out) == (0, "nothing to explain: none of 1.1.1 is fail\n")
    code, _, err = run(capsys, "explain", RULES, YANG, "--only", "fial")
    assert code == 2 and "unknown verdict `fial`; did you mean fail?" in err


def test_exit_codes_of_explain_rank_and_due(capsys: pytest.CaptureFixture[str]) -> None:
    # explain: 1 when a rule it explains does not pass (what check counts against the entity)
    assert run(capsys, "explain", RULES, YANG, "1.1.1")[0] == 0
    assert run(capsys, "explain", RULES, XING, "1.1.1")[0] == 1
    assert run(capsys, "explain", RULES, XING, "2.2.2")[0] == 1  # unknown
    assert run(capsys, "explain", RULES, XING, "1.1.2", "3.1.1")[0] == 0
    assert run(capsys, "explain", RULES, XING)[0] == run(capsys, "check", RULES, XING)[0] == 1
    assert run(capsys, "explain", RULES, YANG)[0] == run(capsys, "check", RULES, YANG)[0] == 0
    # rank: as check
    assert run(capsys, "rank", RULES, YANG)[0] == 0
    assert run(capsys, "rank", RULES, DEMO)[0] == 1
    # due: 1 when an obligation is overdue; what merely falls due is no finding yet
    assert run(capsys, "due", RULES, YANG, "--as-of", "2023-09-30")[0] == 0
    assert run(capsys, "due", RULES, XING, "--as-of", "2023-09-30")[0] == 1
    assert run(capsys, "due", RULES, XING, "--as-of", "2023-08-31")[0] == 0


# ------------------------------------------------------------------ files, flags, stdin


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_output_files_are_created_with_the_umask(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, umask: int
) -> None:
    old = os.umask(umask)
    try:
        for command in (["check", RULES, DEMO], ["report", RULES, DEMO], ["rank", RULES, DEMO]):
            target = tmp_path / f"{command[0]}-{umask:o}.out"
            run(capsys, *command, "-o", str(target))
            assert target.stat().st_mode & 0o777 == 0o666 & ~umask, command
    finally:
        os.umask(old)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".protrules-")]


def test_a_replaced_output_file_keeps_its_mode(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "result.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    run(capsys, "check", RULES, DEMO, "-o", str(target))
    assert target.stat().st_mode & 0o777 == 0o640 and target.read_text(encoding="utf-8") != "old"


def test_short_flags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    long = run(capsys, "check", RULES, YANG, "--format", "json")[1]
    assert run(capsys, "check", RULES, YANG, "-f", "json")[1] == long
    run(capsys, "check", RULES, YANG, "-f", "json", "-o", str(tmp_path / "r.json"))
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == long
    for command in (["explain", RULES, YANG], ["rank", RULES, DEMO], ["due", RULES, DEMO]):
        assert run(capsys, *command, "-f", "json")[1] == run(capsys, *command, "--format", "json")[1]
    run(capsys, "schema", RULES, "-o", str(tmp_path / "s.json"))
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["$schema"]


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    stream = io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)


def test_a_ledger_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = run(capsys, "check", RULES, XING)[1]
    _stdin(monkeypatch, (ROOT / XING).read_text(encoding="utf-8"))
    assert run(capsys, "check", RULES, "-")[1] == wanted
    _stdin(monkeypatch, (ROOT / XING).read_text(encoding="utf-8"))
    code, out, _ = run(capsys, "explain", RULES, "-", "1.1.1")
    assert code == 1 and "星星站" in out
    _stdin(monkeypatch, '{"entity": {"id": "x"}, "facts": {}}')
    code, _, err = run(capsys, "check", RULES, "-")
    assert code == 2 and "<stdin>" in err


def test_a_rule_file_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = run(capsys, "check", RULES, DEMO)[1]
    _stdin(monkeypatch, (ROOT / RULES).read_text(encoding="utf-8"))
    assert run(capsys, "check", "-", DEMO)[1] == wanted
    _stdin(monkeypatch, "standard x\n")
    code, _, err = run(capsys, "check", "-", DEMO)
    assert code == 2 and "--> <stdin>:1:" in err
    _stdin(monkeypatch, "")
    code, _, err = run(capsys, "check", "-", "-")
    assert code == 2


def test_standard_input_is_read_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, (ROOT / RULES).read_text(encoding="utf-8"))
    code, _, err = run(capsys, "check", "-", "-")
    assert code == 2
    assert "FACTS: standard input is already read for RULES; name a file" in err


def test_fmt_and_lint_read_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from protrules.language.formatter import format_source

    _stdin(monkeypatch, MESSY)
    code, out, err = run(capsys, "fmt", "-")
    assert (code, out, err) == (0, format_source(MESSY, "<stdin>"), "")
    _stdin(monkeypatch, MESSY)
    code, out, err = run(capsys, "fmt", "--check", "-")
    assert code == 1 and out == "would reformat <stdin>\n1 file would be reformatted, 0 unchanged\n"
    _stdin(monkeypatch, (ROOT / RULES).read_text(encoding="utf-8"))
    code, out, _ = run(capsys, "lint", "-")
    assert code == 0 and out == "0 findings in 1 file, 7 allowed\n"  # allowed by its comments
    _stdin(monkeypatch, (ROOT / RULES).read_text(encoding="utf-8").replace("# protrules: allow", "#"))
    code, out, _ = run(capsys, "lint", "-")
    assert code == 1 and "  --> <stdin>:" in out
    assert run(capsys, "fmt", "-", RULES)[0] == 2


def test_fmt_diff_shows_the_change_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from protrules.language.formatter import format_source

    messy = tmp_path / "messy.prl"
    messy.write_text(MESSY, encoding="utf-8")
    tidy = tmp_path / "tidy.prl"
    shutil.copy(ROOT / RULES, tidy)
    code, out, err = run(capsys, "fmt", "--diff", str(messy), str(tidy))
    assert code == 1
    assert messy.read_text(encoding="utf-8") == MESSY
    assert out.startswith(f"--- {messy}\n+++ {messy}\n@@ ")
    assert '\n-    title:   "格式示例"\n' in out and '\n+    title: "格式示例"\n' in out
    assert err == f"would reformat {messy}\n1 file would be reformatted, 1 unchanged\n"
    if shutil.which("patch"):  # the diff, applied, gives the formatted file
        subprocess.run(["patch", "-s", str(messy)], input=out, text=True, check=True)
        assert messy.read_text(encoding="utf-8") == format_source(MESSY, str(messy))
    assert run(capsys, "fmt", "--diff", str(tidy))[0] == 0
