"""The formatter: case files (badly formatted → canonical), idempotence and round-trip on every
rule file, and a property test of the minimal-parentheses printing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protrules.facts.model import Duration
from protrules.language import nodes as n
from protrules.language.diagnostics import RuleFileError
from protrules.language.formatter import WIDTH, Comment, Comments, format_module, format_source, quote
from protrules.language.parser import UNITS, parse
from tests.casefile import read_case

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
FMT_INPUTS = sorted((CASES / "fmt").glob("*.in.prl"))


def _rule_files() -> list[Path]:
    """Every .prl file of the repository's rules and test cases, found when the tests run."""
    return sorted([*(ROOT / "rules").glob("*.prl"), *CASES.rglob("*.prl")])


def _case_sources() -> list[tuple[str, str]]:
    """The rules of the language case files that parse (error cases may not)."""
    out = []
    for path in sorted(CASES.glob("*/*.case")):
        source = read_case(path).source
        try:
            parse(source)
        except RuleFileError:
            continue
        out.append((path.name, source))
    return out


# ------------------------------------------------------------------ case files


@pytest.mark.parametrize("path", FMT_INPUTS, ids=[p.name.removesuffix(".in.prl") for p in FMT_INPUTS])
def test_format_case(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    wanted = path.with_name(path.name.replace(".in.prl", ".out.prl")).read_text(encoding="utf-8")
    got = format_source(source, path.name)
    assert got == wanted
    assert format_source(wanted) == wanted
    assert parse(got) == parse(source)
    assert sorted(c.text for c in Comments.scan(got).items) == sorted(
        c.text for c in Comments.scan(source).items
    )


def test_case_files_cover_the_language() -> None:
    assert len(FMT_INPUTS) >= 5
    text = "".join(p.read_text(encoding="utf-8") for p in FMT_INPUTS)
    for construct in ("notice", "vacation", "dates", "test ", "for each holiday", " at ", "within", "≥"):
        assert construct in text, construct


# ------------------------------------------------------------------ every rule file


@pytest.mark.parametrize("path", _rule_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_rule_file_round_trips(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    once = format_source(source, str(path))
    assert parse(once) == parse(source), "formatting changed the meaning"
    assert format_source(once) == once, "formatting is not idempotent"
    assert len(Comments.scan(once).items) == len(Comments.scan(source).items), "a comment was lost"


CASE_SOURCES = _case_sources()


@pytest.mark.parametrize("name, source", CASE_SOURCES, ids=[name for name, _ in CASE_SOURCES])
def test_case_rules_round_trip(name: str, source: str) -> None:
    once = format_source(source, name)
    assert parse(once) == parse(source)
    assert format_source(once) == once


def test_the_rule_files_are_found() -> None:
    names = {p.name for p in _rule_files()}
    assert "example.prl" in names
    assert any(p.parent.name == "fmt" for p in _rule_files())


# ------------------------------------------------------------------ small behaviours

RULE = 'rule 1 "t":\n    clause: "c"\n    require {}\n'


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("a≥1", "a >= 1"),
        ("(a≤b)and(c≠d)", "a <= b and c != d"),
        ("not(a)or(b)", "not a or b"),
        ("(a + b) * (c - d)", "(a + b) * (c - d)"),
        ("a - (b + c)", "a - (b + c)"),
        ("(a - b) + c", "a - b + c"),
        ("- (-a)", "- -a"),
        ("not (not a)", "not not a"),
        ("not not (a < b)", "not not (a < b)"),
        ("(a or b) and c", "(a or b) and c"),
        ("p at (x)", "p at x"),
        ("p at (x.d)", "p at (x.d)"),
        ("(a .. b).days", "(a .. b).days"),
        ("count((m where m.a) where m.b)", "count((m where m.a) where m.b)"),
        ("x   within   30 working days after   y", "x within 30 working days after y"),
        ("x within 30个工作日 after y", "x within 30个工作日 after y"),
        ("1.50 = 1.5", "1.50 = 1.5"),
        ('"a\\"b" = "\\\\"', '"a\\"b" = "\\\\"'),
    ],
)
def test_expression_spelling(written: str, canonical: str) -> None:
    assert format_source(RULE.format(written)) == RULE.format(canonical)


@pytest.mark.parametrize("dialect", ["en", "zh"])
def test_a_long_not_chain_formats_to_a_file_that_reads(dialect: str) -> None:
    """Regression: `not not … a`, 79 deep, came out as `not (not (…))`, 78 parentheses deep,
    a file past the nesting limit (PRL107) that neither dialect could read back."""
    source = RULE.format("not " * 79 + "a")
    formatted = format_source(source, dialect=dialect)
    assert parse(formatted) == parse(source)
    assert "(" not in formatted.splitlines()[-1]


def test_quote_escapes() -> None:
    assert quote('a"b\\c\nd\te') == '"a\\"b\\\\c\\nd\\te"'


def test_comment_scan_ignores_hashes_in_strings() -> None:
    comments = Comments.scan('x: "a # b \\" # c"  # real\n# own\n')
    assert [(c.line, c.text, c.own_line) for c in comments.items] == [
        (1, "# real", False),
        (2, "# own", True),
    ]


def test_format_module_takes_a_plain_comment_list() -> None:
    module = parse(RULE.format("true"))
    assert format_module(module) == RULE.format("true")
    text = format_module(module, [Comment(99, 0, "# at the end")])
    assert text.endswith("# at the end\n")


def test_crlf_and_bom_are_normalised() -> None:
    source = "\ufeff" + RULE.format("true  # t").replace("\n", "\r\n")
    assert format_source(source) == RULE.format("true  # t")


def test_a_file_of_comments_only() -> None:
    assert format_source("# only\n\n\n# comments\n") == "# only\n\n# comments\n"
    assert format_source("") == ""


def test_syntax_errors_are_not_formatted() -> None:
    with pytest.raises(RuleFileError):
        format_source('rule 1 "t":\n    require (a\n')


def test_long_lines_wrap_within_width() -> None:
    condition = " and ".join(f"meeting.field_{i} = {i}" for i in range(12))
    text = format_source(RULE.format(f"count(meeting where {condition}) >= 1"))
    lines = text.splitlines()
    assert len(lines) > 3
    assert all(len(line) <= WIDTH for line in lines)
    assert lines[3].startswith(" " * len("    require count(") + "and ")


# ------------------------------------------------------------------ the minimal-parentheses property

NAMES = st.sampled_from(["a", "b", "meeting", "评估期", "年", "人_1", "x2", "as_of"])
FIELDS = st.sampled_from(["date", "kind", "count", "year", "end", "开始", "and"])
FUNCS = st.sampled_from(
    ["count", "exists", "every", "sum", "deadline", "days_between", "round", "max", "default", "年休假天数"]
)
WORDS = st.sampled_from(sorted(UNITS))
TESTS = st.sampled_from(
    ["working day", "rest day", "statutory holiday", "in vacation", "in holiday", "set", "missing"]
)
TEXT = st.text(
    st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from('"\\\n\t')), max_size=6
)


def _duration(amount: int, word: str) -> n.Literal:
    text = f"{amount} {word}" if word.isascii() else f"{amount}{word}"
    return n.Literal(Duration(amount, UNITS[word]), "duration", text)


def _decimal(whole: int, frac: int, percent: bool) -> n.Literal:
    text = f"{whole}.{frac:02d}"
    if percent:
        return n.Literal(Decimal(text) / 100, "percentage", text + "%")
    return n.Literal(Decimal(text), "decimal", text)


DURATIONS = st.builds(_duration, st.integers(1, 400), WORDS)
LITERALS = st.one_of(
    st.integers(0, 10**9).map(lambda v: n.Literal(v, "integer", str(v))),
    st.builds(_decimal, st.integers(0, 999), st.integers(0, 99), st.booleans()),
    st.integers(0, 100).map(lambda v: n.Literal(Decimal(v) / 100, "percentage", f"{v}%")),
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)).map(lambda d: n.Literal(d, "date", d.isoformat())),
    TEXT.map(lambda s: n.Literal(s, "text", quote(s))),
    st.booleans().map(lambda b: n.Literal(b, "boolean", "true" if b else "false")),
    DURATIONS,
)
LEAVES = st.one_of(LITERALS, NAMES.map(n.Name))


def _bool_op(op: str, operands: list[n.Expr]) -> n.BoolOp:
    """As the parser builds it: `a and (b and c)` is one flat `and`."""
    flat: list[n.Expr] = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, n.BoolOp) and operand.op == op else [operand])
    return n.BoolOp(op, tuple(flat))


def _select(source: n.Expr, alias: str | None, condition: n.Expr | None) -> n.Select:
    return n.Select(source, alias, condition if alias is not None or condition is not None else source)


def _extend(children: st.SearchStrategy[n.Expr]) -> st.SearchStrategy[n.Expr]:
    return st.one_of(
        st.builds(n.Attribute, children, FIELDS),
        st.builds(n.At, children, children),
        st.builds(n.Call, FUNCS, st.lists(children, min_size=0, max_size=3).map(tuple)),
        st.builds(n.If, children, children, children),
        st.builds(n.Not, children),
        st.builds(n.Neg, children),
        st.builds(_bool_op, st.sampled_from(["and", "or"]), st.lists(children, min_size=2, max_size=4)),
        st.builds(n.Binary, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(n.Compare, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), children, children),
        st.builds(n.Member, children, children, st.booleans()),
        st.builds(n.Range, children, children),
        st.builds(n.Within, children, DURATIONS, children),
        st.builds(n.IsTest, children, TESTS),
        st.builds(_select, children, st.none() | NAMES, st.none() | children),
    )


EXPRS = st.recursive(LEAVES, _extend, max_leaves=14)
UNITS_OF_TIME = st.sampled_from([
        "year", "half year", "quarter", "month", "week", "day", "vacation", "holiday"
    ])


def _statements(depth: int) -> st.SearchStrategy[n.Stmt]:
    simple = st.one_of(
        st.builds(n.Let, NAMES, EXPRS),
        st.builds(n.Require, EXPRS, st.none() | EXPRS),
        st.builds(n.Advise, EXPRS),
        st.builds(n.Applies, EXPRS),
    )
    if depth == 0:
        return simple
    body = st.lists(_statements(depth - 1), min_size=1, max_size=3).map(tuple)
    return st.one_of(
        simple,
        st.builds(n.ForFacts, NAMES, EXPRS, st.none() | EXPRS, body, st.just(True)),
        st.builds(n.ForPeriods, UNITS_OF_TIME, NAMES, EXPRS, st.none() | EXPRS, body),
    )


def _module(body: tuple[n.Stmt, ...]) -> n.Module:
    rule = n.Rule("1.1", "t", (n.RuleSetting("clause", "c", True),), body)
    return n.Module((n.Area("1", "a", (rule,)),))


@settings(max_examples=300)
@given(EXPRS)
def test_printed_expressions_parse_back_to_themselves(expr: n.Expr) -> None:
    module = _module((n.Require(expr),))
    text = format_module(module)
    assert parse(text) == module, text
    assert format_source(text) == text


@settings(max_examples=150)
@given(st.lists(_statements(2), min_size=1, max_size=3).map(tuple))
def test_printed_statements_parse_back_to_themselves(body: tuple[n.Stmt, ...]) -> None:
    module = _module(body)
    text = format_module(module)
    assert parse(text) == module, text
    assert format_source(text) == text


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).resolve().parent.parent / "rules").glob("*.prl")), ids=lambda p: p.name
)
def test_shipped_rule_files_are_canonically_formatted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert format_source(text, str(path)) == text, f"run `protrules fmt {path.name}`"
