"""Golden files of the Chinese output (``--lang zh``), beside the English ones, which keep theirs.

What a 区未保办 official reads: check's summary, table and one-line-per-street layout, explain,
rank, due and the Markdown 督导报告, run through the command line as a person runs them.
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
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_chinese_output(
    capsys: pytest.CaptureFixture[str], name: str, args: tuple[str, ...], exit_code: int
) -> None:
    code, out = _run(capsys, *args)
    assert code == exit_code
    goldens.compare(GOLDEN / name, out)
