"""Whole rules → generated Python with the exact three-valued semantics, and traces.

:mod:`protrules.compiling.codegen` writes each rule for the case where every value is definite,
which is nearly always; where a value is not — a fact type the ledger does not cover, a
missing optional field, an unpublished calendar year — that code raises, and the rule is
evaluated, for that entity, by the function written here. It computes the same thing as the
reference interpreter (:mod:`protrules.evaluation.reference`) with every value possibly
unknown: each operation goes through :mod:`protrules.evaluation.threevalued`, operands that
may not be evaluated are passed as ``lambda``\\ s, and every check is kept (a result without
checks is made from them). With ``trace=True`` (``RuleSet.explain``) each requirement's
sub-expressions record their values, and a count or test that found too little its near
misses.

The code is flat: one Python ``for`` per `for each`, selections and aggregates as calls, so
its nesting is the rule's own. Every name and string of the rule file reaches it as a constant
of its namespace (``k3``) or a name chosen here, never as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from protrules.checking import ir
from protrules.compiling.codegen_expr import Written
from protrules.compiling.codegen_select import constant_selection
from protrules.evaluation import indexes, threevalued
from protrules.evaluation.findings import NotApplicable
from protrules.evaluation.verdicts import Requirement

__all__ = ["write"]


class _Exact:
    """The lines of one exact function, the names it binds and the constants it reads."""

    def __init__(self, rule: ir.RuleDef, trace: bool) -> None:
        self.rule, self.trace = rule, trace
        self.lines: list[str] = []
        self.depth = 1
        self.namespace = namespace(rule, trace)
        self.prelude: dict[tuple[str, str], tuple[str, str]] = {}
        self.names: dict[str, str] = {}  # IR local → Python name
        self.keys: dict[str, ir.Node] = {}  # names of selections' keys → their nodes
        self._count = 0
        self._consts: dict[int, str] = {}
        self._keep: list[Any] = []  # constants made here, kept alive so their ids stay unique
        self._tdepth = 0

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

    def const(self, value: Any) -> str:
        name = self._consts.get(id(value))
        if name is None:
            self._keep.append(value)
            name = self._consts[id(value)] = self.fresh("k")
            self.namespace[name] = value
        return name

    def memo_key(self, node: ir.Node) -> str:
        """A selection's key in ``ctx.selections``, as :meth:`~protrules.compiling.codegen_expr.
        Expressions.memo_key` writes it (the two share the selections)."""
        name = self.const(id(node))
        self.keys[name] = node
        return name

    def once(self, kind: str, key: str, expr: str) -> str:
        found = self.prelude.get((kind, key))
        if found is None:
            found = self.prelude[(kind, key)] = (self.fresh(f"{kind}_"), expr)
        return found[0]

    # -- expressions
    def expr(self, node: ir.Node, traced: bool = False) -> str:
        """A Python expression for ``node``'s value, known or not; ``traced``: it records its
        value and its sub-expressions' (a requirement's, in ``explain``)."""
        if not (traced and self.trace) or isinstance(node, ir.Const):
            return self._expr(node, False)
        depth = self._tdepth
        self._tdepth += 1
        try:
            inner = self._expr(node, True)
        finally:
            self._tdepth -= 1
        misses = self._misses(node)
        return f"_leave(ctx, _enter(ctx), {depth}, {self.const(node.text)}, {inner}{misses})"

    def _expr(self, node: ir.Node, traced: bool) -> str:
        def sub(child: ir.Node) -> str:
            return self.expr(child, traced)

        if isinstance(node, ir.Const):
            return self.const(node.value)
        if isinstance(node, ir.Ref):
            if node.scope == "local":
                return self.names[node.key]
            if node.scope == "facts":
                return self.once("facts", node.key, f"_facts(ctx, {self.const(node.key)})")
            if node.scope == "param":
                return self.once("param", node.key, f"_param(ctx, {self.const(node.key)}, as_of)")
            return "as_of"
        if isinstance(node, ir.GetAttr):
            if node.on == "fact":
                return f"_field({sub(node.target)}, {self.const(node.name)})"
            return f"_part({sub(node.target)}, {self.const(node.on)}, {self.const(node.name)})"
        if isinstance(node, ir.ParamAt):
            return f"_param_at(ctx, {self.const(node.key)}, {sub(node.when)})"
        if isinstance(node, ir.Filter):
            return self.selection(node)
        if isinstance(node, ir.Aggregate):
            return self.aggregate(node)
        if isinstance(node, ir.Apply):
            args = "".join(f"{sub(a)}, " for a in node.args)
            return f"_apply(cal, {self.const(node.func)}, ({args}))"
        if isinstance(node, ir.Lookup):
            return f"_look_up(ctx, {self.const(node.key)}, {sub(node.arg)})"
        if isinstance(node, ir.If):
            branches = f"lambda: {sub(node.then)}, lambda: {sub(node.otherwise)}"
            return f"_choose({sub(node.condition)}, {branches})"
        if isinstance(node, ir.Logic):
            first, *rest = node.operands
            later = "".join(f"lambda: {sub(o)}, " for o in rest)
            return f"_logic({node.op == 'or'}, {sub(first)}, ({later}))"
        if isinstance(node, ir.Not):
            return f"_negate({sub(node.operand)})"
        if isinstance(node, ir.Neg):
            return f"_minus({sub(node.operand)})"
        if isinstance(node, ir.Arith):
            if node.mode == "date_duration":
                return f"_move(cal, {sub(node.left)}, {sub(node.right)}, {1 if node.op == '+' else -1})"
            if node.mode == "scale":
                return f"_times({sub(node.left)}, {sub(node.right)})"
            return f"_compute({self.const(node.op)}, {sub(node.left)}, lambda: {sub(node.right)})"
        if isinstance(node, ir.Cmp):
            how = f"{self.const(node.op)}, {self.const(node.mode)}"
            return f"_compared({how}, {sub(node.left)}, lambda: {sub(node.right)})"
        if isinstance(node, ir.In):
            how = f"{self.const(node.mode)}, {node.negated}"
            return f"_contained({how}, {sub(node.left)}, lambda: {sub(node.right)})"
        if isinstance(node, ir.Within):
            later = f"lambda: {sub(node.anchor)}, lambda: {sub(node.duration)}"
            return f"_within(cal, {sub(node.subject)}, {later})"
        if isinstance(node, ir.ListOf):
            return "_listed((" + "".join(f"{sub(item)}, " for item in node.items) + "))"
        if isinstance(node, ir.Test):
            return self._test(node, sub)
        if isinstance(node, ir.MakePeriod):
            return f"_period({sub(node.start)}, {sub(node.end)})"
        raise AssertionError(node)  # pragma: no cover

    def _test(self, node: ir.Test, sub: Any) -> str:
        subject = node.subject
        if node.test in ("set", "missing"):
            want = node.test == "set"
            if isinstance(subject, ir.GetAttr) and subject.on == "fact":
                return f"_has({sub(subject.target)}, {self.const(subject.name)}, {want})"
            return f"_present({sub(subject)}, {want})"
        return f"_calendar(cal, {self.const(node.test)}, {sub(subject)})"

    def selection(self, node: ir.Filter) -> str:
        source = self.expr(node.source)
        var = self.names[node.var] = self.fresh("f")
        test = f"lambda {var}: {self.expr(node.condition)}"
        plan = indexes.plan(node)
        how = "None, None, None"
        if plan is not None:
            span = f"lambda _c: {self.expr(plan.range_key)}" if plan.range_key is not None else "None"
            how = f"{self.const(plan)}, lambda _c: {self.expr(plan.key)}, {span}"
        call = f"_select(ctx, {source}, {test}, {how})"
        if constant_selection(node):  # once an entity, shared with the code for definite values
            key = self.memo_key(node)
            return f"_memo(ctx, {key}, lambda: {call})"
        return call

    def aggregate(self, node: ir.Aggregate) -> str:
        source = self.expr(node.source)
        if node.func in ("count", "exists", "none"):
            return f"_{node.func}(ctx, {source})"
        assert node.arg is not None
        var = self.names[node.var] = self.fresh("f")
        percentage = node.arg.type.kind.name == "PERCENTAGE"
        arg = f"lambda {var}: {self.expr(node.arg)}"
        default = f"lambda: {self.expr(node.default)}" if node.default is not None else "None"
        return f"_per_item(ctx, {self.const(node.func)}, {source}, {arg}, {percentage}, {default})"

    def _misses(self, node: ir.Node) -> str:
        """For a traced `exists`/`count` over `S where a and b …`: its near misses."""
        if not (isinstance(node, ir.Aggregate) and node.func in ("exists", "count")):
            return ""
        selection = node.source
        if not (isinstance(selection, ir.Filter) and isinstance(selection.condition, ir.Logic)):
            return ""
        if selection.condition.op != "and":
            return ""
        source = self.expr(selection.source)
        var = self.names[selection.var] = self.fresh("f")
        parts = "".join(
            f"({self.const(c.text)}, {self.const(threevalued.fields_of(c, selection.var))},"
            f" lambda {var}: {self.expr(c)}), "
            for c in selection.condition.operands
        )
        return f", lambda: _near_misses(ctx, {source}, ({parts}))"

    # -- statements
    def write(self) -> str:
        self.block_of(self.rule.body, [], "None", None)
        head = ["def rule(ctx, full, CK, LETS):", "    cal = ctx.calendar", "    as_of = ctx.as_of"]
        head += [f"    {name} = {expr}" for name, expr in self.prelude.values()]
        return "\n".join([*head, *self.lines, "    return _done(R, ctx, CK, LETS, full)"]) + "\n"

    def block_of(self, stmts: tuple[ir.Stmt, ...], context: list[str], due: str, mark: str | None) -> None:
        labels = "(" + "".join(f"{label}, " for label in context) + ")"
        for stmt in stmts:
            if isinstance(stmt, ir.LetS):
                name = self.names[stmt.var] = self.fresh("x")
                self.line(f"{name} = {self.expr(stmt.value)}")
                self.line(f"LETS.append((_labelled({self.const(stmt.name)}, {labels}), {name}))")
            elif isinstance(stmt, ir.RequireS):
                by = self.expr(stmt.by, True) if stmt.by is not None else "None"
                cond = stmt.condition
                if isinstance(cond, ir.Cmp):
                    values = f"{self.expr(cond.left, True)}, {self.expr(cond.right, True)}"
                else:
                    values = f"{self.expr(cond, True)}, None"
                req = self.const(Requirement.of(stmt))
                self.line(f"_require(ctx, CK, {req}, {labels}, {due}, lambda: ({by}, {values}))")
            elif isinstance(stmt, ir.AdviseS):
                self.line("if full:")
                with self.block():
                    text = self.const(stmt.text)
                    condition = self.const(stmt.condition)
                    test = self.expr(stmt.condition)
                    self.line(f"_advise(ctx, CK, {text}, {condition}, {labels}, lambda: {test})")
                self.line("else:")
                with self.block():
                    self.line("CK.append(_ADVICE)")
            elif isinstance(stmt, ir.AppliesS):
                self.applies(stmt, labels, mark)
            elif isinstance(stmt, ir.ForFactsS):
                self.for_facts(stmt, context, labels, due)
            elif isinstance(stmt, ir.ForPeriodsS):
                self.for_periods(stmt, context, labels)

    def _leave_pass(self, mark: str | None) -> None:
        self.line("continue" if mark is not None else "return _done(R, ctx, CK, LETS, full)")

    def applies(self, stmt: ir.AppliesS, labels: str, mark: str | None) -> None:
        """A pass (or the rule) that does not apply: its checks give way to the one saying
        why (the lets stay); one not known to apply ends there, with an unknown check."""
        value, text = self.fresh("t"), self.const(stmt.text)
        self.line(f"{value} = {self.expr(stmt.condition)}")
        self.line(f"if {value}.__class__ is _Unknown:")
        with self.block():
            self.line(f"CK.append(_Check({text}, {labels}, _UNKNOWN, _Missing({value}.reason)))")
            self._leave_pass(mark)
        self.line(f"if {value} is False:")
        with self.block():
            self.line(f"del CK[{mark or 0}:]")
            na = self.const(NotApplicable("does not apply", stmt))
            self.line(f"CK.append(_Check({text}, {labels}, _NA, {na}))")
            self._leave_pass(mark)

    def _pass(self, body: tuple[ir.Stmt, ...], context: list[str], due: str) -> None:
        mark = None
        if any(isinstance(s, ir.AppliesS) for s in body):
            mark = self.fresh("mk")
            self.line(f"{mark} = len(CK)")
        self.block_of(body, context, due, mark)

    def for_facts(self, stmt: ir.ForFactsS, context: list[str], labels: str, due: str) -> None:
        text, items, matched = self.const(stmt.text), self.fresh("i"), self.fresh("m")
        self.line(f"{items} = _loop_facts(ctx, CK, {text}, {labels}, {self.expr(stmt.source)})")
        self.line(f"{matched} = 0")
        var = self.names[stmt.var] = self.fresh("f")
        name = self.const(stmt.name)
        self.line(f"for {var} in {items} or ():")
        with self.block():
            label = self.fresh("lb")
            if stmt.condition is not None:
                keep = self.fresh("t")
                self.line(f"{keep} = {self.expr(stmt.condition)}")
                self.line(f"if {keep}.__class__ is _Unknown:")
                with self.block():
                    here = labels[:-1] + f"_Pass({name}, {var}), )"
                    found = f"({var}.type + ':' + {var}.id, )"
                    missing = f"_Missing({keep}.reason)"
                    self.line(f"CK.append(_Check({text}, {here}, _UNKNOWN, {missing}, None, {found}))")
                    self.line("continue")
                self.line(f"if not {keep}:")
                with self.block():
                    self.line("continue")
            self.line(f"{matched} += 1")
            self.line(f"{label} = _Pass({name}, {var})")
            self._pass(stmt.body, [*context, label], due)
        self.line(f"if {items} is not None and not {matched}:")
        with self.block():
            na = self.const(NotApplicable("no facts to check", stmt))
            self.line(f"CK.append(_Check({text}, {labels}, _NA, {na}))")

    def for_periods(self, stmt: ir.ForPeriodsS, context: list[str], labels: str) -> None:
        text, units, matched = self.const(stmt.text), self.fresh("u"), self.fresh("m")
        span = self.expr(stmt.period)
        self.line(f"{units} = _loop_units(cal, CK, {text}, {labels}, {self.const(stmt.unit)}, {span})")
        self.line(f"{matched} = 0")
        name, var = self.fresh("l"), self.fresh("p")
        self.names[stmt.var] = var
        self.line(f"for {name}, {var} in {units} or ():")
        with self.block():
            if stmt.condition is not None:
                self.line(f"if {self.expr(stmt.condition)} is not True:")
                with self.block():
                    self.line("continue")
            self.line(f"{matched} += 1")
            label, due = self.fresh("lb"), self.fresh("d")
            self.line(f"{label} = _Pass({self.const(stmt.name)}, {name})")
            self.line(f"{due} = {var}.end")
            self._pass(stmt.body, [*context, label], due)
        self.line(f"if {units} is not None and not {matched}:")
        with self.block():
            na = self.const(NotApplicable("no units to check", stmt, stmt.unit))
            self.line(f"CK.append(_Check({text}, {labels}, _NA, {na}))")


def namespace(rule: ir.RuleDef, trace: bool = False) -> dict[str, Any]:
    """What every exact function's namespace holds before its constants: the helpers and the rule."""
    return {**threevalued.HELPERS, "R": rule}


def write(rule: ir.RuleDef, trace: bool = False) -> Written:
    """The exact function's source and the namespace it runs in: ``rule(ctx, full, CK, LETS)``
    notes checks in ``CK`` and lets in ``LETS``; a calendar question it cannot answer outside a
    requirement raises :class:`~protrules.errors.CalendarError` (see :func:`protrules.
    compiling.rules.run_rule`)."""
    exact = _Exact(rule, trace)
    return Written(exact.write(), exact.namespace, exact.keys)
