"""From checks to verdicts: a requirement's verdict and detail, a rule's result, an entity's
status and score — shared by every evaluator, so they agree by construction.

A requirement whose due date (``by d``, or the end of the enclosing calendar unit) is after
the as-of date is *pending* unless it is already decided: an "at least" requirement that is
met stays met as facts are added (monotonicity ``inc``), a "none" requirement that is broken
stays broken (``dec``). The as-of date means the ledgers are complete up to and including
that day.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from protrules.checking import ir
from protrules.checking.ir import CONST, DEC, INC
from protrules.evaluation.findings import (
    Compared,
    Judged,
    NoRequirement,
    NotJudged,
    Reason,
    Requirement,
    shown,
)
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
from protrules.evaluation.runtime import Ctx
from protrules.evaluation.tally import Tally
from protrules.facts.model import Ledger

__all__ = [
    "Requirement",
    "checked_result",
    "decide_entity",
    "judgement",
    "shown",
    "tallied_result",
    "verdict",
]


def verdict(monotonicity: str, value: Any, due: dt.date | None, as_of: dt.date) -> str:
    """Pass or fail, or pending while the due date is after the as-of date — unless the
    requirement can no longer change (met "at least", broken "none": see the module doc)."""
    open_ = due is not None and due > as_of
    if value is True:
        return PENDING if open_ and monotonicity not in (CONST, INC) else PASS
    return PENDING if open_ and monotonicity not in (CONST, DEC) else FAIL


def detail(req: Requirement, left: Any, right: Any, verdict: str, due: dt.date | None) -> Compared:
    """A requirement's check's finding: the values themselves (facts and dates are immutable
    here), never the evaluation context; worded only when somebody reads it."""
    return Compared(req, left, right, verdict, due)


def checked_result(
    rule: ir.RuleDef, ctx: Ctx, checks: list[Check], lets: list[tuple[str, Any]], *, keep: bool = True
) -> RuleResult:
    """A rule's result from every check it noted (and its lets): a full evaluation's, or
    without ``keep`` one without checks (the same verdict, reason, due date and evidence)."""
    if rule.kind == "assessed" and not (checks and checks[0].verdict == NA and len(checks) == 1):
        checks.append(judgement(rule.id, ctx.ledger))
    decisive = [c for c in checks if not c.advisory]
    verdict = combine_verdicts(c.verdict for c in decisive)
    due_dates = [c.due for c in decisive if c.verdict == PENDING and c.due is not None]
    due = min(due_dates) if due_dates else None
    reason = functools.partial(_reason, verdict, decisive)  # written on first reading,
    evidence = functools.partial(_union, decisive)  # from the checks the result holds anyway
    if not keep:
        return RuleResult(rule.id, rule.title, rule.kind, rule.weight, verdict, reason, due, evidence, ())
    return RuleResult(
        rule.id, rule.title, rule.kind, rule.weight, verdict, reason, due, evidence, (*checks,), (*lets,)
    )


def tallied_result(rule: ir.RuleDef, ctx: Ctx, tally: Tally) -> RuleResult:
    """A rule's result without checks, from what a tally kept of them."""
    if rule.kind == "assessed" and not tally.only_not_applicable():
        tally.append(judgement(rule.id, ctx.ledger))
    verdict, evidence = tally.verdict(), tally.evidence()
    return RuleResult(
        rule.id, rule.title, rule.kind, rule.weight, verdict, tally.reason(verdict), tally.due, evidence, ()
    )


def judgement(rule_id: str, ledger: Ledger) -> Check:
    """An assessed rule's judgement: the latest one recorded, or unknown without one."""
    found = [j for j in ledger.judgements if j.rule == rule_id]
    if not found:
        return Check("assessor's judgement", (), UNKNOWN, NotJudged())
    latest = max(enumerate(found), key=lambda pair: (pair[1].date, pair[0]))[1]
    judged = Judged(latest.verdict, latest.by, latest.date, latest.note)
    return Check("assessor's judgement", (), latest.verdict, judged)


def _union(checks: list[Check]) -> tuple[str, ...]:
    """A rule's evidence: every check's, sorted."""
    return tuple(sorted({e for c in checks for e in c.evidence}))


def _reason(verdict: str, checks: list[Check]) -> Reason:
    for check in checks:
        if check.verdict == verdict:
            return Reason(check.context, check.finding)
    return Reason((), NoRequirement())


#: A score's precision: four decimal places.
_QUANTUM = Decimal("0.0001")


def decide_entity(
    ledger: Ledger, as_of: dt.date, results: list[RuleResult], *, with_checks: bool = True
) -> EntityResult:
    """Status and score from rule results (docs/domain.md, “Verdicts, status and score”)."""
    vetoed: list[str] = []
    passed: Any = 0
    applicable: Any = 0
    failed = undecided = False
    for r in results:  # one pass: every evaluation of an entity ends here
        kind, found = r.kind, r.verdict
        if kind == "veto":
            if found == FAIL:
                vetoed.append(r.rule)
            elif found in (UNKNOWN, PENDING):
                undecided = True
        elif kind in ("required", "assessed"):
            if found == FAIL:
                failed = True
            elif found in (UNKNOWN, PENDING):
                undecided = True
            if found != NA:  # counts in the score
                applicable += r.weight
                if found == PASS:
                    passed += r.weight
    score = (Decimal(passed) / Decimal(applicable)).quantize(_QUANTUM) if applicable else None
    vetoed_by = tuple(vetoed)
    if vetoed_by:
        status = VETOED
    elif failed:
        status = FAILS
    elif undecided:
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
        ledger.fictional,
        ledger.note,
    )
