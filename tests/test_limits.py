"""The resource limits of docs/limits.md: each is enforced with its code and a location, a
program at each limit runs on every backend, and reading a rule file takes memory linear in
its size with a small constant."""

from __future__ import annotations

import datetime as dt
import json
import re
import tracemalloc
from pathlib import Path

import pytest
from lark.exceptions import LarkError

import protrules
from protrules import limits
from protrules.cli import main
from protrules.evaluation.reference import decided, evaluate_reference
from protrules.facts import ledgers
from protrules.facts.ledgers import FactErrors
from protrules.facts.model import Fact, Ledger
from protrules.language.diagnostics import RuleFileError
from protrules.language.parser import _lark, parse_file
from protrules.language.scan import scan
from tests.casefile import read_case

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "rules" / "example.prl").read_text(encoding="utf-8")
AS_OF = dt.date(2024, 3, 31)

HEAD = """standard "limits":
    title: "limits"
    assessment: 评估期
period 评估期 = 2023-04-01 .. 2024-03-31
fact meeting "会议":
    date: date "日期"
    n: integer "人数"
    ok: boolean "纪要"
area 1 "a":
    rule 1.1 "r":
        clause: "c"
"""
LEDGER = Ledger(
    "s",
    "街道",
    {
        "meeting": tuple(
            Fact("meeting", f"M{i}", {"date": dt.date(2023, 5, 1 + i), "n": i, "ok": i % 2 == 0})
            for i in range(4)
        )
    },
)


def _codes(text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(RuleFileError) as info:
        protrules.check(protrules.parse(text, "limits.prl"), protrules.Source("limits.prl", text))
    spans = [(d.code, d.span) for d in info.value.diagnostics]
    return [(code, span.line if span else 0, span.column if span else 0) for code, span in spans]


def _runs_everywhere(text: str) -> dict[str, str]:
    """The verdicts of a program on the generated code (for definite values, and exact), its
    trace for `explain` and the reference interpreter, which must agree; any other outcome
    fails the test."""
    program = protrules.check(protrules.parse(text, "limits.prl"), protrules.Source("limits.prl", text))
    generated = protrules.compile(program)
    exact = protrules.compile(program, generate=False)
    full = generated.evaluate(LEDGER, AS_OF)
    assert full == exact.evaluate(LEDGER, AS_OF)
    assert generated.evaluate(LEDGER, AS_OF, checks=False).verdicts == full.verdicts
    assert [r.verdict for r in generated.explain(LEDGER, as_of=AS_OF)] == list(full.verdicts.values())
    assert decided(full) == evaluate_reference(program, LEDGER, AS_OF)
    return full.verdicts


# ---------------------------------------------------------------- lexical errors, before any tree


@pytest.mark.parametrize(
    ("line", "message", "column"),
    [
        ('    note: "never closed', "text is never closed", 11),
        ('    note: "a \\q b"', "unknown escape `\\q` in text", 14),
        ("    note: 'quoted'", "unexpected character `'`", 11),
        ("    weight: 2；", "unexpected character `；`", 14),
        ("    weight: ２", "unexpected character `２`", 13),
        ("    weight: 2\r 3", "carriage return without a line feed", 14),
        ("    weight: 2 \x00", "unexpected character `\\x00`", 15),
    ],
)
def test_lexical_errors_are_located(line: str, message: str, column: int) -> None:
    text = EXAMPLE.rstrip("\n") + "\n" + line + "\n"
    last = text.count("\n")
    with pytest.raises(RuleFileError) as info:
        protrules.parse(text, "lex.prl")
    (diagnostic,) = info.value.diagnostics
    assert (diagnostic.code, diagnostic.text()) == ("PRL101", message)
    assert diagnostic.span is not None and (diagnostic.span.line, diagnostic.span.column) == (last, column)


def test_lexical_scan_refuses_only_what_the_grammar_refuses() -> None:
    """Over the shipped rule files and every case file's rules: where the scan finds an error,
    Lark's parser alone finds one too (the scan only finds it sooner)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "rules").glob("*.prl"))]
    texts += [read_case(path).rules for path in sorted((ROOT / "tests" / "cases").rglob("*.case"))]
    refused = 0
    for text in texts:
        body = text if text.endswith("\n") else text + "\n"
        try:
            lexical = bool(scan(body, protrules.Source("t.prl", body), 20))
        except RuleFileError:  # a parenthesis nested too deep or never closed
            lexical = True
        if lexical:
            refused += 1
            with pytest.raises(LarkError):
                _lark().parse(body)
    assert refused >= 2  # the case files of unclosed texts and parentheses


def _peak(body: str) -> tuple[float, RuleFileError | None]:
    """Traced memory at the peak of parsing ``body``, per byte of it, and its error if any."""
    protrules.parse("define 甲 = 1\n", "warm.prl")
    tracemalloc.start()
    error = None
    try:
        protrules.parse(body, "big.prl")
    except RuleFileError as raised:
        error = raised
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / len(body.encode()), error


def test_an_unclosed_text_at_the_end_of_a_dense_file_costs_memory_linear_in_it() -> None:
    """The worst text per byte: sums of one-digit numbers. The lexical error is found by the
    scan; the rest is parsed once for grammar errors, its nodes built as Lark reads them (this
    took over 300 bytes per byte when Lark's whole tree was built first)."""
    line = "define 甲{i} = " + " + ".join(["1"] * 70) + "\n"
    body = "".join(line.format(i=i) for i in range(800)) + 'define 乙 = 1 + "never closed\n'
    per_byte, error = _peak(body)
    assert error is not None and [d.code for d in error.diagnostics] == ["PRL101"]
    assert per_byte < 100, per_byte


def test_a_real_standard_parses_in_a_few_bytes_per_byte() -> None:
    """Changning: about 13 bytes of nodes per byte of text at the peak (Lark's tree and tokens,
    held whole before, took 51 more)."""
    per_byte, error = _peak((ROOT / "rules" / "changning_2023.prl").read_text(encoding="utf-8"))
    assert error is None and per_byte < 20, per_byte


# ---------------------------------------------------------------- file size


def test_a_file_over_the_size_limit_is_refused_whole(tmp_path: Path) -> None:
    """Counted in bytes: a file of Chinese text past the limit is not read truncated."""
    path = tmp_path / "big.prl"
    filler = "# " + "长" * 1000 + "\n"
    path.write_text(EXAMPLE + filler * (limits.RULE_FILE_BYTES // len(filler.encode()) + 1), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        parse_file(str(path))
    assert info.value.code == "PRL106"
    text = path.read_text(encoding="utf-8")
    assert len(text) < limits.RULE_FILE_BYTES < len(text.encode())
    with pytest.raises(RuleFileError) as info:
        protrules.parse(text, "big.prl")
    assert info.value.code == "PRL106"


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("literal", "ok"),
    [
        ("1000000000000000000", True),  # 10^18
        ("1000000000000000001", False),
        ("9" * 4301, False),  # past Python's own digit limit for int()
        ("0000000000000000000000000000001", True),
        ("1.5", True),
        ("1." + "5" * 19, True),
        ("1." + "5" * 20, False),
        ("1" + "0" * 19 + ".5", False),
    ],
)
def test_number_literals_are_bounded(literal: str, ok: bool) -> None:
    text = HEAD + f"        require count(meeting) * 0 <= {literal}\n"
    if ok:
        assert _runs_everywhere(text) == {"1.1": "pass"}
    else:
        assert _codes(text) == [("PRL111", 12, 39)]


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("parameter 甲: integer = " + "7" * 30, 24),
        ("parameter 乙: percentage = " + "7" * 30 + "%", 27),
        ("parameter 丙: duration = " + "7" * 30 + " days", 25),
        ("notice " + "2" * 5000 + ' source "x":\n    off: 2024-01-01', 8),
    ],
)
def test_every_number_of_a_rule_file_is_bounded(line: str, column: int) -> None:
    text = HEAD.replace('area 1 "a":', line + '\narea 1 "a":') + "        require true\n"
    assert _codes(text) == [("PRL111", 9, column)]


# ---------------------------------------------------------------- nesting


def _deepest(make: str) -> int:
    """The largest n for which ``make.format(n=…)``'s expression parses."""
    low, high = 1, limits.EXPRESSION_DEPTH + 10
    while low < high:
        middle = (low + high + 1) // 2
        try:
            protrules.parse(_program(_expand(make, middle)), "deep.prl")
        except RuleFileError:
            high = middle - 1
        else:
            low = middle
    return low


def _program(lines: str) -> str:
    return HEAD + "".join(f"        {line}\n" for line in lines.split("\n"))


def _expand(make: str, n: int) -> str:
    return re.sub(r"\{(.*?)\*n\}", lambda m: m.group(1) * n, make)


CHAINS = [
    "require every(meeting, {not *n}meeting.ok)",
    "require every(meeting, {- *n}meeting.n <= 0 or meeting.n >= 0)",
    "require sum(meeting, meeting.n{ + 1*n}) >= 0",
    "require sum(meeting, meeting.n{ * 1*n}) >= 0",
    "require every(meeting, {if meeting.ok then false else *n}true)",
    "require {not *n}true",
    "require true by 2024-01-01{ + 1 day*n}",
    "applies when {not *n}true\nrequire true",
    "for each m in meeting where {not *n}m.ok:\n    require m.date in 评估期",
    "require count(meeting where {not *n}meeting.ok) >= 0",
    "let 甲 = meeting where meeting.ok\nrequire count(甲) <= {count(meeting) + *n}0",
]


@pytest.mark.parametrize("make", CHAINS)
def test_an_expression_at_the_depth_limit_runs_everywhere_and_one_past_it_is_refused(make: str) -> None:
    """The limit is the parser's, not a backend's: the deepest expression it takes is within a
    few levels of EXPRESSION_DEPTH (its enclosing calls count too), runs on the generated code,
    the closures and the reference interpreter alike, and one level more is PRL107 where the
    too-deep part starts."""
    deepest = _deepest(make)
    assert limits.EXPRESSION_DEPTH - 6 <= deepest <= limits.EXPRESSION_DEPTH
    verdicts = _runs_everywhere(_program(_expand(make, deepest)))
    assert set(verdicts.values()) <= {"pass", "fail"}
    past = _expand(make, deepest + 1)
    line = 12 + next(i for i, text in enumerate(make.split("\n")) if "*n}" in text)
    assert [c[:2] for c in _codes(_program(past))] == [("PRL107", line)]


def test_calls_nested_to_the_parenthesis_limit_run_everywhere() -> None:
    calls = "max(0, " * (limits.PAREN_DEPTH - 1) + "count(meeting)" + ")" * (limits.PAREN_DEPTH - 1)
    assert _runs_everywhere(_program(f"require {calls} >= 4")) == {"1.1": "pass"}
    assert _codes(_program(f"require max(0, {calls}) >= 4"))[0][0] == "PRL107"


def test_and_or_chains_are_one_level_however_long() -> None:
    chain = " and ".join(["meeting.n >= 0"] * 3000)
    where = " or ".join(["meeting.ok"] * 3000)
    text = HEAD + f"        require every(meeting, {chain} or meeting.ok)\n"
    text += f"        require count(meeting where {where}) = 2\n"
    assert _runs_everywhere(text) == {"1.1": "pass"}


def _nested_loops(depth: int, expression: str) -> str:
    lines = []
    for level in range(depth):
        pad = "        " + "    " * level
        lines.append(f"{pad}for each m{level} in meeting where m{level}.n = {level % 4}:")
    lines.append("        " + "    " * depth + f"require {expression}")
    return HEAD + "\n".join(lines) + "\n"


def test_blocks_at_the_limit_run_everywhere_and_one_more_is_refused() -> None:
    deep = "every(meeting, " + "not " * (limits.EXPRESSION_DEPTH - 4) + "meeting.ok or true)"
    assert _runs_everywhere(_nested_loops(limits.BLOCK_DEPTH, deep)) == {"1.1": "pass"}
    codes = _codes(_nested_loops(limits.BLOCK_DEPTH + 1, "true"))
    assert codes == [("PRL109", 12, 9)]  # the outermost of the too many


def test_thousands_of_nested_blocks_are_refused_without_recursion() -> None:
    text = _nested_loops(300, "true")
    assert _codes(text)[0][0] == "PRL109"


# ---------------------------------------------------------------- the one table


def test_docs_limits_lists_every_limit_with_its_value_and_code() -> None:
    page = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    table = page.split("<!-- limits-table -->", 1)[1].strip().split("\n\n", 1)[0].splitlines()[2:]
    rows = [[cell.strip() for cell in row.strip("|").split("|")] for row in table]
    assert [row[0] for row in rows] == [f"`{limit.name}`" for limit in limits.LIMITS]
    for row, limit in zip(rows, limits.LIMITS, strict=True):
        value = f"{limit.value:,}".replace(",", " ")
        assert row[1] == (f"{value} {limit.unit}" if limit.unit else value)
        assert (row[2], row[3]) == (limit.bounds, limit.code)


def test_the_limits_module_is_what_the_code_uses() -> None:
    from protrules.compiling.ruleset import RuleSet
    from protrules.facts import ledgers, schema
    from protrules.language import parser

    assert parser.MAX_SOURCE_BYTES == limits.RULE_FILE_BYTES and parser.MAX_NESTING == limits.PAREN_DEPTH
    assert ledgers.MAX_BYTES == limits.LEDGER_BYTES and schema.MAX_NUMBER == limits.MAX_NUMBER
    assert RuleSet.DEFAULT_MAX_WORK == limits.WORK_PER_ENTITY


# ---------------------------------------------------------------- ledgers and evaluation

QUADRATIC = HEAD + """        for each a in meeting:
            require every(meeting, meeting.date >= a.date or meeting.date < a.date)
"""


def _street(folder: Path, ident: str, meetings: int) -> Path:
    facts = [
        {"id": f"M{i}", "date": str(dt.date(2023, 4, 1) + dt.timedelta(days=i % 300)), "n": i, "ok": True}
        for i in range(meetings)
    ]
    path = folder / f"{ident}.json"
    path.write_text(json.dumps({"entity": {"id": ident, "name": ident}, "facts": {"meeting": facts}}))
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_reports_an_entity_past_its_budget_and_goes_on(
    jobs: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other streets are checked and shown; the one past `--max-work` is named on standard
    error with its rule, and the command exits 2 (docs/limits.md)."""
    rules = tmp_path / "q.prl"
    rules.write_text(QUADRATIC, encoding="utf-8")
    streets = [_street(tmp_path, "a", 20), _street(tmp_path, "big", 400), _street(tmp_path, "c", 30)]
    code = main(["check", str(rules), *map(str, streets), "--max-work", "10000", "--jobs", jobs])
    out, err = capsys.readouterr()
    assert code == 2
    assert "a (a)" not in err and " big " not in out
    assert [line.split()[0] for line in out.splitlines() if line.startswith(("a ", "c "))] == ["a", "c"]
    assert err.strip() == (
        "protrules: error: evaluation stopped after 10,000 steps for big, in rule 1.1 "
        f"({rules}:10): the rule compares too many facts with each other; narrow its selections or "
        "raise the limit (--max-work, or RuleSet(program, max_work=…))"
    )
    assert main(["check", str(rules), str(streets[0]), "--max-work", "10000"]) == 0


def test_a_ledger_past_the_facts_limit_is_refused_before_its_records_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = protrules.compile(protrules.check(protrules.parse(HEAD + "        require true\n", "f.prl")))
    monkeypatch.setattr(ledgers, "FACTS_PER_LEDGER", 3)
    records = [{"id": f"M{i}", "date": "2023-05-01", "n": i, "ok": True} for i in range(4)]
    document = {"entity": {"id": "s", "name": "街道"}, "facts": {"meeting": records}}
    with pytest.raises(FactErrors) as info:
        ledgers.ledger_from_mapping(document, rules.fact_types)
    assert info.value.code == "PRL407" and "holds 4 facts; one ledger holds at most 3" in str(info.value)
    with pytest.raises(FactErrors) as info:
        ledgers.ledger_from_json(json.dumps(document), rules.fact_types)
    assert info.value.code == "PRL407"
    document["facts"]["meeting"] = records[:3]
    assert len(ledgers.ledger_from_mapping(document, rules.fact_types).facts["meeting"]) == 3
