"""Hypothesis strategies and ready-made properties for rule sets (``protrules.testing``).

Strategies are derived from a compiled rule set's fact declarations, with dates concentrated
where rules break: inside the assessment period, at its edges, and around holiday blocks
and make-up working days. The properties hold for any well-written rule set; a failure is a
finding about the rules (or about protrules). ``docs/testing.md`` has a file to copy::

    from hypothesis import given, strategies as st
    import protrules
    from protrules.testing import check_properties

    RULES = protrules.load_rules("rules/changning_2023.prl")

    @given(st.data())
    def test_rule_properties(data):
        check_properties(RULES, data)

Requires the ``test`` extra (hypothesis).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from protrules.calendar.workdays import Period
from protrules.checking import ir
from protrules.checking.ir import CONST, INC
from protrules.compiling.ruleset import RuleSet
from protrules.evaluation.results import FAIL, PASS, VETOED, EntityResult
from protrules.facts.model import Duration, Fact, FactType, Judgement, Kind, Ledger
from protrules.report.render import entity_json, report_json

__all__ = [
    "as_of_dates",
    "check_as_of_stability",
    "check_determinism",
    "check_monotonicity",
    "check_order_independence",
    "check_properties",
    "check_veto_dominance",
    "dates",
    "fact_records",
    "ledgers",
    "monotone_rules",
]

NAMES = ["王芳", "李强", "张伟", "刘洋", "陈静", "Alice", "Bob", "会1", "A-01"]


def _period(rules: RuleSet) -> Period:
    name = rules.program.assessment
    if name is not None and name in rules.program.periods:
        period: Period = rules.program.periods[name]
        return period
    today = dt.date.today()
    return Period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))


def _hot_dates(rules: RuleSet) -> list[dt.date]:
    """Days where calendar rules break: period edges, holiday-block edges, make-up days."""
    period = _period(rules)
    cal = rules.calendar
    hot = {period.start, period.end, period.start - dt.timedelta(days=1), period.end + dt.timedelta(days=1)}
    published = cal.published_years
    inside = Period(
        max(period.start, dt.date(min(published), 1, 1)), min(period.end, dt.date(max(published), 12, 31))
    )
    for block in cal.holiday_blocks(inside):
        hot.update(
            {block.start - dt.timedelta(days=1), block.start, block.end, block.end + dt.timedelta(days=1)}
        )
    day = inside.start
    while day <= inside.end:
        if day.isoweekday() >= 6 and cal.is_working_day(day):
            hot.add(day)  # a make-up working day (调休上班)
        day += dt.timedelta(days=1)
    for vacation in cal.vacations(inside):
        hot.update({vacation.period.start, vacation.period.end})
    years = published
    return sorted(d for d in hot if d.year in years)


def dates(rules: RuleSet) -> st.SearchStrategy[dt.date]:
    """Dates: mostly inside the assessment period, often on its edges and on calendar edges."""
    period = _period(rules)
    years = rules.calendar.published_years
    lo = max(period.start - dt.timedelta(days=120), dt.date(min(years), 1, 1))
    hi = min(period.end + dt.timedelta(days=120), dt.date(max(years), 12, 31))
    return st.one_of(
        st.dates(period.start, period.end),
        st.sampled_from(_hot_dates(rules)),
        st.dates(lo, hi),
    )


def as_of_dates(rules: RuleSet) -> st.SearchStrategy[dt.date]:
    """As-of dates inside the period and on its end (the usual assessment date)."""
    period = _period(rules)
    return st.one_of(st.just(period.end), st.dates(period.start, period.end))


def _value(rules: RuleSet, kind: Kind, members: tuple[str, ...]) -> st.SearchStrategy[Any]:
    if kind is Kind.DATE:
        return dates(rules)
    if kind is Kind.TEXT:
        return st.sampled_from(NAMES)
    if kind is Kind.ENUM:
        return st.sampled_from(members)
    if kind is Kind.INTEGER:
        return st.integers(0, 30)
    if kind is Kind.DECIMAL:
        return st.integers(0, 40).map(lambda n: Decimal(n) / 2)
    if kind is Kind.PERCENTAGE:
        return st.integers(0, 20).map(lambda n: Decimal(n * 5) / 100)
    if kind is Kind.BOOLEAN:
        return st.booleans()
    if kind is Kind.DURATION:
        return st.builds(
            Duration,
            st.integers(1, 12),
            st.sampled_from(["days", "weeks", "working_days", "months", "years"]),
        )
    raise ValueError(kind)  # pragma: no cover - references are drawn by the ledger strategy


@st.composite
def fact_records(
    draw: st.DrawFn,
    rules: RuleSet,
    fact_type: str,
    *,
    ident: str = "F1",
    targets: dict[str, list[Fact]] | None = None,
    complete: bool = False,
) -> Fact:
    """One fact of a type; ``complete`` sets every optional field too."""
    declared: FactType = rules.fact_types[fact_type]
    values: dict[str, Any] = {}
    for field in declared.fields:
        if field.optional and not complete and draw(st.booleans()):
            continue
        if field.type.kind is Kind.FACT:
            pool = (targets or {}).get(str(field.type.fact), [])
            if not pool:
                continue
            values[field.name] = draw(st.sampled_from(pool))
        else:
            values[field.name] = draw(_value(rules, field.type.kind, field.type.members))
    return Fact(fact_type, ident, values, origin="hypothesis")


def _order(rules: RuleSet) -> list[str]:
    """Fact types with referenced types first, so references can be drawn."""
    done: list[str] = []
    pending = list(rules.fact_types)
    while pending:
        for name in list(pending):
            refs = {str(f.type.fact) for f in rules.fact_types[name].fields if f.type.kind is Kind.FACT}
            if refs - {name} <= set(done) or not refs - set(pending):
                done.append(name)
                pending.remove(name)
        if pending and not any(name in done for name in pending):
            done.extend(pending)  # reference cycles: their fields stay optional-empty
            pending = []
    return done


@st.composite
def ledgers(
    draw: st.DrawFn, rules: RuleSet, *, max_facts: int = 6, covered: str = "all", prefix: str = ""
) -> Ledger:
    """A whole entity: every fact type (or some, with ``covered="some"``), and judgements.

    ``prefix`` starts every fact id: a district ledger drawn with one shares no id with a
    street's (protrules.facts.district)."""
    facts: dict[str, list[Fact]] = {}
    for name in _order(rules):
        if covered == "some" and not draw(st.booleans()):
            continue
        needs_target = any(
            f.type.kind is Kind.FACT and not f.optional and not facts.get(str(f.type.fact))
            for f in rules.fact_types[name].fields
        )
        if needs_target:  # a required reference with nothing to point at: covered, but empty
            facts[name] = []
            continue
        count = draw(st.integers(0, max_facts))
        facts[name] = [
            draw(fact_records(rules, name, ident=f"{prefix}{name[:3]}{i + 1}", targets=facts))
            for i in range(count)
        ]
    judgements = []
    for rule in rules.rules:
        if rule.kind == "assessed" and draw(st.booleans()):
            judgements.append(
                Judgement(rule.id, draw(st.sampled_from(["pass", "fail"])), "评估组", draw(dates(rules)))
            )
    entity = draw(st.sampled_from(["e1", "e2", "街道甲"]))
    return Ledger(entity, entity, {k: tuple(v) for k, v in facts.items()}, tuple(judgements), "hypothesis")


# ------------------------------------------------------------------ properties


def check_determinism(rules: RuleSet, ledger: Ledger, as_of: dt.date) -> None:
    """The same input gives byte-identical JSON."""
    first = report_json(rules.program, [rules.evaluate(ledger, as_of)], as_of)
    second = report_json(rules.program, [rules.evaluate(ledger, as_of)], as_of)
    assert first == second, "evaluation is not deterministic"


def check_order_independence(rules: RuleSet, ledger: Ledger, as_of: dt.date, seed: int) -> None:
    """Shuffling the facts of each type changes no verdict, due date or evidence."""
    rng = random.Random(seed)
    shuffled = {k: tuple(rng.sample(list(v), len(v))) for k, v in ledger.facts.items()}
    other = Ledger(ledger.id, ledger.name, shuffled, ledger.judgements, ledger.origin)
    a = {r.rule: (r.verdict, r.due, r.evidence) for r in rules.evaluate(ledger, as_of).results}
    b = {r.rule: (r.verdict, r.due, r.evidence) for r in rules.evaluate(other, as_of).results}
    assert a == b, f"verdicts depend on the order of facts: {_diff(a, b)}"


def check_veto_dominance(result: EntityResult) -> None:
    """A negative-list hit always makes the entity fail the standard, whatever its score."""
    hit = [r.rule for r in result.results if r.kind == "veto" and r.verdict == FAIL]
    if hit:
        assert result.status == VETOED, f"veto {hit} did not veto the entity ({result.status})"


def check_as_of_stability(rules: RuleSet, ledger: Ledger, earlier: dt.date, later: dt.date) -> None:
    """A pass or fail decided on one date does not change on a later date (same facts).

    The facts are those known on the earlier date (``RuleSet.as_known_on``): a record dated
    between the two dates may rightly change a verdict, as a new fact may."""
    ledger, _ = rules.as_known_on(ledger, earlier)
    a = rules.evaluate(ledger, earlier)
    b = rules.evaluate(ledger, later)
    for before, after in zip(a.results, b.results, strict=True):
        if before.verdict in (PASS, FAIL):
            assert after.verdict == before.verdict, (
                f"rule {before.rule}: {before.verdict} on {earlier} but {after.verdict} on {later}"
                f" ({before.reason} / {after.reason})"
            )


def monotone_rules(rules: RuleSet) -> list[str]:
    """Rules of the "at least" kind: every requirement only improves as facts are added."""
    out = []
    for rule in rules.rules:
        if rule.kind in ("required", "advisory") and _only_increasing(rule.body):
            out.append(rule.id)
    return out


def _only_increasing(body: Sequence[ir.Stmt]) -> bool:
    found = False
    for stmt in body:
        if isinstance(stmt, ir.RequireS):
            if stmt.monotonicity not in (INC, CONST):
                return False
            found = True
        elif isinstance(stmt, ir.ForPeriodsS):
            if not _only_increasing(stmt.body):
                return False
            found = True
        elif isinstance(stmt, ir.LetS | ir.AdviseS):
            continue
        else:
            return False
    return found


def check_monotonicity(rules: RuleSet, ledger: Ledger, extra: Fact, as_of: dt.date) -> None:
    """Adding a (complete) fact never turns an "at least" rule's pass into anything else."""
    facts = dict(ledger.facts)
    if extra.type not in facts:
        return
    facts[extra.type] = (*facts[extra.type], extra)
    more = Ledger(ledger.id, ledger.name, facts, ledger.judgements, ledger.origin)
    before = rules.evaluate(ledger, as_of)
    after = rules.evaluate(more, as_of)
    wanted = set(monotone_rules(rules))
    for a, b in zip(before.results, after.results, strict=True):
        if a.rule in wanted and a.verdict == PASS:
            assert b.verdict == PASS, (
                f"rule {a.rule}: adding {extra!r} turned pass into {b.verdict}: {b.reason}"
            )


def check_properties(rules: RuleSet, data: st.DataObject) -> None:
    """Draw a ledger and dates, and check every property above."""
    ledger = data.draw(ledgers(rules), label="ledger")
    as_of = data.draw(as_of_dates(rules), label="as_of")
    result = rules.evaluate(ledger, as_of)
    entity_json(result)  # renders without error
    check_determinism(rules, ledger, as_of)
    check_veto_dominance(result)
    check_order_independence(rules, ledger, as_of, data.draw(st.integers(0, 2**16), label="seed"))
    later = data.draw(st.dates(as_of, _period(rules).end + dt.timedelta(days=200)), label="later")
    check_as_of_stability(rules, ledger, as_of, later)
    covered = [
        name
        for name in ledger.facts
        if not any(
            f.type.kind is Kind.FACT and not ledger.facts.get(str(f.type.fact))
            for f in rules.fact_types[name].fields
        )
    ]
    if covered:
        name = data.draw(st.sampled_from(covered), label="extra type")
        pool = {k: list(v) for k, v in ledger.facts.items()}
        extra = data.draw(
            fact_records(rules, name, ident="extra", targets=pool, complete=True), label="extra"
        )
        check_monotonicity(rules, ledger, extra, as_of)


def _diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
