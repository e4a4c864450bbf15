"""``protrules calendar import-notice`` and ``--notice FILE``, run in-process.

The summary a person confirms, the block written to stdout or to ``-o OUT`` (after a y on the
terminal or with ``--yes``, never over the input), reading from stdin, located errors with exit
2, and the written block loaded back by the calendar's questions.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from protrules.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "tests" / "data" / "notices"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_the_block_goes_to_stdout_and_the_summary_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "calendar", "import-notice", str(NOTICES / "2024.txt"))
    assert code == 0
    assert out == (ROOT / "tests" / "golden" / "notices" / "2024.prl").read_text(encoding="utf-8")
    assert err.startswith(
        "《国务院办公厅关于2024年部分节假日安排的通知》 国办发明电〔2023〕7号，2023年10月25日\n"
    )
    assert "2024: 7 items, 28 days off (11 statutory), 8 make-up working days" in err
    assert "二、春节    off        2024-02-10 星期六 .. 2024-02-17 星期六 (8 days)" in err
    assert "            work       2024-02-04 星期日, 2024-02-18 星期日" in err
    assert "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。 (no day off)" in err
    assert err.endswith("the same working days, day by day.\n")


def test_a_notice_amended_later_shows_the_days_that_differ(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "calendar", "import-notice", str(NOTICES / "2020.txt"))
    assert code == 0
    assert err.endswith(
        "2 days differ:\n"
        "  2020-01-31 星期五: a working day by this notice, a rest day in the calendar\n"
        "  2020-02-01 星期六: a working day by this notice, a rest day in the calendar\n"
    )


def test_a_year_the_calendar_does_not_know_is_added(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from protrules.calendar import notices

    monkeypatch.setattr(notices, "library_years", lambda: frozenset(range(2001, 2026)))
    code, _, err = run(capsys, "calendar", "import-notice", str(NOTICES / "2026.txt"))
    assert code == 0
    assert err.endswith("2026 is not in the calendar yet (it knows 2001–2025): this notice adds it.\n")


def test_stdin_is_read_with_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (NOTICES / "2025.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = run(capsys, "calendar", "import-notice", "-")
    assert code == 0
    assert out == (ROOT / "tests" / "golden" / "notices" / "2025.prl").read_text(encoding="utf-8")


def test_a_malformed_notice_is_a_located_error_with_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "notice.txt"
    text = (NOTICES / "2024.txt").read_text(encoding="utf-8")
    bad.write_text(text.replace("2月4日（星期日）", "2月4日（星期六）"), encoding="utf-8")
    out_file = str(tmp_path / "out.prl")
    code, out, err = run(capsys, "calendar", "import-notice", str(bad), "-o", out_file, "--yes")
    assert (code, out) == (2, "")
    assert err.startswith(f"error[PRL503]: 星期六, but 2024-02-04 is a 星期日\n  --> {bad}:10:29\n")
    assert not (tmp_path / "out.prl").exists()
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    code, _, err = run(capsys, "calendar", "import-notice", str(gbk))
    assert code == 2
    assert err == (
        f"error[PRL502]: the notice is not UTF-8 text\n  --> {gbk}:1:1\n"
        "  = hint: save it as UTF-8 (it may be GBK)\n"
    )
    code, _, err = run(capsys, "calendar", "import-notice", str(tmp_path / "missing.txt"))
    assert (code, err) == (2, f"protrules: error: no such file: {tmp_path / 'missing.txt'}\n")


def test_output_is_written_with_yes_and_loaded_by_notice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "notice-2019.prl"
    args = ("calendar", "import-notice", str(NOTICES / "2019.txt"), "-o", str(out_file), "--yes")
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert out.startswith("《国务院办公厅关于2019年部分节假日安排的通知》")
    assert out.endswith(f"wrote {out_file}: notice 2019 (国办发明电〔2018〕15号，2018年12月4日)\n")
    golden = ROOT / "tests" / "golden" / "notices" / "2019.prl"
    assert out_file.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")
    # Loaded over a rule-less calendar, its December days amend 2018.
    code, out, _ = run(capsys, "calendar", "blocks", "2019", "--notice", str(out_file))
    assert code == 0
    assert "source: 国办发明电〔2018〕15号，2018年12月4日" in out
    assert out.splitlines()[3] == "2018-12-30 星期日 .. 2019-01-01 星期二  3 days  statutory: 2019-01-01"
    code, out, _ = run(capsys, "calendar", "is-working-day", "2018-12-29", "--notice", str(out_file))
    assert out == "2018-12-29 星期六 working day (调休上班 make-up working day)\n"


def test_output_never_overwrites_the_input_nor_an_existing_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "2024.txt"
    source.write_bytes((NOTICES / "2024.txt").read_bytes())
    same = (str(source), "-o", str(source))
    code, _, err = run(capsys, "calendar", "import-notice", *same, "--yes", "--force")
    assert code == 2
    assert err == f"protrules: error: -o {source} is the notice being read: it is never written over\n"
    assert source.read_bytes() == (NOTICES / "2024.txt").read_bytes()
    existing = tmp_path / "rules.prl"
    existing.write_text("keep me\n", encoding="utf-8")
    code, _, err = run(capsys, "calendar", "import-notice", str(source), "-o", str(existing), "--yes")
    assert code == 2
    assert "exists: choose another name, or add --force to replace it" in err
    assert existing.read_text(encoding="utf-8") == "keep me\n"
    replace = ("calendar", "import-notice", str(source), "-o", str(existing), "--yes", "--force")
    code, _, _ = run(capsys, *replace)
    assert code == 0
    assert existing.read_text(encoding="utf-8").startswith("# 国务院办公厅关于2024年部分节假日安排的通知\n")


def test_without_yes_it_asks_on_a_terminal_and_refuses_without_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out_file = tmp_path / "n.prl"
    args = ("calendar", "import-notice", str(NOTICES / "2024.txt"), "-o", str(out_file))
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err == (
        f"protrules: error: nothing written: add --yes to write {out_file} without a terminal to confirm on\n"
    )
    assert not out_file.exists()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for answer, expected_code in (("n\n", 1), ("y\n", 0)):
        monkeypatch.setattr(sys, "stdin", Terminal(answer))
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
        code, out, _ = run(capsys, *args)
        assert code == expected_code
        assert "Write the notice block for 2024 to" in out
        assert out_file.exists() is (expected_code == 0)


def test_notice_files_hold_only_notice_blocks(capsys: pytest.CaptureFixture[str]) -> None:
    rules = str(ROOT / "rules" / "example.prl")
    code, _, err = run(capsys, "calendar", "blocks", "2023", "--notice", rules)
    assert code == 2
    assert "error[PRL311]: a notice file holds only `notice` blocks" in err
