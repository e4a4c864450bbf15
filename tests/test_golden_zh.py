"""Golden files of the Chinese output (``--lang zh``), beside the English ones, which keep theirs.

What a 区未保办 official reads: check's summary, table and one-line-per-street layout, explain,
rank, due, diff and the Markdown 督导报告, run through the command line as a person runs them.
Refresh with ``PROTRULES_UPDATE_GOLDEN=1 pytest tests/test_golden_zh.py`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from protrules.cli import main
from tests import goldens

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "zh"
EXAMPLE = "rules/example.prl"
DEMO = "examples/demo/"
XING = "examples/demo/xingxing.json"
CHANGNING = "rules/changning_2023.prl"
STREETS = "examples/changning/"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LANG", "C.UTF-8")  # --lang decides, not the machine's locale


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([*args, "--lang", "zh"])
    out, err = capsys.readouterr()
    assert err == "", err
    return code, out


@pytest.mark.parametrize(
    ("name", "args", "exit_code"),
    [
        ("check-xingxing.txt", ("check", EXAMPLE, XING), 1),
        ("check-demo.txt", ("check", EXAMPLE, DEMO), 1),
        ("check-demo-summary.txt", ("check", EXAMPLE, DEMO, "--layout", "summary"), 1),
        ("check-only.txt", ("check", EXAMPLE, XING, "--only", "fail,unknown"), 1),
        ("explain-xingxing.txt", ("explain", EXAMPLE, XING), 1),
        ("explain-only.txt", ("explain", EXAMPLE, XING, "1.1.1", "2.1.3", "--only", "fail"), 1),
        ("rank-demo.txt", ("rank", EXAMPLE, DEMO), 1),
        ("rank-changning.txt", ("rank", CHANGNING, STREETS), 1),
        ("rank-changning-named.txt", ("rank", CHANGNING, STREETS, "--as-of", "2024-05-31"), 1),
        (
            "due-changning.txt",
            ("due", CHANGNING, STREETS, "--as-of", "2024-04-20", "--within", "20个工作日"),
            1,
        ),
        ("due-demo.txt", ("due", EXAMPLE, DEMO, "--as-of", "2023-09-30"), 1),
        ("due-within.txt", ("due", EXAMPLE, DEMO, "--as-of", "2023-09-30", "--within", "3个月"), 1),
        ("due-nothing.txt", ("due", EXAMPLE, "examples/demo/yangguang.json", "--as-of", "2024-03-31"), 0),
        ("calendar-days.txt", ("calendar", "is-working-day", "2023-10-07", "2023-10-02", "2023-10-14"), 0),
        ("calendar-add.txt", ("calendar", "add", "2023-09-28", "3"), 0),
        ("calendar-deadline.txt", ("calendar", "deadline", "2023-01-31", "3个月"), 0),
        ("calendar-between.txt", ("calendar", "between", "2023-09-28", "2023-10-09"), 0),
        ("calendar-blocks.txt", ("calendar", "blocks", "2023"), 0),
        ("diff.txt", ("diff", "tests/diff/old.prl", "tests/diff/new.prl", "tests/diff/"), 1),
        ("report-demo.md", ("report", EXAMPLE, DEMO, "-f", "markdown"), 1),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_chinese_output(
    capsys: pytest.CaptureFixture[str], name: str, args: tuple[str, ...], exit_code: int
) -> None:
    code, out = _run(capsys, *args)
    assert code == exit_code
    goldens.compare(GOLDEN / name, out)


def test_an_imported_notice_is_summed_up_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """``calendar import-notice`` prints what it read (to stderr, the block to stdout) in the
    reader's language: the items, their days off, make-up days and statutory days, and how the
    notice compares with the calendar; the notice block itself is the rule file's."""
    assert main(["calendar", "import-notice", "tests/data/notices/2024.txt", "--lang", "zh"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# 国务院办公厅关于2024年部分节假日安排的通知\nnotice 2024 source")
    goldens.compare(GOLDEN / "calendar-import-notice.txt", err)
