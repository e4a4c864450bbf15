"""Syntax error recovery: every syntax error in one run, each at its line, none made up."""

from __future__ import annotations

from pathlib import Path

import pytest

import protrules
from protrules.language.diagnostics import RuleFileError
from protrules.language.recovery import MAX_SYNTAX_ERRORS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "rules" / "example.prl").read_text(encoding="utf-8")


def _errors(text: str) -> list[tuple[str, int]]:
    with pytest.raises(RuleFileError) as info:
        protrules.parse(text, "x.prl")
    return [(d.code, d.span.line if d.span else 0) for d in info.value.diagnostics]


def _require_lines() -> list[int]:
    return [i for i, line in enumerate(EXAMPLE.split("\n"), 1) if line.strip().startswith("require ")]


@pytest.mark.parametrize("count", [1, 2, 5])
def test_each_broken_statement_is_reported_once_at_its_line(count: int) -> None:
    lines = EXAMPLE.split("\n")
    broken = _require_lines()[:: max(1, len(_require_lines()) // count)][:count]
    for number in broken:
        lines[number - 1] = lines[number - 1].rstrip() + " >= >="
    found = _errors("\n".join(lines))
    assert [line for _, line in found] == broken
    assert {code for code, _ in found} == {"PRL102"}


def test_the_first_error_is_the_one_a_single_error_parser_reports() -> None:
    lines = EXAMPLE.split("\n")
    first, second = _require_lines()[2], _require_lines()[6]
    lines[first - 1] += " ，"
    alone = "\n".join(lines)
    lines[second - 1] += " )"
    assert _errors(alone) == [("PRL101", first)]
    assert _errors("\n".join(lines)) == [("PRL101", first), ("PRL102", second)]


def test_errors_are_capped() -> None:
    lines = EXAMPLE.split("\n")
    for number in _require_lines():
        lines[number - 1] += " ="
    assert len(_require_lines()) > MAX_SYNTAX_ERRORS
    assert len(_errors("\n".join(lines))) == MAX_SYNTAX_ERRORS


def test_a_whole_block_without_indentation_is_one_error() -> None:
    text = 'fact meeting "会议":\ndate: date "日期"\nkind: text "类型"\n'
    assert _errors(text) == [("PRL104", 1)]


def test_an_empty_loop_is_reported_at_its_colon_not_the_next_line() -> None:
    lines = EXAMPLE.split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("for each "))
    indent = len(lines[number - 1]) - len(lines[number - 1].lstrip())
    end = number
    while len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1
    del lines[number:end]  # the loop's body
    with pytest.raises(RuleFileError) as info:
        protrules.parse("\n".join(lines), "x.prl")
    (only,) = info.value.diagnostics
    assert (only.code, only.text(), only.span.line) == (
        "PRL104",
        "nothing is indented under this line",
        number,
    )
    assert only.span.column == len(lines[number - 1].rstrip())  # the `:`
