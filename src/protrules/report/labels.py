"""How the 督导报告 reads: its headings, labels and states as catalogue messages, and its dates.

The HTML template and the Markdown writer take every word they show from here (the template's
own sentences are ``_()`` messages of the same catalogue, docs/i18n.md), so the report reads in
Chinese or in English (``protrules report --lang zh|en``) and never as a bilingual literal.
Dates read as the reader writes them: 2024年3月31日 in Chinese, 2024-03-31 in English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from protrules.calendar.wording import day_words, duration_words
from protrules.errors import ProtrulesError
from protrules.evaluation.labels import STATUS_WORD, VERDICT_WORD
from protrules.evaluation.results import FAIL, PENDING, UNKNOWN, EntityResult, fictional_message
from protrules.i18n import Message, joined, msg, msgn
from protrules.language.words import parse_duration

__all__ = [
    "GROUPS",
    "LABELS",
    "PROGRAMME_STATE",
    "STAGE",
    "STATUS_WORD",
    "STEP_STATE",
    "VERDICT_WORD",
    "applicants_only",
    "day",
    "fictional_lines",
    "horizon_text",
    "no_problems",
    "not_applied_line",
    "overdue_line",
]

#: Every heading and label of the report, by a key the template and the writer use.
LABELS: Mapping[str, Message] = {
    "report": msg("Supervision report"),
    "as_of": msg("As of"),
    "source": msg("Source"),
    "parameters": msg("Parameters set for this evaluation"),
    "revision": msg("Changes from an earlier version"),
    "assessment": msg("Assessment period"),
    "horizon": msg("Falls due"),
    "contents": msg("Contents"),
    "overview": msg("Overview"),
    "heat_map": msg("Results by area"),
    "ranking": msg("Ranking"),
    "vetoes": msg("Vetoes"),
    "programme": msg("Programme"),
    "due": msg("Falls due"),
    "problems": msg("Problems"),
    "areas": msg("Per area"),
    "all_rules": msg("Every clause"),
    "clause": msg("Clause"),
    "reason": msg("Reason"),
    "facts": msg("Facts"),
    "trace": msg("Explanation"),
    "deadline": msg("Deadline"),
    "entity": msg("Entity"),
    "rule": msg("Clause"),
    "rules": msg("Clauses"),
    "context": msg("Context"),
    "left": msg("Days left"),
    "score": msg("Score"),
    "status": msg("Status"),
    "failed": msg("Failed"),
    "named": msg("Named"),
    "applied": msg("Applied"),
    "stage": msg("Stage"),
    "step": msg("Step"),
    "state": msg("State"),
    "detail": msg("What was done"),
    "by": msg("Due by"),
    "date": msg("Date"),
    "total": msg("Total"),
    "open": msg("Open"),
    "note": msg("Reading"),
    "area": msg("Area"),
}
#: The groups of a 问题清单, in its order.
GROUPS: Mapping[str, Message] = {
    FAIL: VERDICT_WORD[FAIL],
    UNKNOWN: VERDICT_WORD[UNKNOWN],
    PENDING: msg("falls due"),
}
#: A dated step of a standard without a programme, against the as-of date.
STEP_STATE: Mapping[str, Message] = {
    "done": msg("passed"),
    "today": msg("today"),
    "next": msg("next"),
    "later": msg("later"),
}
#: A step of a programme the rule file declares: the district's own state on it.
PROGRAMME_STATE: Mapping[str, Message] = {"done": msg("done"), "due": msg("due"), "overdue": msg("overdue")}
#: How far a street has come in the programme (protrules.programme.selection's stages).
STAGE: Mapping[str, Message | None] = {
    "not applied": msg("not applied"),
    "excluded": msg("excluded (vetoed)"),
    "ranked": None,
    "tied": msg("tied, for the review panel"),
    "proposed": msg("candidate"),
    "published": msg("in publicity"),
    "objection": msg("objection standing"),
    "to be named": msg("to be named"),
    "named": msg("★ named"),
}


def day(value: dt.date, lang: str) -> str:
    """A date as the report's reader writes it: 2024年3月31日, or 2024-03-31 in English."""
    return day_words(value, lang)


def horizon_text(until: dt.date | None, horizon: str | None, lang: str) -> str:
    """What the report lists as falling due: "30天，至2024年4月30日" / "30 days, until 2024-04-30";
    every pending obligation when there is no horizon. The window is said in the reader's
    words when it reads as a duration, else as the user wrote it."""
    if until is None:
        return msg("every pending obligation").render(lang)
    if not horizon:
        return msg("until {date}", date=day(until, lang)).render(lang)
    try:
        window = duration_words(parse_duration(horizon), lang)
    except ProtrulesError:
        window = horizon
    return msg("{window}, until {date}", window=window, date=day(until, lang)).render(lang)


def applicants_only(word: str) -> Message:
    """The programme's rules for the ranking, in one sentence (docs/domain.md, “The programme”)."""
    return msg(
        "Only the entities ({word}) that applied are assessed; a tie at the cap is settled by the review"
        " panel, never by id; an entity is named only after its publicity ended with no objection"
        " standing and its naming was published.",
        word=word,
    )


def overdue_line(n: int) -> Message:
    """How many obligations are overdue: each is a failed check, so a problem of its entity."""
    return msgn(
        "Overdue: {n} obligation, listed as failed in the problems of its entity.",
        "Overdue: {n} obligations, each listed as failed in the problems of its entity.",
        n,
    )


def no_problems(until: dt.date | None, lang: str) -> Message:
    """What a street's 问题清单 says when it is empty."""
    if until is None:
        return msg("None: no clause fails or lacks data, and nothing falls due.")
    return msg(
        "None: no clause fails or lacks data, and nothing falls due until {date}.", date=day(until, lang)
    )


def fictional_lines(results: Sequence[EntityResult], lang: str) -> list[str]:
    """The report's line saying which entities are fictional examples, in ``lang`` alone (none
    when none is): :func:`~protrules.evaluation.results.fictional_message`'s who and notes,
    without the bilingual label ``check`` prints."""
    message = fictional_message(results)
    if message is None:
        return []
    args = dict(message.args)
    if "notes" in args:
        line = msg("Fictional example data: {who} — {notes}", who=args["who"], notes=args["notes"])
    else:
        line = msg("Fictional example data: {who}", who=args["who"])
    return [line.render(lang)]


def not_applied_line(names: Sequence[str]) -> Message:
    """The entities that did not apply, whose deadlines are no obligations under the programme."""
    return msg("not applied, so no obligations under the programme: {names}", names=joined(names))
