"""The built-in functions: one table, documented, and their run-time meaning as properties.

The case files (tests/cases/lang/) hold each function to wanted verdicts on every backend;
here are the laws behind them: rounding half up, whole months and years, lookups, how decimals
print, and that a conditional's evidence is its chosen branch's alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

import protrules
from protrules.checking.typing_calls import SIGNATURES
from protrules.evaluation.reference import decided, evaluate_reference
from protrules.evaluation.runtime import months_between, rounded, show, show_decimal
from protrules.facts.ledgers import ledger_from_mapping
from protrules.facts.model import LookupTable
from protrules.language.diagnostics import RuleFileError
from protrules.language.functions import AGGREGATES, FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent
DATES = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
NUMBERS = st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, places=6)


def test_every_function_is_in_the_table_and_documented() -> None:
    language = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    for name, function in FUNCTIONS.items():
        assert function.usage.startswith(f"{name}("), name
        assert f"`{name}(" in language, f"docs/language.md does not show {name}()"
    assert set(AGGREGATES) <= set(FUNCTIONS)
    assert set(SIGNATURES) <= set(FUNCTIONS)


def _check(rules: str) -> list[tuple[str, str, str | None]]:
    text = f'standard "t":\n    title: "t"\nfact m "m":\n    d: date "d"\n{rules}'
    try:
        protrules.check(protrules.parse(text), protrules.Source("t.prl", text))
    except RuleFileError as error:
        return [(d.code, d.text(), d.hint_text()) for d in error.diagnostics if d.severity == "error"]
    return []


def test_an_unknown_function_is_a_checked_name_not_a_syntax_error() -> None:
    rule = 'rule 1 "r":\n    clause: "c"\n    require {} > 0\n'
    assert _check(rule.format("dedline(as_of, 1 day) - as_of")) == [
        ("PRL220", "unknown function `dedline`", "did you mean `deadline`?")
    ]
    assert _check(rule.format("m(1)")) == [
        ("PRL220", "unknown function `m`", "`m` is a fact type, not a function")
    ]
    code, message, hint = _check(rule.format("frobnicate(1)"))[0]
    assert (code, message) == ("PRL220", "unknown function `frobnicate`")
    assert hint is not None and hint.startswith("functions: count, exists")


@settings(max_examples=200)
@given(NUMBERS, st.integers(0, 6))
def test_round_is_half_up_and_floor_and_ceil_bracket_the_value(x: Decimal, places: int) -> None:
    unit = Decimal(1).scaleb(-places)
    assert rounded("round", x, places, "decimal") == x.quantize(unit, rounding=ROUND_HALF_UP)
    low, high = rounded("floor", x, places, "decimal"), rounded("ceil", x, places, "decimal")
    assert low <= x <= high and high - low in (0, unit)
    assert rounded("round", x, places, "decimal") in (low, high)
    whole = rounded("round", x, 0, "integer")
    assert isinstance(whole, int) and abs(whole - x) <= Decimal("0.5")
    assert rounded("round", x, places, "percentage") == (x * 100).quantize(unit, ROUND_HALF_UP) / 100


def test_rounding_examples() -> None:
    halves = [rounded("round", Decimal(v), 0, "integer") for v in ("2.5", "3.5", "-2.5", "0.49")]
    assert halves == [3, 4, -3, 0]
    assert str(rounded("round", Decimal(2), 2, "decimal")) == "2.00"
    assert show(rounded("round", Decimal("-1"), 20, "decimal")).startswith("unknown")


@settings(max_examples=300)
@given(DATES, DATES)
def test_months_between_counts_whole_months(a: dt.date, b: dt.date) -> None:
    n = months_between(a, b)
    if b >= a:
        assert a + relativedelta(months=n) <= b < a + relativedelta(months=n + 1)
    else:
        assert n == -months_between(b, a)


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=6, unique=True).map(sorted), st.integers(-60, 60))
def test_a_lookup_takes_the_last_row_whose_bound_the_key_reaches(bounds: list[int], key: int) -> None:
    table = LookupTable(tuple((b, f"v{b}") for b in bounds))
    reached = [b for b in bounds if b <= key]
    assert table.find(key) == ((True, f"v{reached[-1]}") if reached else (False, None))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1240") / 7, "177.142857…"),
        (Decimal("177.10"), "177.10"),
        (Decimal("3.000"), "3"),
        (Decimal("0.1234565"), "0.123457…"),
        (Decimal("2.5E+3"), "2500"),
        (Decimal("-1") / 3, "-0.333333…"),
    ],
)
def test_how_decimals_print(value: Decimal, shown: str) -> None:
    assert show_decimal(value) == shown


BRANCHES = """standard "t":
    title: "t"
    assessment: 评估期
period 评估期 = 2023-01-01 .. 2023-12-31
fact m "会议":
    date: date "日期"
    big: boolean "大会"
rule 1 "r":
    clause: "c"
    require (if count(m where m.big) >= 1 then count(m where m.big) else count(m where not m.big)) >= 1
"""


@pytest.mark.parametrize("generate", [True, False])
def test_a_conditional_counts_only_the_branch_it_takes(generate: bool) -> None:
    program = protrules.check(protrules.parse(BRANCHES), protrules.Source("t.prl", BRANCHES))
    rules = protrules.compile(program, generate=generate)
    facts = {
        "m": [{"id": "A", "date": "2023-05-01", "big": True}, {"id": "B", "date": "2023-06-01", "big": False}]
    }
    ledger = ledger_from_mapping({"entity": {"id": "e", "name": "e"}, "facts": facts}, rules.fact_types)
    for checks in (True, False):
        result = rules.evaluate(ledger, dt.date(2023, 12, 31), checks=checks)
        assert result.result("1").evidence == ("m:A",)
    assert decided(rules.evaluate(ledger, dt.date(2023, 12, 31))) == evaluate_reference(
        program, ledger, dt.date(2023, 12, 31)
    )
