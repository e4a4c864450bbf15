"""Three-valued operations for exact generated code (:mod:`protrules.compiling.exact`).

The generated rules of :mod:`protrules.compiling.codegen` are written for definite values and
hand a rule over the moment a value is not definite; the exact code they hand it to calls
these functions, which give the answer of the language's three-valued semantics
(``docs/language.md``): an :class:`~protrules.evaluation.runtime.Unknown` operand makes the
result unknown, a selection whose condition is unknown for some facts is a
:class:`~protrules.evaluation.runtime.Partial`, aggregates add the facts they read to the
requirement's evidence (``ctx.evidence``) and count them towards the entity's bound.

Operands that must not be evaluated when an earlier one decides (the second operand of `and`,
the right side of a comparison whose left side is unknown) are passed as functions, so that
what they count, select or trace happens exactly when the semantics say (and the generated
expressions nest one level per operation, not more).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from protrules.calendar.workdays import Period, WorkCalendar
from protrules.checking import ir
from protrules.errors import CalendarError
from protrules.evaluation import indexes
from protrules.evaluation.findings import Advice, Missing, Pass
from protrules.evaluation.results import FAIL, NA, PASS, UNKNOWN, Check, RuleResult, TraceStep
from protrules.evaluation.runtime import (
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
    inverted,
    lookup,
    member,
    no_data,
    param_value,
    period_part,
    scale,
    shift,
    show,
    summarise,
    undecided,
    units,
)
from protrules.evaluation.tally import check_evidence, evidence_ids, labelled
from protrules.evaluation.verdicts import Requirement, checked_result, detail, verdict
from protrules.facts.model import Fact
from protrules.i18n import Text

__all__ = ["HELPERS"]

Thunk = Callable[[], Any]
Test = Callable[[Any], Any]


def facts(ctx: Ctx, name: str) -> Any:
    found = ctx.ledger.facts.get(name)
    return Unknown(no_data(name)) if found is None else found


def field(fact: Any, name: str) -> Any:
    return fact if fact.__class__ is Unknown else fact_field(fact, name)


def part(value: Any, on: str, name: str) -> Any:
    if value.__class__ is Unknown:
        return value
    return date_part(value, name) if on == "date" else period_part(value, name)


def param_at(ctx: Ctx, key: str, day: Any) -> Any:
    return day if day.__class__ is Unknown else param_value(ctx, key, day)


def applied(cal: WorkCalendar, func: str, values: tuple[Any, ...]) -> Any:
    """A built-in function: its first unknown argument, or its value."""
    for value in values:
        if value.__class__ is Unknown:
            return value
    return apply(cal, func, values)


def look_up(ctx: Ctx, name: str, key: Any) -> Any:
    """`表(key)`: the row of the lookup parameter's table in force."""
    if key.__class__ is Unknown:
        return key
    return lookup(name, param_value(ctx, name, ctx.as_of), key)


def choose(condition: Any, then: Thunk, otherwise: Thunk) -> Any:
    """`if c then a else b`: only the branch taken is evaluated."""
    if condition.__class__ is Unknown:
        return condition
    return then() if condition else otherwise()


def times(a: Any, b: Any) -> Any:
    """`n * duration`, both operands evaluated."""
    if a.__class__ is Unknown:
        return a
    return b if b.__class__ is Unknown else scale(a, b)


def logic(decisive: bool, first: Any, rest: tuple[Thunk, ...]) -> Any:
    """`a and b …` / `a or b …`: stops at the first decisive value (true for `or`, false for
    `and`); otherwise the first unknown, else the other truth value."""
    if first is decisive:
        return decisive
    unknown = first if first.__class__ is Unknown else None
    for operand in rest:
        value = operand()
        if value is decisive:
            return decisive
        if unknown is None and value.__class__ is Unknown:
            unknown = value
    return unknown if unknown is not None else not decisive


def negate(value: Any) -> Any:
    return value if value.__class__ is Unknown else not value


def minus(value: Any) -> Any:
    return value if value.__class__ is Unknown else -value


def move(cal: WorkCalendar, day: Any, duration: Any, sign: int) -> Any:
    if day.__class__ is Unknown:
        return day
    if duration.__class__ is Unknown:
        return duration
    return shift(cal, day, duration, sign)


def compute(op: str, a: Any, b: Thunk) -> Any:
    """``a op b``; ``b`` is not evaluated when ``a`` is unknown."""
    if a.__class__ is Unknown:
        return a
    right = b()
    return right if right.__class__ is Unknown else arith(op, a, right)


def compared(op: str, mode: str, a: Any, b: Thunk) -> Any:
    if a.__class__ is Unknown:
        return a
    right = b()
    return right if right.__class__ is Unknown else compare(op, mode, a, right)


def contained(mode: str, negated: bool, a: Any, b: Thunk) -> Any:
    if a.__class__ is Unknown:
        return a
    right = b()
    return right if right.__class__ is Unknown else member(mode, a, right) != negated


def within(cal: WorkCalendar, day: Any, anchor: Thunk, duration: Thunk) -> Any:
    if day.__class__ is Unknown:
        return day
    start = anchor()
    if start.__class__ is Unknown:
        return start
    if day < start:
        return False  # before the anchor: outside the window, whatever its length
    length = duration()
    if length.__class__ is Unknown:
        return length
    end = deadline(cal, start, length)
    return end if end.__class__ is Unknown else day <= end


def listed(values: tuple[Any, ...]) -> Any:
    for value in values:
        if value.__class__ is Unknown:
            return value
    return values


def has(fact: Any, name: str, want: bool) -> Any:
    if fact.__class__ is Unknown:
        return fact
    return (name in fact.values or name == "id") == want


def present(value: Any, want: bool) -> bool:
    return (value.__class__ is not Unknown) == want


def calendar(cal: WorkCalendar, test: str, day: Any) -> Any:
    return day if day.__class__ is Unknown else calendar_test(cal, test, day)


def period(start: Any, end: Any) -> Any:
    if start.__class__ is Unknown:
        return start
    if end.__class__ is Unknown:
        return end
    if end < start:
        return Unknown(inverted(start, end))
    return Period(start, end)


# ------------------------------------------------------------------ selections and aggregates


def select(
    ctx: Ctx,
    found: Any,
    test: Test,
    plan: indexes.IndexPlan | None,
    key: Callable[[Ctx], Any] | None,
    span: Callable[[Ctx], Any] | None,
) -> Any:
    """The facts of ``found`` whose condition (``test``) is true, in ledger order; those whose
    condition is unknown make it a :class:`Partial`. An index narrows the facts where the plan
    allows it (:mod:`protrules.evaluation.indexes`)."""
    if found.__class__ is Unknown:
        return found
    if plan is not None and key is not None and type(found) is tuple and found:
        narrowed = indexes.candidates(plan, key, ctx, found, span)
        if narrowed is not None:
            facts_found, clean = narrowed
            if clean and plan.exact:  # the index answered the whole condition
                ctx.spend(len(facts_found))
                return tuple(facts_found)
            found = facts_found
    partial = found.__class__ is Partial
    items = found.items if partial else found
    ctx.spend(len(items))
    kept: list[Fact] = []
    maybe: list[Fact] = list(found.maybe) if partial else []
    reason = found.reason if partial else ""
    for fact in items:
        verdict = test(fact)
        if verdict is True:
            kept.append(fact)
        elif verdict.__class__ is Unknown:
            maybe.append(fact)
            reason = reason or verdict.reason
    if maybe:
        return Partial(tuple(kept), tuple(maybe), reason)
    return tuple(kept)


_MISSING = object()


def memo(ctx: Ctx, key: int, thunk: Thunk) -> Any:
    """A selection that reads no loop variable is the same everywhere in one entity's
    evaluation (a `define` is used by many rules): computed once per entity, shared with the
    generated code for definite values."""
    found = ctx.selections.get(key, _MISSING)
    if found is _MISSING:
        found = ctx.selections[key] = thunk()
    return found


def _items(value: Any) -> tuple[tuple[Fact, ...], tuple[Fact, ...], Text]:
    if value.__class__ is Partial:
        return value.items, value.maybe, value.reason
    return value, (), ""


def count(ctx: Ctx, value: Any) -> Any:
    if value.__class__ is Unknown:
        return value
    items, maybe, reason = _items(value)
    ctx.evidence.extend(items)
    if maybe:
        return Unknown(undecided(len(maybe), reason))
    return len(items)


def exists(ctx: Ctx, value: Any) -> Any:
    if value.__class__ is Unknown:
        return value
    items, maybe, reason = _items(value)
    if items:
        ctx.evidence.extend(items)
        return True
    return Unknown(reason) if maybe else False


def none(ctx: Ctx, value: Any) -> Any:
    result = exists(ctx, value)
    return result if result.__class__ is Unknown else not result


def per_item(
    ctx: Ctx, func: str, value: Any, arg: Test, percentage: bool, default: Thunk | None = None
) -> Any:
    """share / distinct / sum / min / max / every of the argument over the facts; ``default``:
    the value over no facts (`default(min(…), value)`)."""
    if value.__class__ is Unknown:
        return value
    items, maybe, reason = _items(value)
    if default is not None and not items and not maybe:
        return default()
    if maybe and func != "every":
        return Unknown(undecided(len(maybe), reason))
    ctx.spend(len(items))
    values: list[Any] = []
    counterexamples: list[Fact] = []
    unknown: Unknown | None = Unknown(reason) if maybe else None
    for fact in items:
        result = arg(fact)
        if result.__class__ is Unknown:
            if func != "every":
                return result
            unknown = unknown or result
            continue
        if func == "every" and result is False:
            counterexamples.append(fact)  # all of them: evidence must not depend on order
            continue
        values.append(result)
    if func == "every":
        if counterexamples:
            ctx.evidence.extend(counterexamples)
            return False
        if unknown is not None:
            return unknown
        ctx.evidence.extend(items)
        return True
    ctx.evidence.extend(items)
    return summarise(func, values, items, percentage)


# ------------------------------------------------------------------ traces (explain)


def enter(ctx: Ctx) -> int:
    """A place in the trace for a sub-expression about to be evaluated (its steps follow)."""
    steps = ctx.trace
    assert steps is not None
    steps.append(None)
    return len(steps) - 1


def leave(ctx: Ctx, index: int, depth: int, text: str, value: Any, misses: Thunk | None = None) -> Any:
    """The sub-expression's value into its place; for a count or test that found too little,
    the near misses after it."""
    steps = ctx.trace
    assert steps is not None
    steps[index] = TraceStep(depth, text, value)
    if misses is not None and (value is False or type(value) is int):
        steps.extend(TraceStep(depth + 1, line, "near miss") for line in misses())
    return value


def near_misses(
    ctx: Ctx,
    found: Any,
    parts: Sequence[tuple[str, frozenset[str], Test]],
    limit: int = 3,
) -> list[str]:
    """For `exists`/`count` over `S where a and b and …`: the facts of S that fail exactly one
    condition, and which — what an assessor asks when a required record is not found."""
    if found.__class__ is Unknown:
        return []
    saved = list(ctx.evidence)
    out: list[str] = []
    for fact in found.items if found.__class__ is Partial else found:
        try:
            failed = [(text, fields) for text, fields, test in parts if test(fact) is not True]
        except CalendarError:  # a part the evaluation never had to ask about: no near miss
            continue
        if len(failed) == 1:
            text, fields = failed[0]
            present = fact.values
            shown = [k for k, v in present.items() if k in fields or isinstance(v, dt.date)]
            values = ", ".join(f"{k} {_plain(present[k])}" for k in shown)
            out.append(f"{fact.type} {fact.id}{f' ({values})' if values else ''} fails only: {text}")
            if len(out) >= limit:
                break
    ctx.evidence = saved
    return out


def _plain(value: Any) -> str:
    return value.id if isinstance(value, Fact) else show(value)


def fields_of(node: ir.Node, var: str) -> frozenset[str]:
    """The fields of the item ``var`` an expression reads (to show them in a near miss)."""
    found: set[str] = set()

    def note(child: ir.Node) -> bool:
        name = indexes.item_field(child, var)
        if name is not None:
            found.add(name)
        return False  # walk the whole tree

    indexes.any_node(node, note)
    return frozenset(found)


HELPERS: dict[str, Any] = {
    "__builtins__": {"len": len, "tuple": tuple, "str": str, "isinstance": isinstance},
    "_Unknown": Unknown,
    "_Partial": Partial,
    "_date": dt.date,
    "_Decimal": Decimal,
    "_param": param_value,
}
_OPERATIONS = (
    facts, field, part, param_at, look_up, choose, times, logic, negate, minus, move, compute,
    compared, contained, within, listed, has, present, calendar, period, select, memo, count,
    exists, none, per_item, enter, leave, near_misses,
)  # fmt: skip
HELPERS.update((f"_{fn.__name__}", fn) for fn in _OPERATIONS)
HELPERS["_apply"] = applied


# ------------------------------------------------------------------ statements


def require(
    ctx: Ctx,
    checks: list[Check],
    req: Requirement,
    context: tuple[str, ...],
    due: dt.date | None,
    thunk: Thunk,
) -> None:
    """A requirement's check: ``thunk`` gives its `by` date (or None), then the compared values
    (a condition: its value and None). A question about an unpublished calendar year makes it
    unknown; a trace (explain) keeps the steps its expressions wrote."""
    ctx.evidence = []
    start = len(ctx.trace) if ctx.trace is not None else 0
    try:
        by, left, right = thunk()
    except CalendarError as error:
        checks.append(Check(req.text, context, UNKNOWN, Missing(error.msg), due))
        return
    if isinstance(by, dt.date):
        due = by
    found = check_evidence(ctx.evidence)
    trace = tuple(ctx.trace[start:]) if ctx.trace is not None else ()
    value = left
    if req.parts is not None:
        if left.__class__ is Unknown:
            value = left
        elif right.__class__ is Unknown:
            value = right
        else:
            value = compare(req.parts[0], req.mode, left, right)
    if value.__class__ is Unknown:
        checks.append(Check(req.text, context, UNKNOWN, Missing(value.reason), due, found, trace=trace))
        return
    decided = verdict(req.monotonicity, value, due, ctx.as_of)
    checks.append(
        Check(req.text, context, decided, detail(req, left, right, decided, due), due, found, trace=trace)
    )


def advise(
    ctx: Ctx, checks: list[Check], text: str, condition: ir.Node, context: tuple[str, ...], value: Thunk
) -> None:
    """Advice: a check that never decides a verdict — not even when it asks the calendar about
    an unpublished year: that makes the advice unknown, as it makes a requirement unknown."""
    ctx.evidence = []
    try:
        found = value()
    except CalendarError as error:
        checks.append(Check(text, context, UNKNOWN, Missing(error.msg), None, advisory=True))
        return
    decided = UNKNOWN if found.__class__ is Unknown else (PASS if found else FAIL)
    checks.append(
        Check(
            text, context, decided, Advice(condition, found), None, evidence_ids(ctx.evidence), advisory=True
        )
    )


#: Advice noted without being evaluated (a result without checks only counts it).
ADVICE = Check("advice", (), PASS, "not evaluated", advisory=True)


def loop_facts(ctx: Ctx, checks: list[Check], text: str, context: tuple[str, ...], found: Any) -> Any:
    """The facts a `for each` visits, or None (and an unknown check) when they are unknown."""
    if found.__class__ is Unknown:
        checks.append(Check(text, context, UNKNOWN, Missing(found.reason)))
        return None
    items = found.items + found.maybe if found.__class__ is Partial else found
    ctx.spend(len(items))
    return items


def loop_units(
    cal: WorkCalendar, checks: list[Check], text: str, context: tuple[str, ...], unit: str, span: Any
) -> Any:
    """The calendar units a `for each week …` visits, or None (and an unknown check)."""
    if span.__class__ is Unknown:
        checks.append(Check(text, context, UNKNOWN, Missing(span.reason)))
        return None
    return units(cal, unit, span)


def done(
    rule: ir.RuleDef, ctx: Ctx, checks: list[Check], lets: list[tuple[str, Any]], full: bool
) -> RuleResult:
    """The rule's result: with every check and let, or (``full`` false) without them."""
    return checked_result(rule, ctx, checks, lets, keep=full)


HELPERS.update(
    {
        "_Check": Check,
        "_CalendarError": CalendarError,
        "_UNKNOWN": UNKNOWN,
        "_NA": NA,
        "_ADVICE": ADVICE,
        "_labelled": labelled,
        "_Missing": Missing,
        "_Pass": Pass,
        **{
            f"_{fn.__name__}": fn
            for fn in (require, advise, loop_facts, loop_units, done)
        },
    }
)
