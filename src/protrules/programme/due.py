"""Obligations falling due or overdue: what a street office must do next, and by when.

An obligation is a check of an evaluation that has a due date and is not settled in the
entity's favour:

- **due** (falls due): the check is ``pending`` — its deadline is after the as-of date and
  it is not met yet, or it could still be broken (``none``/``every``) until the deadline;
- **overdue**: the check failed (``fail``) and its deadline is on or before the as-of date.

Days left are calendar days from the as-of date to the deadline (negative when overdue).
Advisory checks (优先/鼓励) are never obligations. :func:`obligations` works on results the
caller already has; ``due_text``/``due_json`` render them; :func:`parse_duration` and
:func:`horizon` turn a ``--within`` window like "30 working days" into a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

import attrs
from dateutil.relativedelta import relativedelta

from protrules.calendar.wording import day_words
from protrules.calendar.workdays import WorkCalendar
from protrules.checking.ir import Program
from protrules.checking.parameters import parameters_json, parameters_line
from protrules.compiling.ruleset import RuleSet
from protrules.errors import ProtrulesError
from protrules.evaluation.findings import Finding
from protrules.evaluation.results import FAIL, PENDING, EntityResult
from protrules.facts.model import Duration
from protrules.i18n import Message, Text, msg, msgn, render
from protrules.language.parser import parse_duration
from protrules.output import dumps
from protrules.programme.selection import Selection

__all__ = [
    "DUE",
    "DUE_FORMAT",
    "OVERDUE",
    "Obligation",
    "Wording",
    "due_json",
    "due_text",
    "for_applicants",
    "horizon",
    "obligations",
    "parse_duration",
    "programme_obligations",
]

DUE, OVERDUE = "due", "overdue"
DUE_FORMAT = "protrules-due/1"
#: An obligation's state, the Chinese word first in English: "逾期 overdue" / "逾期".
_STATE_LABEL = {DUE: msg("待办 due"), OVERDUE: msg("逾期 overdue")}


@attrs.frozen
class Obligation:
    """One requirement of one entity that falls due (pending) or is overdue (failed)."""

    rule: str
    title: str
    kind: str
    entity: str
    entity_name: str
    context: tuple[str, ...]  # e.g. ("季度 = 2023-Q3",), ("hit = BC-07",)
    requirement: Text  # the requirement's text in the rule file (a programme step's: a message)
    detail: Text  # what the check found (what the district has done on a programme step)
    deadline: dt.date
    as_of: dt.date
    days_left: int  # calendar days from as_of to deadline; negative = overdue
    state: str  # DUE or OVERDUE
    evidence: tuple[str, ...] = ()
    finding: Finding | None = None  # what the check found, as data (None: a programme step)


class Wording(Protocol):
    """Puts a check's loop passes and finding in plain words, in a language (the reports'
    :func:`~protrules.report.reasons.context_words` and ``finding_words``: the programme stage
    sits below the reports, so whoever renders hands them in)."""

    def __call__(self, finding: Finding, context: Sequence[str], lang: str) -> tuple[str, str]: ...


def obligations(
    ruleset: RuleSet, results: Sequence[EntityResult], within_days: int | None = None
) -> list[Obligation]:
    """The obligations in ``results``, soonest deadline first.

    ``within_days`` keeps only the pending ones due on or before ``as_of + within_days``
    (calendar days; see :func:`horizon` for working days and months); overdue ones are
    always kept. Ties are ordered by entity id, then rule order in the standard.
    Results evaluated with ``checks=False`` hold no deadlines: they raise ``ValueError``.
    """
    order = {rule.id: index for index, rule in enumerate(ruleset.rules)}
    found: list[tuple[tuple[dt.date, str, int, int], Obligation]] = []
    for result in results:
        if not result.with_checks:  # the deadlines are in the checks
            raise ValueError(
                f"obligations need results with their checks; {result.entity} was evaluated with"
                " checks=False"
            )
        for rule_result in result.results:
            for number, check in enumerate(rule_result.checks):
                if check.advisory or check.due is None:
                    continue
                if check.verdict == PENDING:
                    state = DUE
                elif check.verdict == FAIL and check.due <= result.as_of:
                    state = OVERDUE
                else:
                    continue
                days_left = (check.due - result.as_of).days
                if state == DUE and within_days is not None and days_left > within_days:
                    continue
                obligation = Obligation(
                    rule=rule_result.rule,
                    title=rule_result.title,
                    kind=rule_result.kind,
                    entity=result.entity,
                    entity_name=result.name,
                    context=check.context,
                    requirement=check.text,
                    detail=check.detail,
                    deadline=check.due,
                    as_of=result.as_of,
                    days_left=days_left,
                    state=state,
                    evidence=check.evidence,
                    finding=check.finding,
                )
                key = (check.due, result.entity, order.get(rule_result.rule, len(order)), number)
                found.append((key, obligation))
    found.sort(key=lambda item: item[0])
    return [obligation for _, obligation in found]


# ------------------------------------------------------------------ durations

_WINDOW_UNITS = ("days", "weeks", "working_days", "months", "quarters", "years")


def horizon(calendar: WorkCalendar, as_of: dt.date, duration: Duration) -> dt.date:
    """``as_of`` moved forward by ``duration``: working days by the calendar, months and
    years in one step with month-end clamping (民法典 Art. 202), days and weeks as counted.

    No Art. 203 roll-forward: the window ends exactly where the duration ends.
    """
    if duration.unit not in _WINDOW_UNITS:
        raise ProtrulesError(
            msg(
                "a window counts days, weeks, working days, months or years, not {duration}",
                duration=str(duration),
            ),
            code="PRL801",
        )
    if duration.unit == "working_days":
        return calendar.add_working_days(as_of, duration.amount)
    if duration.family == "months":
        result: dt.date = as_of + relativedelta(months=duration.base)
        return result
    return as_of + dt.timedelta(days=duration.base)


# ------------------------------------------------------------------ rendering


def _days(days: int) -> Message:
    if days == 0:
        return msg("due today")
    if days > 0:
        return msgn("{n} day left", "{n} days left", days)
    return msgn("{n} day overdue", "{n} days overdue", -days)


def due_text(
    program: Program,
    items: Sequence[Obligation],
    as_of: dt.date,
    until: dt.date | None = None,
    notes: Sequence[str] = (),
    lang: str = "en",
    words: Wording | None = None,
    calendar: WorkCalendar | None = None,
) -> str:
    """Obligations for a person, in ``lang``: one block each, soonest first; ``notes`` are
    header lines (which entities are fictional examples).

    With ``words``, each obligation reads in plain words — its loop passes and what its check
    found (「2023年第三季度」「家庭教育活动0次，要求至少1次」) — and in Chinese its deadline as an
    official writes it, with the kind of day when that matters (``calendar``: 2023年10月7日（调休
    上班日）); without, in the author's form, the requirement as the rule file writes it. The
    author's form stays in ``explain`` and in the JSON."""
    official = lang == "zh" and words is not None  # days as an official writes them: 2023年11月1日
    day: object = as_of
    end: object = until
    if official:
        day, end = day_words(as_of, lang), until and day_words(until, lang)
    if until is not None:
        heading = msg(
            "{title} — obligations as of {date}, due by {until}", title=program.title, date=day, until=end
        )
    else:
        heading = msg("{title} — obligations as of {date}", title=program.title, date=day)
    overdue = sum(1 for o in items if o.state == OVERDUE)
    counts = msg("待办 due: {due}    逾期 overdue: {overdue}", due=len(items) - overdue, overdue=overdue)
    lines = [heading.render(lang), *notes, *parameters_line(program, lang), counts.render(lang)]
    if not items:
        lines += ["", msg("nothing falls due").render(lang)]
    for o in items:
        state = msg("{state}, {days}", state=_STATE_LABEL[o.state], days=_days(o.days_left))
        deadline = day_words(o.deadline, lang, calendar) if official else str(o.deadline)
        if words is not None and o.finding is not None:
            passes, found = words(o.finding, o.context, lang)
            context = f" [{passes}]" if passes else ""
            said = [f"  → {found}"]
        else:
            context = f" [{'; '.join(o.context)}]" if o.context else ""
            said = [f"  {render(o.requirement, lang)}", f"  → {render(o.detail, lang)}"]
        lines += [
            "",
            f"{deadline}  {state.render(lang)}",
            f"  {o.entity_name} ({o.entity})  {o.rule} {o.title}{context}",
            *said,
        ]
    return "\n".join(lines) + "\n"


def due_json(
    program: Program,
    items: Sequence[Obligation],
    as_of: dt.date,
    until: dt.date | None = None,
    not_applied: Sequence[tuple[str, str]] | None = None,
) -> str:
    """Obligations as JSON (format ``protrules-due/1``), byte-identical for equal input.

    ``not_applied`` (with a programme: the (id, name) of the streets that did not apply, whose
    obligations :func:`for_applicants` left out) adds the key ``not_applied``."""
    extra = {} if not_applied is None else {"not_applied": [{"id": i, "name": n} for i, n in not_applied]}
    return dumps(
        {
            "format": DUE_FORMAT,
            "standard": {"id": program.id, "title": program.title, **parameters_json(program)},
            "as_of": as_of.isoformat(),
            "until": until.isoformat() if until is not None else None,
            "obligations": [
                {
                    "state": o.state,
                    "deadline": o.deadline.isoformat(),
                    "days_left": o.days_left,
                    "entity": {"id": o.entity, "name": o.entity_name},
                    "rule": {"id": o.rule, "title": o.title, "kind": o.kind},
                    "context": list(o.context),
                    "requirement": str(o.requirement),
                    "detail": str(o.detail),
                    "evidence": list(o.evidence),
                }
                for o in items
            ],
            **extra,
        }
    )


def programme_obligations(
    selection: Selection, district: tuple[str, str], within_days: int | None = None
) -> list[Obligation]:
    """The programme's steps the district has not done yet (docs/domain.md, “The programme”):
    a step still to do before its date falls due, one past its date is overdue. ``district``
    is the (id, name) the obligations are listed under; ``within_days`` keeps only the due
    ones within that many days, as :func:`obligations` does."""
    out = []
    for step in selection.steps:
        if step.state not in (DUE, OVERDUE):
            continue
        days_left = (step.due - selection.as_of).days
        if step.state == DUE and within_days is not None and days_left > within_days:
            continue
        out.append(
            Obligation(
                rule=step.title,
                title=selection.programme.title,
                kind="programme",
                entity=district[0],
                entity_name=district[1],
                context=(),
                requirement=msg("{step} by {date}", step=step.title, date=step.due),
                detail=step.said,
                deadline=step.due,
                as_of=selection.as_of,
                days_left=days_left,
                state=step.state,
            )
        )
    return out


def for_applicants(
    items: Sequence[Obligation], selection: Selection
) -> tuple[list[Obligation], list[tuple[str, str]]]:
    """The obligations of the streets that applied, and the (id, name) of those that did not.

    Under a programme only applicants are assessed (docs/domain.md, “The programme”): a street
    that has not applied on the as-of date owes nothing under it, so its rules' deadlines are
    no obligations; ``protrules due`` names such streets in one line instead. The district's
    own steps (:func:`programme_obligations`) are kept."""
    applied = {e.entity for e in selection.entries if e.applied is not None}
    streets = {e.entity for e in selection.entries}
    kept = [o for o in items if o.entity in applied or o.entity not in streets]
    not_applied = [(e.entity, e.name) for e in selection.entries if e.applied is None]
    return kept, not_applied
