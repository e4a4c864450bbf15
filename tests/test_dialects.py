"""The Chinese keyword dialect: one keyword table, the Chinese grammar derived from it, the same
tree from either dialect, conversion both ways, and the rules that keep a file in one dialect."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import protrules
from protrules.arguments import ArgumentError
from protrules.checking.checker import CALENDARS, KINDS
from protrules.checking.typing_rules import BUILTINS
from protrules.errors import ProtrulesError
from protrules.evaluation.results import STATUS_ZH, VERDICT_ZH, EntityResult
from protrules.facts.ledgers import ledger_from_mapping, load_ledger
from protrules.facts.model import PRIMITIVES
from protrules.language import nodes as n
from protrules.language.diagnostics import RuleFileError
from protrules.language.dialects import MissingSpelling, detect_dialect, zh_grammar
from protrules.language.formatter import format_module, format_source
from protrules.language.functions import FUNCTIONS
from protrules.language.keywords import KEYWORDS, NAMES, UNITS
from protrules.language.parser import grammar_text, parse
from protrules.testing.programs import Program, programs
from tests.casefile import read_case
from tests.test_formatter import EXPRS, _module, _statements

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted(p for p in (ROOT / "rules").glob("*.prl") if not p.name.endswith(".zh.prl"))
LANG_CASES = sorted((ROOT / "tests" / "cases" / "lang").glob("*.case"))
CHANGNING = ROOT / "rules" / "changning_2023.prl"
CHANGNING_ZH = ROOT / "rules" / "changning_2023.zh.prl"


# ------------------------------------------------------------------ the table and the grammar


def test_every_keyword_of_the_grammar_has_a_chinese_word() -> None:
    chinese = grammar_text("zh")
    words = set(re.findall(r'"([^"\\]+)"', re.sub(r"//[^\n]*", "", chinese)))
    ascii_words = {w for w in words if w.isascii() and any(ch.isalnum() for ch in w)}
    assert ascii_words == set()  # every keyword of the Chinese grammar is Chinese
    assert "-> within_zh" in chinese and '"以内"' in chinese


def test_a_keyword_without_a_chinese_word_stops_the_chinese_grammar() -> None:
    english = grammar_text() + '\nfrobnicate_stmt: "frobnicate" expr _NL\n'
    with pytest.raises(MissingSpelling, match="`frobnicate`"):
        zh_grammar(english)
    extra_unit = grammar_text().replace('"分钟"', '"分钟" | "秒"')
    with pytest.raises(MissingSpelling, match="duration units"):
        zh_grammar(extra_unit)


def test_the_table_names_what_the_checker_and_the_reports_know() -> None:
    by_group: dict[str, dict[str, str]] = {}
    for name in NAMES:
        by_group.setdefault(name.group, {})[name.en] = name.zh
    assert set(by_group["type"]) == set(PRIMITIVES)
    assert set(by_group["value"]) == set(BUILTINS)
    assert set(by_group["kind"]) == set(KINDS)
    assert set(by_group["calendar"]) == set(CALENDARS)
    words = {k.en: k.zh for k in KEYWORDS}
    assert {v: words[v] for v in VERDICT_ZH} == VERDICT_ZH  # the verdicts read as the reports say
    assert {s: words[s] for s in STATUS_ZH} == STATUS_ZH
    assert len({f.zh for f in FUNCTIONS.values()}) == len(FUNCTIONS)
    assert {spelling for u in UNITS for spelling in (*u.en, *u.zh)} >= {"30个工作日"[2:], "days", "个月"}


@pytest.mark.parametrize(
    ("group", "words"),
    [("setting", ()), ("verdict", ()), ("calendar", ()), ("unit", ()), ("declaration", ("fact", "facts"))],
)
def test_chinese_words_read_back_to_one_english_word(group: str, words: tuple[str, ...]) -> None:
    """A keyword whose value the tree keeps (a setting's key, a verdict, a unit …) reads back to
    one English word; two English words share a Chinese one only where the grammar tells them
    apart (台账: `fact` and the test line `facts`; 属于: `in` and `of`)."""
    chinese = [k.zh for k in KEYWORDS if k.group == group and k.en not in words]
    assert len(chinese) == len(set(chinese))


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ('standard "x":\n', "en"),
        ('标准 "x":\n', "zh"),
        ('\ufeff# 注释\n\n  # comment\n规则 1 "x":\n', "zh"),
        ("# 中文注释\nfact meeting:\n", "en"),
        ("", "en"),
        ("会议次数 = 2\n", "zh"),
        ("(oops\n", "en"),
    ],
)
def test_a_file_is_in_the_dialect_of_its_first_word(text: str, dialect: str) -> None:
    assert detect_dialect(text) == dialect


def test_parse_takes_a_dialect_or_refuses_one_it_does_not_know() -> None:
    text = CHANGNING.read_text(encoding="utf-8")
    with pytest.raises(RuleFileError):
        parse(text, "x.prl", dialect="zh")
    with pytest.raises(ArgumentError, match='parse: dialect must be "en" or "zh", not str \'fr\''):
        parse(text, "x.prl", dialect="fr")
    with pytest.raises(ArgumentError, match="format_module: dialect"):
        format_source(text, "x.prl", "中文")
    assert parse(text, dialect="en").dialect == "en"


# ------------------------------------------------------------------ the same rules in both dialects


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_a_rule_file_converts_both_ways_without_loss(path: Path) -> None:
    english = format_source(path.read_text(encoding="utf-8"), path.name, "en")
    chinese = format_source(english, path.name, "zh")
    assert detect_dialect(chinese) == "zh" and parse(chinese).dialect == "zh"
    assert parse(chinese) == parse(english)
    assert format_source(chinese, path.name, "en") == english
    assert format_source(format_source(chinese, path.name, "en"), path.name, "zh") == chinese
    assert format_source(chinese) == chinese  # the Chinese file is canonically formatted


def test_the_chinese_changning_file_is_the_english_one_converted() -> None:
    """rules/changning_2023.zh.prl is written by
    `protrules fmt --dialect zh - < rules/changning_2023.prl > rules/changning_2023.zh.prl`."""
    english = CHANGNING.read_text(encoding="utf-8")
    assert CHANGNING_ZH.read_text(encoding="utf-8") == format_source(english, CHANGNING.name, "zh"), (
        "rules/changning_2023.zh.prl is stale: "
        "protrules fmt --dialect zh - < rules/changning_2023.prl > rules/changning_2023.zh.prl"
    )


def test_the_chinese_changning_file_gives_the_same_verdicts() -> None:
    english = protrules.load_rules(CHANGNING)
    chinese = protrules.load_rules(CHANGNING_ZH)
    assert parse(CHANGNING_ZH.read_text(encoding="utf-8")) == parse(CHANGNING.read_text(encoding="utf-8"))
    examples = sorted((ROOT / "examples" / "changning").glob("*.json"))
    assert len(examples) >= 9
    for path in examples:
        ledger = load_ledger(path, english.fact_types)
        for as_of in (dt.date(2023, 9, 30), dt.date(2024, 3, 31)):
            assert _meaning(chinese.evaluate(ledger, as_of)) == _meaning(english.evaluate(ledger, as_of))


@pytest.mark.parametrize("path", LANG_CASES, ids=[p.stem for p in LANG_CASES])
def test_every_language_case_means_the_same_in_the_other_dialect(path: Path) -> None:
    case = read_case(path)
    other = "en" if detect_dialect(case.source) == "zh" else "zh"
    converted = format_source(case.source, path.name, other)
    assert detect_dialect(converted) == other
    rules = {
        text: protrules.compile(protrules.check(parse(text, path.name), protrules.Source(path.name, text)))
        for text in (case.source, converted)
    }
    written, translated = rules.values()
    for expectation in case.expectations:
        ledger = ledger_from_mapping(case.ledgers[expectation.ledger], written.fact_types, origin=path.name)
        assert _meaning(translated.evaluate(ledger, expectation.as_of)) == _meaning(
            written.evaluate(ledger, expectation.as_of)
        )


def _meaning(result: EntityResult) -> tuple[object, ...]:
    """What a result says, without its texts (a check quotes the rule as its author wrote it)."""
    rules = tuple((r.rule, r.verdict, r.due, r.evidence, r.weight) for r in result.results)
    return (result.status, result.score, rules)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        EXPRS.map(lambda e: (n.Require(e),)), st.lists(_statements(2), min_size=1, max_size=3).map(tuple)
    )
)
def test_any_tree_is_written_in_chinese_and_back_without_loss(body: tuple[n.Stmt, ...]) -> None:
    """Property: a syntax tree written in Chinese reads back to itself, and converting that text
    to English and back to Chinese gives the same texts."""
    module = _module(body)
    english = format_module(module, dialect="en")
    try:
        chinese = format_module(module, dialect="zh")
    except ProtrulesError as error:  # a name the Chinese dialect reads as a keyword: refused
        assert error.code == "PRL114"
        event("refused: PRL114")
        return
    assert parse(chinese) == module, chinese
    assert format_source(chinese, dialect="en") == english
    assert format_source(english, dialect="zh") == chinese
    assert format_source(chinese) == chinese


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(programs())
def test_any_program_converts_to_chinese_and_back_to_the_same_text(program: Program) -> None:
    """Property, over whole generated rule files (protrules.testing.programs): convert to
    Chinese, convert back, the same text; both read to the same tree."""
    try:
        english = format_source(program.text, dialect="en")
    except RuleFileError as error:  # a number past the limits: the program's own refusal
        event(f"not read: {error.diagnostics[0].code}")
        return
    try:
        chinese = format_source(english, dialect="zh")
    except ProtrulesError as error:
        assert error.code == "PRL114"
        event("refused: PRL114")
        return
    assert detect_dialect(chinese) == "zh"
    assert format_source(chinese, dialect="en") == english
    assert format_source(format_source(chinese, dialect="en"), dialect="zh") == chinese
    assert parse(chinese) == parse(english)


# ------------------------------------------------------------------ one file, one dialect


def _errors(text: str) -> list[tuple[str, str, str | None]]:
    with pytest.raises(RuleFileError) as info:
        parse(text, "t.prl")
    return [(d.code, d.text("en"), d.hint_text("en")) for d in info.value.diagnostics]


ZH_HEAD = "\n".join(
    [
        '标准 "x":',
        '    标题: "t"',
        "台账 会议:",
        "    日期: 日期",
        '项目 1 "a":',
        '    规则 1.1 "b":',
        '        条文: "c"',
        "",
    ]
)
EN_HEAD = (
    'standard "x":\n    title: "t"\nfact meeting:\n    date: date\narea 1 "a":\n    rule 1.1 "b":\n'
    '        clause: "c"\n'
)


@pytest.mark.parametrize(
    ("line", "wanted"),
    [
        ("要求会议 >= 2", ("PRL112", "`要求` and `会议` are written together", "write `要求 会议`")),
        ("要求 计数(会议) >= 2 且存在(会议)", ("PRL112", "`且` and `存在`", "`且 存在`")),
        ("要求 评估日 属于评估期", ("PRL112", "`属于` and `评估期`", "`属于 评估期`")),
        ("设 x = 3天后", ("PRL112", "`天` and `后` are written together", "write `天 后`")),
        ("要求 如果x 那么 是 否则 否", ("PRL102", "unexpected `那么`", "did you mean `如果 x`?")),
        ("require 是", ("PRL102", "unexpected `require`", "write `要求`")),
        ("对每个 x 属于 会议 where 是:", ("PRL102", "unexpected `where`", "write `满足`")),
    ],
)
def test_chinese_keywords_are_words_of_their_own_and_chinese(line: str, wanted: tuple[str, str, str]) -> None:
    code, message, hint = wanted
    (found,) = _errors(ZH_HEAD + "        " + line + "\n")
    assert found[0] == code and message in found[1] and hint in (found[2] or "")


def test_a_unit_follows_its_number_and_within_closes_right_after_it() -> None:
    text = ZH_HEAD + "        要求 评估日 在 2023-01-01 之后 30个工作日以内 且 3个月 > 2天\n"
    (require,) = parse(text).declarations[2].children[0].body
    assert require.condition.operands[0].duration.value.amount == 30


def test_english_keywords_are_words_of_their_own_too() -> None:
    (found,) = _errors(EN_HEAD + "        requirecount(meeting) >= 2\n")
    assert found[:2] == ("PRL112", "`require` and `count` are written together")
    assert _errors(EN_HEAD + "        要求 true\n")[0][2] == (
        "`要求` is Chinese, and this file is written in English (its first word is English):"
        " write `require`, or the whole file in Chinese"
    )


def test_english_built_in_names_in_a_chinese_file_are_errors() -> None:
    text = (
        ZH_HEAD.replace("日期: 日期", "日期: date")
        + "        类型: veto\n        要求 none(会议 满足 会议.日期 < as_of)\n"
    )
    found = _errors(text)
    assert [(code, hint) for code, _, hint in found] == [
        ("PRL113", "write `日期`"),
        ("PRL113", "write `否决`"),
        ("PRL113", "write `没有`"),
        ("PRL113", "write `评估日`"),
    ]


def test_a_name_the_chinese_dialect_reads_as_a_keyword_is_not_converted() -> None:
    text = (
        EN_HEAD.replace("fact meeting", "fact 季度")
        + "        for each 季度:\n            require 评估日 > 2023-01-01\n"
    )
    with pytest.raises(ProtrulesError, match=r"`季度` \(line 8\), `评估日` \(line 9\)") as info:
        format_source(text, "t.prl", "zh")
    assert info.value.code == "PRL114"
    assert "`季度`（第8行）" in info.value.message_in("zh")
    assert format_source(text, "t.prl", "en") == format_source(text, "t.prl")  # English is always fine


# ------------------------------------------------------------------ the command line


def test_fmt_dialect_converts_a_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from protrules.cli import main

    english = (ROOT / "rules" / "example.prl").read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(english.encode("utf-8")), encoding="utf-8"))
    assert main(["fmt", "--dialect", "zh", "-"]) == 0
    chinese = capsys.readouterr().out
    assert chinese.startswith("# 示例标准") and '\n标准 "example-2023":\n' in chinese
    path = tmp_path / "example.prl"
    path.write_text(chinese, encoding="utf-8")
    assert main(["fmt", "--check", str(path)]) == 0  # a Chinese file stays Chinese
    assert main(["fmt", "--dialect", "en", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == english
    clash = tmp_path / "clash.prl"
    clash.write_text(
        EN_HEAD.replace("fact meeting", "fact 季度") + "        for each 季度:\n            require true\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["fmt", "--dialect", "zh", "--lang", "en", str(clash)]) == 2
    assert "`季度` (line 8) would be read as Chinese keywords" in capsys.readouterr().err


# ------------------------------------------------------------------ the documentation


def test_docs_language_md_shows_the_whole_table() -> None:
    """The table of both spellings in docs/language.md is the keyword table's own markdown."""
    from protrules.language.keywords import markdown
    from tests.goldens import UPDATE

    doc = ROOT / "docs" / "language.md"
    text = doc.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- keywords: [^\n]*-->\n)(.*?)(<!-- /keywords -->)", re.S)
    match = pattern.search(text)
    assert match is not None
    wanted = "\n" + markdown() + "\n"
    if UPDATE:
        doc.write_text(text[: match.start(2)] + wanted + text[match.end(2) :], encoding="utf-8")
        return
    assert match.group(2) == wanted, (
        "docs/language.md: PROTRULES_UPDATE_GOLDEN=1 pytest tests/test_dialects.py"
    )
    for k in KEYWORDS:
        assert f"| `{k.en}` | `{k.zh}` |" in text
    for f in FUNCTIONS.values():
        assert f"| `{f.name}` | `{f.zh}` |" in text


# ------------------------------------------------------------------ did you mean, in Chinese


@pytest.mark.parametrize(
    ("name", "names", "wanted"),
    [
        # a missing character
        ("每季培训次数", ["每季度培训次数", "每年培训次数", "评估期"], "每季度培训次数"),
        ("会仪", ["会议", "培训", "文件"], "会议"),  # a wrong one, in a name of two
        ("台帐", ["台账", "会议"], "台账"),
        ("议会", ["会议"], "会议"),  # two swapped
        ("有效文件", ["无效文件", "有效文件数"], "有效文件数"),  # as close: the more alike
        ("培训次数每季度", ["每季度培训次数"], None),  # too far
        ("年", ["月", "季度"], None),  # one character: anything is one edit away
        ("deadlin", ["deadline", "计数"], "deadline"),
    ],
)
def test_a_misspelt_chinese_name_gets_a_suggestion(name: str, names: list[str], wanted: str | None) -> None:
    from protrules.language.diagnostics import suggest

    assert suggest(name, names) == wanted


def test_a_chinese_function_in_an_english_file_names_the_english_one() -> None:
    text = EN_HEAD + "        require 计数(meeting) >= 2\n"
    with pytest.raises(RuleFileError) as info:
        protrules.check(parse(text, "t.prl"), protrules.Source("t.prl", text))
    (found,) = info.value.diagnostics
    assert (found.code, found.text("en")) == ("PRL220", "unknown function `计数`")
    assert found.hint_text("en") == (
        "`计数` is Chinese, and this file is written in English (its first word is English):"
        " write `count`, or the whole file in Chinese"
    )


def test_a_diagnostic_quotes_keywords_in_the_authors_dialect() -> None:
    """A hint that names a keyword names it as the file writes it: `设` in a Chinese file, in
    either language of the messages; `let` in an English one."""
    from protrules import limits

    deep = "(" * (limits.PAREN_DEPTH + 1) + "1" + ")" * (limits.PAREN_DEPTH + 1)
    for head, require, let in ((ZH_HEAD, "要求", "`设`"), (EN_HEAD, "require", "`let`")):
        with pytest.raises(RuleFileError) as info:
            parse(head + f"        {require} {deep} >= 1\n", "t.prl")
        (found,) = info.value.diagnostics
        assert found.code == "PRL107"
        assert found.hint_text("en") == f"split the expression with {let} names"
        assert found.hint_text("zh") == f"用 {let} 名称拆分表达式"
