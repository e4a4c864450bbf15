"""``protrules rank`` and ``protrules due``: the standard's programme as a ranking and as obligations.

``rank`` ranks the entities by score and names at most the cap of those that meet the
standard, or, for a standard with a programme, shows where each applicant stands in it
(:mod:`protrules.programme.selection`); ``due`` lists what falls due or is overdue, the
district's programme steps among them. Both only parse arguments, call the library and
write its text or JSON. Split from :mod:`protrules.cli.main`, which builds their parsers.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from protrules.cli.common import (
    FINDINGS,
    OK,
    CliError,
    as_of_arg,
    emit,
    evaluate_facts,
    findings_code,
    rules_and_district,
    say,
)
from protrules.errors import ProtrulesError
from protrules.i18n import joined, msg

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from protrules.compiling.ruleset import RuleSet
    from protrules.evaluation.findings import Finding
    from protrules.evaluation.results import EntityResult
    from protrules.programme.due import Obligation, Wording

__all__ = ["cmd_due", "cmd_rank"]


# ------------------------------------------------------------------ rank


def cmd_rank(args: argparse.Namespace) -> int:
    from protrules.evaluation.results import fictional_lines
    from protrules.programme.ranking import for_ranking, rank, ranking_json, ranking_text

    ruleset = rules_and_district(args)
    as_of = as_of_arg(args, ruleset)
    results = evaluate_facts(args.facts, ruleset, as_of, args.jobs, checks=False, keep=for_ranking)
    cap = args.top if args.top is not None else ruleset.program.cap
    if ruleset.program.programme is not None:  # the programme's steps decide who is named
        from protrules.programme.selection import select
        from protrules.programme.selection_report import selection_json, selection_text

        selection = select(ruleset.program, results, ruleset.district, as_of, cap)
        if args.format == "json":
            text = selection_json(ruleset.program, selection)
        else:
            text = selection_text(ruleset.program, selection, lang=args.lang)
        emit(text, args.output, colour=args.format == "text")
        return findings_code(results)
    ranking = rank(results, cap)
    if args.format == "json":
        text = ranking_json(ruleset.program, ranking, as_of)
    else:
        notes = fictional_lines(results, args.lang)
        text = ranking_text(ruleset.program, ranking, as_of, notes, lang=args.lang)
    emit(text, args.output, colour=args.format == "text")
    return findings_code(results)


# ------------------------------------------------------------------ due


def cmd_due(args: argparse.Namespace) -> int:
    from protrules.programme.due import OVERDUE, due_json, due_text, horizon, obligations, parse_duration

    ruleset = rules_and_district(args)
    as_of = as_of_arg(args, ruleset)
    until = None
    within_days = None
    if args.within is not None:
        try:
            until = horizon(ruleset.calendar, as_of, parse_duration(args.within))
        except ProtrulesError as error:
            raise CliError(msg("--within: {message}", message=error.msg)) from None
        within_days = (until - as_of).days
    results = evaluate_facts(args.facts, ruleset, as_of, args.jobs)
    items = obligations(ruleset, results, within_days)
    not_applied: list[tuple[str, str]] | None = None
    if ruleset.program.programme is not None:  # the applicants' and the district's steps
        items, not_applied = _with_programme(ruleset, results, as_of, items, within_days)
    if args.format == "json":
        text = due_json(ruleset.program, items, as_of, until, not_applied)
    else:
        from protrules.evaluation.results import fictional_lines

        notes = fictional_lines(results, args.lang)
        if not_applied:
            names = joined([f"{name} ({entity})" for entity, name in not_applied])
            line = msg("not applied, so no obligations under the programme: {names}", names=names)
            notes.append(line.render(args.lang))
        text = due_text(
            ruleset.program, items, as_of, until, notes, lang=args.lang, words=_wording(ruleset),
            calendar=ruleset.calendar,
        )
    emit(text, args.output, colour=args.format == "text")
    # A finding is an obligation past its deadline; what merely falls due is not one yet.
    return FINDINGS if any(o.state == OVERDUE for o in items) else OK


def _wording(ruleset: RuleSet) -> Wording:
    """An obligation's loop passes and finding in plain words (the reports' wording)."""
    from protrules.report.reasons import context_words, finding_words

    program, calendar = ruleset.program, ruleset.calendar

    def words(finding: Finding, context: Sequence[str], lang: str) -> tuple[str, str]:
        return (
            context_words(context, program, lang, calendar),
            finding_words(finding, program, lang, calendar, context=context),
        )

    return words


def _with_programme(
    ruleset: RuleSet,
    results: list[EntityResult],
    as_of: dt.date,
    items: list[Obligation],
    within_days: int | None,
) -> tuple[list[Obligation], list[tuple[str, str]]]:
    """The applicants' obligations and the district's steps of the programme, soonest first,
    and the streets that did not apply (who owe nothing under the programme)."""
    from protrules.programme.due import for_applicants, programme_obligations
    from protrules.programme.ranking import for_ranking
    from protrules.programme.selection import select

    district = ruleset.district
    who = (district.id, district.name) if district is not None else ("district", say(msg("区 district")))
    selection = select(ruleset.program, [for_ranking(r) for r in results], district, as_of)
    steps = programme_obligations(selection, who, within_days)
    kept, not_applied = for_applicants(items, selection)
    # sorted is stable: the district's step comes first on a day
    return sorted([*steps, *kept], key=lambda o: o.deadline), not_applied
