"""Whole rules → generated Python functions, for evaluation with checks and without.

``RuleSet.evaluate(…, checks=False)`` (what ``protrules rank``, text reports and batch runs
use) wants of each rule only what a :class:`~protrules.evaluation.tally.Tally` keeps: the verdict, the
first check of that verdict (the reason), the earliest pending due date and the evidence; a
full evaluation keeps every check and `let` as well (``checks=True``, :class:`_Writer`). Each
rule becomes one Python function that computes that with plain loops, comprehensions and local
variables — the code a careful programmer would write by hand, written from the rule.

Exactness is by construction, not by hope. The generated function handles the case where
every value is definite (:mod:`protrules.compiling.codegen_expr` says what that means); the moment it is
not — a fact type the ledger does not cover, a missing field, an unpublished calendar year —
the function raises, and the rule is evaluated by its exact code instead
(:mod:`protrules.compiling.exact`), which gives the three-valued answer. The differential tests
hold the two (and the reference interpreter) to identical results, and check that this code
is the one run on clean ledgers.

:func:`write` returns a rule's source and the namespace it runs in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from protrules.checking import ir
from protrules.checking.ir import CONST, DEC, INC
from protrules.compiling.codegen_expr import Unsupported, Written
from protrules.compiling.codegen_select import Emitter
from protrules.evaluation.definite import FALLBACK, HELPERS, PerCalendar
from protrules.evaluation.findings import Advice, Compared, Finding, NotApplicable, Noted, Pass, Requirement
from protrules.evaluation.indexes import any_node
from protrules.evaluation.results import FAIL, NA, PASS, PENDING, UNKNOWN, Check, RuleResult, tallied
from protrules.evaluation.runtime import Ctx
from protrules.evaluation.tally import Tally, check_evidence, evidence_ids, labelled
from protrules.evaluation.verdicts import checked_result, tallied_result
from protrules.facts.model import Fact

__all__ = ["FALLBACK", "write"]

GeneratedRule = Callable[[Ctx], RuleResult]

#: A loop pass's label as the writer keeps it: the loop's name and the Python expression of
#: the value it visits (a tally), or ``""`` and the variable holding the label (checks kept).
Label = tuple[str, str]


def _finish(
    rule: ir.RuleDef,
    ctx: Ctx,
    count: int,
    first: dict[str, tuple[Any, ...]],
    due: Any,
    facts: list[Fact],
    work: int,
) -> RuleResult:
    """The rule result from the generated function's tally (``first``: the entries of
    :class:`~protrules.evaluation.findings.Noted`; ``facts``: every fact the checks read), as
    :func:`~protrules.evaluation.verdicts.tallied_result` gives it from a tally."""
    if work:
        ctx.work += work
        if ctx.max_work and ctx.work > ctx.max_work:
            ctx.spend(0)  # past the bound: its error
    if rule.kind == "assessed":  # the judgement joins the checks: the tally's own path
        tally = Tally()
        tally.count, tally.first, tally.due, tally.facts = count, first, due, [facts] if facts else []
        tally.first_verdict = next(iter(first), "") if count == 1 else ""  # the only check's
        return tallied_result(rule, ctx, tally)
    if FAIL in first:  # combine_verdicts, for the verdicts noted
        verdict = FAIL
    elif UNKNOWN in first:
        verdict = UNKNOWN
    elif PENDING in first:
        verdict = PENDING
    elif PASS in first:
        verdict = PASS
    else:
        verdict = NA
    # the reason and the evidence as the result writes them when first read: what the deciding
    # check was noted with, and the facts read
    why = first.get(verdict, ())
    return tallied(rule.id, rule.title, rule.kind, rule.weight, verdict, why, due, facts or ())


def _checked(
    rule: ir.RuleDef, ctx: Ctx, checks: list[Check], lets: list[tuple[str, Any]], work: int
) -> RuleResult:
    """The rule result from the generated function's checks."""
    if work:
        ctx.spend(work)
    return checked_result(rule, ctx, checks, lets)


def _evidence_of(found: list[Sequence[Fact]]) -> tuple[str, ...]:
    """A check's evidence: the sorted ``type:id`` of the facts its aggregates read."""
    if len(found) == 1:
        return check_evidence(found[0])
    return evidence_ids(fact for facts in found for fact in facts)


class _Writer:
    """Writes one rule's function for definite values, statement by statement.

    Without checks each check is noted in local variables (``n``, ``first``, ``tdue``, ``F``:
    the fields of a :class:`Tally`); with checks (``checks=True``) each becomes a
    :class:`~protrules.evaluation.results.Check` in ``CK`` and each `let` joins ``LETS``, as
    :class:`~protrules.evaluation.tally.Checks` keeps them. ``W`` counts facts visited."""

    def __init__(self, rule: ir.RuleDef, checks: bool = False) -> None:
        self.rule, self.checks = rule, checks
        self.counted = rule.kind == "assessed" and not checks
        self.e = Emitter()
        self.e.namespace = namespace(rule, checks)
        if not checks:  # a tally's evidence: one flat list of facts
            self.e.flat = "F"
            if not _applies(rule.body):  # `applies` rolls the evidence back: no spans
                self.e.spanned = "F"

    def write(self) -> str:
        e = self.e
        self.block(self.rule.body, [], None, None)
        e.flush()
        e.line(self.finish())
        head = ["def rule(ctx):"]
        head += [
            "    FACTS = ctx.ledger.facts",
            "    cal = ctx.calendar",
            "    as_of = ctx.as_of",
            "    MEMO = ctx.selections",
        ]
        head += [f"    {name} = {expr}" for name, expr in e.prelude.values()]
        head += [f"    {self.empty()}", "    W = 0"]
        return "\n".join([*head, *e.lines]) + "\n"

    def empty(self) -> str:
        """The sink's variables, empty (at the start, and when the rule does not apply)."""
        return "CK, LETS = [], []" if self.checks else "n, first, tdue, F = 0, {}, None, []"

    def finish(self) -> str:
        if self.checks:
            return "return _checked(C, ctx, CK, LETS, W)"
        return "return _finish(C, ctx, n, first, tdue, F, W)"

    # -- noting checks
    def note(self, verdict: str, context: list[Label], *, text: str, due: str | None = None,
             evidence: str | None = None, requirement: Requirement | None = None,
             compared: tuple[str, str] = ("None", "None"),
             finding: Finding | None = None) -> None:  # fmt: skip
        """Checks.note or Tally.note, written out: a check of the statement whose text is
        ``text``, its finding a requirement's comparison (``requirement`` and the values
        ``compared``) or a constant ``finding``. A tally keeps only the first check of each
        verdict, and of it only what it was noted with (:class:`~protrules.evaluation.tally.
        Noted`: the passes and the finding are built only for the verdict the rule ends with);
        only an assessed rule reads how many checks a tally noted (one not-applicable check
        means no judgement is asked for)."""
        e = self.e
        values = [*compared, verdict, due or "None"] if requirement is not None else []
        if self.checks:
            found = f"_evidence_of({evidence})" if evidence is not None else "()"
            if requirement is not None:
                detail = f"_Compared({e.const(requirement)}, {', '.join(values)})"
            else:
                detail = e.const(finding)
            where = f"{_context(context)}, {verdict}, {detail}, {due}, {found}"
            e.line(f"CK.append(_Check({e.const(text)}, {where}))")
            return
        if self.counted:
            e.line("n += 1")
        noted = e.const(Noted(tuple(name for name, _ in context), requirement, finding))
        parts = "".join(f", {value}" for _, value in context) + "".join(f", {value}" for value in values)
        e.line(f"if {verdict} not in first:")
        with e.block():
            e.line(f"first[{verdict}] = ({noted}{parts or ','})")

    def note_na(self, stmt: ir.Stmt, context: list[Label], cause: str, unit: str | None = None) -> None:
        """A check saying why a pass or the rule is n/a (its finding is written once, here)."""
        self.note("_NA", context, finding=NotApplicable(cause, stmt, unit), text=stmt.text)

    def label(self, name: str, value: str) -> Label:
        """A loop pass's label, named ``name`` (a loop's name, as it reads): every check of the
        pass reads it when checks are kept (so it is written once, into a variable), a tally
        only the first of each verdict, and only when the rule ends with that verdict (so it
        keeps the name and the value)."""
        if self.checks:
            return ("", self.e.temp(f"_Pass({self.e.const(name)}, {value})", "lb"))
        return (name, value)

    # -- statements
    def block(
        self, stmts: tuple[ir.Stmt, ...], context: list[Label], due: str | None, mark: str | None
    ) -> None:
        e = self.e
        for stmt in stmts:
            if isinstance(stmt, ir.RequireS):
                self.require(stmt, context, due)
            elif isinstance(stmt, ir.LetS):
                name = e.names[stmt.var] = e.temp(e.value(stmt.value), "x")
                if self.checks:
                    e.line(f"LETS.append((_labelled({e.const(stmt.name)}, {_context(context)}), {name}))")
            elif isinstance(stmt, ir.AdviseS):
                self.advise(stmt, context)
            elif isinstance(stmt, ir.AppliesS):
                self.applies(stmt, context, mark)
            elif isinstance(stmt, ir.ForFactsS):
                self.for_facts(stmt, context, due)
            elif isinstance(stmt, ir.ForPeriodsS):
                self.for_periods(stmt, context)

    def evidence(self) -> str:
        """Where a requirement's aggregates put the facts they read: a tally keeps the union of
        every check's (the facts go there at once), a check its own."""
        e = self.e
        if not self.checks:
            return "F"
        e.covered = set()  # what joined another check's evidence is not this one's
        name = e.fresh("e")
        e.line(f"{name} = []")
        return name

    def require(self, stmt: ir.RequireS, context: list[Label], due: str | None) -> None:
        e = self.e
        req = Requirement.of(stmt)
        evidence = e.evidence = self.evidence()
        try:
            if stmt.by is not None:
                due = e.temp(e.value(stmt.by), "d")
            condition = stmt.condition
            if isinstance(condition, ir.Cmp):
                left = e.temp(e.value(condition.left))
                right = e.temp(e.value(condition.right))
                ok = e.compare(condition.op, req.mode, left, right)
            else:
                left = ok = e.temp(e.value(condition))
                right = "None"
        finally:
            e.evidence = None
            if self.checks:
                e.covered = set()
        verdict = e.fresh("v")
        self.verdict(verdict, ok, due, stmt.monotonicity)
        self.note(verdict, context, text=req.text, due=due, evidence=evidence, requirement=req,
                  compared=(left, right))

    def advise(self, stmt: ir.AdviseS, context: list[Label]) -> None:
        """Advice never decides a verdict: a tally counts it unevaluated, checks keep it."""
        e = self.e
        if not self.checks:
            if self.counted:
                e.line("n += 1")
            return
        evidence = e.evidence = self.evidence()
        try:
            value = e.temp(e.value(stmt.condition))
        finally:
            e.evidence, e.covered = None, set()
        e.line(f"CK.append(_Check({e.const(stmt.text)}, {_context(context)}, _PASS if {value} else _FAIL,"
               f" _Advice({e.const(stmt.condition)}, {value}), None, _evidence_of({evidence}),"
               " advisory=True))")  # fmt: skip

    def verdict(self, verdict: str, ok: str, due: str | None, mono: str) -> None:
        """:func:`protrules.evaluation.verdicts.verdict`, specialised: whether a due date exists and how
        the requirement moves as facts are added are known when the rule is written. A pending
        check's due date joins the tally's at once."""
        e = self.e
        if due is None or mono == CONST:
            e.line(f"{verdict} = _PASS if {ok} else _FAIL")
            return
        if mono == INC:  # met "at least" stays met: pending only while unmet
            e.line(f"if {ok}:")
            settled, otherwise = "_PASS", "_FAIL"
        elif mono == DEC:  # broken "none" stays broken: pending only while unbroken
            e.line(f"if not {ok}:")
            settled, otherwise = "_FAIL", "_PASS"
        else:
            settled = otherwise = ""
        if settled:
            with e.block():
                e.line(f"{verdict} = {settled}")
        e.line(f"{'elif' if settled else 'if'} {due} > as_of:")
        with e.block():
            e.line(f"{verdict} = _PENDING")
            if not self.checks:  # checks keep their own due dates
                e.line(f"if tdue is None or {due} < tdue:")
                with e.block():
                    e.line(f"tdue = {due}")
        if settled:
            e.line("else:")
            with e.block():
                e.line(f"{verdict} = {otherwise}")
        else:
            e.line("else:")
            with e.block():
                e.line(f"{verdict} = _PASS if {ok} else _FAIL")

    def applies(self, stmt: ir.AppliesS, context: list[Label], mark: str | None) -> None:
        """A pass (or the rule) that does not apply: its checks give way to the one saying why
        (the lets stay)."""
        e = self.e
        condition = e.value(stmt.condition)
        e.line(f"if not {condition}:")
        with e.block():
            if self.checks:
                e.line(f"del CK[{mark or 0}:]")
            elif mark is None:
                e.line(self.empty())
            else:
                e.line(f"n, tdue = {mark}[0], {mark}[2]")
                e.line(f"for kv in list(first)[{mark}[1]:]:")  # verdicts first seen since the mark
                with e.block():
                    e.line("del first[kv]")
                e.line(f"del F[{mark}[3]:]")
            self.note_na(stmt, context, "does not apply")
            e.line("continue" if mark is not None else self.finish())

    def _pass(self, body: tuple[ir.Stmt, ...], context: list[Label], due: str | None) -> None:
        mark = None
        if any(isinstance(stmt, ir.AppliesS) for stmt in body):  # a pass that may not apply
            mark = self.e.fresh("mk")
            self.e.line(f"{mark} = {'len(CK)' if self.checks else '(n, len(first), tdue, len(F))'}")
        self.block(body, context, due, mark)

    def for_facts(self, stmt: ir.ForFactsS, context: list[Label], due: str | None) -> None:
        e = self.e
        facts = e.temp(e.value(stmt.source))
        e.line(f"W += len({facts})")
        matched = e.fresh("m")
        e.line(f"{matched} = 0")
        var = e.names[stmt.var] = e.fresh("f")
        e.line(f"for {var} in {facts}:")
        with e.loop(f"len({facts})"):
            if stmt.condition is not None:
                keep = e.value(stmt.condition)
                e.line(f"if not {keep}:")
                with e.block():
                    e.line("continue")
            e.line(f"{matched} += 1")
            label = self.label(stmt.name, var)
            self._pass(stmt.body, [*context, label], due)
        e.line(f"if not {matched}:")
        with e.block():
            self.note_na(stmt, context, "no facts to check")

    def for_periods(self, stmt: ir.ForPeriodsS, context: list[Label]) -> None:
        e = self.e
        period = e.temp(e.value(stmt.period))
        label, var = e.fresh("l"), e.fresh("p")
        e.names[stmt.var] = var
        every = f"_units(cal, {e.const(stmt.unit)}, {period})"
        units = e.fresh("u")
        if stmt.condition is None:
            e.line(f"{units} = {every}")
        elif not e.heavy(stmt.condition):  # the units to check, picked in one comprehension
            static = _static(stmt.period, stmt.var) and _static(stmt.condition, stmt.var)
            if static:  # the same units in every call: picked once per calendar
                cache = e.const(PerCalendar())
                e.line(f"{units} = {cache}.get(cal)")
                e.line(f"if {units} is None:")
                e.depth += 1
            keep = e.per_fact(stmt.var, stmt.condition)
            e.line(f"{units} = [({label}, {var}) for {label}, {var} in {every} if {keep}]")
            if static:
                e.line(f"{cache}[cal] = {units}")
                e.depth -= 1
        else:
            e.line(f"{units} = []")
            e.line(f"for {label}, {var} in {every}:")
            with e.loop("1"):
                keep = e.value(stmt.condition)
                e.line(f"if {keep}:")
                with e.block():
                    e.line(f"{units}.append(({label}, {var}))")
        e.line(f"for {label}, {var} in {units}:")
        with e.loop(f"len({units})"):
            due = e.temp(f"{var}.end", "d")
            labelled = self.label(stmt.name, label)
            self._pass(stmt.body, [*context, labelled], due)
        e.line(f"if not {units}:")
        with e.block():
            self.note_na(stmt, context, "no units to check", stmt.unit)


def _applies(stmts: tuple[ir.Stmt, ...]) -> bool:
    """Whether any statement, or any statement of a loop's body, is an `applies`."""
    return any(
        isinstance(s, ir.AppliesS) or (isinstance(s, ir.ForFactsS | ir.ForPeriodsS) and _applies(s.body))
        for s in stmts
    )


def _static(node: ir.Node, var: str) -> bool:
    """Whether an expression reads nothing but constants and the loop's own unit ``var``: no
    parameter (their value depends on the as-of date), no fact, no other name."""
    return not any_node(node, lambda n: isinstance(n, ir.Ref) and not (n.scope == "local" and n.key == var))


def _context(labels: list[Label]) -> str:
    """The context of a check, as Python: a tuple of its passes' labels (checks kept)."""
    return "(" + "".join(f"{label}, " for _, label in labels) + ")"


_RESULTS: dict[str, Any] = {
    "_PASS": PASS, "_FAIL": FAIL, "_PENDING": PENDING, "_NA": NA, "_finish": _finish, "_Check": Check,
    "_checked": _checked, "_evidence_of": _evidence_of, "_labelled": labelled, "_Advice": Advice,
    "_Compared": Compared, "_Pass": Pass,
}  # fmt: skip


def namespace(rule: ir.RuleDef, checks: bool = False) -> dict[str, Any]:
    """What every function for definite values has in its namespace before its constants: the
    run-time helpers, what makes results, and the rule (``C``)."""
    return {**HELPERS, **_RESULTS, "C": rule}


def write(rule: ir.RuleDef, checks: bool = False) -> Written | None:
    """A rule's function for definite values, with (or without) checks: its source and the
    namespace it runs in; None if the rule uses something the generator does not write (then
    its exact code runs, :mod:`protrules.compiling.exact`)."""
    writer = _Writer(rule, checks)
    try:
        text = writer.write()
    except Unsupported:
        return None
    return Written(text, writer.e.namespace, writer.e.keys)
