"""README.md shows real commands: the ten streets' check output it prints is the command's, and
every command it suggests next runs (exit 0 or 1, nothing on stderr)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from protrules.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _block_after(marker: str, lang: str = "") -> str:
    start = README.index(marker)
    match = re.compile(rf"```{lang}\n(.*?)\n```", re.S).search(README, start)
    assert match is not None, marker
    return match.group(1)


def test_the_check_output_shown_is_real(capsys: pytest.CaptureFixture[str]) -> None:
    shown = _block_after("It prints a line for each of the ten example streets")
    assert main(["check", "rules/changning_2023.prl", "examples/changning/"]) == 1
    assert shown + "\n" in capsys.readouterr().out


def test_the_commands_suggested_next_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    commands = _block_after("Then ask why", "sh").splitlines()
    assert len(commands) >= 4
    for line in commands:
        words = shlex.split(line)
        assert words[0] == "protrules", line
        args = [str(tmp_path / w) if w.endswith(".html") else w for w in words[1:]]  # write no file here
        assert main(args) in (0, 1), line
        assert capsys.readouterr().err == "", line


def test_the_impact_of_the_revision_shown_is_real(capsys: pytest.CaptureFixture[str]) -> None:
    start = README.index("What it would do to the ten streets")
    blocks = re.compile(r"```(sh)?\n(.*?)\n```", re.S).findall(README, start)
    (lang, command), (_, shown) = blocks[:2]
    assert lang == "sh" and shown.startswith("影响 impact on 10 entities")
    assert main(shlex.split(command)[1:]) == 1
    assert shown + "\n" in capsys.readouterr().out
