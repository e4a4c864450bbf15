"""Any text either parses and checks, or raises protrules' own error — never anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

import protrules
from protrules.language.diagnostics import RuleFileError
from protrules.language.parser import MAX_NESTING, grammar_text

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted((ROOT / "rules").glob("*.prl"))
EXAMPLE = (ROOT / "rules" / "example.prl").read_text(encoding="utf-8")

TOKENS = [
    "standard",
    "fact",
    "rule",
    "area",
    "item",
    "require",
    "let",
    "for",
    "each",
    "in",
    "of",
    "where",
    "as",
    "by",
    "count(",
    "exists(",
    "none(",
    "every(",
    "share(",
    "deadline(",
    "round(",
    "deadlin(",
    "if",
    "then",
    "else",
    "lookup",
    "->",
    "from",
    "half year",
    ")",
    "(",
    ":",
    ",",
    ".",
    "..",
    "=",
    ">=",
    "<",
    "and",
    "or",
    "not",
    "is",
    "working day",
    "rest day",
    "within",
    "after",
    "3 months",
    "30个工作日",
    "2023-04-01",
    "2023-02-30",
    '"条款"',
    "评估期",
    "meeting",
    "meeting.date",
    "\n",
    "\n    ",
    "\n        ",
    "#注释\n",
    "：",
    "（",
    "２０２３",
    "\t",
    "'",
    "\\",
    "\ufeff",
    "50%",
    "1.5",
    "-",
    "+",
    "*",
    "/",
]


def _check_text(text: str) -> None:
    try:
        module = protrules.parse(text, "fuzz.prl")
        protrules.check(module, protrules.Source("fuzz.prl", text))
    except RuleFileError as error:
        assert error.diagnostics
        assert error.render()
        for diagnostic in error.diagnostics:
            assert diagnostic.code.startswith("PRL")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_escapes(text: str) -> None:
    _check_text(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_token_soup_never_escapes(text: str) -> None:
    _check_text(text)


def _lark_without_layout() -> Lark:
    return Lark(grammar_text(), parser="lalr", lexer="contextual")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(
    from_lark(
        _lark_without_layout(),
        start="start",
        explicit={
            "_INDENT": st.just("\n    "),
            "_DEDENT": st.just("\n"),
            "_NL": st.just("\n"),
        },
    )
)
def test_text_from_the_grammar_never_escapes(text: str) -> None:
    _check_text(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_files_never_escape(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from([p.read_text(encoding="utf-8") for p in RULE_FILES]))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["delete", "insert", "truncate", "duplicate"]))
        if action == "delete":
            text = text[:position] + text[position + data.draw(st.integers(1, 40)) :]
        elif action == "insert":
            text = text[:position] + data.draw(st.sampled_from(TOKENS)) + text[position:]
        elif action == "truncate":
            text = text[:position]
        else:
            end = min(len(text), position + data.draw(st.integers(1, 200)))
            text = text[:end] + text[position:end] + text[end:]
    _check_text(text)


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 500, 5000])
def test_deep_nesting_is_a_clear_error(depth: int) -> None:
    text = EXAMPLE.replace("require 月.days >= 28", "require " + "(" * depth + "true" + ")" * depth)
    with pytest.raises(RuleFileError) as info:
        protrules.parse(text, "deep.prl")
    assert info.value.diagnostics[0].code == "PRL107"


def test_long_operator_chains_do_not_overflow() -> None:
    chain = " and ".join(["true"] * 3000)
    text = EXAMPLE.replace("require 月.days >= 28", f"require {chain}")
    try:
        module = protrules.parse(text, "chain.prl")
        protrules.check(module, protrules.Source("chain.prl", text))
    except RuleFileError as error:
        assert error.diagnostics[0].code == "PRL107"


def test_megabyte_string_is_read() -> None:
    text = EXAMPLE.replace(
        'clause: "服务站每年至少召开两次协调会议，并形成会议纪要。"', 'clause: "' + "长" * 1_000_000 + '"'
    )
    module = protrules.parse(text, "big.prl")
    program = protrules.check(module, protrules.Source("big.prl", text))
    rule = program.rule("1.1.1")
    assert rule is not None and len(rule.clause) == 1_000_000


def test_bom_is_accepted() -> None:
    module = protrules.parse("\ufeff" + EXAMPLE, "bom.prl")
    assert module.declarations


def test_gbk_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.prl"
    path.write_bytes(EXAMPLE.encode("gbk"))
    with pytest.raises(RuleFileError) as info:
        protrules.parse_file(str(path))
    assert info.value.diagnostics[0].code == "PRL002"
    assert "GBK" in (info.value.diagnostics[0].hint_text() or "")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as info:
        protrules.parse_file(str(tmp_path / "nope.prl"))
    assert info.value.diagnostics[0].code == "PRL001"
    assert "nope.prl" in info.value.diagnostics[0].text()
