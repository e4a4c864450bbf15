"""A district's assessment gathered for a person to read: what the 督导报告 shows.

The HTML and Markdown reports render the same content, built here from what the earlier
stages produced — each street's result, the traces of the rules it does not pass, its ledger
(for the facts a verdict rests on), the obligations falling due and the ranking. Nothing here
evaluates: the caller (``protrules report``) runs the rule set and hands the results over, one
street at a time, so a district of hundreds of streets is built while only its pages are held.

Two things a report shows come from elsewhere and are taken in one place each, so that a
better source is one change: the reason for a verdict (:func:`reason_text`) and the
programme's steps (:func:`programme_steps`).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from protrules.checking.ir import Program
from protrules.checking.parameters import beside_published
from protrules.evaluation.results import FAIL, NA, PASS, PENDING, UNKNOWN, VERDICTS, EntityResult, RuleResult
from protrules.evaluation.runtime import show
from protrules.facts.model import Ledger
from protrules.programme.diff import Diff
from protrules.programme.due import OVERDUE, Obligation, for_applicants
from protrules.programme.ranking import Ranking
from protrules.programme.selection import Selection
from protrules.report.provenance import computed_with, computed_with_line
from protrules.report.reasons import fact_words, reason_words
from protrules.report.render import WORST_FIRST, explain_text, lookup

__all__ = [
    "PROBLEMS",
    "AreaTally",
    "District",
    "Problem",
    "RuleLine",
    "Step",
    "StreetPage",
    "area_tallies",
    "build_district",
    "district_of",
    "problem_rules",
    "programme_steps",
    "reason_text",
    "street_page",
    "worst",
]

#: The verdicts a 问题清单 lists, in its order: what fails, what lacks data, what falls due.
PROBLEMS = (FAIL, UNKNOWN, PENDING)
#: Kinds of rule that decide a street's status; advisory ones (优先/鼓励) never do.
_DECIDING = ("required", "assessed", "veto")
#: Facts listed under a problem before "… and N more".
MAX_FACTS = 12


def reason_text(result: RuleResult, program: Program | None = None, lang: str = "zh") -> str:
    """The reason a report gives for a rule's verdict, as its reader sees it: in plain words
    (:mod:`protrules.report.reasons`), Chinese unless told otherwise — the 督导报告 is read by
    the district's officials. Every report takes its reasons from here and nowhere else."""
    return reason_words(result.why, program, lang)


def worst(verdicts: Iterable[str]) -> str:
    """The worst of some verdicts (fail, unknown, pending, pass, n/a in that order); n/a if none."""
    return min(verdicts, key=WORST_FIRST.__getitem__, default=NA)


@attrs.frozen
class Problem:
    """One entry of a street's 问题清单: a rule it fails, lacks data for, or that falls due.

    ``trace`` is the rule's explanation (``protrules explain``'s text, the checks that are not
    passed first) or "" when the report was built without traces.
    """

    rule: str
    title: str
    kind: str
    verdict: str
    area: str
    area_title: str
    item: str | None
    item_title: str
    clause: str
    note: str | None
    reason: str
    due: dt.date | None
    days_left: int | None
    facts: tuple[str, ...]
    more_facts: int
    trace: str


@attrs.frozen
class AreaTally:
    """One area of the standard for one street: how many rules have each verdict."""

    area: str
    title: str
    counts: Mapping[str, int]
    open: tuple[str, ...]  # the ids of its rules that fail, lack data or are pending

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def worst(self) -> str:
        return worst(v for v, n in self.counts.items() if n)


@attrs.frozen
class RuleLine:
    """A rule's verdict for one street, for the full list of clauses."""

    rule: str
    title: str
    kind: str
    verdict: str
    reason: str
    area: str


@attrs.frozen
class StreetPage:
    """What the report says of one street: its standing, its 问题清单, its areas and rules."""

    entity: str
    name: str
    as_of: dt.date
    status: str
    score: Decimal | None
    passed: Decimal
    applicable: Decimal
    vetoed_by: tuple[str, ...]
    counts: Mapping[str, int]
    problems: tuple[Problem, ...]
    areas: tuple[AreaTally, ...]
    rules: tuple[RuleLine, ...]
    overdue: int  # obligations past their deadline (each is a failed check)

    def problems_with(self, verdict: str) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.verdict == verdict)

    @property
    def percent(self) -> str:
        """The score as a percentage with one decimal ("95.8%"), or "-" without one."""
        return "-" if self.score is None else f"{self.score * 100:.1f}%"

    @property
    def score_text(self) -> str:
        """The score with how it is computed: "95.8% (68/71)" (passed / applicable clauses)."""
        if self.score is None:
            return "-"
        return f"{self.percent} ({show(self.passed)}/{show(self.applicable)})"


@attrs.frozen
class Step:
    """A dated step of the programme, and where the as-of date stands against it."""

    name: str
    title: str
    date: dt.date
    #: Without a programme: "done" (before the as-of date), "today", "next" (the first after
    #: it), "later". With one, the district's state on the step: "done", "due", "overdue".
    state: str
    detail: str = ""  # with a programme: what the district has done on it ("8 applied …")


@attrs.frozen
class District:
    """The whole report: the standard, the date, the streets' pages, the programme."""

    title: str
    standard: str
    source: str | None
    parameters: tuple[str, ...]  # parameters set for this evaluation, "name = value (published: …)"
    entity_word: str  # what the standard calls an entity ("街镇"), or "单位"
    as_of: dt.date
    until: dt.date | None  # the horizon: what falls due on or before it is listed
    horizon: str | None  # the horizon as the user wrote it ("30 days")
    areas: tuple[tuple[str, str], ...]  # (id, title) in the standard's order
    streets: tuple[StreetPage, ...]
    ranking: Ranking
    due: tuple[Obligation, ...]  # pending obligations within the horizon, soonest first
    overdue: int
    steps: tuple[Step, ...]
    assessment: tuple[str, dt.date, dt.date] | None  # the assessment period: title, start, end
    #: The comparison with an earlier version of the standard (``protrules report --compare``).
    revision: Diff | None = None
    #: What the results were computed with (protrules, the calendar data): the footer.
    computed_with: str = ""
    #: The programme as of the date (applications, ties, publicity, naming), if the standard has one.
    selection: Selection | None = None
    #: The line saying which entities are fictional examples (empty when none is).
    fictional: tuple[str, ...] = ()
    #: The language the report reads in ("zh" or "en"): its pages' reasons and traces are in it.
    lang: str = "zh"
    #: With a programme, the entities that did not apply: they owe nothing under it, so their
    #: obligations are not in ``due`` or ``overdue`` (docs/domain.md, “The programme”).
    not_applied: tuple[str, ...] = ()

    def street(self, entity: str) -> StreetPage:
        for page in self.streets:
            if page.entity == entity:
                return page
        raise KeyError(entity)

    @property
    def statuses(self) -> dict[str, int]:
        """How many streets have each status, in the order meets, fails, vetoed, incomplete."""
        out = {"meets": 0, "fails": 0, "vetoed": 0, "incomplete": 0}
        for page in self.streets:
            out[page.status] += 1
        return out


# ------------------------------------------------------------------ building


def area_tallies(program: Program, result: EntityResult) -> tuple[AreaTally, ...]:
    """Per-area subtotals of one street's verdicts (advisory rules left out), in the standard's order."""
    area_of = {rule.id: rule.area for rule in program.rules}
    counts: dict[str, dict[str, int]] = {area: dict.fromkeys(VERDICTS, 0) for area in program.areas}
    open_: dict[str, list[str]] = {area: [] for area in program.areas}
    for rule_result in result.results:
        if rule_result.kind not in _DECIDING:
            continue
        area = area_of.get(rule_result.rule, "")
        counts.setdefault(area, dict.fromkeys(VERDICTS, 0))[rule_result.verdict] += 1
        if rule_result.verdict in PROBLEMS:
            open_.setdefault(area, []).append(rule_result.rule)
    return tuple(
        AreaTally(area, program.areas.get(area, ""), tally, tuple(open_.get(area, ())))
        for area, tally in counts.items()
        if sum(tally.values())
    )


def problem_rules(result: EntityResult, until: dt.date | None = None) -> list[str]:
    """The ids of the rules on a street's 问题清单, in its order: the deciding rules that fail,
    then those that lack data, then the pending ones falling due on or before ``until`` (every
    pending one when it is None), each group in the standard's order."""
    out = []
    for verdict in PROBLEMS:
        for r in result.results:
            if r.kind not in _DECIDING or r.verdict != verdict:
                continue
            if verdict == PENDING and until is not None and (r.due is None or r.due > until):
                continue
            out.append(r.rule)
    return out


def street_page(
    program: Program,
    result: EntityResult,
    *,
    ledger: Ledger | None = None,
    traced: Sequence[RuleResult] = (),
    obligations: Sequence[Obligation] = (),
    until: dt.date | None = None,
    lang: str = "zh",
) -> StreetPage:
    """One street's page from its result, its reasons and traces in ``lang``.

    The 问题清单 holds the rules :func:`problem_rules` names. ``ledger`` gives the facts each
    rests on (none without it);
    ``traced`` the explained results of those rules (``RuleSet.explain``), whose checks that
    are not passed are shown, worst first, as the problem's trace.
    """
    traces = {r.rule: r for r in traced}
    by_id = {r.rule: r for r in result.results}
    problems = [
        _problem(program, result, by_id[rule_id], ledger, traces.get(rule_id), lang)
        for rule_id in problem_rules(result, until)
    ]
    area_of = {rule.id: rule.area for rule in program.rules}
    rules = tuple(
        RuleLine(r.rule, r.title, r.kind, r.verdict, reason_text(r, program, lang), area_of.get(r.rule, ""))
        for r in result.results
    )
    return StreetPage(
        entity=result.entity,
        name=result.name,
        as_of=result.as_of,
        status=result.status,
        score=result.score,
        passed=Decimal(result.passed),
        applicable=Decimal(result.applicable),
        vetoed_by=result.vetoed_by,
        counts={v: result.count(v, _DECIDING) for v in VERDICTS},
        problems=tuple(problems),
        areas=area_tallies(program, result),
        rules=rules,
        overdue=sum(1 for o in obligations if o.entity == result.entity and o.state == OVERDUE),
    )


def _problem(
    program: Program,
    entity: EntityResult,
    result: RuleResult,
    ledger: Ledger | None,
    traced: RuleResult | None,
    lang: str,
) -> Problem:
    rule = program.rule(result.rule)
    area = rule.area if rule else ""
    item = rule.item if rule else None
    facts: list[str] = []
    evidence = _deciding_evidence(result)
    if ledger is not None:
        for ref in evidence:
            if len(facts) == MAX_FACTS:
                break
            fact = lookup(ledger, ref)
            if fact is not None:
                facts.append(fact_words(fact, program, lang))
    trace = ""
    if traced is not None and ledger is not None:
        shown = tuple(v for v in VERDICTS if v != PASS)
        text = explain_text(program, ledger, [traced], entity.as_of, checks=shown, heading=False, lang=lang)
        trace = textwrap.dedent(text).strip("\n")
    return Problem(
        rule=result.rule,
        title=result.title,
        kind=result.kind,
        verdict=result.verdict,
        area=area,
        area_title=program.areas.get(area, ""),
        item=item,
        item_title=program.items.get(item or "", ""),
        clause=rule.clause if rule else "",
        note=rule.note if rule else None,
        reason=reason_text(result, program, lang),
        due=result.due,
        days_left=(result.due - entity.as_of).days if result.due is not None else None,
        facts=tuple(facts),
        more_facts=max(0, len(evidence) - len(facts)) if ledger is not None else 0,
        trace=trace,
    )


def _deciding_evidence(result: RuleResult) -> tuple[str, ...]:
    """The facts a verdict rests on: those of the checks that gave it (a failing rule's failing
    checks, not every record the rule read), or the rule's whole evidence without its checks."""
    if not result.checks:
        return result.evidence
    refs = {e for c in result.checks if not c.advisory and c.verdict == result.verdict for e in c.evidence}
    return tuple(sorted(refs))


def programme_steps(
    program: Program, as_of: dt.date, selection: Selection | None = None, lang: str = "zh"
) -> tuple[Step, ...]:
    """The programme's steps, in date order, as a report shows them.

    The one place the report learns where the programme stands. With the programme a rule file
    declares (its ``selection`` as of the date), each step says whether the district has done it
    and what (``protrules rank``'s steps); without one, the dates the standard declares, each
    marked done, today, next or later against ``as_of``. What was done reads in ``lang``.
    """
    if selection is not None:
        return tuple(Step(s.step, s.title, s.due, s.state, s.said.render(lang)) for s in selection.steps)
    dated = sorted(program.dates.items(), key=lambda item: (item[1], item[0]))
    steps = []
    seen_next = False
    for name, day in dated:
        if day < as_of:
            state = "done"
        elif day == as_of:
            state = "today"
        elif not seen_next:
            state, seen_next = "next", True
        else:
            state = "later"
        steps.append(Step(name, program.titles.get(name, name), day, state))
    return tuple(steps)


def _falling_due(obligations: Sequence[Obligation], until: dt.date | None) -> tuple[Obligation, ...]:
    """The pending obligations due by ``until``, soonest first, one per rule, context and
    deadline of a street (a rule with two requirements in one period falls due once)."""
    seen: set[tuple[str, str, tuple[str, ...], dt.date]] = set()
    out = []
    for o in sorted(obligations, key=lambda o: o.deadline):
        key = (o.entity, o.rule, o.context, o.deadline)
        if o.state == OVERDUE or (until is not None and o.deadline > until) or key in seen:
            continue
        seen.add(key)
        out.append(o)
    return tuple(out)


def build_district(
    program: Program,
    pages: Sequence[StreetPage],
    ranking: Ranking,
    obligations: Sequence[Obligation],
    as_of: dt.date,
    *,
    until: dt.date | None = None,
    horizon: str | None = None,
    selection: Selection | None = None,
    fictional: Sequence[str] = (),
    lang: str = "zh",
) -> District:
    """The report from the streets' pages, the ranking and the obligations of every street;
    with a programme, its ``selection`` as of the date; ``fictional``, the line saying which
    entities are fictional examples (:func:`~protrules.report.labels.fictional_lines`);
    ``lang``, the language the pages were built in and the report reads in."""
    assessment = None
    name = program.assessment
    if name is not None and name in program.periods:
        period = program.periods[name]
        assessment = (program.titles.get(name, name), period.start, period.end)
    source = program.settings.get("source")
    not_applied: list[tuple[str, str]] = []
    if selection is not None:  # only applicants owe anything under the programme
        obligations, not_applied = for_applicants(obligations, selection)
    return District(
        title=program.title,
        standard=program.id,
        source=str(source) if source is not None else None,
        parameters=tuple(beside_published(program, lang)),
        entity_word=str(program.settings.get("entity", "单位")),
        as_of=as_of,
        until=until,
        horizon=horizon,
        areas=tuple(program.areas.items()),
        streets=tuple(pages),
        ranking=ranking,
        due=_falling_due(obligations, until),
        overdue=sum(1 for o in obligations if o.state == OVERDUE),
        steps=programme_steps(program, as_of, selection, lang),
        assessment=assessment,
        computed_with=computed_with_line(computed_with(program), lang),
        selection=selection,
        fictional=tuple(fictional),
        lang=lang,
        not_applied=tuple(name for _, name in not_applied),
    )


def district_of(
    program: Program,
    results: Sequence[EntityResult],
    *,
    as_of: dt.date | None = None,
    obligations: Sequence[Obligation] = (),
    until: dt.date | None = None,
    horizon: str | None = None,
    district: Ledger | None = None,
    lang: str = "zh",
) -> District:
    """A report from results alone, in ``lang``: pages without facts or traces, ranked by the
    standard's cap.

    What a caller of the Python API has at hand; ``protrules report`` builds each page with
    the street's ledger and traces instead (:func:`street_page`, :func:`build_district`). With
    a programme, ``district`` is the ledger holding its records (applications, reviews …).
    """
    from protrules.programme.selection import programme_ranking, select
    from protrules.report.labels import fictional_lines

    if as_of is None:
        if not results:
            raise ValueError("a report of no results needs its as_of date")
        as_of = results[0].as_of
    pages = [street_page(program, r, obligations=obligations, until=until, lang=lang) for r in results]
    selection = select(program, results, district, as_of) if program.programme is not None else None
    return build_district(
        program,
        pages,
        programme_ranking(program, results, district, as_of),
        obligations,
        as_of,
        until=until,
        horizon=horizon,
        selection=selection,
        fictional=fictional_lines(results, lang),
        lang=lang,
    )
