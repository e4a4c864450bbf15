"""The built-in functions of the .prl language, in one table.

A call is a general form of the grammar, ``name(argument, …)``: the parser reads any name
before a parenthesis as a call, and the checker looks the name up here (or among the lookup
parameters), so a misspelt function is "unknown function `deadlin`, did you mean
`deadline`?" rather than a syntax error, and a new built-in needs no new grammar. Every
built-in's name in English and Chinese, how it is written and what it is for are here and
nowhere else: the checker, the parser and formatter of the Chinese dialect, the editor's
vocabulary and the documentation test read this table. The type rules of each are in
:mod:`protrules.checking.typing_calls`, their run-time meaning in
:mod:`protrules.evaluation.runtime`.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["AGGREGATES", "FUNCTIONS", "FUNCTIONS_ZH", "Function"]


@attrs.frozen
class Function:
    """One built-in: its name, how it is written, and what it gives."""

    name: str
    zh: str  # its name in the Chinese dialect (protrules.language.keywords)
    usage: str
    summary: str
    #: Over a set of facts, whose later arguments name each fact (count, every, sum …).
    aggregate: bool = False


_TABLE = (
    Function("count", "计数", "count(facts)", "the number of facts", aggregate=True),
    Function("exists", "存在", "exists(facts)", "whether there is at least one fact", aggregate=True),
    Function("none", "没有", "none(facts)", "whether there is no fact", aggregate=True),
    Function(
        "every",
        "全部",
        "every(facts, condition)",
        "whether the condition holds for every fact",
        aggregate=True,
    ),
    Function(
        "sum", "合计", "sum(facts, value)", "the sum of the facts' values (of no facts: 0)", aggregate=True
    ),
    Function(
        "min",
        "最小值",
        "min(facts, value) or min(a, b, …)",
        "the smallest of the facts' values (of no facts: unknown), or of numbers, dates or durations",
        aggregate=True,
    ),
    Function(
        "max",
        "最大值",
        "max(facts, value) or max(a, b, …)",
        "the largest of the facts' values (of no facts: unknown), or of numbers, dates or durations",
        aggregate=True,
    ),
    Function(
        "share",
        "占比",
        "share(facts, condition)",
        "the percentage of the facts for which the condition holds (of no facts: unknown)",
        aggregate=True,
    ),
    Function(
        "distinct", "去重计数", "distinct(facts, value)", "the number of distinct values", aggregate=True
    ),
    Function(
        "default",
        "默认值",
        "default(aggregate, value)",
        "the value when min, max or share has no facts to look at, instead of unknown",
    ),
    Function(
        "deadline",
        "届满日",
        "deadline(date, duration)",
        "the last day of a period that starts after the date, by the Civil Code",
    ),
    Function(
        "working_days_between", "间隔工作日数", "working_days_between(a, b)", "the working days in (a, b]"
    ),
    Function("days_between", "间隔天数", "days_between(a, b)", "the days from a to b"),
    Function(
        "months_between",
        "间隔月数",
        "months_between(a, b)",
        "the whole months from a to b (a month is complete on its day)",
    ),
    Function(
        "years_between",
        "间隔年数",
        "years_between(a, b)",
        "the whole years from a to b (a year is complete on its day)",
    ),
    Function(
        "date", "日期", "date(year, month, day)", "the date with these parts (unknown if there is none)"
    ),
    Function(
        "round",
        "四舍五入",
        "round(number) or round(number, places)",
        "rounded half up (四舍五入) to whole or to places",
    ),
    Function(
        "floor", "舍去", "floor(number) or floor(number, places)", "rounded down (舍去) to whole or to places"
    ),
    Function(
        "ceil", "进一", "ceil(number) or ceil(number, places)", "rounded up (进一) to whole or to places"
    ),
    Function("overlaps", "重叠", "overlaps(period, period)", "whether two periods share at least one day"),
    Function(
        "intersection",
        "交集",
        "intersection(period, period)",
        "the days two periods share (unknown if they share none)",
    ),
)

#: Every built-in function by name.
FUNCTIONS: Mapping[str, Function] = {f.name: f for f in _TABLE}
#: Every built-in function by its Chinese name.
FUNCTIONS_ZH: Mapping[str, Function] = {f.zh: f for f in _TABLE}

#: The aggregates, and how many arguments each takes when its first is a set of facts.
AGGREGATES: Mapping[str, int] = {
    "count": 1,
    "exists": 1,
    "none": 1,
    "every": 2,
    "sum": 2,
    "min": 2,
    "max": 2,
    "share": 2,
    "distinct": 2,
}
