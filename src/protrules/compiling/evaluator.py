"""Compiled rules → verdicts for one entity: checks, rule results, status and score.

A requirement whose due date (``by d``, or the end of the enclosing calendar unit) is after
the as-of date is *pending* unless it is already decided: an "at least" requirement that is
met stays met as facts are added (monotonicity ``inc``), a "none" requirement that is broken
stays broken (``dec``). The as-of date means the ledgers are complete up to and including
that day.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from protrules.checking import ir
from protrules.checking.ir import CONST, DEC, INC
from protrules.compiling import fastpath
from protrules.compiling.codegen_expr import FALLBACK
from protrules.compiling.compiler import Fn, compile_expr
from protrules.errors import CalendarError
from protrules.evaluation.results import (
    FAIL,
    FAILS,
    INCOMPLETE,
    MEETS,
    NA,
    PASS,
    PENDING,
    UNKNOWN,
    VETOED,
    Check,
    EntityResult,
    RuleResult,
    combine_verdicts,
)
from protrules.evaluation.runtime import Ctx, Unknown, compare, show, units
from protrules.evaluation.tally import Checks, Sink, Tally, evidence_ids, in_context
from protrules.facts.model import Fact, Kind, Ledger

__all__ = ["CompiledRule", "compile_rule", "decide_entity", "run_rule"]


# ------------------------------------------------------------------ compiled statements


@attrs.frozen
class _Let:
    var: str
    name: str
    value: Fn


@attrs.frozen
class _Require:
    text: str
    condition_text: str
    condition: Fn
    parts: tuple[Fn, Fn, str, ir.Node, ir.Node] | None  # a top-level comparison's operands
    by: Fn | None
    monotonicity: str
    mode: str = "value"  # how a top-level comparison compares (duration, fact, value)


@attrs.frozen
class _Advise:
    text: str
    condition: Fn


@attrs.frozen
class _Applies:
    text: str
    condition: Fn


@attrs.frozen
class _ForFacts:
    text: str
    var: str
    name: str
    source: Fn
    condition: Fn | None
    body: tuple[Any, ...]
    generated: fastpath.Generated | None = None  # the condition as generated code
    guarded: bool = False  # the body holds an `applies`: a pass of it may not apply


@attrs.frozen
class _ForPeriods:
    text: str
    unit: str
    var: str
    name: str
    period: Fn
    condition: Fn | None
    body: tuple[Any, ...]
    guarded: bool = False


#: Evaluations of a rule on its closures before its generated function is written (see Generated).
GENERATE_AFTER = 32


#: Writes a compiled rule's generated function, with checks or without (``codegen.function``,
#: which builds on this module and so is handed in by the rule set rather than imported here).
Build = Callable[["CompiledRule", bool], "Callable[[Ctx], RuleResult] | None"]


class Generated:
    """A rule's generated function (:mod:`protrules.compiling.codegen`) for evaluation with or without
    checks, written once the rule has been so evaluated ``after`` times without it (writing a rule costs
    about as much as 20 evaluations save: a run over a few ledgers never pays for it); ``None``
    when the rule keeps to the closures. ``fallbacks`` counts the entities the function handed
    to the closures (a value it could not be sure of)."""

    __slots__ = ("after", "checks", "fallbacks", "fn", "made")

    def __init__(self, after: int = GENERATE_AFTER, *, checks: bool = False) -> None:
        self.made = False
        self.after, self.checks = after, checks
        self.fn: Callable[[Ctx], RuleResult] | None = None
        self.fallbacks = 0

    def get(self, compiled: CompiledRule, build: Build) -> Callable[[Ctx], RuleResult] | None:
        if not self.made:
            if self.after > 0:
                self.after -= 1
                return None
            self.fn, self.made = build(compiled, self.checks), True
        return self.fn


@attrs.frozen
class CompiledRule:
    """A rule, compiled: its definition, its statements as closures and, made on first use,
    its generated function."""

    rule: ir.RuleDef
    body: tuple[Any, ...]
    generated: Generated = attrs.field(factory=Generated, eq=False, repr=False)
    generated_checks: Generated = attrs.field(factory=lambda: Generated(checks=True), eq=False, repr=False)


def compile_rule(
    rule: ir.RuleDef, trace: bool = False, *, generate: bool = True, generate_after: int = GENERATE_AFTER
) -> CompiledRule:
    """A rule's statements as closures; with ``generate``, its evaluation with and without
    checks is generated as Python once the rule has been so evaluated ``generate_after`` times
    (:mod:`protrules.compiling.codegen`). A traced rule (``explain``) always runs on its closures."""
    compiled = CompiledRule(
        rule,
        _compile_block(rule.body, trace),
        Generated(generate_after),
        Generated(generate_after, checks=True),
    )
    if trace or not generate:  # nothing to write: always the closures
        compiled.generated.made = compiled.generated_checks.made = True
    return compiled


def _compile_block(stmts: tuple[ir.Stmt, ...], trace: bool) -> tuple[Any, ...]:
    out: list[Any] = []
    for stmt in stmts:
        if isinstance(stmt, ir.LetS):
            out.append(_Let(stmt.var, stmt.name, compile_expr(stmt.value, trace)))
        elif isinstance(stmt, ir.RequireS):
            cond = stmt.condition
            parts = None
            if isinstance(cond, ir.Cmp):
                parts = (
                    compile_expr(cond.left, trace),
                    compile_expr(cond.right, trace),
                    cond.op,
                    cond.left,
                    cond.right,
                )
            out.append(
                _Require(
                    stmt.text,
                    cond.text,
                    compile_expr(cond, trace),
                    parts,
                    compile_expr(stmt.by, trace) if stmt.by is not None else None,
                    stmt.monotonicity,
                    _mode(cond.left) if isinstance(cond, ir.Cmp) else "value",
                )
            )
        elif isinstance(stmt, ir.AdviseS):
            out.append(_Advise(stmt.text, compile_expr(stmt.condition, trace)))
        elif isinstance(stmt, ir.AppliesS):
            out.append(_Applies(stmt.text, compile_expr(stmt.condition, trace)))
        elif isinstance(stmt, ir.ForFactsS):
            out.append(
                _ForFacts(
                    stmt.text,
                    stmt.var,
                    stmt.name,
                    compile_expr(stmt.source),
                    compile_expr(stmt.condition) if stmt.condition else None,
                    _compile_block(stmt.body, trace),
                    fastpath.Generated(stmt.condition, stmt.var) if stmt.condition else None,
                    _guarded(stmt.body),
                )
            )
        elif isinstance(stmt, ir.ForPeriodsS):
            out.append(
                _ForPeriods(
                    stmt.text,
                    stmt.unit,
                    stmt.var,
                    stmt.name,
                    compile_expr(stmt.period),
                    compile_expr(stmt.condition) if stmt.condition else None,
                    _compile_block(stmt.body, trace),
                    _guarded(stmt.body),
                )
            )
    return tuple(out)


def _guarded(body: tuple[ir.Stmt, ...]) -> bool:
    return any(isinstance(stmt, ir.AppliesS) for stmt in body)


# ------------------------------------------------------------------ running


class _NotApplicable(Exception):
    def __init__(self, check: Check) -> None:
        self.check = check


def _typed(value: Any, node: ir.Node | None) -> str:
    if node is not None and node.type.kind is Kind.PERCENTAGE and isinstance(value, Decimal):
        return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP).normalize():f}%"
    return show(value)


_Decided = tuple[str, "str | Callable[[], str]", dt.date | None, list[Fact], tuple[Any, ...]]


def _require(stmt: _Require, ctx: Ctx, due: dt.date | None) -> _Decided:
    """A requirement's verdict, detail, due date, evidence and trace; a question about an
    unpublished calendar year makes it unknown."""
    ctx.evidence = []
    trace_start = len(ctx.trace) if ctx.trace is not None else 0
    try:
        value, left, right, due_by = _evaluate(stmt, ctx, due)
    except CalendarError as error:
        return UNKNOWN, str(error), due, [], ()
    evidence = ctx.evidence  # read now: a trace's near-miss search puts back a copy
    trace = tuple(ctx.trace[trace_start:]) if ctx.trace is not None else ()
    if isinstance(value, Unknown):
        return UNKNOWN, value.reason, due_by, evidence, trace
    verdict = _verdict(stmt, value, due_by, ctx.as_of)
    return verdict, _detail(stmt, left, right, verdict, due_by), due_by, evidence, trace


def _tally_require(
    stmt: _Require, ctx: Ctx, context: tuple[str, ...], due: dt.date | None, tally: Tally
) -> None:
    """:func:`_require` for a tally: the same verdict, due date and evidence, without a trace,
    and a detail only for the first check of its verdict (the only one a tally keeps)."""
    ctx.evidence = []
    try:
        value, left, right, due_by = _evaluate(stmt, ctx, due)
    except CalendarError as error:
        tally.note(stmt.text, context, UNKNOWN, str(error), due, [], ())
        return
    if isinstance(value, Unknown):
        tally.note(stmt.text, context, UNKNOWN, value.reason, due_by, ctx.evidence, ())
        ctx.evidence = []
        return
    verdict = _verdict(stmt, value, due_by, ctx.as_of)
    first = verdict not in tally.first
    detail: str | Callable[[], str] = _detail(stmt, left, right, verdict, due_by) if first else ""
    tally.note(stmt.text, context, verdict, detail, due_by, ctx.evidence, ())
    ctx.evidence = []  # the tally keeps this list: what later statements count is not its evidence


def _evaluate(stmt: _Require, ctx: Ctx, due: dt.date | None) -> tuple[Any, Any, Any, dt.date | None]:
    """The condition's value, the compared values (or the value twice) and the due date."""
    if stmt.by is not None:
        by = stmt.by(ctx)
        due = by if isinstance(by, dt.date) else due
    parts = stmt.parts
    if parts is None:
        value = stmt.condition(ctx)
        return value, value, None, due
    left = parts[0](ctx)
    right = parts[1](ctx)
    if isinstance(left, Unknown):
        return left, left, right, due
    if isinstance(right, Unknown):
        return right, left, right, due
    return compare(parts[2], stmt.mode, left, right), left, right, due


def _verdict(stmt: _Require, value: Any, due: dt.date | None, as_of: dt.date) -> str:
    """Pass or fail, or pending while the due date is after the as-of date — unless the
    requirement can no longer change (met "at least", broken "none": see the module doc)."""
    open_ = due is not None and due > as_of
    mono = stmt.monotonicity
    if value is True:
        return PENDING if open_ and mono not in (CONST, INC) else PASS
    return PENDING if open_ and mono not in (CONST, DEC) else FAIL


def shown(stmt: _Require, left: Any, right: Any, verdict: str, due: dt.date | None) -> str:
    """A requirement's check's detail: what was compared, what was required, when it was due."""
    suffix = ""
    if verdict == PENDING:
        suffix = f"; due {due}"
    elif verdict == FAIL and due is not None:
        suffix = f"; was due {due}"
    parts = stmt.parts
    if parts is None:  # a condition: "text is value"
        return f"{stmt.condition_text} is {show(left)}{suffix}"
    op, left_node, right_node = parts[2:]
    return f"{left_node.text} = {_typed(left, left_node)}, required {op} {_typed(right, right_node)}{suffix}"


def _detail(stmt: _Require, left: Any, right: Any, verdict: str, due: dt.date | None) -> Callable[[], str]:
    """A check's detail, written only when somebody reads it: most checks of a large ledger
    never are, and formatting values is a good part of evaluating them. It holds the values
    themselves (facts and dates are immutable here), never the evaluation context."""
    return functools.partial(shown, stmt, left, right, verdict, due)


def _mode(left: ir.Node) -> str:
    kind = left.type.kind
    return "duration" if kind is Kind.DURATION else ("fact" if kind is Kind.FACT else "value")


def _run_block(
    body: tuple[Any, ...],
    ctx: Ctx,
    context: tuple[str, ...],
    due: dt.date | None,
    sink: Sink,
) -> None:
    env = ctx.env
    for stmt in body:
        if isinstance(stmt, _Require):
            if isinstance(sink, Tally):
                _tally_require(stmt, ctx, context, due, sink)
            else:
                sink.note(stmt.text, context, *_require(stmt, ctx, due))
        elif isinstance(stmt, _Let):
            value = stmt.value(ctx)
            env[stmt.var] = value
            sink.let(stmt.name, context, value)
        elif isinstance(stmt, _Advise):
            if sink.advice():
                ctx.evidence = []
                value = stmt.condition(ctx)
                verdict = UNKNOWN if isinstance(value, Unknown) else (PASS if value else FAIL)
                evidence = evidence_ids(ctx.evidence)
                sink.append(Check(stmt.text, context, verdict, show(value), None, evidence, advisory=True))
        elif isinstance(stmt, _Applies):
            value = stmt.condition(ctx)
            if isinstance(value, Unknown):
                sink.append(Check(stmt.text, context, UNKNOWN, value.reason))
                return
            if value is False:
                raise _NotApplicable(Check(stmt.text, context, NA, "does not apply"))
        elif isinstance(stmt, _ForFacts):
            _for_facts(stmt, ctx, context, due, sink)
        elif isinstance(stmt, _ForPeriods):
            _for_periods(stmt, ctx, context, due, sink)


def _run_body(
    stmt: _ForFacts | _ForPeriods,
    ctx: Ctx,
    context: tuple[str, ...],
    due: dt.date | None,
    sink: Sink,
) -> None:
    """One pass of a loop's body. A body with an `applies` may turn out not to apply: then
    its checks give way to the one saying why."""
    if not stmt.guarded:
        _run_block(stmt.body, ctx, context, due, sink)
        return
    mark = sink.mark()
    try:
        _run_block(stmt.body, ctx, context, due, sink)
    except _NotApplicable as skip:
        sink.rollback(mark)
        sink.append(skip.check)


def _for_facts(
    stmt: _ForFacts,
    ctx: Ctx,
    context: tuple[str, ...],
    due: dt.date | None,
    sink: Sink,
) -> None:
    facts = stmt.source(ctx)
    if isinstance(facts, Unknown):
        sink.append(Check(stmt.text, context, UNKNOWN, facts.reason))
        return
    items = facts.items + facts.maybe if not isinstance(facts, tuple) else facts
    ctx.spend(len(items))
    env = ctx.env
    matched = 0
    condition = stmt.condition
    test = stmt.generated.test(ctx, env) if stmt.generated is not None else None
    for fact in items:
        env[stmt.var] = fact
        if condition is not None:
            keep: Any = None
            if test is not None:
                try:
                    keep = test(fact)
                except fastpath.FALLBACK:
                    keep = None  # this fact needs the exact three-valued evaluation
            if keep is None:
                keep = condition(ctx)
            if isinstance(keep, Unknown):
                sink.append(
                    Check(
                        stmt.text,
                        (*context, f"{stmt.name} = {fact.id}"),
                        UNKNOWN,
                        keep.reason,
                        evidence=(f"{fact.type}:{fact.id}",),
                    )
                )
                continue
            if not keep:
                continue
        matched += 1
        _run_body(stmt, ctx, (*context, f"{stmt.name} = {fact.id}"), due, sink)
    if matched == 0:
        sink.append(Check(stmt.text, context, NA, "no facts to check"))


def _for_periods(
    stmt: _ForPeriods,
    ctx: Ctx,
    context: tuple[str, ...],
    due: dt.date | None,
    sink: Sink,
) -> None:
    period = stmt.period(ctx)
    if isinstance(period, Unknown):
        sink.append(Check(stmt.text, context, UNKNOWN, period.reason))
        return
    env = ctx.env
    matched = 0
    for label, unit in units(ctx.calendar, stmt.unit, period):
        env[stmt.var] = unit
        if stmt.condition is not None:
            keep = stmt.condition(ctx)
            if keep is not True:
                continue
        matched += 1
        _run_body(stmt, ctx, (*context, f"{stmt.name} = {label}"), unit.end, sink)
    if matched == 0:
        sink.append(Check(stmt.text, context, NA, f"no {stmt.unit} to check"))


def run_rule(compiled: CompiledRule, ctx: Ctx, build: Build, *, checks: bool = True) -> RuleResult:
    """Evaluate one compiled rule for the context's ledger (``build`` writes its generated
    function when it is due). Without ``checks`` the result holds no checks and no lets; its
    verdict, reason, due date and evidence are the same."""
    holder = compiled.generated_checks if checks else compiled.generated
    generated = holder.get(compiled, build)
    if generated is not None:
        work = ctx.work
        try:
            return generated(ctx)
        except FALLBACK:  # a value it could not be sure of: the closures give the exact answer
            ctx.work = work
            holder.fallbacks += 1
    rule = compiled.rule
    ctx.env = {}
    sink: Sink = Checks() if checks else Tally()
    start = sink.mark()
    try:
        _run_block(compiled.body, ctx, (), None, sink)
    except _NotApplicable as skip:  # the rule's checks give way to the one saying why
        sink.rollback(start)
        sink.append(skip.check)
    except CalendarError as error:
        sink.rollback(start)
        sink.append(Check(rule.id, (), UNKNOWN, str(error)))
    if isinstance(sink, Tally):
        return _summary(compiled, ctx, sink)
    return checked_result(compiled, ctx, sink, sink.lets)


def checked_result(
    compiled: CompiledRule, ctx: Ctx, checks: list[Check], lets: list[tuple[str, Any]]
) -> RuleResult:
    """A rule's result from every check it noted (and its lets): a full evaluation's."""
    rule = compiled.rule
    if rule.kind == "assessed" and not (checks and checks[0].verdict == NA and len(checks) == 1):
        checks.append(_judgement(rule.id, ctx.ledger))
    decisive = [c for c in checks if not c.advisory]
    verdict = combine_verdicts(c.verdict for c in decisive)
    due_dates = [c.due for c in decisive if c.verdict == PENDING and c.due is not None]
    due = min(due_dates) if due_dates else None
    reason = functools.partial(_reason, verdict, decisive)  # written on first reading,
    evidence = functools.partial(_union, decisive)  # from the checks the result holds anyway
    return RuleResult(
        rule.id, rule.title, rule.kind, rule.weight, verdict, reason, due, evidence, (*checks,), (*lets,)
    )


def _summary(compiled: CompiledRule, ctx: Ctx, tally: Tally) -> RuleResult:
    rule = compiled.rule
    if rule.kind == "assessed" and not tally.only_not_applicable():
        tally.append(_judgement(rule.id, ctx.ledger))
    verdict, evidence = tally.verdict(), tally.evidence()
    return RuleResult(
        rule.id, rule.title, rule.kind, rule.weight, verdict, tally.reason(verdict), tally.due, evidence, ()
    )


def _judgement(rule_id: str, ledger: Ledger) -> Check:
    found = [j for j in ledger.judgements if j.rule == rule_id]
    if not found:
        return Check("assessor's judgement", (), UNKNOWN, "no assessor's judgement recorded")
    latest = max(enumerate(found), key=lambda pair: (pair[1].date, pair[0]))[1]
    note = f": {latest.note}" if latest.note else ""
    return Check(
        "assessor's judgement",
        (),
        latest.verdict,
        f"judged {latest.verdict} by {latest.by} on {latest.date}{note}",
    )


def _union(checks: list[Check]) -> tuple[str, ...]:
    """A rule's evidence: every check's, sorted."""
    return tuple(sorted({e for c in checks for e in c.evidence}))


def _reason(verdict: str, checks: list[Check]) -> str:
    for check in checks:
        if check.verdict == verdict:
            return in_context(check.context, check.detail)
    return "no requirement"


def decide_entity(
    ledger: Ledger, as_of: dt.date, results: list[RuleResult], *, with_checks: bool = True
) -> EntityResult:
    """Status and score from rule results (docs/domain.md, “Verdicts, status and score”)."""
    vetoed_by = tuple(r.rule for r in results if r.kind == "veto" and r.verdict == FAIL)
    scored = [r for r in results if r.counts_in_score]
    passed = sum((r.weight for r in scored if r.verdict == PASS), 0)
    applicable = sum((r.weight for r in scored), 0)
    score = (Decimal(passed) / Decimal(applicable)).quantize(Decimal("0.0001")) if applicable else None
    required = [r for r in results if r.kind in ("required", "assessed")]
    if vetoed_by:
        status = VETOED
    elif any(r.verdict == FAIL for r in required):
        status = FAILS
    elif any(r.verdict in (UNKNOWN, PENDING) for r in required) or any(
        r.kind == "veto" and r.verdict in (UNKNOWN, PENDING) for r in results
    ):
        status = INCOMPLETE
    else:
        status = MEETS
    return EntityResult(
        ledger.id,
        ledger.name,
        as_of,
        status,
        score,
        passed,
        applicable,
        vetoed_by,
        tuple(results),
        with_checks,
    )


RuleRunner = Callable[[CompiledRule, Ctx], RuleResult]
