"""Checked expressions → Python source, for rules generated whole (:mod:`protrules.compiling.codegen`).

An :class:`Emitter` writes the statements of one generated function. ``value(node)`` writes
whatever statements an expression needs (a selection, an aggregate adding its facts to the
requirement's evidence, an `and` whose second operand counts something) and returns a Python
expression for its value; ``inline(node)`` returns a pure expression, as the condition of a
comprehension needs.

The code is written for **definite values only**. Every name is bound, every field present,
every calendar question answerable: where that does not hold — a fact type the ledger does not
cover, a missing optional field, a parameter with no value in force, ``min`` of no facts, a
year with no published notice — the generated code raises (:class:`Bail`,
or the ``KeyError``/``CalendarError`` Python raises on its own) and the rule is evaluated by the
exact code of :mod:`protrules.compiling.exact`, which gives the three-valued answer. So the
generated code may compute early what the exact code computes late (a deadline that does not
depend on the fact is computed once before a comprehension, not once per fact): the worst
such a move can do is raise where the exact code would not, and then the exact code answers.
Nothing that counts as evidence is ever moved or skipped: aggregates run exactly where, and
exactly as often as, the exact code runs them.

Safety: the source holds only operators, names chosen here and ``repr`` of declared field
names; every constant of the rule file reaches it by reference (a name in the namespace).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from protrules.calendar.workdays import Period, WorkCalendar
from protrules.checking import ir
from protrules.errors import CalendarError
from protrules.evaluation import indexes
from protrules.evaluation.runtime import (
    Ctx,
    Unknown,
    apply,
    arith,
    calendar_test,
    compare,
    deadline,
    lookup,
    member,
    param_value,
    scale,
    shift,
    summarise,
    units,
)
from protrules.facts.model import Fact, Kind, field_attribute

__all__ = [
    "FALLBACK",
    "HELPERS",
    "Bail",
    "Emitter",
    "Unsupported",
    "constant_selection",
    "fact_attribute",
]


class Bail(Exception):
    """A value generated code cannot be sure of: the exact code gives the answer."""


#: What generated code may raise on an entity it cannot answer exactly: a missing field, an
#: unknown value, a calendar question, an arithmetic error. The rule is then evaluated, for
#: that entity, by its exact code (:mod:`protrules.compiling.exact`).
FALLBACK = (Bail, KeyError, TypeError, AttributeError, CalendarError, ArithmeticError)


def constant_selection(node: ir.Filter) -> bool:
    """True when the selection reads no name bound outside it (a loop variable, a `let`) and
    holds no aggregate (aggregates collect evidence, which a value kept per entity would skip)."""
    aggregate, bound, refs = _names(node)
    return not aggregate and refs <= bound


_Names = tuple[bool, frozenset[str], frozenset[str]]
_NAMES: dict[int, tuple[ir.Node, _Names]] = {}


def _names(node: ir.Node) -> _Names:
    """Whether a subtree holds an aggregate, the names its selections bind, the local names it
    reads. Remembered per selection node, so nested selections are walked once, not once per
    enclosing selection."""
    found = _NAMES.get(id(node))
    if found is not None and found[0] is node:
        return found[1]
    aggregate = isinstance(node, ir.Aggregate)
    bound: set[str] = {node.var} if isinstance(node, ir.Filter) else set()
    refs: set[str] = {node.key} if isinstance(node, ir.Ref) and node.scope == "local" else set()
    stack: list[Any] = list(indexes.children(node))
    while stack:
        child = stack.pop()
        if isinstance(child, tuple):
            stack.extend(child)
        elif isinstance(child, ir.Filter | ir.Aggregate):
            inner = _names(child)
            aggregate = aggregate or inner[0]
            bound |= inner[1]
            refs |= inner[2]
        elif isinstance(child, ir.Node):
            if isinstance(child, ir.Ref) and child.scope == "local":
                refs.add(child.key)
            stack.extend(indexes.children(child))
    names = (aggregate, frozenset(bound), frozenset(refs))
    if isinstance(node, ir.Filter | ir.Aggregate):
        if len(_NAMES) > 100_000:
            _NAMES.clear()
        _NAMES[id(node)] = (node, names)
    return names


def fact_attribute(target: str, name: str) -> str:
    """The Python that reads field ``name`` of the fact ``target`` names: one attribute read
    (``s.date``), which a typed fact answers from a slot and a plain one from its dict; an
    absent optional field raises ``AttributeError``, which sends the rule to the fallback."""
    return f"{target}.id" if name == "id" else f"{target}.{field_attribute(name)}"


class Unsupported(Exception):
    """The rule uses something the generator does not write: it runs on its exact code."""


class _NotDateOnly(Exception):
    """An expression reads more of an item than its date."""


# ------------------------------------------------------------------ run-time helpers


def _known(value: Any) -> Any:
    if value.__class__ is Unknown:
        raise Bail
    return value


def _param(ctx: Ctx, key: str) -> Any:
    return _known(param_value(ctx, key, ctx.as_of))


def _param_at(ctx: Ctx, key: str, day: dt.date) -> Any:
    return _known(param_value(ctx, key, day))


def _deadline(cal: WorkCalendar, day: dt.date, duration: Any) -> dt.date:
    return _known(deadline(cal, day, duration))  # type: ignore[no-any-return]


def _shift(cal: WorkCalendar, day: dt.date, duration: Any, sign: int) -> dt.date:
    return _known(shift(cal, day, duration, sign))  # type: ignore[no-any-return]


def _arith(op: str, a: Any, b: Any) -> Any:
    return _known(arith(op, a, b))


def _scale(a: Any, b: Any) -> Any:
    return _known(scale(a, b))


def _apply(cal: WorkCalendar, func: str, *args: Any) -> Any:
    return _known(apply(cal, func, args))


def _lookup(name: str, table: Any, key: Any) -> Any:
    return _known(lookup(name, table, key))


def _compare(op: str, mode: str, a: Any, b: Any) -> bool:
    return _known(compare(op, mode, a, b))  # type: ignore[no-any-return]


def _within(cal: WorkCalendar, day: dt.date, anchor: dt.date, duration: Any) -> bool:
    return anchor <= day and day <= _deadline(cal, anchor, duration)


def _present(value: Any) -> bool:
    """`x is set` for a value that is not a field: reaching here, the value was known."""
    return True


def _summary_of(func: str, values: list[Any], items: Sequence[Fact], percentage: bool) -> Any:
    return _known(summarise(func, values, tuple(items), percentage))


class _DayTable(dict[dt.date, bool]):
    """A calendar test's answers by date, filled on first asking: a dictionary read in the
    generated code instead of a method call per fact. A date the calendar cannot answer
    raises :class:`~protrules.errors.CalendarError` and is not kept."""

    __slots__ = ("answer",)

    def __init__(self, answer: Callable[[dt.date], bool]) -> None:
        super().__init__()
        self.answer = answer

    def __missing__(self, day: dt.date) -> bool:
        value = self[day] = bool(self.answer(day))
        return value


_TABLES: dict[tuple[WorkCalendar, str], _DayTable] = {}


def _index_or_scan(ctx: Ctx, plan: indexes.IndexPlan, facts: tuple[Fact, ...], passes: int) -> Any:
    """The entity's index for a selection that runs ``passes`` times in this call, or False to
    test every fact each time. Building an index costs about three tests of each fact, and
    each lookup a bisection or two; an index another rule built already costs nothing."""
    if plan.cache_key in ctx.indexes or (len(facts) > SMALL and passes > 4):
        return indexes.index_for(ctx, plan, facts)
    return False


def _day_table(cal: WorkCalendar, test: str) -> _DayTable:
    table = _TABLES.get((cal, test))
    if table is None:
        if len(_TABLES) > 64:
            _TABLES.clear()
        table = _TABLES[(cal, test)] = _DayTable(lambda day: calendar_test(cal, test, day))
    return table


HELPERS: dict[str, Any] = {
    "__builtins__": {"len": len, "tuple": tuple, "list": list, "set": set, "zip": zip},
    "_has": hasattr,
    "_filter": filter,
    "_Bail": Bail,
    "_Period": Period,
    "_param": _param,
    "_param_at": _param_at,
    "_deadline": _deadline,
    "_shift": _shift,
    "_arith": _arith,
    "_scale": _scale,
    "_apply": _apply,
    "_lookup": _lookup,
    "_compare": _compare,
    "_member": member,
    "_within": _within,
    "_present": _present,
    "_summary_of": _summary_of,
    "_index_or_scan": _index_or_scan,
    "_UNSET": object(),
    "_bisect_left": bisect.bisect_left,
    "_bisect_right": bisect.bisect_right,
    "_day_table": _day_table,
    "_units": units,
}

#: Aggregates that read their facts in any order: an index may give them by date.
_ANY_ORDER = frozenset(("count", "exists", "none", "distinct", "every", "share"))

#: Selections over at most this many facts test them all rather than use an index.
SMALL = 8

#: Facts visited between two checks of the entity's bound on evaluation work: the generated
#: code counts them in a local variable, cheaper than a call per selection.
WORK_STEP = 10_000

_OPS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_PARTS = {
    "year": "{}.year",
    "month": "{}.month",
    "day": "{}.day",
    "weekday": "{}.isoweekday()",
    "quarter": "(({}.month - 1) // 3 + 1)",
}


def _operands(node: ir.Node) -> Iterator[ir.Node]:
    """A node's sub-expressions, in the order the exact code evaluates them."""
    for child in indexes.children(node):
        if isinstance(child, ir.Node):
            yield child
        elif isinstance(child, tuple):
            yield from (c for c in child if isinstance(c, ir.Node))


def _bare(node: ir.Node) -> bool:
    """A constant or a name: in a comprehension, as cheap to read as a temporary."""
    return isinstance(node, ir.Const | ir.Ref)


def _is_name(text: str) -> bool:
    return text.isidentifier()


# ------------------------------------------------------------------ the emitter


class Emitter:
    """The lines of one generated function, the names it binds and the constants it reads."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1
        self.namespace: dict[str, Any] = dict(HELPERS)
        self.prelude: dict[tuple[str, str], tuple[str, str]] = {}  # once per call: (kind, key) → (name, expr)
        #: IR local → the Python name holding its value.
        self.names: dict[str, str] = {}
        #: The list the current requirement's aggregates add their facts to (None outside one).
        self.evidence: str | None = None
        self._count = 0
        self._consts: dict[int, str] = {}
        self._heavy: dict[int, bool] = {}
        self._bound: dict[int, str] = {}  # sub-expressions already computed by statements
        self._comprehension: set[str] = set()  # IR locals bound by the comprehension being written
        #: Python names of selections all of whose facts are in the evidence already (here).
        self.covered: set[str] = set()
        #: Python names of selections an index answered whole → the date field and the name
        #: of their dates, in the same order (None where the index could not slice).
        self.days: dict[str, tuple[str, str]] = {}
        self._date_view: dict[str, tuple[str, str]] = {}  # IR local → its date field and the date's name
        self._tables: set[str] = set()  # names of calendar tables
        #: How many times the loops around the code being written run (innermost last).
        self.passes: list[str] = []

    # -- writing
    def fresh(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    @contextmanager
    def block(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def temp(self, expr: str, prefix: str = "t") -> str:
        """``expr`` computed once into a new name (a name is returned as it is)."""
        if _is_name(expr):
            return expr
        name = self.fresh(prefix)
        self.line(f"{name} = {expr}")
        return name

    def const(self, value: Any) -> str:
        """A name for a constant of the rule file, passed to the code by reference."""
        name = self._consts.get(id(value))
        if name is None:
            name = self._consts[id(value)] = self.fresh("k")
            self.namespace[name] = value
        return name

    def once(self, kind: str, key: str, expr: str) -> str:
        """A value computed once at the start of every call (a parameter, a calendar table)."""
        found = self.prelude.get((kind, key))
        if found is None:
            found = self.prelude[(kind, key)] = (self.fresh(f"{kind}_"), expr)
        return found[0]

    def heavy(self, node: ir.Node) -> bool:
        """Whether computing the node needs statements: it holds a selection or an aggregate."""
        found = self._heavy.get(id(node))
        if found is None:
            found = self._heavy[id(node)] = indexes.any_node(
                node, lambda n: isinstance(n, ir.Filter | ir.Aggregate)
            )
        return found

    # -- expressions with statements
    def value(self, node: ir.Node, any_order: bool = False) -> str:
        """Statements computing ``node`` (if it needs any), and an expression for its value,
        to be used once. ``any_order``: a selection's reader does not care in which order its
        facts come (a count), so an index may give them by date."""
        if isinstance(node, ir.Aggregate):
            return self.aggregate(node)
        if isinstance(node, ir.Filter):
            return self.selection(node, any_order)
        if not self.heavy(node):
            return self.inline(node)
        if isinstance(node, ir.Logic):
            return self._logic(node)
        if isinstance(node, ir.If):
            return self._if(node)
        if isinstance(node, ir.Within):
            raise Unsupported("a selection inside `within`")
        bound = [child for child in _operands(node) if self.heavy(child)]
        for child in bound:
            self._bound[id(child)] = self.temp(self.value(child))
        try:
            return self.inline(node)
        finally:
            for child in bound:
                del self._bound[id(child)]

    def _logic(self, node: ir.Logic) -> str:
        """`a and b` / `a or b` whose operands count or select: the later operands are computed
        only where the earlier ones do not decide, as the exact code does."""
        out = self.fresh("b")
        first, *rest = node.operands
        self.line(f"{out} = {self.value(first)}")
        for operand in rest:
            self.line(f"if {'not ' if node.op == 'or' else ''}{out}:")
            with self.block(), self.conditional():
                self.line(f"{out} = {self.value(operand)}")
        return out

    def _if(self, node: ir.If) -> str:
        """`if c then a else b` whose branches count or select: only the branch taken is
        computed (its aggregates alone join the evidence), as the exact code does."""
        out = self.fresh("b")
        self.line(f"if {self.value(node.condition)}:")
        with self.block(), self.conditional():
            self.line(f"{out} = {self.value(node.then)}")
        self.line("else:")
        with self.block(), self.conditional():
            self.line(f"{out} = {self.value(node.otherwise)}")
        return out

    @contextmanager
    def conditional(self) -> Iterator[None]:
        """Code that may not run (a branch, a loop's body): what it adds to the evidence does
        not count as added for the code after it."""
        covered = set(self.covered)
        try:
            yield
        finally:
            self.covered = covered

    @contextmanager
    def loop(self, passes: str) -> Iterator[None]:
        """A loop's body, run ``passes`` times (a Python expression): selections in it may be
        worth an index."""
        self.passes.append(passes)
        try:
            with self.block(), self.conditional():
                self.spend()
                yield
        finally:
            self.passes.pop()

    def selection(self, node: ir.Filter, any_order: bool = False) -> str:
        """A selection as a tuple of facts in ledger order (by date, for an ``any_order``
        reader); one that reads no outside name is computed once per entity and kept with the
        exact code's own (the same value, so always in ledger order)."""
        out = self.fresh("s")
        if not constant_selection(node):
            self._select(node, out, any_order)
            return out
        key = self.const(id(node))
        self.line(f"{out} = MEMO.get({key})")
        self.line(f"if {out} is None:")
        with self.block():
            self._filter(node, self.temp(self.value(node.source)), out)  # once an entity: no index
            self.line(f"MEMO[{key}] = {out}")
        self.line(f"elif {out}.__class__ is not tuple:")  # undecided facts, or unknown
        with self.block():
            self.line("raise _Bail")
        return out

    def _select(self, node: ir.Filter, out: str, any_order: bool) -> None:
        source = self.temp(self.value(node.source, any_order))
        plan = indexes.plan(node) if self.passes else None
        if plan is None:
            self._filter(node, source, out)
            return
        key = self.temp(self.value(plan.key))
        period = self.temp(self.value(plan.range_key)) if plan.range_key is not None else "None"
        found, clean = self.fresh("c"), self.fresh("c")
        self.line(f"{found}, {clean} = {source}, False")
        index = self.once("index", repr(plan.cache_key), "None")  # the entity's, decided once per call
        self.line(f"if {index} is None:")
        with self.block():
            self.line(f"{index} = _index_or_scan(ctx, {self.const(plan)}, {source}, {self.passes[-1]})")
        self.line(f"if {index}:")
        with self.block():
            if plan.kind == "equal":
                self.line(f"{found}, {clean} = {index}.find({key}, None)")
            else:
                self._run(plan, index, key, period, found, clean, out, any_order)
        if not plan.exact:
            self._filter(node, found, out)
            return
        self.line(f"if {clean}:")  # the index answered the whole condition
        with self.block():
            self.line(f"{out} = {found}")
        self.line("else:")
        with self.block():
            self._filter(node, found, out)

    def _run(self, plan: indexes.IndexPlan, index: str, key: str, period: str,
             found: str, clean: str, out: str, any_order: bool) -> None:  # fmt: skip
        """A run by date (the key's, for a composite index), looked up again only for a new
        key. A plain run is sliced here, and an exact answer keeps its dates beside it
        (``days``), for the aggregates that read only the date."""
        last, run = self.once("key", out, "_UNSET"), self.once("run", out, "None")
        self.line(f"if {key} is not {last}:")
        with self.block():
            self.line(f"{last}, {run} = {key}, {index}.group({key})")
        span = period if plan.kind == "equal_range" else key
        days = self.once("days", out, "None") if plan.exact else None
        self.line(f"if {run}.plain:")
        with self.block():
            lo, hi = self.fresh("lo"), self.fresh("hi")
            self.line(f"{lo} = _bisect_left({run}.dates, {span}.start)")
            self.line(f"{hi} = _bisect_right({run}.dates, {span}.end)")
            self.line(f"{found}, {clean} = {run}.facts[{lo}:{hi}], True")
            if days is not None:
                self.line(f"{days} = {run}.dates[{lo}:{hi}]")
        self.line("else:")
        with self.block():
            how = "any_order" if any_order else "between"
            self.line(f"{found}, {clean} = {run}.{how}({span}.start, {span}.end)")
            if days is not None:
                self.line(f"{days} = None")
        if days is not None:
            self.days[out] = (plan.range_field, days)

    def _filter(self, node: ir.Filter, facts: str, out: str) -> None:
        self.line(f"W += len({facts})")
        var = self.names[node.var] = self.fresh("f")
        if not self.heavy(node.condition):
            condition = self.per_fact(node.var, node.condition)
            self.line(f"{out} = tuple([{var} for {var} in {facts} if {condition}])")
            return
        kept = self.fresh("a")
        self.line(f"{kept} = []")
        self.line(f"for {var} in {facts}:")
        with self.loop(f"len({facts})"):
            condition = self.value(node.condition)
            self.line(f"if {condition}:")
            with self.block():
                self.line(f"{kept}.append({var})")
        self.line(f"{out} = tuple({kept})")

    def spend(self) -> None:
        """At the top of every loop pass: facts visited so far count towards the entity's
        bound (``ctx.spend``), so a runaway rule stops with a clear error, never hangs."""
        self.line(f"if W > {WORK_STEP}:")
        with self.block():
            self.line("ctx.spend(W)")
            self.line("W = 0")

    def per_fact(self, var: str, node: ir.Node) -> str:
        """``node`` as the body of a comprehension over ``var``: the parts that do not depend
        on any fact of the comprehension are computed once, before it."""
        self._comprehension.add(var)
        try:
            return self.inline(node)
        finally:
            self._comprehension.discard(var)

    def aggregate(self, node: ir.Aggregate) -> str:
        fused = self._fused(node)
        if fused is not None:
            return fused
        source = self.temp(self.value(node.source, node.func in _ANY_ORDER))
        evidence, func = self.evidence, node.func
        if func == "count":
            self._evidence(source, whole=True)
            return f"len({source})"
        if func in ("exists", "none"):
            if evidence is not None and source not in self.covered:
                self.line(f"if {source}:")
                with self.block():
                    self.line(f"{evidence}.append({source})")
                self.covered.add(source)  # all its facts, or it has none
            return f"(len({source}) {'!=' if func == 'exists' else '=='} 0)"
        assert node.arg is not None
        self.line(f"W += len({source})")
        var = self.names[node.var] = self.fresh("f")
        percentage = node.arg.type.kind is Kind.PERCENTAGE
        if not self.heavy(node.arg):
            arg = self.per_fact(node.var, node.arg)
            if func == "every":
                against = self.temp(f"[{var} for {var} in {source} if not {arg}]", "x")
            elif func == "distinct":
                self._evidence(source, whole=True)
                facts = f"len({{{arg} for {var} in {source}}})"
                dated = self.days.get(source)
                if dated is not None and indexes.item_field(node.arg, node.var) == dated[0]:
                    return f"(len(set({dated[1]})) if {dated[1]} is not None else {facts})"
                return facts
            else:
                values = self.temp(f"[{arg} for {var} in {source}]", "w")
        else:
            values = self.fresh("w")
            self.line(f"{values} = []")
            self.line(f"for {var} in {source}:")
            with self.loop(f"len({source})"):
                self.line(f"{values}.append({self.value(node.arg)})")
            if func == "every":
                pairs = f"zip({source}, {values})"
                against = self.temp(f"[{var} for {var}, ok in {pairs} if not ok]", "x")
        if func == "every":
            if evidence is not None and source not in self.covered:  # every counterexample, or all
                self.line(f"{evidence}.append({against} or {source})")
            return f"(not {against})"
        self._evidence(source, whole=True)
        summary = f"_summary_of({self.const(func)}, {values}, {source}, {percentage})"
        if node.default is None:
            return summary
        if self.heavy(node.default):
            raise Unsupported("a default that counts or selects")
        return f"({summary} if {source} else {self.inline(node.default)})"

    def _evidence(self, source: str, whole: bool) -> None:
        """An aggregate's facts join the requirement's evidence (once is enough)."""
        if self.evidence is None or source in self.covered:
            return
        self.line(f"{self.evidence}.append({source})")
        if whole:
            self.covered.add(source)

    def _fused(self, node: ir.Aggregate) -> str | None:
        """``distinct(S as s where …, s.date)``, ``count(S where …)``: one comprehension over
        S, without the selection in between, when its facts need not join the evidence because
        all of S has already joined it (``require distinct(本周, 本周.date) >= 5`` before)."""
        selection = node.source
        if not (
            isinstance(selection, ir.Filter)
            and isinstance(selection.source, ir.Ref)
            and selection.source.scope == "local"
            and node.func in ("count", "exists", "none", "distinct", "every")
            and not self.heavy(selection.condition)
            and (node.arg is None or not self.heavy(node.arg))
        ):
            return None
        source = self.names[selection.source.key]
        if self.evidence is not None and source not in self.covered:
            return None
        self.line(f"W += len({source})")
        dated = self.days.get(source)
        by_date = self._by_date(node, dated) if dated is not None else None
        var = self.names[selection.var] = self.fresh("f")
        condition = self.per_fact(selection.var, selection.condition)
        if by_date is not None and dated is not None:
            fused = self._fused_over(node, var, source, condition)
            return f"({by_date} if {dated[1]} is not None else {fused})"
        return self._fused_over(node, var, source, condition)

    def _by_date(self, node: ir.Aggregate, dated: tuple[str, str]) -> str | None:
        """The fused aggregate over the dates of an index's answer, when its condition and
        argument read nothing of the item but that date; None otherwise."""
        selection = node.source
        assert isinstance(selection, ir.Filter)
        if node.func != "distinct":
            return None  # counting dates would count a day once, however many facts it has
        day = self.fresh("day")
        self._date_view[selection.var] = self._date_view[node.var] = (dated[0], day)
        written = len(self.lines)
        try:
            condition = self.per_fact(selection.var, selection.condition)
            arg = self.per_fact(node.var, node.arg) if node.arg is not None else None
        except _NotDateOnly:
            del self.lines[written:]  # what it hoisted before finding out
            return None
        finally:
            del self._date_view[selection.var], self._date_view[node.var]
        table = condition.removesuffix(f"[{day}]")
        if arg == day and _is_name(table) and table in self._tables:  # a calendar test: C-level filter
            return f"len(set(_filter({table}.__getitem__, {dated[1]})))"
        return f"len({{{arg} for {day} in {dated[1]} if {condition}}})"

    def _fused_over(self, node: ir.Aggregate, var: str, source: str, condition: str) -> str:
        if node.arg is None:
            kept = f"len([{var} for {var} in {source} if {condition}])"
            return {"count": kept, "exists": f"({kept} != 0)", "none": f"({kept} == 0)"}[node.func]
        self.names[node.var] = var  # the aggregate's item is the selection's
        arg = self.per_fact(node.var, node.arg)
        if node.func == "distinct":
            return f"len({{{arg} for {var} in {source} if {condition}}})"
        return f"(len([{var} for {var} in {source} if {condition} and not {arg}]) == 0)"

    # -- pure expressions
    def inline(self, node: ir.Node) -> str:
        """A pure Python expression for ``node`` (no statements, no evidence)."""
        bound = self._bound.get(id(node))
        if bound is not None:
            return bound
        if self._comprehension and not _bare(node) and not self._reads(node, self._comprehension):
            outside, self._comprehension = self._comprehension, set()
            try:  # the same for every fact of the comprehension: computed once, before it
                return self.temp(self._inline(node), "h")
            finally:
                self._comprehension = outside
        return self._inline(node)

    def _reads(self, node: ir.Node, names: set[str]) -> bool:
        return indexes.any_node(
            node, lambda n: isinstance(n, ir.Ref) and n.scope == "local" and n.key in names
        )

    def _inline(self, node: ir.Node) -> str:
        sub = self.inline
        if isinstance(node, ir.Const):
            return self.const(node.value)
        if isinstance(node, ir.Ref):
            if node.scope == "local":
                if node.key in self._date_view:
                    raise _NotDateOnly  # the item itself, not only its date
                name = self.names.get(node.key)
                if name is None:
                    raise Unsupported(f"the name {node.key} is bound nowhere")  # pragma: no cover
                return name
            if node.scope == "facts":  # a fact type the ledger does not cover raises KeyError
                return self.once("facts", node.key, f"FACTS[{self.const(node.key)}]")
            if node.scope == "param":
                return self.once("param", node.key, f"_param(ctx, {self.const(node.key)})")
            return "as_of"
        if isinstance(node, ir.GetAttr):
            viewed = self._viewed(node)
            if viewed is not None:
                return viewed
            target = sub(node.target)
            if node.on == "fact":
                return fact_attribute(target, node.name)
            if node.on == "date":
                return _PARTS[node.name].format(target)
            return f"{target}.{node.name}"  # a period's start, end or days
        if isinstance(node, ir.ParamAt):
            return f"_param_at(ctx, {self.const(node.key)}, {sub(node.when)})"
        if isinstance(node, ir.Apply):
            args = [sub(a) for a in node.args]
            if node.func == "deadline":
                return f"_deadline(cal, {args[0]}, {args[1]})"
            if node.func == "working_days_between":
                return f"cal.working_days_between({args[0]}, {args[1]})"
            if node.func == "days_between":
                return f"(({args[1]}) - ({args[0]})).days"
            return f"_apply(cal, {self.const(node.func)}, {', '.join(args)})"
        if isinstance(node, ir.Lookup):
            table = self.once("param", node.key, f"_param(ctx, {self.const(node.key)})")
            return f"_lookup({self.const(node.key)}, {table}, {sub(node.arg)})"
        if isinstance(node, ir.If):
            return f"({sub(node.then)} if {sub(node.condition)} else {sub(node.otherwise)})"
        if isinstance(node, ir.Logic):
            return "(" + f" {node.op} ".join(f"({sub(o)})" for o in node.operands) + ")"
        if isinstance(node, ir.Not):
            return f"(not {sub(node.operand)})"
        if isinstance(node, ir.Neg):
            return f"(-{sub(node.operand)})"
        if isinstance(node, ir.Arith):
            left, right = sub(node.left), sub(node.right)
            if node.mode == "date_duration":
                return f"_shift(cal, {left}, {right}, {1 if node.op == '+' else -1})"
            if node.mode == "scale":
                return f"_scale({left}, {right})"
            return f"_arith({self.const(node.op)}, {left}, {right})"
        if isinstance(node, ir.Cmp):
            return self.compare(node.op, node.mode, sub(node.left), sub(node.right))
        if isinstance(node, ir.In):
            return self._in(node)
        if isinstance(node, ir.Within):
            return self._within(node)
        if isinstance(node, ir.ListOf):
            return "(" + "".join(f"{sub(item)}, " for item in node.items) + ")"
        if isinstance(node, ir.Test):
            return self._test(node)
        if isinstance(node, ir.MakePeriod):
            return f"_Period({sub(node.start)}, {sub(node.end)})"  # refuses an end before the start
        raise Unsupported(type(node).__name__)  # a selection or aggregate outside statements

    def _viewed(self, node: ir.GetAttr) -> str | None:
        """An item's date where only dates are at hand (see :meth:`_by_date`)."""
        target = node.target
        if isinstance(target, ir.Ref) and target.scope == "local" and target.key in self._date_view:
            field, day = self._date_view[target.key]
            if node.on != "fact" or node.name != field:
                raise _NotDateOnly
            return day
        return None

    def compare(self, op: str, mode: str, left: str, right: str) -> str:
        """`left op right`: facts by identity, durations of one family by size, values as Python does."""
        if mode == "fact":
            return f"({left} {'is' if op == '=' else 'is not'} {right})"
        if mode == "value":
            return f"({left} {_OPS[op]} {right})"
        return f"_compare({self.const(op)}, {self.const(mode)}, {left}, {right})"

    def _in(self, node: ir.In) -> str:
        left, right = self.inline(node.left), self.inline(node.right)
        negate = "not " if node.negated else ""
        if node.mode == "value_list":
            return f"({left} {'not in' if node.negated else 'in'} {right})"
        if node.mode == "date_period":
            if self._comprehension and not self._reads(node.right, self._comprehension):
                start, end = self.temp(f"{right}.start", "h"), self.temp(f"{right}.end", "h")
                return f"({negate}({start} <= {left} <= {end}))"  # the period's ends read once
            if _is_name(right):
                return f"({negate}({right}.start <= {left} <= {right}.end))"
        elif node.mode == "period_period" and _is_name(left) and _is_name(right):
            return f"({negate}({right}.start <= {left}.start and {left}.end <= {right}.end))"
        return f"({negate}_member({self.const(node.mode)}, {left}, {right}))"

    def _within(self, node: ir.Within) -> str:
        day = self.inline(node.subject)
        inside = self._comprehension
        if inside and not self._reads(node.anchor, inside) and not self._reads(node.duration, inside):
            self._comprehension = set()
            try:  # the window is the same for every fact: its end is computed once
                anchor = self.temp(self._inline(node.anchor), "h")
                end = self.temp(f"_deadline(cal, {anchor}, {self._inline(node.duration)})", "h")
            finally:
                self._comprehension = inside
            return f"({anchor} <= {day} <= {end})"
        return f"_within(cal, {day}, {self.inline(node.anchor)}, {self.inline(node.duration)})"

    def _test(self, node: ir.Test) -> str:
        subject = node.subject
        if node.test in ("set", "missing"):
            if isinstance(subject, ir.GetAttr) and subject.on == "fact":
                if subject.name == "id":
                    return "True" if node.test == "set" else "False"
                present = f"_has({self.inline(subject.target)}, {field_attribute(subject.name)!r})"
                return present if node.test == "set" else f"(not {present})"
            present = f"_present({self.inline(subject)})"
            return present if node.test == "set" else f"(not {present})"
        table = self.once("table", node.test, f"_day_table(cal, {self.const(node.test)})")
        self._tables.add(table)
        return f"{table}[{self.inline(subject)}]"
