"""Checked expressions → pure Python expressions, for rules generated whole.

:class:`Expressions` is the part of the :class:`~protrules.compiling.codegen_select.Emitter`
that needs no statements: the lines and names of one generated function, the constants it
reads, and ``inline(node)``, which returns a pure expression for an expression that selects
and counts nothing (as the condition of a comprehension needs). What needs statements —
selections, aggregates, the evidence they add to — is :mod:`protrules.compiling.codegen_select`.

The code is written for **definite values only**. Every name is bound, every field present,
every calendar question answerable: where that does not hold — a fact type the ledger does not
cover, a missing optional field, a parameter with no value in force, ``min`` of no facts, a
year with no published notice — the generated code raises (:class:`~protrules.evaluation.definite.Bail`,
or the ``KeyError``/``CalendarError`` Python raises on its own) and the rule is evaluated by the
exact code of :mod:`protrules.compiling.exact`, which gives the three-valued answer. So the
generated code may compute early what the exact code computes late (a deadline that does not
depend on the fact is computed once before a comprehension, not once per fact): the worst
such a move can do is raise where the exact code would not, and then the exact code answers.
The run-time helpers the code calls are :mod:`protrules.evaluation.definite`.

Safety: the source holds only operators, names chosen here and ``repr`` of declared field
names; every constant of the rule file reaches it by reference (a name in the namespace).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from protrules.checking import ir
from protrules.evaluation import indexes
from protrules.evaluation.definite import HELPERS
from protrules.facts.model import field_attribute

__all__ = ["Expressions", "NotDateOnly", "Unsupported", "Written", "fact_attribute", "is_name", "operands"]


class Written(NamedTuple):
    """A generated function as its writer leaves it: the source, the namespace it runs in, and
    which of the namespace's names hold a selection's key in ``ctx.selections`` (the id of its
    node, the same for the code for definite values and the exact code: see
    :meth:`Expressions.memo_key`)."""

    text: str
    namespace: dict[str, Any]
    keys: dict[str, ir.Node]


def fact_attribute(target: str, name: str) -> str:
    """The Python that reads field ``name`` of the fact ``target`` names: one attribute read
    (``s.date``), which a typed fact answers from a slot and a plain one from its dict; an
    absent optional field raises ``AttributeError``, which sends the rule to the fallback."""
    return f"{target}.id" if name == "id" else f"{target}.{field_attribute(name)}"


class Unsupported(Exception):
    """The rule uses something the generator does not write: it runs on its exact code."""


class NotDateOnly(Exception):
    """An expression reads more of an item than its date."""


_OPS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_PARTS = {
    "year": "{}.year",
    "month": "{}.month",
    "day": "{}.day",
    "weekday": "{}.isoweekday()",
    "quarter": "(({}.month - 1) // 3 + 1)",
}


def operands(node: ir.Node) -> Iterator[ir.Node]:
    """A node's sub-expressions, in the order the exact code evaluates them."""
    for child in indexes.children(node):
        if isinstance(child, ir.Node):
            yield child
        elif isinstance(child, tuple):
            yield from (c for c in child if isinstance(c, ir.Node))


def _bare(node: ir.Node) -> bool:
    """A constant or a name: in a comprehension, as cheap to read as a temporary."""
    return isinstance(node, ir.Const | ir.Ref)


def is_name(text: str) -> bool:
    """Whether a Python expression is a bare name (read as often as wanted, at no cost)."""
    return text.isidentifier()


# ------------------------------------------------------------------ the expressions


class Expressions:
    """The lines of one generated function, the names it binds, the constants it reads, and
    its pure expressions."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1
        self.namespace: dict[str, Any] = dict(HELPERS)
        self.prelude: dict[tuple[str, str], tuple[str, str]] = {}  # once per call: (kind, key) → (name, expr)
        #: IR local → the Python name holding its value.
        self.names: dict[str, str] = {}
        #: Names of selections' keys → their nodes (:meth:`memo_key`).
        self.keys: dict[str, ir.Node] = {}
        self._count = 0
        self._consts: dict[int, str] = {}
        self._heavy: dict[int, bool] = {}
        self._bound: dict[int, str] = {}  # sub-expressions already computed by statements
        self._comprehension: set[str] = set()  # IR locals bound by the comprehension being written
        self._date_view: dict[str, tuple[str, str]] = {}  # IR local → its date field and the date's name
        self._tables: set[str] = set()  # names of calendar tables

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
        if is_name(expr):
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

    def memo_key(self, node: ir.Node) -> str:
        """The name of a selection's key in ``ctx.selections``, which the code for definite
        values and the exact code share: the id of its node. The id is of this process: a
        function kept in the program cache gets its node's id again when it is installed
        (:meth:`protrules.compiling.rules.CompiledRule.restore`)."""
        name = self.const(id(node))
        self.keys[name] = node
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

    def per_fact(self, var: str, node: ir.Node) -> str:
        """``node`` as the body of a comprehension over ``var``: the parts that do not depend
        on any fact of the comprehension are computed once, before it."""
        self._comprehension.add(var)
        try:
            return self.inline(node)
        finally:
            self._comprehension.discard(var)

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
                    raise NotDateOnly  # the item itself, not only its date
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
                raise NotDateOnly
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
            if is_name(right):
                return f"({negate}({right}.start <= {left} <= {right}.end))"
        elif node.mode == "period_period" and is_name(left) and is_name(right):
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
