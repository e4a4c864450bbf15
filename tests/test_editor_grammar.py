"""The editor's grammar and lexer: keywords from the parser's own grammar, the committed
TextMate grammar regenerated, Pygments' ``prl`` lexer registered and lexing real files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from protrules.authoring.textmate import grammar, grammar_json
from protrules.authoring.vocabulary import vocabulary
from protrules.language.functions import FUNCTIONS
from protrules.language.parser import grammar_text

ROOT = Path(__file__).resolve().parent.parent
TMLANGUAGE = ROOT / "editors" / "vscode" / "syntaxes" / "prl.tmLanguage.json"

SAMPLE = """\
# protrules: allow PRL702 — 姓名 is kept
parameter 年度轮训次数 "每年轮训": integer = 1 source "附件1"
rule 2.1.1 "培训":
    kind: required
    for each month 月 of 评估期:
        require count(training where training.kind = "轮训") >= 年度轮训次数
        require exists(training where training.date within 3个工作日 after 月.start)
        require 月.end is working day and deadline(as_of, 30 working days) > 2023-04-01
test "t":
    expect 2.1.1 n/a
"""


def _grammar_words(dialect: str) -> set[str]:
    rules = re.sub(r"//[^\n]*", "", grammar_text(dialect))  # comments quote words too
    quoted = set(re.findall(r'"([^"\\]+)"', rules))
    return {w for w in quoted if any(ch.isalnum() or ch == "_" for ch in w)}


def test_every_keyword_of_the_grammar_is_in_the_vocabulary() -> None:
    words = _grammar_words("en")
    assert words | set(FUNCTIONS) == set(vocabulary("en").keywords)
    chinese = _grammar_words("zh") | {f.zh for f in FUNCTIONS.values()}
    assert chinese == set(vocabulary("zh").keywords)
    assert words | chinese | set(FUNCTIONS) == set(vocabulary().keywords)
    zh = vocabulary("zh")
    assert zh.category("规则") == "declaration" and zh.category("计数") == "function"
    assert zh.category("不适用") == "constant" and zh.category("为工作日") == "operator"
    assert zh.category("季度") == "unit" and zh.category("rule") is None
    assert {"整数", "日期", "文本"} <= set(zh.types) and zh.builtins == ("评估日",)
    vocab = vocabulary()
    assert set(vocab.words["function"]) >= set(FUNCTIONS)
    assert vocab.category("rule") == "declaration"
    assert vocab.category("count") == "function"
    assert vocab.category("n/a") == "constant"
    assert vocab.category("个工作日") == "unit"
    assert vocab.category("评估期") is None
    assert "month" in vocab.in_rule("unit") and "个月" in vocab.in_rule("duration_unit")
    assert {"integer", "date", "text", "整数"} <= set(vocab.types)
    assert set(vocab.builtins) == {"as_of", "评估日"}


def test_the_committed_textmate_grammar_is_generated_from_the_parser() -> None:
    assert TMLANGUAGE.read_text(encoding="utf-8") == grammar_json(), (
        "editors/vscode/syntaxes/prl.tmLanguage.json is stale: "
        "python -m protrules.authoring.textmate editors/vscode/syntaxes/prl.tmLanguage.json"
    )
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    (contributed,) = package["contributes"]["grammars"]
    assert contributed["scopeName"] == grammar()["scopeName"]
    assert (ROOT / "editors" / "vscode" / contributed["path"]).resolve() == TMLANGUAGE


def _textmate(line: str) -> list[tuple[str, str]]:
    """A small TextMate tokenizer (match and begin/end patterns, captures, earliest match wins)."""
    patterns: list[dict[str, Any]] = grammar()["patterns"]
    compiled = [(p, re.compile(p.get("match") or p["begin"], re.M)) for p in patterns]
    out: list[tuple[str, str]] = []
    pos = 0
    for _ in range(len(line) + 1):  # each step consumes at least one character
        if pos >= len(line):
            break
        best = None
        for pattern, regex in compiled:
            m = regex.search(line, pos)
            if m and m.end() > m.start() and (best is None or m.start() < best[1].start()):
                best = (pattern, m)
        if best is None:
            break
        pattern, m = best
        if "begin" in pattern:
            end = re.compile(pattern["end"]).search(line, m.end())
            stop = end.end() if end else len(line)
            out.append((line[m.start() : stop], pattern["name"]))
            pos = stop
            continue
        if "captures" in pattern:
            for group, capture in pattern["captures"].items():
                if (
                    m.group(int(group)) is not None
                    and "name" in pattern
                    and capture["name"] == pattern["name"]
                ):
                    continue
                if m.group(int(group)):
                    out.append((m.group(int(group)), capture["name"]))
        else:
            out.append((m.group(0), pattern["name"]))
        pos = m.end()
    return out


def test_textmate_scopes() -> None:
    scopes = [t for line in SAMPLE.splitlines() for t in _textmate(line)]
    assert ("protrules:", "keyword.other.suppression.prl") in scopes
    assert ("parameter", "storage.type.declaration.prl") in scopes
    assert ("2.1.1", "entity.name.section.rule-id.prl") in scopes
    assert ("kind", "variable.other.property.prl") in scopes
    assert ("month", "keyword.other.unit.prl") in scopes
    assert ("count", "support.function.builtin.prl") in scopes
    assert ("kind", "variable.other.member.prl") in scopes  # a field called kind, after a dot
    assert ("3", "constant.numeric.prl") in scopes and ("个工作日", "keyword.other.unit.prl") in scopes
    assert ("working day", "keyword.operator.word.prl") in scopes
    assert ("working days", "keyword.other.unit.prl") in scopes
    assert ("2023-04-01", "constant.numeric.date.prl") in scopes
    assert ("n/a", "constant.language.prl") in scopes
    assert ("as_of", "keyword.control.prl") in scopes
    names = {text for text, _ in scopes}
    assert "年度轮训次数" not in names and "年" not in names  # a name starting with a unit is a name
    assert not any(text == "月" for text, _ in scopes)  # the loop variable 月 is no unit


def test_pygments_lexer_is_registered_and_lexes_the_shipped_files() -> None:
    pygments = pytest.importorskip("pygments")
    from pygments.formatters import NullFormatter
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    from pygments.token import Comment, Error, Keyword, Name, Number, Operator

    from protrules.authoring.lexer import PrlLexer

    assert isinstance(get_lexer_by_name("prl"), PrlLexer)
    assert isinstance(get_lexer_for_filename("rules/example.prl"), PrlLexer)
    for path in ("rules/example.prl", "rules/changning_2023.prl"):
        text = (ROOT / path).read_text(encoding="utf-8")
        tokens = list(PrlLexer().get_tokens(text))
        assert "".join(value for _, value in tokens) == text
        assert not [value for kind, value in tokens if kind is Error]
    tokens = [(kind, value) for kind, value in PrlLexer().get_tokens(SAMPLE) if value.strip()]
    assert (Comment.Special, "# protrules: allow PRL702 — 姓名 is kept") in tokens
    assert (Name, "年度轮训次数") in tokens
    assert (Name.Attribute, "kind") in tokens and (Name.Property, "kind") in tokens
    assert (Number, "3") in tokens and (Keyword.Pseudo, "个工作日") in tokens
    assert (Keyword.Pseudo, "month") in tokens and (Name, "月") in tokens
    assert (Operator.Word, "working day") in tokens and (Keyword.Pseudo, "working days") in tokens
    assert (Name.Label, "2.1.1") in tokens and (Keyword.Constant, "n/a") in tokens
    assert pygments.highlight('rule 1 "x":\n', PrlLexer(), NullFormatter()) == 'rule 1 "x":\n'


def test_docs_editors_md_shows_the_real_pygmentize_output() -> None:
    pytest.importorskip("pygments")
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    from protrules.authoring.lexer import PrlLexer

    doc = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    block = re.search(r"\$ echo '(.*)' \| pygmentize -l prl -f html\n(.*?)\n```", doc, re.S)
    assert block is not None
    assert highlight(block.group(1) + "\n", PrlLexer(), HtmlFormatter()).rstrip("\n") == block.group(2)


def test_docs_editors_md_shows_the_real_lsp_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from protrules.cli import main

    monkeypatch.setenv("COLUMNS", "100")
    doc = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ protrules lsp --help\n(.*?)\n```", doc, re.S)
    assert block is not None
    assert main(["lsp", "--help"]) == 0
    assert capsys.readouterr().out.rstrip("\n") == block.group(1)


def test_the_docs_site_lists_every_page() -> None:
    """mkdocs.yml builds docs/ as a site (its ```prl blocks highlighted by the lexer)."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"^  - [^:]+: (\S+\.md)$", config, re.M))
    assert listed == {p.name for p in (ROOT / "docs").glob("*.md")}
    assert "pymdownx.highlight" in config and (ROOT / "docs" / "pygments.css").exists()
