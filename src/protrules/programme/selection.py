"""The programme: who applied, who is assessed, proposed, published, named — as of a date.

A standard's programme (``programme "…":`` in the rule file; docs/domain.md, “The programme”)
runs in four steps, each by a date: 自愿申报 (streets apply, with a self-assessment), 组织评估
(the district assesses the applicants), 公示 (a candidate list of at most ``cap`` streets is
published for objections) and 公布命名 (the streets whose publicity drew no standing objection
are named). Its records are the district's: ``application``, ``publicity``, ``objection``,
``review`` (the review panel's decisions) and ``naming`` rows, each naming a ``street`` by its
entity id, kept in the district ledger (protrules.facts.district).

:func:`select` reads them as of a date — a record made after it does not count yet — with
the streets' results, and says for each street where it stands and why, and for each step
whether the district has done it: what :func:`selection_text` / :func:`selection_json` show
as ``protrules rank`` and what ``protrules due`` lists as the district's obligations.

- Only streets that applied (on or before the date) are assessed; an application after the
  自愿申报 date is flagged, not refused.
- Applicants are ranked (:func:`protrules.programme.ranking.rank`): streets equal on score and
  failed clauses share a position, and a tie at the cap is the review panel's to settle,
  recorded as ``review`` rows (selected or not), never by an id.
- A candidate is named only with a ``naming`` record on or before the date, after its
  publicity ended with no objection standing (an objection stands until it is resolved and
  not upheld). A naming that does not follow those steps is reported, and does not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from protrules.checking.ir import Program, ProgrammeDef
from protrules.checking.programme import STEPS
from protrules.evaluation.results import MEETS, UNKNOWN, EntityResult, fictional_message
from protrules.facts.known import as_known_on
from protrules.facts.model import Fact, Ledger
from protrules.i18n import Message, joined, msg, msgn
from protrules.programme.ranking import Place, Ranking, rank

__all__ = ["Entry", "Selection", "StepState", "programme_ranking", "select"]

DONE, DUE, OVERDUE = "done", "due", "overdue"


@attrs.frozen
class Entry:
    """One street in the programme: its application, its place, how far it has come."""

    entity: str
    name: str
    applied: dt.date | None
    late: bool
    self_assessment: str | None
    place: Place | None  # its place among the applicants (None: it did not apply)
    stage: str  # not applied | excluded | ranked | proposed | tied | published | named | …
    notes: tuple[Message, ...]  # what happened to it in the programme, in order

    @property
    def explanation(self) -> str:
        """Its place's explanation and what happened to it in the programme, in English."""
        return self.explanation_in("en")

    def explanation_in(self, lang: str) -> str:
        """The explanation in ``lang``."""
        parts = [self.place.explanation_in(lang)] if self.place is not None else []
        return msg("; ").render(lang).join([*parts, *(note.render(lang) for note in self.notes)])


@attrs.frozen
class StepState:
    """A step of the programme and whether the district has done it on the date."""

    step: str  # application | assessment | publicity | naming
    title: str  # 自愿申报 …
    due: dt.date
    state: str  # done | due | overdue
    said: Message  # what the district has done on it, in either language

    @property
    def detail(self) -> str:
        """What the district has done on it, in English."""
        return str(self.said)


@attrs.frozen
class Selection:
    """The programme as of a date: every street's entry, the steps, who is proposed or named."""

    programme: ProgrammeDef
    as_of: dt.date
    cap: int | None
    entries: tuple[Entry, ...]
    steps: tuple[StepState, ...]
    tied: tuple[str, ...]  # streets tied at the cap, for the review panel
    open_places: int
    notes: tuple[Message, ...] = ()  # for a report's header: which entities are fictional examples

    @property
    def proposed(self) -> tuple[str, ...]:
        """The candidate list: the streets the ranking (and the panel) proposes."""
        return tuple(e.entity for e in self.entries if e.place is not None and e.place.named)

    @property
    def named(self) -> tuple[str, ...]:
        return tuple(e.entity for e in self.entries if e.stage == "named")

    def entry(self, entity: str) -> Entry | None:
        return next((e for e in self.entries if e.entity == entity), None)


def _records(district: Ledger | None, program: Program, as_of: dt.date) -> dict[str, list[Fact]]:
    """The programme's records known on ``as_of``, by fact type."""
    if district is None:
        return {name: [] for name in ("application", "publicity", "objection", "review", "naming")}
    known, _ = as_known_on(district, program.fact_types, as_of)
    return {
        name: list(known.facts.get(name, ()))
        for name in ("application", "publicity", "objection", "review", "naming")
    }


def _by_street(rows: Iterable[Fact]) -> dict[str, list[Fact]]:
    out: dict[str, list[Fact]] = {}
    for row in rows:
        out.setdefault(row.get("street"), []).append(row)
    return out


def select(
    program: Program,
    results: Sequence[EntityResult],
    district: Ledger | None,
    as_of: dt.date,
    cap: int | None = None,
) -> Selection:
    """Where each street stands in the programme on ``as_of`` (see the module's docstring).

    ``district`` holds the programme's records; ``cap`` replaces the programme's (``--top``).
    """
    programme = program.programme
    cap = program.cap if cap is None else cap
    if programme is None:
        raise ValueError("the standard declares no programme")
    records = _records(district, program, as_of)
    applications = {
        s: min(rows, key=lambda r: (r.get("date"), r.id))
        for s, rows in _by_street(records["application"]).items()
    }
    applicants = [r for r in results if r.entity in applications]
    decisions = {}
    for row in sorted(records["review"], key=lambda r: (r.get("date"), r.id)):  # the latest decision counts
        decisions[row.get("street")] = bool(row.get("selected"))
    ranking = rank(applicants, cap, decisions, chosen_as="proposed")
    publicity = _by_street(records["publicity"])
    objections = _by_street(records["objection"])
    namings = _by_street(records["naming"])
    apply_by = programme.due("application")
    entries = []
    for result in sorted(results, key=lambda r: r.entity):
        application = applications.get(result.entity)
        if application is None:
            entries.append(Entry(result.entity, result.name, None, False, None, None, "not applied",
                                 (msg("未申报 did not apply: not assessed"),)))  # fmt: skip
            continue
        day = application.get("date")
        late = apply_by is not None and day > apply_by
        notes = [
            msg("申报 applied {day} — late: after {by}", day=day, by=apply_by)
            if late
            else msg("申报 applied {day}", day=day)
        ]
        place = ranking.place(result.entity)
        assert place is not None
        stage = (
            "excluded"
            if place.excluded
            else "tied"
            if place.tied
            else "proposed"
            if place.named
            else "ranked"
        )
        if place.named:
            stage, more = _after_proposal(
                publicity.get(result.entity, []), objections.get(result.entity, []),
                namings.get(result.entity, []), programme, as_of)  # fmt: skip
            notes += more
        else:
            notes += _irregular(result.entity, publicity, namings)
        entries.append(
            Entry(
                result.entity,
                result.name,
                day,
                late,
                application.get("self_assessment"),
                place,
                stage,
                tuple(notes),
            )
        )
    known = {r.entity for r in results}
    strays = sorted(s for s in applications if s not in known)
    selection = Selection(
        programme,
        as_of,
        cap,
        tuple(entries),
        (),
        tuple(p.entity for p in ranking.tied),
        ranking.open_places,
    )
    steps = _steps(selection, applicants, strays)
    fictional = fictional_message(results)
    return attrs.evolve(selection, steps=steps, notes=(fictional,) if fictional is not None else ())


def _after_proposal(
    publicity: list[Fact],
    objections: list[Fact],
    namings: list[Fact],
    programme: ProgrammeDef,
    as_of: dt.date,
) -> tuple[str, list[Message]]:
    """A proposed street's stage after the candidate list: published, objected to, named."""
    if not publicity:
        return "proposed", [msg("on the candidate list; not yet published (公示)")]
    window = max(publicity, key=lambda r: (r.get("end"), r.id))
    start, end = window.get("start"), window.get("end")
    notes = [
        msg("公示 published {start} .. {end} (in progress)", start=start, end=end)
        if as_of <= end
        else msg("公示 published {start} .. {end}", start=start, end=end)
    ]
    standing = [o for o in objections if _stands(o, as_of)]
    for objection in objections:
        resolved, received = objection.get("resolved"), objection.get("received")
        if resolved is not None and resolved <= as_of:
            verdict = msg("upheld: it stands") if objection.get("upheld") else msg("not upheld")
            notes.append(
                msg(
                    "异议 objection {id} of {received}, resolved {resolved}: {verdict}",
                    id=objection.id,
                    received=received,
                    resolved=resolved,
                    verdict=verdict,
                )
            )
        else:
            notes.append(
                msg(
                    "异议 objection {id} of {received} stands: not resolved yet",
                    id=objection.id,
                    received=received,
                )
            )
    named = min(namings, key=lambda r: (r.get("date"), r.id)) if namings else None
    if named is not None:
        day = named.get("date")
        wrong = _naming_fault(day, end, objections)
        if wrong:
            notes.append(msg("命名 named {day}, but {fault}: it does not count", day=day, fault=wrong))
        else:
            return "named", [*notes, msg("★ 命名 named {day}", day=day)]
    if as_of <= end:
        return "published", notes
    if standing:
        return "objection", notes
    naming_by = programme.due("naming")
    ready = msg("公示期满、无异议 ready to be named (公布命名 by {date})", date=naming_by)
    return "to be named", [*notes, ready]


def _stands(objection: Fact, day: dt.date) -> bool:
    """An objection stands on ``day`` until it is resolved and not upheld."""
    resolved = objection.get("resolved")
    return objection.get("received") <= day and (
        resolved is None or resolved > day or bool(objection.get("upheld"))
    )


def _naming_fault(day: dt.date, end: dt.date, objections: list[Fact]) -> Message | None:
    """Why a naming on ``day`` does not follow the programme (None when it does)."""
    if day <= end:
        return msg("its publicity ran until {end}", end=end)
    standing = [o.id for o in objections if _stands(o, day)]
    if standing:
        return msg("objection {ids} stood on that day", ids=joined(standing))
    return None


def _irregular(
    entity: str, publicity: Mapping[str, list[Fact]], namings: Mapping[str, list[Fact]]
) -> list[Message]:
    """Records the programme's steps do not explain: a street published or named that is not
    proposed."""
    out = []
    if publicity.get(entity):
        out.append(msg("published on the candidate list although not proposed by this assessment"))
    if namings.get(entity):
        out.append(msg("a naming is recorded although it is not proposed: it does not count"))
    return out


def _steps(
    selection: Selection, applicants: Sequence[EntityResult], strays: list[str]
) -> tuple[StepState, ...]:
    """Each step, and whether the district has done it on the date: done, or due (its date is
    still to come) or overdue (it has passed). docs/domain.md, “The programme”."""
    as_of = selection.as_of
    by_stage: dict[str, list[str]] = {}
    for entry in selection.entries:
        by_stage.setdefault(entry.stage, []).append(entry.entity)

    def listed(stage: str) -> tuple[str, ...]:
        return joined(by_stage.get(stage, []))

    out = []
    for step, due in selection.programme.steps:
        detail: Message
        if step == "application":
            applied = [e for e in selection.entries if e.applied is not None]
            late = [e.entity for e in applied if e.late]
            parts = [msg("{count} applied", count=len(applied))]
            if late:
                parts = [msg("{count} applied ({late} late: {ids})", count=len(applied), late=len(late),
                             ids=joined(late))]  # fmt: skip
            if strays:
                parts.append(msg("applications naming no street given: {ids}", ids=joined(strays)))
            done = as_of > due  # applications close on their date
            if not done:
                parts.insert(0, msg("open until {date}", date=due))
            detail = _parts(parts)
        elif step == "assessment":
            short = [r.entity for r in applicants if _not_fully_assessed(r)]
            done = bool(applicants) and not short
            detail = msg("{count} applicants assessed", count=len(applicants))
            if short:
                detail = msg("not fully assessed (a rule unknown): {ids}", ids=joined(short))
        elif step == "publicity":
            done, detail = _publicity_state(selection, by_stage)
        else:
            named = selection.named
            done = bool(named) and all(
                e.stage == "named" for e in selection.entries if e.entity in selection.proposed
            )
            done = done and not selection.tied
            parts = [msg("named: {ids}", ids=joined(named)) if named else msg("none named yet")]
            if by_stage.get("to be named"):
                parts.append(msg("ready to be named: {ids}", ids=listed("to be named")))
            if by_stage.get("objection"):
                parts.append(msg("objection standing: {ids}", ids=listed("objection")))
            detail = _parts(parts)
        state = DONE if done else DUE if as_of <= due else OVERDUE
        out.append(StepState(step, STEPS[step], due, state, detail))
    return tuple(out)


def _parts(parts: Sequence[Message]) -> Message:
    """Messages one after the other, separated by "; "."""
    message = parts[0]
    for part in parts[1:]:
        message = msg("{first}; {then}", first=message, then=part)
    return message


def _not_fully_assessed(result: EntityResult) -> bool:
    """A rule the standard counts that lacks data or an assessor's judgement."""
    return any(r.verdict == UNKNOWN and r.kind in ("required", "assessed", "veto") for r in result.results)


def _publicity_state(selection: Selection, by_stage: Mapping[str, list[str]]) -> tuple[bool, Message]:
    """Whether the candidate list has been published and its publicity has ended."""
    if selection.tied:
        return False, msgn(
            "the candidate list is not settled: {ids} tie for {n} place — for the review panel (评审)"
            " to decide",
            "the candidate list is not settled: {ids} tie for {n} places — for the review panel (评审)"
            " to decide",
            selection.open_places,
            ids=joined(selection.tied),
        )
    if not selection.proposed:
        return False, msg("no candidate to publish")
    if by_stage.get("proposed"):
        return False, msg("not yet published: {ids}", ids=joined(by_stage["proposed"]))
    if by_stage.get("published"):
        return False, msg("in publicity: {ids}", ids=joined(by_stage["published"]))
    return True, msg("published, publicity ended: {ids}", ids=joined(selection.proposed))


def entry_json(entry: Entry) -> dict[str, Any]:
    """One street's entry as JSON."""
    place = entry.place
    return {
        "id": entry.entity,
        "name": entry.name,
        "applied": entry.applied.isoformat() if entry.applied else None,
        "late": entry.late,
        "self_assessment": entry.self_assessment,
        "position": place.position if place else None,
        "score": float(place.score) if place is not None and place.score is not None else None,
        "failed": place.failed if place else None,
        "status": place.status if place else None,
        "meets": place.status == MEETS if place else None,
        "stage": entry.stage,
        "explanation": entry.explanation,
    }


def programme_ranking(
    program: Program,
    results: Sequence[EntityResult],
    district: Ledger | None,
    as_of: dt.date,
    cap: int | None = None,
) -> Ranking:
    """The ranking a report shows for a standard with a programme: the applicants only, ties at
    the cap settled by the review panel's decisions known on ``as_of``, and *named* only the
    streets the programme has named by then (:func:`select`). Without a programme, the plain
    ranking of every entity."""
    if program.programme is None:
        return rank(results, program.cap if cap is None else cap)
    selection = select(program, results, district, as_of, cap)
    applicants = [r for r in results if (entry := selection.entry(r.entity)) is not None and entry.applied]
    named = set(selection.named)
    decisions = {e: e in selection.proposed for e in selection.proposed}
    decisions |= {e.entity: False for e in selection.entries if e.place is not None and not e.place.named}
    ranking = rank(applicants, selection.cap, decisions, chosen_as="proposed")
    places = tuple(attrs.evolve(p, named=p.entity in named) for p in ranking.places)
    return attrs.evolve(ranking, places=places)
