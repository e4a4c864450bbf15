"""The 督导报告 as Markdown: an overview of the district, then each street's 问题清单 first.

The same content as the HTML report (:mod:`protrules.report.html`), for a document to attach
or paste: the streets' standing, the streets × areas table, the ranking, the vetoes, the
programme's steps and what falls due; then for each street what fails, what lacks data and
what falls due — clause, reason, facts — and its per-area subtotals. Clauses that pass are
counted, not listed (the JSON result lists every rule).

Text from ledgers and rule files is escaped, so a fact value cannot add a link, an image, raw
HTML or a table cell to the document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from protrules.evaluation.labels import STATUS_WORD, VERDICT_WORD
from protrules.evaluation.results import FAIL, NA, PASS, PENDING, UNKNOWN, VERDICTS
from protrules.i18n import Message, joined, msg, msgn
from protrules.programme.due import Obligation
from protrules.programme.selection import Entry, Selection
from protrules.report.diff import diff_markdown
from protrules.report.district import District, Problem, StreetPage
from protrules.report.labels import (
    GROUPS,
    LABELS,
    PROGRAMME_STATE,
    STAGE,
    STEP_STATE,
    applicants_only,
    day,
    horizon_text,
    no_problems,
    not_applied_line,
    overdue_line,
)
from protrules.report.render import MARKS

__all__ = ["markdown_report", "md"]

# CommonMark's inline punctuation that could start markup; `|` would end a table cell.
_SPECIAL = re.compile(r"([\\`*\[\]<|])")


def md(text: str) -> str:
    """Text as it reads, escaped for a Markdown line or table cell (no markup can start in it)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


class _Writer:
    """The report's lines in one language: its messages rendered, its dates as the reader writes them."""

    def __init__(self, district: District) -> None:
        self.d = district
        self.lang = district.lang

    def say(self, message: Message | None) -> str:
        return "" if message is None else message.render(self.lang)

    def label(self, key: str) -> str:
        return LABELS[key].render(self.lang)

    def day(self, value: dt.date) -> str:
        return day(value, self.lang)

    def join(self, items: Iterable[str]) -> str:
        """Items joined as the language lists them: "a, b" / "a、b"."""
        return self.say(msg(", ")).join(items)

    def listed(self, names: list[str]) -> str:
        return self.join(names) if names else self.say(msg("none"))

    def pair(self, label: Message | str, value: Message | str) -> str:
        """"label: value" as the language writes it (a full-width colon in Chinese)."""
        return self.say(msg("{label}: {value}", label=label, value=value))

    def titled(self, label: Message, aside: object) -> str:
        """A heading with its aside in brackets: "Ranking (at most 3 named)" / "排名（至多命名 3 个）"."""
        return self.say(msg("{label} ({aside})", label=label, aside=aside))

    def row(self, *cells: str) -> str:
        return "| " + " | ".join(cells) + " |"

    # -- the whole report
    def report(self) -> str:
        d = self.d
        heading = msg("{report}: {title}", report=LABELS["report"], title=md(d.title))
        lines = [f"# {self.say(heading)}", ""]
        lines += self.meta()
        if d.revision is not None:  # a report on a revision says first what changed
            lines += diff_markdown(d.revision, self.lang)
        lines += self.overview()
        for page in d.streets:
            lines += self.street(page)
        if d.computed_with:
            lines += ["", "---", "", md(d.computed_with)]
        return "\n".join(lines).rstrip() + "\n"

    def field(self, key: str, value: str) -> str:
        return self.pair(LABELS[key], value) + "  "

    def meta(self) -> list[str]:
        d = self.d
        lines = [f"**{md(line)}**  " for line in d.fictional]
        lines.append(self.field("as_of", self.day(d.as_of)))
        if d.source:
            lines.append(self.field("source", md(d.source)))
        if d.parameters:
            lines.append(self.field("parameters", md(self.say(msg("; ")).join(d.parameters))))
        if d.assessment:
            title, start, end = d.assessment
            span = msg("{title}: {start} to {end}", title=md(title), start=self.day(start), end=self.day(end))
            lines.append(self.field("assessment", self.say(span)))
        lines.append(self.field("horizon", md(horizon_text(d.until, d.horizon, self.lang))))
        scoring = msg(
            "clauses passed ÷ clauses that apply (each clause's weight is in the rule file; negative-list"
            " and advisory clauses are not scored)"
        )
        lines.append(self.field("score", self.say(scoring)).rstrip())
        return [*lines, ""]

    def overview(self) -> list[str]:
        d = self.d
        standing = joined(msg("{status} {n}", status=STATUS_WORD[s], n=n) for s, n in d.statuses.items())
        lines = [
            f"## {self.label('overview')}",
            "",
            self.say(
                msg(
                    "{n} entities ({word}) in all: {standing}.",
                    n=len(d.streets),
                    word=md(d.entity_word),
                    standing=standing,
                )
            ),
            "",
            self.row(
                self.label("entity"),
                self.label("status"),
                self.label("score"),
                self.say(VERDICT_WORD[FAIL]),
                self.say(VERDICT_WORD[UNKNOWN]),
                self.say(VERDICT_WORD[PENDING]),
                self.label("problems"),
            ),
            "|---|---|---|---|---|---|---|",
        ]
        for page in d.streets:
            problems = self.join(p.rule for p in page.problems) or "—"
            lines.append(
                self.row(
                    md(page.name),
                    self.say(STATUS_WORD[page.status]),
                    page.score_text,
                    str(page.counts[FAIL]),
                    str(page.counts[UNKNOWN]),
                    str(page.counts[PENDING]),
                    problems,
                )
            )
        lines += ["", f"### {self.label('heat_map')}", ""]
        legend = joined(
            msg("{mark} {verdict}", mark=MARKS[v], verdict=VERDICT_WORD[v]) for v in (FAIL, UNKNOWN, PENDING)
        )
        lines.append(
            self.say(
                msg(
                    "Each cell: the worst verdict of the area and how many clauses have it ({legend},"
                    " {passed} all passed).",
                    legend=legend,
                    passed=MARKS[PASS],
                )
            )
        )
        lines.append("")
        lines.append(self.row(self.label("entity"), *(f"{a} {md(t)}" for a, t in d.areas)))
        lines.append("|---|" + "---|" * len(d.areas))
        for page in d.streets:
            tallies = {t.area: t for t in page.areas}
            cells = []
            for area, _ in d.areas:
                tally = tallies.get(area)
                if tally is None:
                    cells.append("")
                    continue
                mark = tally.worst
                cells.append(MARKS[mark] if mark in (PASS, NA) else f"{MARKS[mark]} {tally.counts[mark]}")
            lines.append(self.row(md(page.name), *cells))
        lines += self.ranking()
        lines += self.vetoes()
        lines += self.programme()
        lines += self.due()
        return lines

    def ranking(self) -> list[str]:
        d = self.d
        ranking, selection = d.ranking, d.selection
        cap = msg("at most {n} named", n=ranking.cap) if ranking.cap is not None else msg("no cap")
        lines = [
            "",
            "### " + self.titled(LABELS["ranking"], cap),
            "",
            self.say(msg("Ranked by score, then by fewer failed clauses; a vetoed entity is not ranked.")),
        ]
        if selection is not None:
            lines[-1] += " " + self.say(applicants_only(md(d.entity_word)))
        last = "stage" if selection is not None else "named"
        head = [
            "#",
            self.label("entity"),
            *([self.label("applied")] if selection is not None else []),
            self.label("score"),
            self.label("failed"),
            self.label("status"),
            self.label(last),
        ]
        lines += ["", self.row(*head), "|---" * len(head) + "|"]
        for place in ranking.places:
            position = str(place.position) if place.position is not None else "—"
            score = f"{place.score * 100:.1f}%" if place.score is not None else "-"
            named = (
                self.say(STAGE["named"])
                if place.named
                else self.say(msg("not ranked"))
                if place.excluded
                else ""
            )
            applied: list[str] = []
            entry = selection.entry(place.entity) if selection is not None else None
            if selection is not None:
                named = self.say(STAGE[entry.stage]) if entry is not None else ""
                when = ""
                if entry is not None and entry.applied is not None:
                    when = self.day(entry.applied)
                    if entry.late:
                        when = self.say(msg("{date} (late)", date=when))
                applied = [when]
            lines.append(
                self.row(
                    position,
                    md(place.name),
                    *applied,
                    score,
                    str(place.failed),
                    self.say(STATUS_WORD[place.status]),
                    named,
                )
            )
        if selection is None:
            named_line = msg(
                "{label}: {names}",
                label=LABELS["named"],
                names=self.listed([md(p.name) for p in ranking.named]),
            )
            return [*lines, "", self.say(named_line)]
        return lines + self.selection(selection)

    def selection(self, selection: Selection) -> list[str]:
        """Below the ranking: who did not apply, each applicant's story, the candidates, the tie."""
        names = {e.entity: md(e.name) for e in selection.entries}

        def listed(ids: tuple[str, ...]) -> str:
            return self.listed([names.get(i, md(i)) for i in ids])

        lines = [""]
        absent = tuple(e.entity for e in selection.entries if e.stage == "not applied")
        if absent:
            lines += [self.say(msg("Not applied (not assessed): {names}", names=listed(absent))), ""]
        ranked = sorted((e for e in selection.entries if e.place is not None), key=_place_order)
        lines += [
            "- " + self.pair(md(e.name), md(e.explanation_in(self.lang))) for e in ranked
        ]
        lines += [
            "",
            self.say(msg("{label}: {names}", label=STAGE["proposed"], names=listed(selection.proposed)))
            + "  ",
        ]
        if selection.tied:
            tied = msgn(
                "Tied for {n} place, for the review panel to settle: {names}",
                "Tied for {n} places, for the review panel to settle: {names}",
                selection.open_places,
                names=listed(selection.tied),
            )
            lines.append(self.say(tied) + "  ")
        return [
            *lines,
            self.say(msg("{label}: {names}", label=LABELS["named"], names=listed(selection.named))),
        ]

    def vetoes(self) -> list[str]:
        vetoed = [p for p in self.d.streets if p.vetoed_by]
        lines = ["", f"### {self.label('vetoes')}", ""]
        if not vetoed:
            return [*lines, self.say(msg("none"))]
        for page in vetoed:
            hits = self.say(msg("; ")).join(
                f"{p.rule} {md(p.title)}" for p in page.problems if p.rule in page.vetoed_by
            ) or self.join(page.vetoed_by)
            lines.append("- " + self.pair(md(page.name), hits))
        return lines

    def programme(self) -> list[str]:
        d = self.d
        if not d.steps:
            return []
        lines = ["", f"### {self.label('programme')}", ""]
        if d.selection is not None:  # the district's own state on each step of its programme
            lines += [
                self.row(self.label("by"), self.label("step"), self.label("state"), self.label("detail")),
                "|---|---|---|---|",
            ]
            for step in d.steps:
                lines.append(
                    self.row(
                        self.day(step.date),
                        md(step.title),
                        self.say(PROGRAMME_STATE[step.state]),
                        md(step.detail),
                    )
                )
            return lines
        lines += [self.row(self.label("date"), self.label("step"), self.label("state")), "|---|---|---|"]
        for step in d.steps:
            lines.append(self.row(self.day(step.date), md(step.title), self.say(STEP_STATE[step.state])))
        return lines

    def due(self) -> list[str]:
        d = self.d
        horizon = md(horizon_text(d.until, d.horizon, self.lang))
        lines = ["", "### " + self.titled(LABELS["due"], horizon), ""]
        if d.not_applied:
            lines += [self.say(not_applied_line([md(name) for name in d.not_applied])), ""]
        if d.overdue:
            lines += [self.say(overdue_line(d.overdue)), ""]
        if not d.due:
            return [*lines, self.say(msg("Nothing falls due."))]
        lines += [
            self.row(
                self.label("deadline"),
                self.label("entity"),
                self.label("rule"),
                self.label("context"),
                self.label("left"),
            ),
            "|---|---|---|---|---|",
        ]
        for o in d.due:
            lines.append(
                self.row(
                    self.day(o.deadline),
                    md(o.entity_name),
                    f"{o.rule} {md(o.title)}",
                    md(_context(o)),
                    self.say(msgn("{n} day", "{n} days", o.days_left)),
                )
            )
        return lines

    def street(self, page: StreetPage) -> list[str]:
        d = self.d
        standing = msg(
            "{name} ({status}, score {score})",
            name=md(page.name),
            status=STATUS_WORD[page.status],
            score=page.score_text,
        )
        lines = ["", f"## {self.say(standing)}", ""]
        if page.vetoed_by:
            veto = msg("Vetoed by the negative list: {items}", items=joined(page.vetoed_by))
            lines += [f"**{self.say(veto)}**", ""]
        counted = joined(
            msg("{group} {n}", group=GROUPS[v], n=len(page.problems_with(v)))
            for v in (FAIL, UNKNOWN, PENDING)
        )
        lines += ["### " + self.titled(LABELS["problems"], counted), ""]
        if not page.problems:
            lines += [self.say(no_problems(d.until, self.lang)), ""]
        number = 0
        for verdict in (FAIL, UNKNOWN, PENDING):
            group = page.problems_with(verdict)
            if not group:
                continue
            lines += [f"**{self.say(GROUPS[verdict])}**", ""]
            for problem in group:
                number += 1
                lines += self.problem(number, problem)
        lines += self.areas(page)
        return lines

    def problem(self, number: int, problem: Problem) -> list[str]:
        where = f"{problem.area} {problem.area_title}".strip()
        if problem.item:
            where += f" → {problem.item} {problem.item_title}".rstrip()
        lines = [
            f"{number}. **{problem.rule} {md(problem.title)}** — "
            f"{self.say(VERDICT_WORD[problem.verdict])} · {md(where)}"
        ]
        lines.append(
            "   - " + self.pair(LABELS["clause"], md(problem.clause))
        )
        lines.append(
            "   - " + self.pair(LABELS["reason"], md(problem.reason))
        )
        if problem.due is not None and problem.days_left is not None:
            if problem.days_left >= 0:
                left = msgn("{n} day left", "{n} days left", problem.days_left)
            else:
                left = msgn("{n} day overdue", "{n} days overdue", -problem.days_left)
            due = msg("{date} ({left})", date=self.day(problem.due), left=left)
            lines.append("   - " + self.pair(LABELS["deadline"], due))
        if problem.facts:
            facts = self.say(msg("; ")).join(md(f) for f in problem.facts)
            if problem.more_facts:
                facts += self.say(msg("; ")) + self.say(
                    msgn("and {n} more", "and {n} more", problem.more_facts)
                )
            lines.append("   - " + self.pair(LABELS["facts"], facts))
        return [*lines, ""]

    def areas(self, page: StreetPage) -> list[str]:
        lines = [
            f"### {self.label('areas')}",
            "",
            self.row(
                self.label("area"),
                self.label("rules"),
                *(self.say(VERDICT_WORD[v]) for v in VERDICTS),
                self.label("open"),
            ),
            "|---|---|" + "---|" * len(VERDICTS) + "---|",
        ]
        totals = dict.fromkeys(VERDICTS, 0)
        for tally in page.areas:
            for verdict in VERDICTS:
                totals[verdict] += tally.counts[verdict]
            open_ = self.join(tally.open) or "—"
            lines.append(
                self.row(
                    f"{tally.area} {md(tally.title)}",
                    str(tally.total),
                    *(str(tally.counts[v]) for v in VERDICTS),
                    open_,
                )
            )
        cells = (f"**{totals[v]}**" for v in VERDICTS)
        lines.append(self.row(f"**{self.label('total')}**", f"**{sum(totals.values())}**", *cells, ""))
        return lines


def markdown_report(district: District) -> str:
    """The whole report, in the district's language (``District.lang``): the overview, then a
    section per street, 问题清单 first."""
    return _Writer(district).report()


def _place_order(entry: Entry) -> tuple[bool, int, str]:
    """The ranking's order: by position, the excluded last."""
    place = entry.place
    assert place is not None
    return (place.excluded, place.position or 0, entry.entity)


def _context(obligation: Obligation) -> str:
    return "; ".join(obligation.context) or "—"
