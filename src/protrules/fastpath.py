"""Generated Python for per-fact expressions: the compiled evaluator's inner loop.

A selection's condition (``meeting.kind = "协调会议" and meeting.date in 季度``), a `for each`
condition and an aggregate's argument run once per fact, so they are also compiled to plain
Python over the fact's values. The names they read from outside (loop variables, `let`s) are
read once per evaluation of the selection, not once per fact, and so is every part that does
not depend on the fact (``评估期.start - 复查间隔``, ``deadline(命中.result_date, 30 working
days)``): it is computed once, by the ordinary closures. The code is exact by
construction: it only ever returns a definite value. Anything that would be unknown — a
missing field, an unknown local value, a calendar question the calendar cannot answer —
raises (see :data:`FALLBACK`), and the caller evaluates that fact with the ordinary closures.
Where Python's ``and``/``or`` short-circuit on a definite value, three-valued logic would give
the same answer, so both paths agree (the differential tests hold them to it).

Safety: the generated source contains only operators, local names chosen here and ``repr``
of field names; every constant of the rule file is passed in by reference, never spliced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from protrules import ir
from protrules.errors import CalendarError
from protrules.indexes import any_node
from protrules.runtime import Ctx, Unknown, calendar_test, deadline, param_value, shift

__all__ = ["FALLBACK", "Bail", "Generated", "Predicate", "predicate"]

#: ``prepare(ctx, env)`` reads the names the condition takes from outside (loop variables,
#: `let`s) once, and returns the test to run on each fact.
Predicate = Callable[[Ctx, dict[str, Any]], Callable[[Any], Any]]


class Bail(Exception):
    """This fact needs the exact (closure) evaluation."""


class _Unsupported(Exception):
    pass


def _known(value: Any) -> Any:
    if value.__class__ is Unknown:
        raise Bail
    return value


def _local(env: dict[str, Any], key: str) -> Any:
    return _known(env[key])


def _param(ctx: Ctx, key: str) -> Any:
    return _known(param_value(ctx, key, ctx.as_of))


def _hoisted(ctx: Ctx, fn: Callable[[Ctx], Any]) -> Any:
    """A part of the condition that does not depend on the fact, computed once. If it is
    unknown or asks the calendar about an unpublished year, every fact takes the closures,
    which give the exact answer (or raise) where the part is actually reached."""
    try:
        return _known(fn(ctx))
    except CalendarError:
        raise Bail from None


def _entity_constant(ctx: Ctx, fn: Callable[[Ctx], Any], key: int) -> Any:
    """A hoisted part that reads no local name (``评估期.start - 复查间隔``) has one value for
    the whole evaluation of an entity: computed on first use, kept with the entity's
    memoised selections."""
    memo = ctx.selections
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        found = memo[key] = _hoisted(ctx, fn)
    return found


_MISSING = object()


def _shift(ctx: Ctx, day: dt.date, duration: Any, sign: int) -> dt.date:
    return _known(shift(ctx.calendar, day, duration, sign))  # type: ignore[no-any-return]


def _deadline(ctx: Ctx, day: dt.date, duration: Any) -> dt.date:
    return _known(deadline(ctx.calendar, day, duration))  # type: ignore[no-any-return]


_CALENDAR_METHODS = {
    "working day": "is_working_day",
    "rest day": "is_rest_day",
    "statutory holiday": "is_statutory_holiday",
    "in vacation": "in_vacation",
}


def _calendar(ctx: Ctx, test: str) -> Callable[[dt.date], bool]:
    """The calendar's own method answering ``test``, looked up once per selection."""
    cal = ctx.calendar
    method = _CALENDAR_METHODS.get(test)
    if method is None:
        return lambda day: calendar_test(cal, test, day)
    found: Callable[[dt.date], bool] = getattr(cal, method)
    return found


_OPS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_PARTS = {
    "year": "{}.year",
    "month": "{}.month",
    "day": "{}.day",
    "weekday": "{}.isoweekday()",
    "quarter": "(({}.month - 1) // 3 + 1)",
}


class _Generator:
    def __init__(self, var: str) -> None:
        self.var = var
        self.constants: dict[str, Any] = {}
        self.locals: dict[str, str] = {}  # an outside name → the variable holding its value
        self.calendar: dict[str, str] = {}  # a calendar test → the variable holding its method
        self.hoisted: list[ir.Node] = []  # parts not depending on the fact: h0, h1 …

    def const(self, value: Any) -> str:
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name

    def expr(self, node: ir.Node) -> str:
        if not _cheap(node) and _fact_free(node, self.var):
            self.hoisted.append(node)
            return f"h{len(self.hoisted) - 1}"
        if isinstance(node, ir.Const):
            return self.const(node.value)
        if isinstance(node, ir.Ref):
            if node.scope == "local":
                if node.key == self.var:
                    return "fact"
                return self.locals.setdefault(node.key, f"l{len(self.locals)}")
            if node.scope == "param":
                return f"_param(ctx, {node.key!r})"
            if node.scope == "builtin":
                return "ctx.as_of"
            raise _Unsupported
        if isinstance(node, ir.GetAttr):
            target = self.expr(node.target)
            if node.on == "fact":
                if node.name == "id":
                    return f"{target}.id"
                return f"{target}.values[{node.name!r}]"
            if node.on == "date":
                return _PARTS[node.name].format(target)
            if node.name == "days":
                return f"(({target}.end - {target}.start).days + 1)"
            return f"{target}.{node.name}"
        if isinstance(node, ir.ListOf):
            return "(" + "".join(f"{self.expr(item)}, " for item in node.items) + ")"
        if isinstance(node, ir.Logic):
            joined = f" {node.op} ".join(f"({self.expr(o)})" for o in node.operands)
            return f"({joined})"
        if isinstance(node, ir.Not):
            return f"(not {self.expr(node.operand)})"
        if isinstance(node, ir.Cmp):
            left, right = self.expr(node.left), self.expr(node.right)
            if node.mode == "fact":
                return f"({left} {'is' if node.op == '=' else 'is not'} {right})"
            if node.mode != "value":
                raise _Unsupported
            return f"({left} {_OPS[node.op]} {right})"
        if isinstance(node, ir.In):
            left, right = self.expr(node.left), self.expr(node.right)
            negate = "not " if node.negated else ""
            if node.mode == "date_period":
                return f"({negate}_in_period({left}, {right}))"
            if node.mode == "period_period":
                return f"({negate}_period_in({left}, {right}))"
            if node.mode == "value_list":
                return f"({left} {'not in' if node.negated else 'in'} {right})"
            return f"({negate}any(p.start <= {left} <= p.end for p in {right}))"
        if isinstance(node, ir.Within):
            day, anchor = self.expr(node.subject), self.expr(node.anchor)
            duration = self.expr(node.duration)
            return f"_within(ctx, {day}, {anchor}, lambda: {duration})"
        if isinstance(node, ir.Test):
            tested = node.subject
            if node.test in ("set", "missing"):
                if isinstance(tested, ir.GetAttr) and tested.on == "fact":
                    inside = "in" if node.test == "set" else "not in"
                    if tested.name == "id":
                        return "True" if node.test == "set" else "False"
                    return f"({tested.name!r} {inside} {self.expr(tested.target)}.values)"
                raise _Unsupported
            method = self.calendar.setdefault(node.test, f"c{len(self.calendar)}")
            return f"{method}({self.expr(tested)})"
        if isinstance(node, ir.Arith) and node.mode == "date_duration":
            sign = 1 if node.op == "+" else -1
            return f"_shift(ctx, {self.expr(node.left)}, {self.expr(node.right)}, {sign})"
        if isinstance(node, ir.Apply) and node.func == "deadline":
            return f"_deadline(ctx, {self.expr(node.args[0])}, {self.expr(node.args[1])})"
        raise _Unsupported  # aggregates (evidence), arithmetic, other functions: closures only


def _cheap(node: ir.Node) -> bool:
    """A constant, a name or a field of one (``家访.date``, ``评估期.start``): reading it in
    the generated code costs less than computing it once through the closures."""
    while isinstance(node, ir.GetAttr):
        node = node.target
    return isinstance(node, ir.Const | ir.Ref)


def _fact_free(node: ir.Node, var: str) -> bool:
    """Whether an expression reads neither the fact nor any selection or aggregate (those
    count work and collect evidence where they are reached, so they stay in place)."""
    return not any_node(
        node,
        lambda n: isinstance(n, ir.Filter | ir.Aggregate)
        or (isinstance(n, ir.Ref) and n.scope == "local" and n.key == var),
    )


def _reads_locals(node: ir.Node) -> bool:
    return any_node(node, lambda n: isinstance(n, ir.Ref) and n.scope == "local")


def _in_period(day: dt.date, period: Any) -> bool:
    return bool(period.start <= day <= period.end)


def _period_in(inner: Any, outer: Any) -> bool:
    return bool(outer.start <= inner.start and inner.end <= outer.end)


def _within(ctx: Ctx, day: dt.date, anchor: dt.date, duration: Callable[[], Any]) -> bool:
    if day < anchor:
        return False  # evaluated lazily, as the closures do: the window's length is not needed
    return bool(day <= _deadline(ctx, anchor, duration()))


def predicate(condition: ir.Node, var: str) -> Predicate | None:
    """A generated predicate for ``condition`` over the fact bound to ``var``, or None."""
    from protrules.compiler import compile_expr  # the closures compile their own conditions with this

    generator = _Generator(var)
    try:
        body = generator.expr(condition)
    except _Unsupported:
        return None
    reads = "".join(f"    {name} = _local(env, {key!r})\n" for key, name in generator.locals.items())
    reads += "".join(f"    {name} = _calendar(ctx, {test!r})\n" for test, name in generator.calendar.items())
    for i, node in enumerate(generator.hoisted):
        if _reads_locals(node):
            reads += f"    h{i} = _hoisted(ctx, f{i})\n"
        else:
            reads += f"    h{i} = _entity_constant(ctx, f{i}, {id(node)})\n"
    source = (
        f"def prepare(ctx, env):\n{reads}"
        f"    def generated(fact):\n        return {body}\n"
        "    return generated\n"
    )
    namespace: dict[str, Any] = {
        "__builtins__": {"any": any, "True": True, "False": False},
        "_local": _local,
        "_param": _param,
        "_deadline": _deadline,
        "_shift": _shift,
        "_hoisted": _hoisted,
        "_entity_constant": _entity_constant,
        "_calendar": _calendar,
        "_in_period": _in_period,
        "_period_in": _period_in,
        "_within": _within,
        **generator.constants,
        **{f"f{i}": compile_expr(node) for i, node in enumerate(generator.hoisted)},
    }
    exec(compile(source, f"<protrules predicate: {condition.text[:60]}>", "exec"), namespace)
    prepare: Predicate = namespace["prepare"]
    return prepare


#: What a generated test may raise on a fact it cannot answer exactly (a missing field, an
#: unknown value, a calendar question): the caller evaluates that fact with the closures.
FALLBACK = (Bail, KeyError, TypeError, AttributeError)


class Generated:
    """An expression's generated code, made on first use (load time is not spent on code a
    ledger may never reach), and prepared once per evaluation of the selection or loop."""

    __slots__ = ("made", "node", "prepare", "var")

    def __init__(self, node: ir.Node, var: str) -> None:
        self.node, self.var = node, var
        self.made = False
        self.prepare: Predicate | None = None

    def test(self, ctx: Ctx, env: dict[str, Any]) -> Callable[[Any], Any] | None:
        """The per-fact test for this evaluation, or None when the expression cannot be
        generated or an outside name it reads is not known: then every fact takes the closures."""
        if not self.made:
            self.prepare, self.made = predicate(self.node, self.var), True
        if self.prepare is None:
            return None
        try:
            return self.prepare(ctx, env)
        except FALLBACK:
            return None
