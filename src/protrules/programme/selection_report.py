"""The programme as text and JSON: what ``protrules rank`` prints for a standard with one.

A table of the streets (application, place, score, status, how far each has come), each
street's story, the programme's steps with the district's state on each, and the candidate
list, the tie and the named streets. :func:`selection_text` and :func:`selection_json` only
render a :class:`~protrules.programme.selection.Selection`; they never evaluate.
"""

from __future__ import annotations

from protrules.checking.ir import Program
from protrules.checking.parameters import parameters_json, parameters_line
from protrules.evaluation.results import STATUS_ZH
from protrules.output import display_width, dumps, pad
from protrules.programme.ranking import scoring_text
from protrules.programme.selection import DONE, OVERDUE, Entry, Selection, entry_json

__all__ = ["SELECTION_FORMAT", "selection_json", "selection_text"]

SELECTION_FORMAT = "protrules-programme/1"

#: What each stage is called in a report.
STAGE_TEXT = {
    "not applied": "未申报 not applied",
    "excluded": "一票否决 excluded",
    "ranked": "",
    "tied": "待评审 tied",
    "proposed": "候选 proposed",
    "published": "公示中 in publicity",
    "objection": "异议 objection",
    "to be named": "待命名 to be named",
    "named": "★ 命名 named",
}
_MARK = {DONE: "✓", OVERDUE: "✗"}


def _order(entry: Entry) -> tuple[int, int, str]:
    """Ranked applicants by position, then the excluded, then those that did not apply."""
    place = entry.place
    if place is None:
        return (2, 0, entry.entity)
    return (1 if place.excluded else 0, place.position or 0, entry.entity)


def _steps_line(selection: Selection) -> str:
    return " · ".join(f"{s.title} by {s.due} {_MARK.get(s.state, '…')} {s.state}" for s in selection.steps)


def selection_text(program: Program, selection: Selection) -> str:
    """The programme as a table, each street's story, the steps and the outcome."""
    programme = selection.programme
    source = f" ({programme.source})" if programme.source else ""
    cap = f"at most {selection.cap} named" if selection.cap is not None else "no cap"
    header = ["#", "名称 entity", "申报 applied", "得分 score", "未通过 failed", "结果 status", "进程 stage"]
    rows = []
    for entry in selection.entries:
        place = entry.place
        rows.append(
            [
                str(place.position) if place is not None and place.position is not None else "-",
                f"{entry.name} ({entry.entity})",
                (f"{entry.applied}{' late' if entry.late else ''}" if entry.applied else "-"),
                f"{place.score * 100:.1f}%" if place is not None and place.score is not None else "-",
                str(place.failed) if place is not None else "-",
                f"{STATUS_ZH[place.status]} {place.status}" if place is not None else "-",
                STAGE_TEXT[entry.stage],
            ]
        )
    ordered = sorted(zip(selection.entries, rows, strict=True), key=lambda pair: _order(pair[0]))
    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [
        f"{program.title} — {programme.title}, as of {selection.as_of}",
        *selection.notes,
        *parameters_line(program),
        f"创建程序 programme{source}: {_steps_line(selection)}; {cap} (优中选优)",
        scoring_text(program),
        "ties: equal on score and failed clauses share a position; a tie at the cap is for the review"
        " panel (评审) to settle, recorded as a review, never by id; only streets that applied are"
        " assessed; a street is named only after its publicity, with no objection standing",
        "",
        line(header),
        "-" * display_width(line(header)),
        *(line(row) for _, row in ordered),
        "",
    ]
    out += [f"{entry.name} ({entry.entity}): {entry.explanation}" for entry, _ in ordered]
    out += ["", "步骤 steps (the district's):"]
    out += [f"  {s.title} by {s.due}: {s.state} — {s.detail}" for s in selection.steps]
    names = {e.entity: e.name for e in selection.entries}

    def listed(ids: tuple[str, ...]) -> str:
        return ", ".join(names.get(i, i) for i in ids) or "none"

    out += ["", f"候选 proposed: {listed(selection.proposed)}"]
    if selection.tied:
        places = selection.open_places
        out.append(f"待评审 tied for {places} place{'s' if places != 1 else ''}: {listed(selection.tied)}")
    out.append(f"命名 named: {listed(selection.named)}")
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
