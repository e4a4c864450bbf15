"""Checked expressions → Python closures, built once per rule set.

Each IR node becomes a function of the evaluation context. Nothing is parsed and no tree is
walked at evaluation time. With ``trace=True`` every node outside per-fact conditions is
wrapped to record its value; without it no wrapper exists, so tracing costs nothing when off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from protrules.calendar.workdays import Period
from protrules.checking import ir
from protrules.compiling import fastpath
from protrules.compiling.codegen_expr import constant_selection
from protrules.errors import CalendarError
from protrules.evaluation import indexes
from protrules.evaluation.results import TraceStep
from protrules.evaluation.runtime import (
    COMPARE,
    Ctx,
    Partial,
    Unknown,
    apply,
    arith,
    calendar_test,
    compare,
    date_part,
    deadline,
    fact_field,
    facts_of,
    lookup,
    member,
    param_value,
    period_part,
    scale,
    shift,
    show,
    summarise,
)
from protrules.facts.model import Fact, Kind, field_attribute

Fn = Callable[[Ctx], Any]

__all__ = ["Fn", "compile_expr"]


def compile_expr(node: ir.Node, trace: bool = False) -> Fn:
    """Compile an IR expression to a closure; ``trace`` records sub-expression values."""
    fn = _compile(node, trace)
    if not trace or isinstance(node, ir.Const):
        return fn
    text = node.text
    misses = _near_misses(node)

    def traced(ctx: Ctx) -> Any:
        steps = ctx.trace
        if steps is None:
            return fn(ctx)
        index = len(steps)
        steps.append(None)
        ctx.depth += 1
        try:
            value = fn(ctx)
        finally:
            ctx.depth -= 1
        steps[index] = TraceStep(ctx.depth, text, value)
        if misses is not None and (value is False or type(value) is int):
            for line in misses(ctx):
                steps.append(TraceStep(ctx.depth + 1, line, "near miss"))
        return value

    return traced


def _fields_of(node: Any, var: str) -> set[str]:
    """The fields of the item ``var`` an expression reads (to show them in a near miss)."""
    found: set[str] = set()

    def note(child: ir.Node) -> bool:
        field = indexes.item_field(child, var)
        if field is not None:
            found.add(field)
        return False  # walk the whole tree

    indexes.any_node(node, note)
    return found


def _plain_value(value: Any) -> str:
    if isinstance(value, Fact):
        return value.id
    return show(value)


def _near_misses(node: ir.Node, limit: int = 3) -> Callable[[Ctx], list[str]] | None:
    """For `exists`/`count` over `S where a and b and …`: the facts of S that fail exactly one
    condition, and which — what an assessor asks when a required record is not found."""
    if not (
        isinstance(node, ir.Aggregate)
        and node.func in ("exists", "count")
        and isinstance(node.source, ir.Filter)
    ):
        return None
    selection = node.source
    condition = selection.condition
    if not (isinstance(condition, ir.Logic) and condition.op == "and"):
        return None
    source = compile_expr(selection.source)
    var = selection.var
    parts = [(c.text, compile_expr(c), _fields_of(c, var)) for c in condition.operands]

    def misses(ctx: Ctx) -> list[str]:
        facts = source(ctx)
        if isinstance(facts, Unknown):
            return []
        saved_evidence, saved = list(ctx.evidence), ctx.env.get(var)
        out: list[str] = []
        for fact in facts.items if isinstance(facts, Partial) else facts:
            ctx.env[var] = fact
            try:
                failed = [(text, fields) for text, part, fields in parts if part(ctx) is not True]
            except CalendarError:  # a part the evaluation never had to ask about: no near miss
                continue
            if len(failed) == 1:
                text, fields = failed[0]
                present = fact.values
                shown = [k for k, v in present.items() if k in fields or isinstance(v, dt.date)]
                values = ", ".join(f"{k} {_plain_value(present[k])}" for k in shown)
                out.append(f"{fact.type} {fact.id}{f' ({values})' if values else ''} fails only: {text}")
                if len(out) >= limit:
                    break
        ctx.env[var] = saved
        ctx.evidence = saved_evidence
        return out

    return misses


def _compile(node: ir.Node, trace: bool) -> Fn:
    def sub(child: ir.Node) -> Fn:
        return compile_expr(child, trace)

    if isinstance(node, ir.Const):
        value = node.value
        return lambda ctx: value
    if isinstance(node, ir.Ref):
        key = node.key
        if node.scope == "local":
            return lambda ctx: ctx.env[key]
        if node.scope == "facts":
            return lambda ctx: facts_of(ctx, key)
        if node.scope == "param":
            return lambda ctx: param_value(ctx, key, ctx.as_of)
        return lambda ctx: ctx.as_of
    if isinstance(node, ir.GetAttr):
        if (
            not trace
            and node.on == "fact"
            and isinstance(node.target, ir.Ref)
            and node.target.scope == "local"
        ):
            return _local_field(node.target.key, node.name)
        target, name = sub(node.target), node.name
        if node.on == "fact":

            def get_field(ctx: Ctx) -> Any:
                fact = target(ctx)
                if isinstance(fact, Unknown):
                    return fact
                return fact_field(fact, name)

            return get_field
        part = date_part if node.on == "date" else period_part

        def get_part(ctx: Ctx) -> Any:
            value = target(ctx)
            return value if isinstance(value, Unknown) else part(value, name)

        return get_part
    if isinstance(node, ir.ParamAt):
        when, key = sub(node.when), node.key

        def param_at(ctx: Ctx) -> Any:
            day = when(ctx)
            return day if isinstance(day, Unknown) else param_value(ctx, key, day)

        return param_at
    if isinstance(node, ir.Filter):
        return _filter(node)
    if isinstance(node, ir.Aggregate):
        return _aggregate(node)
    if isinstance(node, ir.Apply):
        return _apply(node, [sub(a) for a in node.args])
    if isinstance(node, ir.Lookup):
        key_fn, name = sub(node.arg), node.key

        def look_up(ctx: Ctx) -> Any:
            key = key_fn(ctx)
            if isinstance(key, Unknown):
                return key
            return lookup(name, param_value(ctx, name, ctx.as_of), key)

        return look_up
    if isinstance(node, ir.If):
        test, then, otherwise = sub(node.condition), sub(node.then), sub(node.otherwise)

        def choose(ctx: Ctx) -> Any:
            chosen = test(ctx)
            if isinstance(chosen, Unknown):
                return chosen
            return then(ctx) if chosen else otherwise(ctx)

        return choose
    if isinstance(node, ir.Logic):
        operands = tuple(sub(o) for o in node.operands)
        if len(operands) == 2:
            return _logic2(node.op == "or", operands[0], operands[1])
        return _logic(node.op, operands)
    if isinstance(node, ir.Not):
        inner = sub(node.operand)

        def negate(ctx: Ctx) -> Any:
            value = inner(ctx)
            return value if isinstance(value, Unknown) else not value

        return negate
    if isinstance(node, ir.Neg):
        inner = sub(node.operand)
        return lambda ctx: v if isinstance(v := inner(ctx), Unknown) else -v
    if isinstance(node, ir.Arith):
        return _arith(node, sub(node.left), sub(node.right))
    if isinstance(node, ir.Cmp):
        if not trace and node.mode == "value" and isinstance(node.right, ir.Const):
            return _compare_const(COMPARE[node.op], sub(node.left), node.right.value)
        return _compare(node, sub(node.left), sub(node.right))
    if isinstance(node, ir.In):
        left, right, mode, negated = sub(node.left), sub(node.right), node.mode, node.negated

        def is_in(ctx: Ctx) -> Any:
            a = left(ctx)
            if isinstance(a, Unknown):
                return a
            b = right(ctx)
            if isinstance(b, Unknown):
                return b
            return member(mode, a, b) != negated

        return is_in
    if isinstance(node, ir.Within):
        return _within(sub(node.subject), sub(node.duration), sub(node.anchor))
    if isinstance(node, ir.ListOf):
        items = tuple(sub(item) for item in node.items)

        def list_of(ctx: Ctx) -> Any:
            values = tuple(item(ctx) for item in items)
            for value in values:
                if value.__class__ is Unknown:
                    return value
            return values

        return list_of
    if isinstance(node, ir.Test):
        return _test(node, trace)
    if isinstance(node, ir.MakePeriod):
        start, end = sub(node.start), sub(node.end)

        def make_period(ctx: Ctx) -> Any:
            a, b = start(ctx), end(ctx)
            if isinstance(a, Unknown):
                return a
            if isinstance(b, Unknown):
                return b
            if b < a:
                return Unknown(f"the period {a} .. {b} ends before it starts")
            return Period(a, b)

        return make_period
    raise AssertionError(node)  # pragma: no cover


def _filter(node: ir.Filter) -> Fn:
    source = compile_expr(node.source)
    condition = compile_expr(node.condition)
    var = node.var
    # The index plan and the generated predicate are made on first use, not at load time.
    generated = fastpath.Generated(node.condition, var)
    plan_cell: list[tuple[indexes.IndexPlan, Fn, Fn | None] | None] = []

    def make_plan() -> tuple[indexes.IndexPlan, Fn, Fn | None] | None:
        index_plan = indexes.plan(node)
        if index_plan is None:
            return None
        range_fn = compile_expr(index_plan.range_key) if index_plan.range_key is not None else None
        return index_plan, compile_expr(index_plan.key), range_fn

    def select(ctx: Ctx) -> Any:
        facts = source(ctx)
        if isinstance(facts, Unknown):
            return facts
        if not plan_cell:
            plan_cell.append(make_plan())
        planned = plan_cell[0]
        if planned is not None and type(facts) is tuple and facts:
            index_plan, key_fn, range_fn = planned
            narrowed = indexes.candidates(index_plan, key_fn, ctx, facts, range_fn)
            if narrowed is not None:
                found, clean = narrowed
                if clean and index_plan.exact:  # the index answered the whole condition
                    ctx.spend(len(found))
                    return tuple(found)
                facts = found
        partial = isinstance(facts, Partial)
        ctx.spend(len(facts.items) if partial else len(facts))
        env = ctx.env
        test = generated.test(ctx, env)
        if test is not None and not partial:
            try:
                return tuple(filter(test, facts))  # every fact answered by the generated code
            except fastpath.FALLBACK:
                pass  # some fact needs the exact evaluation: go fact by fact (the test is pure)
        saved = env.get(var)
        kept: list[Fact] = []
        maybe: list[Fact] = list(facts.maybe) if partial else []
        reason = facts.reason if partial else ""
        for fact in facts.items if partial else facts:
            if test is not None:
                try:
                    if test(fact):
                        kept.append(fact)
                    continue
                except fastpath.FALLBACK:
                    pass  # this fact needs the exact three-valued evaluation below
            env[var] = fact
            verdict = condition(ctx)
            if verdict is True:
                kept.append(fact)
            elif isinstance(verdict, Unknown):
                maybe.append(fact)
                reason = reason or verdict.reason
        env[var] = saved
        if maybe:
            return Partial(tuple(kept), tuple(maybe), reason)
        return tuple(kept)

    key = id(node)
    constant: list[bool] = []  # decided on first use: walking the tree is load time saved

    def memo_select(ctx: Ctx) -> Any:
        """A selection that reads no loop variable is the same everywhere in one entity's
        evaluation (a `define` is used by many rules): compute it once per entity."""
        if not constant:
            constant.append(constant_selection(node))
        if not constant[0]:
            return select(ctx)
        found = ctx.selections.get(key, _MISSING)
        if found is _MISSING:
            found = ctx.selections[key] = select(ctx)
        return found

    return memo_select


_MISSING = object()




def _items(value: Any) -> tuple[tuple[Fact, ...], tuple[Fact, ...], str]:
    if isinstance(value, Partial):
        return value.items, value.maybe, value.reason
    return value, (), ""


def _aggregate(node: ir.Aggregate) -> Fn:
    source = compile_expr(node.source)
    arg = compile_expr(node.arg) if node.arg is not None else None
    var, func = node.var, node.func
    percentage = node.arg is not None and node.arg.type.kind is Kind.PERCENTAGE

    def count(ctx: Ctx) -> Any:
        value = source(ctx)
        if isinstance(value, Unknown):
            return value
        items, maybe, reason = _items(value)
        ctx.evidence.extend(items)
        if maybe:
            return Unknown(f"{len(maybe)} fact(s) undecided: {reason}")
        return len(items)

    def exists(ctx: Ctx) -> Any:
        value = source(ctx)
        if isinstance(value, Unknown):
            return value
        items, maybe, reason = _items(value)
        if items:
            ctx.evidence.extend(items)
            return True
        return Unknown(reason) if maybe else False

    def none(ctx: Ctx) -> Any:
        result = exists(ctx)
        return result if isinstance(result, Unknown) else not result

    generated = fastpath.Generated(node.arg, var) if node.arg is not None else None
    default = compile_expr(node.default) if node.default is not None else None

    def per_item(ctx: Ctx) -> Any:
        value = source(ctx)
        if isinstance(value, Unknown):
            return value
        items, maybe, reason = _items(value)
        if default is not None and not items and not maybe:
            return default(ctx)  # `default(min(…), value)` over no facts
        if maybe and func != "every":
            return Unknown(f"{len(maybe)} fact(s) undecided: {reason}")
        assert arg is not None and generated is not None
        ctx.spend(len(items))
        env = ctx.env
        test = generated.test(ctx, env)
        if test is not None and not maybe:
            try:  # every fact answered by the generated code, in one pass
                answers = list(map(test, items))
            except fastpath.FALLBACK:
                pass  # some fact needs the exact evaluation: go fact by fact (the test is pure)
            else:
                if func == "every":
                    counterexamples = [f for f, a in zip(items, answers, strict=True) if a is False]
                    return _every(ctx, items, counterexamples, None)
                ctx.evidence.extend(items)
                return summarise(func, answers, items, percentage)
        saved = env.get(var)
        values: list[Any] = []
        counterexamples = []
        unknown: Unknown | None = Unknown(reason) if maybe else None
        try:
            for fact in items:
                result = _MISSING
                if test is not None:
                    try:
                        result = test(fact)  # exact whenever it answers
                    except fastpath.FALLBACK:
                        result = _MISSING
                if result is _MISSING:
                    env[var] = fact
                    result = arg(ctx)
                if isinstance(result, Unknown):
                    if func != "every":
                        return result
                    unknown = unknown or result
                    continue
                if func == "every" and result is False:
                    counterexamples.append(fact)  # all of them: evidence must not depend on order
                    continue
                values.append(result)
        finally:
            env[var] = saved
        if func == "every":
            return _every(ctx, items, counterexamples, unknown)
        ctx.evidence.extend(items)
        return summarise(func, values, items, percentage)

    return {"count": count, "exists": exists, "none": none}.get(func, per_item)


def _every(ctx: Ctx, items: tuple[Fact, ...], counterexamples: list[Fact], unknown: Unknown | None) -> Any:
    """`every`: false with every counterexample as evidence (evidence must not depend on the
    order facts were tested in), else unknown if one was undecided, else true."""
    if counterexamples:
        ctx.evidence.extend(counterexamples)
        return False
    if unknown is not None:
        return unknown
    ctx.evidence.extend(items)
    return True


def _apply(node: ir.Apply, args: list[Fn]) -> Fn:
    func = node.func

    def apply_function(ctx: Ctx) -> Any:
        values = [a(ctx) for a in args]
        for value in values:
            if isinstance(value, Unknown):
                return value
        return apply(ctx.calendar, func, values)

    return apply_function


def _logic(op: str, operands: tuple[Fn, ...]) -> Fn:
    decisive = op == "or"  # `or` stops at the first true, `and` at the first false

    def logic(ctx: Ctx) -> Any:
        unknown: Unknown | None = None
        for operand in operands:
            value = operand(ctx)
            if isinstance(value, Unknown):
                unknown = unknown or value
            elif value is decisive:
                return decisive
        return unknown if unknown is not None else not decisive

    return logic


def _arith(node: ir.Arith, left: Fn, right: Fn) -> Fn:
    op = node.op
    if node.mode == "scale":

        def times(ctx: Ctx) -> Any:
            a, b = left(ctx), right(ctx)
            if isinstance(a, Unknown):
                return a
            return b if isinstance(b, Unknown) else scale(a, b)

        return times
    if node.mode == "date_duration":
        sign = 1 if op == "+" else -1

        def move(ctx: Ctx) -> Any:
            d, dur = left(ctx), right(ctx)
            if isinstance(d, Unknown):
                return d
            if isinstance(dur, Unknown):
                return dur
            return shift(ctx.calendar, d, dur, sign)

        return move

    def compute(ctx: Ctx) -> Any:
        a = left(ctx)
        if isinstance(a, Unknown):
            return a
        b = right(ctx)
        if isinstance(b, Unknown):
            return b
        return arith(op, a, b)

    return compute


def _local_field(var: str, name: str) -> Fn:
    """`x.field` where x is a bound fact: one attribute read on the fast path."""
    attr = field_attribute(name)

    def local_field(ctx: Ctx) -> Any:
        fact = ctx.env[var]
        if fact.__class__ is Unknown:
            return fact
        try:
            return getattr(fact, attr)
        except AttributeError:
            return fact_field(fact, name)

    return local_field


def _compare_const(fn: Callable[[Any, Any], bool], left: Fn, constant: Any) -> Fn:
    def cmp_const(ctx: Ctx) -> Any:
        a = left(ctx)
        if a.__class__ is Unknown:
            return a
        return fn(a, constant)

    return cmp_const


def _logic2(decisive: bool, first: Fn, second: Fn) -> Fn:
    """`a and b` / `a or b`: the same three-valued result as :func:`_logic`, unrolled."""

    def logic2(ctx: Ctx) -> Any:
        a = first(ctx)
        if a is decisive:
            return decisive
        b = second(ctx)
        if b is decisive:
            return decisive
        if a.__class__ is Unknown:
            return a
        if b.__class__ is Unknown:
            return b
        return not decisive

    return logic2


def _compare(node: ir.Cmp, left: Fn, right: Fn) -> Fn:
    op, mode = node.op, node.mode
    if mode == "value":
        fn = COMPARE[op]

        def cmp_value(ctx: Ctx) -> Any:
            a = left(ctx)
            if a.__class__ is Unknown:
                return a
            b = right(ctx)
            if b.__class__ is Unknown:
                return b
            return fn(a, b)

        return cmp_value

    def cmp(ctx: Ctx) -> Any:
        a = left(ctx)
        if isinstance(a, Unknown):
            return a
        b = right(ctx)
        if isinstance(b, Unknown):
            return b
        return compare(op, mode, a, b)

    return cmp


def _within(subject: Fn, duration: Fn, anchor: Fn) -> Fn:
    def within(ctx: Ctx) -> Any:
        d = subject(ctx)
        if isinstance(d, Unknown):
            return d
        start = anchor(ctx)
        if isinstance(start, Unknown):
            return start
        if d < start:
            return False  # before the anchor: outside the window, whatever its length
        length = duration(ctx)
        if isinstance(length, Unknown):
            return length
        end = deadline(ctx.calendar, start, length)
        return end if isinstance(end, Unknown) else d <= end

    return within


def _test(node: ir.Test, trace: bool) -> Fn:
    test = node.test
    if test in ("set", "missing"):
        subject = node.subject
        if isinstance(subject, ir.GetAttr) and subject.on == "fact":
            target, name = compile_expr(subject.target, trace), subject.name
            want = test == "set"

            def presence(ctx: Ctx) -> Any:
                fact = target(ctx)
                if isinstance(fact, Unknown):
                    return fact
                return (name in fact.values or name == "id") == want

            return presence
        inner = compile_expr(subject, trace)

        def presence_value(ctx: Ctx) -> Any:
            return isinstance(inner(ctx), Unknown) != (test == "set")

        return presence_value
    date_fn = compile_expr(node.subject, trace)

    def calendar(ctx: Ctx) -> Any:
        d = date_fn(ctx)
        return d if isinstance(d, Unknown) else calendar_test(ctx.calendar, test, d)

    return calendar
