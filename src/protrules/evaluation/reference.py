"""The reference interpreter: the checked program evaluated by walking it, for obviousness.

It shares only the value primitives of :mod:`protrules.evaluation.runtime` (how two dates compare, what
`deadline` means) with the compiled evaluator, and re-implements everything else — names,
selections, aggregates, three-valued logic, loops, pending and verdicts — as directly as
possible. The differential tests run both on generated rules and facts and require identical
verdicts, due dates and evidence (as Cedar checks its engine against its model).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from protrules.calendar.workdays import Period, WorkCalendar
from protrules.checking import ir
from protrules.checking.ir import CONST, DEC, INC
from protrules.checking.programme import RECORDS
from protrules.errors import CalendarError
from protrules.evaluation.results import FAIL, NA, PASS, PENDING, UNKNOWN, EntityResult, combine_verdicts
from protrules.evaluation.runtime import (
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
    period_part,
    scale,
    shift,
    undecided,
    units,
)
from protrules.facts.district import with_district
from protrules.facts.known import as_known_on
from protrules.facts.model import Fact, Kind, Ledger
from protrules.i18n import Text, msg

__all__ = ["evaluate_reference"]


class _Interpreter:
    def __init__(self, program: ir.Program, ledger: Ledger, as_of: dt.date) -> None:
        self.program = program
        self.ledger = ledger
        self.as_of = as_of
        self.calendar = WorkCalendar.china(notices=program.notices, vacations=program.vacations)
        self.evidence: set[str] = set()

    # -- expressions: value(node, env) with env a plain dict of bindings
    def param(self, key: str, when: dt.date) -> Any:
        in_force = [v for since, v, _ in self.program.params[key].values if since is None or since <= when]
        if in_force:
            return in_force[-1]
        return Unknown(msg("parameter {name} has no value in force on {day}", name=key, day=when))

    def facts(self, node: ir.Node, env: dict[str, Any]) -> tuple[list[Fact], list[Fact], str] | Unknown:
        """A selection as (decided facts, undecided facts, why undecided)."""
        value = self.value(node, env)
        if isinstance(value, Unknown):
            return value
        assert isinstance(value, tuple)
        return value

    def value(self, node: ir.Node, env: dict[str, Any]) -> Any:
        if isinstance(node, ir.Const):
            return node.value
        if isinstance(node, ir.Ref):
            if node.scope == "local":
                return env[node.key]
            if node.scope == "facts":
                if node.key not in self.ledger.facts:
                    return Unknown(no_data(node.key))
                return (list(self.ledger.facts[node.key]), [], "")
            if node.scope == "param":
                return self.param(node.key, self.as_of)
            return self.as_of
        if isinstance(node, ir.GetAttr):
            target = self.value(node.target, env)
            if isinstance(target, Unknown):
                return target
            if node.on == "fact":
                return fact_field(target, node.name)
            return date_part(target, node.name) if node.on == "date" else period_part(target, node.name)
        if isinstance(node, ir.ParamAt):
            when = self.value(node.when, env)
            return when if isinstance(when, Unknown) else self.param(node.key, when)
        if isinstance(node, ir.Filter):
            source = self.facts(node.source, env)
            if isinstance(source, Unknown):
                return source
            kept, maybe = [], list(source[1])
            reason: Text = source[2]
            for fact in source[0]:
                verdict = self.value(node.condition, {**env, node.var: fact})
                if verdict is True:
                    kept.append(fact)
                elif isinstance(verdict, Unknown):
                    maybe.append(fact)
                    reason = reason or verdict.reason
            return (kept, maybe, reason)
        if isinstance(node, ir.Aggregate):
            return self.aggregate(node, env)
        if isinstance(node, ir.Apply):
            args = [self.value(a, env) for a in node.args]
            unknown = next((a for a in args if isinstance(a, Unknown)), None)
            if unknown is not None:
                return unknown
            return apply(self.calendar, node.func, args)
        if isinstance(node, ir.Lookup):
            key = self.value(node.arg, env)
            if isinstance(key, Unknown):
                return key
            return lookup(node.key, self.param(node.key, self.as_of), key)
        if isinstance(node, ir.If):
            chosen = self.value(node.condition, env)
            if isinstance(chosen, Unknown):
                return chosen
            return self.value(node.then if chosen else node.otherwise, env)
        if isinstance(node, ir.ListOf):
            items = [self.value(item, env) for item in node.items]
            unknown = next((i for i in items if isinstance(i, Unknown)), None)
            return unknown if unknown is not None else tuple(items)
        if isinstance(node, ir.Logic):
            values = []
            for operand in node.operands:
                value = self.value(operand, env)
                if value is (node.op == "or"):
                    return value  # short-circuit, as the compiled evaluator does
                values.append(value)
            unknowns = [v for v in values if isinstance(v, Unknown)]
            return unknowns[0] if unknowns else node.op == "and"
        if isinstance(node, ir.Not):
            value = self.value(node.operand, env)
            return value if isinstance(value, Unknown) else not value
        if isinstance(node, ir.Neg):
            value = self.value(node.operand, env)
            return value if isinstance(value, Unknown) else -value
        if isinstance(node, ir.Arith | ir.Cmp | ir.In | ir.MakePeriod):
            left = self.value(node.left if not isinstance(node, ir.MakePeriod) else node.start, env)
            if isinstance(left, Unknown) and not isinstance(node, ir.MakePeriod):
                return left
            # a period's two ends are both read, as the generated code reads them: the facts
            # its end rests on are evidence even when its start is unknown
            right = self.value(node.right if not isinstance(node, ir.MakePeriod) else node.end, env)
            if isinstance(left, Unknown):
                return left
            if isinstance(right, Unknown):
                return right
            if isinstance(node, ir.Arith):
                if node.mode == "scale":
                    return scale(left, right)
                if node.mode == "date_duration":
                    return shift(self.calendar, left, right, 1 if node.op == "+" else -1)
                return arith(node.op, left, right)
            if isinstance(node, ir.Cmp):
                return compare(node.op, node.mode, left, right)
            if isinstance(node, ir.In):
                return member(node.mode, left, right) != node.negated
            if right < left:
                return Unknown(inverted(left, right))
            return Period(left, right)
        if isinstance(node, ir.Within):
            subject = self.value(node.subject, env)
            if isinstance(subject, Unknown):
                return subject
            anchor = self.value(node.anchor, env)
            if isinstance(anchor, Unknown):
                return anchor
            if subject < anchor:
                return False
            length = self.value(node.duration, env)
            if isinstance(length, Unknown):
                return length
            end = deadline(self.calendar, anchor, length)
            return end if isinstance(end, Unknown) else subject <= end
        if isinstance(node, ir.Test):
            if node.test in ("set", "missing"):
                subject = node.subject
                if isinstance(subject, ir.GetAttr) and subject.on == "fact":
                    fact = self.value(subject.target, env)
                    if isinstance(fact, Unknown):
                        return fact
                    present = not isinstance(fact_field(fact, subject.name), Unknown)
                else:
                    present = not isinstance(self.value(subject, env), Unknown)
                return present == (node.test == "set")
            day = self.value(node.subject, env)
            return day if isinstance(day, Unknown) else calendar_test(self.calendar, node.test, day)
        raise AssertionError(node)  # pragma: no cover

    def aggregate(self, node: ir.Aggregate, env: dict[str, Any]) -> Any:
        source = self.facts(node.source, env)
        if isinstance(source, Unknown):
            return source
        items, maybe, reason = source
        func = node.func
        if node.default is not None and not items and not maybe:
            return self.value(node.default, env)
        if func in ("count", "exists", "none"):
            if func == "count":
                self.note(items)
                return Unknown(undecided(len(maybe), reason)) if maybe else len(items)
            if items:
                self.note(items)
                return func == "exists"
            if maybe:
                return Unknown(reason)
            return func == "none"
        assert node.arg is not None
        if maybe and func != "every":
            return Unknown(undecided(len(maybe), reason))
        results = [self.value(node.arg, {**env, node.var: fact}) for fact in items]
        if func == "every" and any(result is False for result in results):
            self.note([fact for fact, result in zip(items, results, strict=True) if result is False])
            return False
        unknowns = [r for r in results if isinstance(r, Unknown)]
        if func == "every":
            if maybe:
                return Unknown(reason)
            if unknowns:
                return unknowns[0]
            self.note(items)
            return True
        if unknowns:
            return unknowns[0]
        self.note(items)
        if func == "share":
            return (
                Decimal(results.count(True)) / Decimal(len(items))
                if items
                else Unknown(msg("share of no facts"))
            )
        if func == "distinct":
            return len(set(results))
        if func == "sum":
            if node.arg.type.kind is Kind.PERCENTAGE or any(isinstance(r, Decimal) for r in results):
                return sum((Decimal(r) for r in results), Decimal(0))
            return sum(results)
        if not results:
            return Unknown(msg("{func} of no facts", func=func))
        return min(results) if func == "min" else max(results)

    def note(self, facts: list[Fact]) -> None:
        self.evidence.update(f"{f.type}:{f.id}" for f in facts)

    # -- statements: a list of (verdict, due, evidence, advisory)
    def block(
        self, stmts: tuple[ir.Stmt, ...], env: dict[str, Any], due: dt.date | None
    ) -> list[tuple[str, dt.date | None, frozenset[str], bool]]:
        out: list[tuple[str, dt.date | None, frozenset[str], bool]] = []
        env = dict(env)
        for stmt in stmts:
            if isinstance(stmt, ir.LetS):
                env[stmt.var] = self.value(stmt.value, env)
            elif isinstance(stmt, ir.AppliesS):
                value = self.value(stmt.condition, env)
                if isinstance(value, Unknown):
                    out.append((UNKNOWN, None, frozenset(), False))
                    return out
                if value is False:
                    raise _NotApplicable
            elif isinstance(stmt, ir.AdviseS):
                self.evidence = set()
                try:
                    value = self.value(stmt.condition, env)
                except CalendarError:  # advice never decides a verdict, whatever it asks
                    out.append((UNKNOWN, None, frozenset(), True))
                    continue
                verdict = UNKNOWN if isinstance(value, Unknown) else (PASS if value else FAIL)
                out.append((verdict, None, frozenset(self.evidence), True))
            elif isinstance(stmt, ir.RequireS):
                out.append(self.require(stmt, env, due))
            elif isinstance(stmt, ir.ForFactsS):
                out.extend(self.for_facts(stmt, env, due))
            elif isinstance(stmt, ir.ForPeriodsS):
                out.extend(self.for_periods(stmt, env))
        return out

    def require(
        self, stmt: ir.RequireS, env: dict[str, Any], due: dt.date | None
    ) -> tuple[str, dt.date | None, frozenset[str], bool]:
        try:
            return self.require_checked(stmt, env, due)
        except CalendarError:
            return (UNKNOWN, due, frozenset(), False)

    def require_checked(
        self, stmt: ir.RequireS, env: dict[str, Any], due: dt.date | None
    ) -> tuple[str, dt.date | None, frozenset[str], bool]:
        self.evidence = set()
        if stmt.by is not None:
            by = self.value(stmt.by, env)
            if isinstance(by, dt.date):
                due = by
        condition = stmt.condition
        if isinstance(condition, ir.Cmp):  # a requirement shows both sides: both are read
            left, right = self.value(condition.left, env), self.value(condition.right, env)
            unknown = next((v for v in (left, right) if isinstance(v, Unknown)), None)
            value = unknown if unknown is not None else compare(condition.op, condition.mode, left, right)
        else:
            value = self.value(condition, env)
        evidence = frozenset(self.evidence)
        if isinstance(value, Unknown):
            return (UNKNOWN, due, evidence, False)
        still_open = due is not None and due > self.as_of
        if value is True:
            settled = stmt.monotonicity in (CONST, INC)
            return (PASS if settled or not still_open else PENDING, due, evidence, False)
        settled = stmt.monotonicity in (CONST, DEC)
        return (FAIL if settled or not still_open else PENDING, due, evidence, False)

    def for_facts(
        self, stmt: ir.ForFactsS, env: dict[str, Any], due: dt.date | None
    ) -> list[tuple[str, dt.date | None, frozenset[str], bool]]:
        source = self.facts(stmt.source, env)
        if isinstance(source, Unknown):
            return [(UNKNOWN, None, frozenset(), False)]
        out: list[tuple[str, dt.date | None, frozenset[str], bool]] = []
        matched = 0
        for fact in source[0] + source[1]:
            inner = {**env, stmt.var: fact}
            if stmt.condition is not None:
                keep = self.value(stmt.condition, inner)
                if isinstance(keep, Unknown):
                    out.append((UNKNOWN, None, frozenset({f"{fact.type}:{fact.id}"}), False))
                    continue
                if not keep:
                    continue
            matched += 1
            try:
                out.extend(self.block(stmt.body, inner, due))
            except _NotApplicable:
                out.append((NA, None, frozenset(), False))
        return out if matched else [*out, (NA, None, frozenset(), False)]

    def for_periods(
        self, stmt: ir.ForPeriodsS, env: dict[str, Any]
    ) -> list[tuple[str, dt.date | None, frozenset[str], bool]]:
        period = self.value(stmt.period, env)
        if isinstance(period, Unknown):
            return [(UNKNOWN, None, frozenset(), False)]
        out: list[tuple[str, dt.date | None, frozenset[str], bool]] = []
        matched = 0
        for _label, unit in units(self.calendar, stmt.unit, period):
            inner = {**env, stmt.var: unit}
            if stmt.condition is not None and self.value(stmt.condition, inner) is not True:
                continue
            matched += 1
            try:
                out.extend(self.block(stmt.body, inner, unit.end))
            except _NotApplicable:
                out.append((NA, None, frozenset(), False))
        return out if matched else [(NA, None, frozenset(), False)]

    def rule(self, rule: ir.RuleDef) -> tuple[str, dt.date | None, tuple[str, ...]]:
        checks: list[tuple[str, dt.date | None, frozenset[str], bool]] = []
        try:
            checks = self.block(rule.body, {}, None)
        except _NotApplicable:
            checks = [(NA, None, frozenset(), False)]
        except CalendarError:
            checks = [(UNKNOWN, None, frozenset(), False)]
        if rule.kind == "assessed" and not (len(checks) == 1 and checks[0][0] == NA):
            judgements = [j for j in self.ledger.judgements if j.rule == rule.id]
            if judgements:
                latest = max(enumerate(judgements), key=lambda p: (p[1].date, p[0]))[1]
                checks.append((latest.verdict, None, frozenset(), False))
            else:
                checks.append((UNKNOWN, None, frozenset(), False))
        decisive = [c for c in checks if not c[3]]
        verdict = combine_verdicts(c[0] for c in decisive)
        dues = [c[1] for c in decisive if c[0] == PENDING and c[1] is not None]
        evidence = tuple(sorted(set().union(*(c[2] for c in decisive)))) if decisive else ()
        return verdict, (min(dues) if dues else None), evidence


class _NotApplicable(Exception):
    pass


def evaluate_reference(
    program: ir.Program, ledger: Ledger, as_of: dt.date, district: Ledger | None = None
) -> dict[str, tuple[str, dt.date | None, tuple[str, ...]]]:
    """Every rule's (verdict, due date, evidence) by the reference interpreter, on the ledger
    as it stood on ``as_of`` (:func:`protrules.facts.known.as_known_on`), read with the
    ``district`` ledger's facts as :meth:`RuleSet.with_district <protrules.RuleSet.with_district>`
    reads it: the district's rows after the street's, the programme's records left to the
    district (:func:`protrules.facts.district.with_district`)."""
    own = RECORDS if program.programme is not None else ()
    ledger, _ = as_known_on(with_district(ledger, district, own), program.fact_types, as_of)
    interpreter = _Interpreter(program, ledger, as_of)
    return {rule.id: interpreter.rule(rule) for rule in program.rules}


def decided(results: EntityResult) -> dict[str, tuple[str, dt.date | None, tuple[str, ...]]]:
    """The same triple from a compiled evaluation, for comparison."""
    return {r.rule: (r.verdict, r.due, r.evidence) for r in results.results}
