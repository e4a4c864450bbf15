"""The parser's own LALR loop (:mod:`protrules.language.driver`) builds the tree Lark's parser
builds, spans included, and accepts no text that Lark refuses.

Each text is parsed twice: as ``parse`` does (the driver, falling back to Lark on a syntax
error) and by Lark alone (the driver switched off). Nodes leave their spans out of equality,
so the trees are compared with every node's span (``_dump``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import protrules
from protrules.language import driver, lalr
from protrules.language.diagnostics import RuleFileError
from protrules.language.formatter import format_source
from protrules.testing.programs import Shape, programs
from tests.casefile import read_case
from tests.test_parser_properties import TOKENS

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted(
    path
    for folder in ("rules", "examples", "tests", "benchmarks", "docs")
    for path in (ROOT / folder).rglob("*.prl")
)
CASES = sorted((ROOT / "tests" / "cases").rglob("*.case"))


def _dump(value: Any) -> Any:
    """A value with every node's span, for comparing trees whole."""
    if attrs.has(type(value)):
        fields = tuple((f.name, _dump(getattr(value, f.name))) for f in attrs.fields(type(value)))
        return type(value).__name__, fields
    if isinstance(value, (tuple, list)):
        return tuple(_dump(v) for v in value)
    return type(value).__name__, value


def _parse(text: str, driven: bool) -> tuple[str, Any]:
    """("tree", the dump) or ("errors", the diagnostics), parsed with or without the driver;
    with it, whether the driver built the tree is checked against what Lark says."""
    used: list[bool] = []
    real = driver.drive

    def spy(*args: Any) -> Any:
        try:
            made = real(*args)
        except driver.Refused:
            used.append(False)
            raise
        used.append(True)
        return made

    def refuse(*args: Any) -> Any:
        raise driver.Refused("switched off")

    with mock.patch.object(driver, "drive", spy if driven else refuse):
        try:
            found: tuple[str, Any] = ("tree", _dump(protrules.parse(text, "t.prl")))
        except RuleFileError as error:
            found = ("errors", [(d.code, d.span, str(d.message)) for d in error.diagnostics])
    if driven and used and used[0] and found[0] == "errors":
        assert all(code in ("PRL107", "PRL109", "PRL110", "PRL111", "PRL113") for code, _, _ in found[1])
    return found


def _same(text: str) -> None:
    assert _parse(text, True) == _parse(text, False)


def _texts() -> Iterator[tuple[str, str]]:
    for path in RULE_FILES:
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for path in CASES:
        yield str(path.relative_to(ROOT)), read_case(path).source


TEXTS = dict(_texts())


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_rule_file_of_the_repository(name: str) -> None:
    _same(TEXTS[name])


@pytest.mark.parametrize("path", [p for p in RULE_FILES if p.parent.name in ("rules", "changning_2024")])
def test_rule_files_in_chinese(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        chinese = format_source(text, path.name, dialect="zh")
    except RuleFileError:
        pytest.skip("not a rule file that formats")
    _same(chinese)


def test_the_driver_s_layout_is_the_indenter_s() -> None:
    """The driver does the indenter's work inline: the same tokens open and close brackets."""
    assert set(lalr._Indent.OPEN_PAREN_types) == driver._OPENING
    assert {*lalr._Indent.CLOSE_PAREN_types, *driver._OPENING, lalr._Indent.NL_type} == driver._LAYOUT
    assert (lalr._Indent.INDENT_type, lalr._Indent.DEDENT_type) == ("_INDENT", "_DEDENT")


def test_the_driver_builds_the_changning_standard() -> None:
    text = (ROOT / "rules" / "changning_2023.prl").read_text(encoding="utf-8")
    with (
        mock.patch.object(driver, "drive", wraps=driver.drive) as spy,
        mock.patch.object(lalr, "parse_body") as lark,
    ):
        protrules.parse(text, "changning_2023.prl")
    assert spy.call_count == 1 and not lark.called  # built by the driver, not left to Lark


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "# only a comment\n",
        'standard "x":\n    title: "t"\n',
        'standard "x":\n    title: "t"',  # no line end at the end
        'standard "x":\n  title: "t"\n   version: "1"\n',  # a dedent to no block
        'standard "x":\n    title: "t"\n\tversion: "1"\n',
        'enum e: ("a",\n   "b")\n',  # a line end inside parentheses
        'enum e: ("a",\n   "b"))\n',
        "define 要求x = 1\n",  # a keyword written against a name (PRL112)
        "define x = 3天后\n",
        "define x = 30个工作日\n",
        "define x = 2023-02-30\n",  # a value error: the tree is built and the error reported
        "define x = " + "(" * 60 + "1" + ")" * 60 + "\n",
        "define x = 1 and 2 and 3 or 4 or 5 and 6\n",
        "define x = ２０２３\n",
        "define x = 1 ..\n",
        "\ufeffdefine x = 1\n",
    ],
)
def test_edges(text: str) -> None:
    _same(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_files(data: st.DataObject) -> None:
    """Mutations of the repository's rule files: the driver and Lark agree on every one."""
    text = data.draw(st.sampled_from([TEXTS[name] for name in sorted(TEXTS) if name.startswith("rules/")]))
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            text = text[:position] + text[position + data.draw(st.integers(1, 30)) :]
        elif action == "insert":
            text = text[:position] + data.draw(st.sampled_from(TOKENS)) + text[position:]
        else:
            end = min(len(text), position + data.draw(st.integers(1, 200)))
            text = text[:end] + text[position:end] + text[end:]
    _same(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(Shape(depth=4, chain=60)))
def test_generated_programs(program: Any) -> None:
    """Programs drawn by protrules.testing.programs, past the nesting limits too."""
    _same(program.text)


def test_tables_of_another_grammar_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables written for another grammar (prl.lark edited, the tables not written again) are
    left alone: Lark reads every text, the same trees as the driver would."""
    from protrules.language.grammar import driver_tables

    text = TEXTS["rules/example.prl"]
    expected = _parse(text, True)
    stale = {dialect: {**found, "signature": "0" * 64} for dialect, found in driver_tables.TABLES.items()}
    monkeypatch.setattr(driver_tables, "TABLES", stale)
    driver._tables.cache_clear()
    try:
        with mock.patch.object(driver, "drive") as drive:
            assert _parse(text, True) == expected
        assert not drive.called
    finally:
        driver._tables.cache_clear()
