"""The programme as text and JSON: what ``protrules rank`` prints for a standard with one.

A table of the streets (application, place, score, status, how far each has come), each
street's story, the programme's steps with the district's state on each, and the candidate
list, the tie and the named streets. :func:`selection_text` and :func:`selection_json` only
render a :class:`~protrules.programme.selection.Selection`; they never evaluate.
"""

from __future__ import annotations

from protrules.checking.ir import Program
from protrules.checking.parameters import parameters_json, parameters_line
from protrules.evaluation.labels import STATUS_LABEL
from protrules.i18n import Message, joined, msg, msgn
from protrules.output import display_width, dumps, pad
from protrules.programme.ranking import scoring_text
from protrules.programme.selection import DONE, OVERDUE, Entry, Selection, entry_json

__all__ = ["SELECTION_FORMAT", "selection_json", "selection_text"]

SELECTION_FORMAT = "protrules-programme/1"

#: What each stage is called in a report.
STAGE_TEXT: dict[str, Message | None] = {
    "not applied": msg("未申报 not applied"),
    "excluded": msg("一票否决 excluded"),
    "ranked": None,
    "tied": msg("待评审 tied"),
    "proposed": msg("候选 proposed"),
    "published": msg("公示中 in publicity"),
    "objection": msg("异议 objection"),
    "to be named": msg("待命名 to be named"),
    "named": msg("★ 命名 named"),
}
_MARK = {DONE: "✓", OVERDUE: "✗"}
#: A step's state: done, due, overdue.
STATE_WORD = {DONE: msg("done"), "due": msg("due"), OVERDUE: msg("overdue")}
#: How ties, applications, publicity and naming decide, in one line of the header.
RULES_LINE = msg(
    "ties: equal on score and failed clauses share a position; a tie at the cap is for the review"
    " panel (评审) to settle, recorded as a review, never by id; only streets that applied are"
    " assessed; a street is named only after its publicity, with no objection standing"
)


def _order(entry: Entry) -> tuple[int, int, str]:
    """Ranked applicants by position, then the excluded, then those that did not apply."""
    place = entry.place
    if place is None:
        return (2, 0, entry.entity)
    return (1 if place.excluded else 0, place.position or 0, entry.entity)


def _steps_line(selection: Selection, lang: str) -> str:
    return " · ".join(
        msg(
            "{step} by {date} {mark} {state}",
            step=s.title,
            date=s.due,
            mark=_MARK.get(s.state, "…"),
            state=STATE_WORD[s.state],
        ).render(lang)
        for s in selection.steps
    )


def _say(message: Message | None, lang: str) -> str:
    return message.render(lang) if message is not None else ""


def selection_text(program: Program, selection: Selection, lang: str = "en") -> str:
    """The programme as a table, each street's story, the steps and the outcome, in ``lang``."""
    programme = selection.programme
    source = msg(" ({source})", source=programme.source) if programme.source else ""
    cap = msg("at most {cap} named", cap=selection.cap) if selection.cap is not None else msg("no cap")
    columns = (msg("名称 entity"), msg("申报 applied"), msg("得分 score"), msg("未通过 failed"),
               msg("结果 status"), msg("进程 stage"))  # fmt: skip
    header = ["#", *(m.render(lang) for m in columns)]
    rows = []
    for entry in selection.entries:
        place = entry.place
        applied = "-"
        if entry.applied:
            late = msg("{date} late", date=entry.applied)
            applied = late.render(lang) if entry.late else str(entry.applied)
        rows.append(
            [
                str(place.position) if place is not None and place.position is not None else "-",
                f"{entry.name} ({entry.entity})",
                applied,
                f"{place.score * 100:.1f}%" if place is not None and place.score is not None else "-",
                str(place.failed) if place is not None else "-",
                STATUS_LABEL[place.status].render(lang) if place is not None else "-",
                _say(STAGE_TEXT[entry.stage], lang),
            ]
        )
    ordered = sorted(zip(selection.entries, rows, strict=True), key=lambda pair: _order(pair[0]))
    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()

    heading = msg("{title} — {programme}, as of {date}", title=program.title, programme=programme.title,
                  date=selection.as_of)  # fmt: skip
    steps = msg(
        "创建程序 programme{source}: {steps}; {cap} (优中选优)",
        source=source,
        steps=_steps_line(selection, lang),
        cap=cap,
    )
    out = [
        heading.render(lang),
        *(note.render(lang) for note in selection.notes),
        *parameters_line(program, lang),
        steps.render(lang),
        scoring_text(program, lang),
        RULES_LINE.render(lang),
        "",
        line(header),
        "-" * display_width(line(header)),
        *(line(row) for _, row in ordered),
        "",
    ]
    for entry, _ in ordered:
        story = msg("{entity}: {explanation}", entity=f"{entry.name} ({entry.entity})",
                    explanation=entry.explanation_in(lang))  # fmt: skip
        out.append(story.render(lang))
    out += ["", msg("步骤 steps (the district's):").render(lang)]
    for s in selection.steps:
        step = msg("{step} by {date}: {state} — {detail}", step=s.title, date=s.due,
                   state=STATE_WORD[s.state], detail=s.said)  # fmt: skip
        out.append("  " + step.render(lang))
    names = {e.entity: e.name for e in selection.entries}

    def listed(ids: tuple[str, ...]) -> tuple[str, ...]:
        return joined(names.get(i, i) for i in ids)

    proposed = selection.proposed
    if proposed:
        out += ["", msg("候选 proposed: {names}", names=listed(proposed)).render(lang)]
    else:
        out += ["", msg("候选 proposed: none").render(lang)]
    if selection.tied:
        tied = msgn(
            "待评审 tied for {n} place: {names}",
            "待评审 tied for {n} places: {names}",
            selection.open_places,
            names=listed(selection.tied),
        )
        out.append(tied.render(lang))
    if selection.named:
        out.append(msg("命名 named: {names}", names=listed(selection.named)).render(lang))
    else:
        out.append(msg("命名 named: none").render(lang))
    return "\n".join(out) + "\n"


def selection_json(program: Program, selection: Selection) -> str:
    """The programme as JSON (format ``protrules-programme/1``), byte-identical for equal input."""
    programme = selection.programme
    return dumps(
        {
            "format": SELECTION_FORMAT,
            "standard": {"id": program.id, "title": program.title, **parameters_json(program)},
            "programme": {"title": programme.title, "source": programme.source, "cap": selection.cap},
            "as_of": selection.as_of.isoformat(),
            "scoring": scoring_text(program),
            "steps": [
                {
                    "step": s.step,
                    "title": s.title,
                    "due": s.due.isoformat(),
                    "state": s.state,
                    "detail": s.detail,
                }
                for s in selection.steps
            ],
            "entities": [entry_json(e) for e in selection.entries],
            "proposed": list(selection.proposed),
            "tied": list(selection.tied),
            "open_places": selection.open_places,
            "named": list(selection.named),
        }
    )
