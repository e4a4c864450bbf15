"""Selections, aggregates and the statements around them, for rules generated whole.

An :class:`Emitter` writes the statements of one generated function (for definite values:
:mod:`protrules.compiling.codegen_expr` says what that means). ``value(node)`` writes whatever
statements an expression needs (a selection, an aggregate adding its facts to the
requirement's evidence, an `and` whose second operand counts something) and returns a Python
expression for its value. A selection is one comprehension, or a lookup in the entity's index
when it runs inside a loop (:mod:`protrules.evaluation.indexes`); one that reads no outside
name is computed once per entity and shared with the exact code. Nothing that counts as
evidence is ever moved or skipped: aggregates run exactly where, and exactly as often as, the
exact code runs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from protrules.checking import ir
from protrules.compiling.codegen_expr import Expressions, NotDateOnly, Unsupported, is_name, operands
from protrules.evaluation import indexes
from protrules.facts.model import Kind

__all__ = ["Emitter", "constant_selection"]


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


#: Aggregates that read their facts in any order: an index may give them by date.
_ANY_ORDER = frozenset(("count", "exists", "none", "distinct", "every", "share"))

#: Facts visited between two checks of the entity's bound on evaluation work: the generated
#: code counts them in a local variable, cheaper than a call per selection.
WORK_STEP = 10_000


class Emitter(Expressions):
    """Writes one generated function: its statements, selections and aggregates."""

    def __init__(self) -> None:
        super().__init__()
        #: The list the current requirement's aggregates add their facts to (None outside one).
        self.evidence: str | None = None
        #: Python names of selections all of whose facts are in the evidence already (here).
        self.covered: set[str] = set()
        #: Python names of selections an index answered whole → the date field and the name
        #: of their dates, in the same order (None where the index could not slice).
        self.days: dict[str, tuple[str, str]] = {}
        #: How many times the loops around the code being written run (innermost last).
        self.passes: list[str] = []
        #: Python names of selections an index may answer with a slice of a plain run → the
        #: run's facts, the slice's ends and the name that is None where it did not.
        self.spans: dict[str, tuple[str, str, str, str]] = {}
        #: The evidence list whose run slices are joined into spans (:meth:`join`), if any.
        self.spanned: str | None = None
        #: The evidence list that holds facts, not selections (a tally's), if any.
        self.flat: str | None = None

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
        bound = [child for child in operands(node) if self.heavy(child)]
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
        key = self.memo_key(node)
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
                self.spans[out] = (f"{run}.facts", lo, hi, days)
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
                if not self.join(source):
                    self.line(f"if {source}:")
                    with self.block():
                        self.gather(evidence, source)
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
                self.gather(evidence, f"({against} or {source})")
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
        if not self.join(source):
            self.gather(self.evidence, source)
        if whole:
            self.covered.add(source)

    def gather(self, evidence: str, facts: str) -> None:
        """Facts (a Python expression for a sequence of them) join an evidence list: a tally's
        holds the facts themselves, one list for the whole rule, a check's each selection."""
        if evidence == self.flat:
            self.line(f"{evidence} += {facts}")
        else:
            self.line(f"{evidence}.append({facts})")

    def join(self, source: str) -> bool:
        """A selection's facts join the evidence as a span of its run, where an index answered
        it with a slice: a loop over consecutive periods (the weeks of a year) slices the run
        at consecutive places, and the spans of one run that meet or overlap are kept as one
        slice (taken when another run's slice comes, and at the end) instead of a slice each.
        False (nothing written) where the evidence is not kept so."""
        found = self.spans.get(source)
        if found is None or self.evidence is None or self.evidence != self.spanned:
            return False
        facts, lo, hi, days = found
        run, start, end = self._span()
        self.line(f"if {days} is None:")  # not a slice of the run this time
        with self.block():
            self.line(f"if {source}:")
            with self.block():
                self.gather(self.evidence, source)
        self.line(f"elif {run} is {facts} and {start} <= {lo} <= {end}:")
        with self.block():
            self.line(f"if {hi} > {end}:")
            with self.block():
                self.line(f"{end} = {hi}")
        self.line("else:")
        with self.block():
            self.line(f"if {run} is not None:")
            with self.block():
                self.gather(self.evidence, f"{run}[{start}:{end}]")
            self.line(f"{run}, {start}, {end} = {facts}, {lo}, {hi}")
        return True

    def _span(self) -> tuple[str, str, str]:
        """The span being gathered: its run's facts (None: no span yet) and its ends."""
        return self.once("span", "run", "None"), self.once("span", "lo", "0"), self.once("span", "hi", "0")

    def flush(self) -> None:
        """The last span joins the evidence (at the end of the function)."""
        if ("span", "run") not in self.prelude or self.spanned is None:
            return
        run, start, end = self._span()
        self.line(f"if {run} is not None:")
        with self.block():
            self.gather(self.spanned, f"{run}[{start}:{end}]")

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
        except NotDateOnly:
            del self.lines[written:]  # what it hoisted before finding out
            return None
        finally:
            del self._date_view[selection.var], self._date_view[node.var]
        table = condition.removesuffix(f"[{day}]")
        if arg == day and is_name(table) and table in self._tables:  # a calendar test: C-level filter
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
