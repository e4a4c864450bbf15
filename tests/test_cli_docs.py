"""docs/cli.md (and the other pages in PAGES) show real commands with their real output: run
every example and compare.

Each ```console block is ``$ command`` then its output (stdout and stderr together) and,
when it is not 0, ``(exit code N)``. A ```prl/```json block after a line `` `name`: `` is a
file the examples below it use. Commands run in-process in a scratch folder that links the
repository's rules/ and examples/, in document order (``fmt`` changes a file a later example
reads). Pipelines may use ``| head -n N``, ``| tail -n N``, ``&& cat FILE`` and ``; cat FILE``
(the file a command wrote, whatever its exit code), and the command ``< FILE`` to read
standard input from a file.

``PROTRULES_UPDATE_GOLDEN=1 python -m pytest tests/test_cli_docs.py`` rewrites each console
block's output with the command's real output (and exit code), to be reviewed in the diff.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

from protrules.cli.main import main
from tests.goldens import masked

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"
#: Other pages whose ```console examples are all real.
PAGES = (
    "language.md",
    "domain.md",
    "report.md",
    "revisions.md",
    "calendar.md",
    "fire-safety.md",
    "limits.md",
    "tutorial.zh.md",
    "calendar.zh.md",
    "cli.zh.md",
    "language.zh.md",
)
BLOCK = re.compile(
    r"(?:`(?P<name>[^`\n]+)`:\n\n)?```(?P<lang>console|prl|json|text)\n(?P<body>.*?)\n```", re.S
)


def _examples(doc: Path = DOC) -> list[tuple[str, str, str]]:
    """(kind, name or command, body) in document order: ("file", name, text) or ("run", cmd, output)."""
    out = []
    for match in BLOCK.finditer(doc.read_text(encoding="utf-8")):
        body = match.group("body")
        if match.group("lang") == "console":
            command, _, output = body.partition("\n")
            assert command.startswith("$ "), command
            out.append(("run", command[2:], output))
        elif match.group("name"):
            out.append(("file", match.group("name"), body + "\n"))
    return out


def _run(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[str, int | None]:
    """The command's output (stdout then stderr) and exit code (None after a pipe)."""
    words = shlex.split(command)
    stages: list[list[str]] = [[]]
    joins: list[str] = []
    for word in words:
        if word in ("|", "&&", ";"):
            joins.append(word)
            stages.append([])
        else:
            stages[-1].append(word)
    assert stages[0][0] == "protrules", command
    args = stages[0][1:]
    if "<" in args:  # standard input from a file
        at = args.index("<")
        data = Path(args[at + 1]).read_bytes()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        args = args[:at] + args[at + 2 :]
    code = main(args)
    out, err = capsys.readouterr()
    text = out + err
    for join, stage in zip(joins, stages[1:], strict=True):
        lines = text.splitlines(keepends=True)
        if join == "|" and stage[:2] == ["head", "-n"]:
            text = "".join(lines[: int(stage[2])])
        elif join == "|" and stage[:2] == ["tail", "-n"]:
            text = "".join(lines[-int(stage[2]) :])
        elif join in ("&&", ";") and stage[0] == "cat":
            assert code == 0 or join == ";"
            text += Path(stage[1]).read_text(encoding="utf-8")
        else:  # pragma: no cover - a new kind of pipeline in the docs
            pytest.fail(f"unsupported pipeline in the docs: {command}")
    return text, (None if "|" in joins or ";" in joins else code)


def test_every_example_in_docs_cli_md_is_real(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    examples = _examples()
    assert sum(1 for kind, _, _ in examples if kind == "run") >= 30
    commands = {cmd.split()[1] for kind, cmd, _ in examples if kind == "run"}
    wanted = {"check", "explain", "rank", "due", "report", "test", "fmt", "lint", "calendar", "schema"}
    assert commands >= wanted
    _replay(DOC, examples, capsys, monkeypatch, tmp_path)


@pytest.mark.parametrize("page", PAGES)
def test_every_example_in_the_docs_is_real(
    page: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    doc = ROOT / "docs" / page
    examples = _examples(doc)
    assert any(kind == "run" for kind, _, _ in examples), f"docs/{page} runs no command"
    _replay(doc, examples, capsys, monkeypatch, tmp_path)


def _replay(
    doc: Path,
    examples: list[tuple[str, str, str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Run a page's examples in a scratch folder linking rules/ and examples/."""
    for name in ("rules", "examples", "tests"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    rewritten: list[str] = []
    for kind, what, body in examples:
        if kind == "file":
            (tmp_path / what).write_text(body, encoding="utf-8")
            continue
        wanted, _, code_text = ("\n" + body).rpartition("\n(exit code ")  # no output: body is the code
        wanted = wanted.removeprefix("\n")
        if not code_text.endswith(")") or not code_text[:-1].isdigit():
            wanted, code_text = body, "0)"
        text, code = _run(what, capsys, monkeypatch)
        if UPDATE:
            lines = [f"$ {what}", *([text.rstrip("\n")] if text.strip() else [])]
            lines += [f"(exit code {code})"] if code not in (None, 0) else []
            rewritten.append("\n".join(lines))
            continue
        assert masked(text.rstrip("\n")) == masked(wanted.rstrip("\n")), (
            f"docs/{doc.name} is out of date for: $ {what}"
        )
        if code is not None:
            assert code == int(code_text[:-1]), f"exit code of: $ {what}"
    if UPDATE:
        _rewrite(doc, rewritten)


UPDATE = os.environ.get("PROTRULES_UPDATE_GOLDEN") == "1"


def _rewrite(doc: Path, bodies: list[str]) -> None:
    """Put each console block's new body in place, in document order."""
    queue = iter(bodies)

    def put(match: re.Match[str]) -> str:
        if match.group("lang") != "console":
            return match.group(0)
        start, end = match.span("body")
        return match.group(0)[: start - match.start()] + next(queue) + match.group(0)[end - match.start() :]

    doc.write_text(BLOCK.sub(put, doc.read_text(encoding="utf-8")), encoding="utf-8")


#: Pages whose unnamed ```prl blocks quote a rule file: each block is a run of its lines.
QUOTING = {
    "tutorial.zh.md": ("rules/changning_2023.prl", "rules/changning_2023.zh.prl"),
    "calendar.zh.md": ("rules/changning_2023.zh.prl",),
}


def _quoted(block: list[str], lines: list[str]) -> bool:
    """Whether ``block`` is a run of ``lines``, every line indented by the same extra spaces."""
    for at, line in enumerate(lines[: len(lines) - len(block) + 1]):
        indent = line[: len(line) - len(block[0])]
        same = (lines[at + k] == indent + text if text else not lines[at + k] for k, text in enumerate(block))
        if line.endswith(block[0]) and not indent.strip() and all(same):
            return True
    return False


@pytest.mark.parametrize("page", sorted(QUOTING))
def test_the_rules_a_page_shows_are_the_rule_files(page: str) -> None:
    files = [(ROOT / name).read_text(encoding="utf-8").splitlines() for name in QUOTING[page]]
    blocks = [
        match.group("body")
        for match in BLOCK.finditer((ROOT / "docs" / page).read_text(encoding="utf-8"))
        if match.group("lang") == "prl" and not match.group("name")
    ]
    assert blocks, f"docs/{page} quotes no rule"
    for body in blocks:
        block = body.splitlines()
        wrong = f"docs/{page} misquotes {QUOTING[page]}:\n{body}"
        assert any(_quoted(block, lines) for lines in files), wrong
