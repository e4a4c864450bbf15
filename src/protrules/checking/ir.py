"""The checked program: every name resolved, every expression typed.

The checker (:mod:`protrules.checking.checker`) turns the syntax tree into these nodes; the
generated code (:mod:`protrules.compiling.codegen`, :mod:`protrules.compiling.exact`) and the
reference interpreter
(:mod:`protrules.evaluation.reference`) both run them. Each node keeps its source ``text`` so a
trace can show what the author wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from protrules.facts.model import FactType, Type
from protrules.language.diagnostics import Diagnostic, Span
from protrules.pickling import pickle_module_classes

# Monotonicity of a requirement w.r.t. adding facts to the ledger: it decides whether a
# requirement that is met (or not) before its due date is already decided or still pending.
CONST, INC, DEC, MIXED = "const", "inc", "dec", "mixed"


@attrs.frozen
class Node:
    type: Type
    text: str = attrs.field(eq=False, repr=False)
    span: Span | None = attrs.field(eq=False, repr=False)


@attrs.frozen
class Const(Node):
    value: Any


@attrs.frozen
class Ref(Node):
    """A resolved name. ``scope`` is local, facts, param, builtin."""

    scope: str
    key: str


@attrs.frozen
class GetAttr(Node):
    """`x.name` on a fact (a field or `id`), a date (year, month …) or a period (start …)."""

    target: Node
    name: str
    on: str  # "fact", "date", "period"
    optional: bool = False


@attrs.frozen
class ParamAt(Node):
    key: str
    when: Node


@attrs.frozen
class Filter(Node):
    """`source where condition`, the item bound to local ``var``."""

    source: Node
    var: str
    condition: Node


@attrs.frozen
class Aggregate(Node):
    """count / exists / none / every / sum / min / max / share / distinct over a set.

    ``default`` (from `default(min(…), value)`) is the value of a min, max or share over no
    facts, which is otherwise unknown."""

    func: str
    source: Node
    var: str
    arg: Node | None
    default: Node | None = None


@attrs.frozen
class Apply(Node):
    """A built-in function of values (not of a set of facts): deadline, working_days_between,
    days_between, months_between, years_between, date, min, max, round, floor, ceil,
    overlaps, intersection. :func:`protrules.runtime.apply` gives its meaning."""

    func: str
    args: tuple[Node, ...]


@attrs.frozen
class Lookup(Node):
    """`表(key)`: the value of a lookup parameter's row for a key (the last row whose lower
    bound the key reaches)."""

    key: str
    arg: Node


@attrs.frozen
class If(Node):
    """`if condition then a else b`."""

    condition: Node
    then: Node
    otherwise: Node


@attrs.frozen
class Logic(Node):
    op: str  # "and" | "or"
    operands: tuple[Node, ...]


@attrs.frozen
class Not(Node):
    operand: Node


@attrs.frozen
class Neg(Node):
    operand: Node


@attrs.frozen
class Arith(Node):
    op: str
    left: Node
    right: Node
    mode: str  # "number" | "date_duration"


@attrs.frozen
class Cmp(Node):
    op: str
    left: Node
    right: Node
    mode: str  # "value" | "duration" | "fact"


@attrs.frozen
class In(Node):
    left: Node
    right: Node
    mode: str  # "date_period" | "date_dates" | "period_period"
    negated: bool


@attrs.frozen
class Within(Node):
    subject: Node
    duration: Node  # duration-valued
    anchor: Node


@attrs.frozen
class ListOf(Node):
    """`[a, b, c]`."""

    items: tuple[Node, ...]


@attrs.frozen
class Test(Node):
    """Calendar tests (working day …) and presence tests (set / missing)."""

    subject: Node
    test: str


@attrs.frozen
class MakePeriod(Node):
    start: Node
    end: Node


# ------------------------------------------------------------------ statements


@attrs.frozen
class Stmt:
    text: str = attrs.field(eq=False, repr=False)
    span: Span | None = attrs.field(eq=False, repr=False)


@attrs.frozen
class LetS(Stmt):
    var: str
    name: str
    value: Node


@attrs.frozen
class RequireS(Stmt):
    condition: Node
    by: Node | None
    monotonicity: str


@attrs.frozen
class AdviseS(Stmt):
    condition: Node


@attrs.frozen
class AppliesS(Stmt):
    condition: Node


@attrs.frozen
class ForFactsS(Stmt):
    var: str
    name: str
    source: Node
    condition: Node | None
    body: tuple[Stmt, ...]


@attrs.frozen
class ForPeriodsS(Stmt):
    unit: str
    var: str
    name: str
    period: Node
    condition: Node | None
    body: tuple[Stmt, ...]


# ------------------------------------------------------------------ program


@attrs.frozen
class ParamDef:
    name: str
    title: str | None
    type: Type
    values: tuple[tuple[dt.date | None, Any, str | None], ...]  # (since, value, source), by date


def weight_value(value: Any) -> Any:
    """A rule's weight as results hold it: an int when whole, else a Decimal."""
    number = Decimal(value)
    return int(number) if number == int(number) else number


@attrs.frozen
class ProgrammeDef:
    """The programme that applies the standard (``programme "…":``): its steps, each with the
    date it must be done by, its cap, and the fact types its records are kept in.

    ``steps`` are (step, date) in the programme's order: ``application`` (自愿申报),
    ``assessment`` (组织评估), ``publicity`` (公示), ``naming`` (公布命名). The records are
    the declared fact types ``application``, ``publicity``, ``objection``, ``review`` and
    ``naming`` (protrules.programme.selection reads them)."""

    title: str
    source: str | None
    steps: tuple[tuple[str, dt.date], ...]
    cap: int | None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)

    def due(self, step: str) -> dt.date | None:
        """The date ``step`` must be done by (None when the programme does not set one)."""
        return dict(self.steps).get(step)


@attrs.frozen
class RuleDef:
    id: str
    title: str
    clause: str
    kind: str  # required | veto | assessed | advisory
    weight: Any  # Decimal | int
    note: str | None
    area: str
    item: str | None
    body: tuple[Stmt, ...]
    span: Span | None = attrs.field(eq=False, repr=False)
    #: The parameter ``weight:`` names, when it names one (its value is ``weight``).
    weight_param: str | None = None


@attrs.frozen
class TestDef:
    name: str
    facts: str | None
    as_of: dt.date | None
    expects: tuple[tuple[str, str], ...]
    status: str | None
    span: Span | None = attrs.field(eq=False, repr=False)
    #: (rule id or "status", line of its `expect`), as :class:`~protrules.language.nodes.TestDecl`.
    lines: tuple[tuple[str, int], ...] = attrs.field(default=(), eq=False, repr=False)
    #: Parameters the test sets (``parameter 名称 = 值``): (name, value), in the file's order.
    params: tuple[tuple[str, Any], ...] = attrs.field(default=(), kw_only=True)


@attrs.frozen
class Program:
    """A checked rule set, ready to compile: what :func:`protrules.check` returns."""

    id: str
    settings: Mapping[str, Any]
    fact_types: Mapping[str, FactType]
    enums: Mapping[str, tuple[str, ...]]
    params: Mapping[str, ParamDef]
    periods: Mapping[str, Any]  # name -> workdays.Period
    dates: Mapping[str, dt.date]
    date_sets: Mapping[str, tuple[Any, ...]]  # name -> tuple[Period, ...]
    vacations: tuple[Any, ...]  # workdays.Vacation
    notices: tuple[Any, ...]  # workdays.Notice
    rules: tuple[RuleDef, ...]
    areas: Mapping[str, str]
    items: Mapping[str, str]
    tests: tuple[TestDef, ...]
    source_name: str
    source_text: str = attrs.field(repr=False)
    warnings: tuple[Diagnostic, ...] = ()
    titles: Mapping[str, str] = attrs.field(factory=dict)  # periods/dates/params: name -> title
    #: Parameters given another value than the file's for this evaluation (checking.parameters).
    overrides: tuple[tuple[str, Any], ...] = ()
    #: The file's own values of the parameters in ``overrides``, as the file writes them.
    published: Mapping[str, str] = attrs.field(factory=dict)
    #: The programme that applies the standard, when the file declares one.
    programme: ProgrammeDef | None = None

    @property
    def title(self) -> str:
        return str(self.settings.get("title", self.id))

    @property
    def assessment(self) -> str | None:
        value = self.settings.get("assessment")
        return str(value) if value is not None else None

    @property
    def cap(self) -> int | None:
        """How many entities are named at most: the programme's cap, else the header's."""
        if self.programme is not None and self.programme.cap is not None:
            return self.programme.cap
        value = self.settings.get("cap")
        return int(value) if value is not None else None

    def rule(self, rule_id: str) -> RuleDef | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None


#: Classes pickle as a call with their fields (protrules.pickling): a program loads faster from the cache.
pickle_module_classes(globals())
