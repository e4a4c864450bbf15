"""The surface syntax tree of a .prl file, as written by its author.

Nodes are frozen attrs classes whose names follow the grammar's rule names; children sit in
tuples; the ``span`` of a node never takes part in equality, so two parses of the same rules
formatted differently compare equal (the formatter's round-trip test relies on this).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from protrules.language.diagnostics import Span

_SPAN = attrs.field(default=None, eq=False, repr=False)

# ------------------------------------------------------------------ expressions


@attrs.frozen
class Expr:
    """Base of every expression node."""

    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Literal(Expr):
    """A literal: 2, 1.5, 50%, 2023-04-01, "text", true, 30 working days.

    ``kind`` is the literal's type name (integer, decimal, percentage, date, text, boolean,
    duration) and ``text`` its source spelling, which the formatter keeps. The spelling is not
    part of the tree's meaning: ``30 days`` and ``30天``, ``1.50`` and ``1.5`` are equal literals
    (a file converted to the other dialect spells its durations anew, and is the same tree).
    """

    value: Any
    kind: str
    text: str = attrs.field(eq=False)


@attrs.frozen
class Name(Expr):
    """A name: a fact type, parameter, period, let, loop variable or built-in."""

    name: str


@attrs.frozen
class Attribute(Expr):
    """`target.name`, e.g. `meeting.date` or `年.end`."""

    target: Expr
    name: str


@attrs.frozen
class At(Expr):
    """`parameter at (date)`: a dated parameter's value in force on a date."""

    target: Expr
    when: Expr


@attrs.frozen
class Call(Expr):
    """A call: an aggregate, a built-in function or a lookup parameter, `count(meeting where …)`,
    `deadline(d, 3 months)`, `年休假天数(工龄)`. Any name may be called; the checker knows which
    are functions (:mod:`protrules.language.functions`)."""

    func: str
    args: tuple[Expr, ...]


@attrs.frozen
class If(Expr):
    """`if condition then a else b`: a value chosen by a condition."""

    condition: Expr
    then: Expr
    otherwise: Expr


@attrs.frozen
class Not(Expr):
    """`not x`."""

    operand: Expr


@attrs.frozen
class Neg(Expr):
    """`-x`."""

    operand: Expr


@attrs.frozen
class BoolOp(Expr):
    """`a and b and c` or `a or b`; operands are flattened."""

    op: str
    operands: tuple[Expr, ...]


@attrs.frozen
class Binary(Expr):
    """Arithmetic: `a + b`, `a - b`, `a * b`, `a / b`."""

    op: str
    left: Expr
    right: Expr


@attrs.frozen
class Compare(Expr):
    """`left op right` with op one of = != < <= > >= (≥ ≤ ≠ are read as >= <= !=)."""

    op: str
    left: Expr
    right: Expr


@attrs.frozen
class Member(Expr):
    """`x in P` (a date in a period or date set, a period inside a period), or `not in`."""

    left: Expr
    right: Expr
    negated: bool = False


@attrs.frozen
class Within(Expr):
    """`x within 30 working days after d`: d ≤ x ≤ deadline(d, 30 working days).

    The duration may be any duration-valued expression: a literal, a parameter, a field."""

    subject: Expr
    duration: Expr
    anchor: Expr


@attrs.frozen
class ListExpr(Expr):
    """`["协调会议", "专题会议"]`: a list of values, for `x in [...]`."""

    items: tuple[Expr, ...]


@attrs.frozen
class IsTest(Expr):
    """`d is working day`, `d is rest day`, `d is statutory holiday`, `d is in vacation`,
    `d is in holiday`, `x is set`, `x is missing`."""

    subject: Expr
    test: str


@attrs.frozen
class Range(Expr):
    """`a .. b`: the period from a to b, both included."""

    start: Expr
    end: Expr


@attrs.frozen
class Select(Expr):
    """`source where condition` or `source as alias where condition`: a selection of facts."""

    source: Expr
    alias: str | None
    condition: Expr | None


# ------------------------------------------------------------------ statements


@attrs.frozen
class Stmt:
    """Base of statements inside a rule."""

    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Let(Stmt):
    name: str
    value: Expr


@attrs.frozen
class Require(Stmt):
    condition: Expr
    by: Expr | None = None


@attrs.frozen
class Advise(Stmt):
    condition: Expr


@attrs.frozen
class Applies(Stmt):
    condition: Expr


@attrs.frozen
class ForFacts(Stmt):
    """`for each var in source where condition:` — per-fact requirements."""

    var: str
    source: Expr
    condition: Expr | None
    body: tuple[Stmt, ...]
    explicit_source: bool = True  # False for `for each meeting where …`


@attrs.frozen
class ForPeriods(Stmt):
    """`for each quarter 季度 of 评估期 where …:` — per-period requirements."""

    unit: str
    var: str
    period: Expr
    condition: Expr | None
    body: tuple[Stmt, ...]


# ------------------------------------------------------------------ declarations


@attrs.frozen
class Decl:
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Setting(Decl):
    key: str
    value: str | int
    quoted: bool = True


@attrs.frozen
class Standard(Decl):
    id: str
    settings: tuple[Setting, ...]


@attrs.frozen
class ProgrammeDecl(Decl):
    """`programme "…":` — the programme that applies the standard: its steps and its cap."""

    title: str
    settings: tuple[Setting, ...]


@attrs.frozen
class TypeRef(Decl):
    """A field or parameter type: `date`, `staff?`, `enum("高", "低")`."""

    name: str | None
    members: tuple[str, ...] | None
    optional: bool


@attrs.frozen
class EnumDecl(Decl):
    name: str
    title: str | None
    members: tuple[str, ...]


@attrs.frozen
class KnownFrom(Decl):
    """`known from 字段`: the date field from which a record, or a later entry on it, is known."""

    field: str


@attrs.frozen
class FieldNode(Decl):
    name: str
    type: TypeRef
    title: str | None
    known_from: KnownFrom | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class FactDecl(Decl):
    name: str
    title: str | None
    fields: tuple[FieldNode, ...]
    known_from: KnownFrom | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class ParamValue(Decl):
    value: Literal
    since: dt.date | None
    source: str | None


@attrs.frozen
class LookupRow(Decl):
    """`from 10: 10 days`: a lookup parameter's value from a key on (until the next row's)."""

    bound: Literal
    value: Literal


@attrs.frozen
class Parameter(Decl):
    """`parameter 名 "题": type = value`, dated values, or a lookup table: `parameter 名 "题":
    lookup integer -> duration source "…":` with its rows, when ``key`` is set (``type`` is then
    the values' type)."""

    name: str
    title: str | None
    type: TypeRef
    values: tuple[ParamValue, ...]
    dated: bool
    key: TypeRef | None = None
    rows: tuple[LookupRow, ...] = ()
    source: str | None = None


@attrs.frozen
class Define(Decl):
    """`define 在岗人员 "…" = staff where …`: a named expression every rule can use."""

    name: str
    title: str | None
    value: Expr


@attrs.frozen
class PeriodDecl(Decl):
    name: str
    title: str | None
    start: dt.date
    end: dt.date


@attrs.frozen
class DateDecl(Decl):
    name: str
    title: str | None
    value: dt.date


@attrs.frozen
class DatesDecl(Decl):
    name: str
    title: str | None
    items: tuple[tuple[dt.date, dt.date | None], ...]


@attrs.frozen
class VacationDecl(Decl):
    name: str
    title: str | None
    start: dt.date
    end: dt.date


@attrs.frozen
class NoticeLine(Decl):
    key: str
    items: tuple[tuple[dt.date, dt.date | None], ...]


@attrs.frozen
class NoticeDecl(Decl):
    year: int
    source: str
    lines: tuple[NoticeLine, ...]


@attrs.frozen
class RuleSetting(Decl):
    key: str
    value: str
    quoted: bool


#: The canonical order of a rule's settings (the formatter writes them in this order).
RULE_SETTING_ORDER = ("kind", "weight", "clause", "note")


def canonical_settings(settings: tuple[RuleSetting, ...]) -> tuple[RuleSetting, ...]:
    """A rule's settings in canonical order: the order they are written in carries no meaning."""
    rank = {key: i for i, key in enumerate(RULE_SETTING_ORDER)}
    return tuple(sorted(settings, key=lambda s: rank.get(s.key, len(rank))))


@attrs.frozen
class Rule(Decl):
    id: str
    title: str
    settings: tuple[RuleSetting, ...] = attrs.field(eq=canonical_settings)
    body: tuple[Stmt, ...]


@attrs.frozen
class Item(Decl):
    id: str
    title: str
    rules: tuple[Rule, ...]


@attrs.frozen
class Area(Decl):
    id: str
    title: str
    children: tuple[Item | Rule, ...]


@attrs.frozen
class TestParameter(Decl):
    """`parameter 名称 = 值` in a test: the test runs with this value (span: the name)."""

    name: str
    value: Literal


@attrs.frozen
class TestDecl(Decl):
    name: str
    facts: str | None
    as_of: dt.date | None
    expects: tuple[tuple[str, str], ...]
    status: str | None
    #: Where each expectation is written: (rule id or "status", line), so a failing one is
    #: reported at its `expect` line.
    lines: tuple[tuple[str, int], ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)
    params: tuple[TestParameter, ...] = attrs.field(default=(), kw_only=True)


@attrs.frozen
class Module(Decl):
    """A whole .prl file."""

    declarations: tuple[Decl, ...]
    source_name: str = attrs.field(default="", eq=False)
    #: The dialect it is written in ("en", "zh"): how to spell its keywords back, never a
    #: difference between two trees (both dialects read to the same tree).
    dialect: str = attrs.field(default="en", eq=False, kw_only=True)
