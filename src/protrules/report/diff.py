"""A comparison of two versions of a standard (:mod:`protrules.programme.diff`) as text a
person reads and as JSON a program reads (format ``protrules-diff/1``), deterministic for the
same input. The district report's section comes from :func:`diff_markdown` (and the HTML
template reads the same :class:`~protrules.programme.diff.Diff`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from protrules.evaluation.labels import KIND_WORD, STATUS_LABEL, STATUS_WORD, VERDICT_WORD
from protrules.i18n import Message, msg
from protrules.output import display_width, dumps, pad
from protrules.programme.diff import (
    ADDED,
    REMOVED,
    ClauseChange,
    Diff,
    EntityChange,
    FieldChange,
    ParameterChange,
    VerdictFlip,
    Version,
)
from protrules.report.reasons import reason_words

__all__ = [
    "DIFF_FORMAT",
    "HEADS",
    "Tables",
    "diff_json",
    "diff_markdown",
    "diff_text",
    "flip_reason",
    "summary",
    "summary_message",
    "tables",
]

DIFF_FORMAT = "protrules-diff/1"
_MARK = {ADDED: "+", REMOVED: "-", "changed": "~"}


_CHANGE = {ADDED: msg("added"), REMOVED: msg("removed"), "changed": msg("changed")}
_WHAT = {"clauses": msg("clauses"), "parameters": msg("parameters"), "declarations": msg("declarations")}
#: A clause's fields, as the report's revision section names them.
_FIELD = {
    "title": msg("title"),
    "clause": msg("clause text"),
    "note": msg("reading"),
    "logic": msg("logic"),
    "weight": msg("weight"),
    "kind": msg("kind"),
    "place": msg("place"),
}


def _counts(items: Sequence[Any], what: Message, unchanged: int | None = None) -> Message:
    added, removed, changed = (sum(1 for i in items if i.change == c) for c in (ADDED, REMOVED, "changed"))
    if unchanged is None:
        return msg("{what}: {added} added, {removed} removed, {changed} changed",
                   what=what, added=added, removed=removed, changed=changed)  # fmt: skip
    return msg("{what}: {added} added, {removed} removed, {changed} changed, {unchanged} unchanged",
               what=what, added=added, removed=removed, changed=changed, unchanged=unchanged)  # fmt: skip


def summary_message(diff: Diff) -> Message:
    """One line: how many clauses and parameters changed, and what it does to the entities."""
    clauses = _counts(diff.clauses, _WHAT["clauses"], diff.unchanged)
    parameters = _counts(diff.parameters, _WHAT["parameters"])
    if diff.impact is None:
        return msg("{clauses}; {parameters}", clauses=clauses, parameters=parameters)
    impact = diff.impact
    return msg(
        "{clauses}; {parameters}; {flips} verdicts flip, {changes} of {entities} entities change",
        clauses=clauses, parameters=parameters, flips=len(impact.flips), changes=len(impact.changes),
        entities=impact.entities,
    )  # fmt: skip


def summary(diff: Diff) -> str:
    """:func:`summary_message` in English, as ``protrules diff`` prints it."""
    return summary_message(diff).render("en")


def _version(version: Version) -> str:
    shown = f" ({version.version})" if version.version else ""
    return f"{version.title}{shown}"


def _percent(score: Decimal | None) -> str:
    return "-" if score is None else f"{score * 100:.1f}%"


def _position(position: int | None, applied: bool = True, lang: str = "en") -> str:
    if not applied:
        return msg("not applied").render(lang)
    if position is None:
        return msg("excluded").render(lang)
    return msg("#{position}", position=position).render(lang)


def _values(values: Sequence[tuple[dt.date | None, str, str | None]], lang: str = "en") -> str:
    if not values:
        return "—"
    shown = (value if since is None else msg("{value} from {date}", value=value, date=since).render(lang)
             for since, value, _ in values)  # fmt: skip
    return msg(", ").render(lang).join(shown)


def _sources(values: Sequence[tuple[dt.date | None, str, str | None]], lang: str = "en") -> str:
    return msg("; ").render(lang).join(dict.fromkeys(source or "—" for _, _, source in values))


# ------------------------------------------------------------------ text

#: A clause's fields as ``protrules diff`` lists what changed: by their names in the rule file.
_FIELD_NAME = {**_FIELD, "clause": msg("clause"), "note": msg("note")}
#: A clause's fields as ``protrules diff`` heads them (English keeps the Chinese word beside).
_LABEL = {
    "title": msg("title 标题"),
    "clause": msg("clause 条款"),
    "note": msg("reading 解释"),
    "logic": msg("logic 规则"),
    "weight": msg("weight 权重"),
    "kind": msg("kind 类型"),
    "place": msg("place 位置"),
}


def diff_text(diff: Diff, lang: str = "en") -> str:
    """The comparison for a terminal, in ``lang``: clauses, parameters, declarations, then the
    impact."""

    def say(message: Message) -> str:
        return message.render(lang)

    lines = [
        say(msg("比较 diff: {old} → {new}", old=_version(diff.old), new=_version(diff.new))),
        say(msg("  旧 old: {source}", source=diff.old.source)),
        say(msg("  新 new: {source}", source=diff.new.source)),
    ]
    if diff.overrides:
        shown = msg("; ").render(lang).join(
            say(msg("{name} = {value} (published: {published})", name=n, value=v, published=p))
            for n, v, p in diff.overrides
        )
        lines.append(say(msg("参数 parameters set for this evaluation (new version): {shown}", shown=shown)))
    lines += ["", say(msg("条款 {counts}", counts=_counts(diff.clauses, _WHAT["clauses"], diff.unchanged)))]
    for clause in diff.clauses:
        lines += _clause_text(clause, lang)
    lines += ["", say(msg("参数 {counts}", counts=_counts(diff.parameters, _WHAT["parameters"])))]
    for param in diff.parameters:
        lines += _parameter_text(param, lang)
    if diff.declarations:
        lines += ["", say(msg("声明 {counts}", counts=_counts(diff.declarations, _WHAT["declarations"])))]
        for decl in diff.declarations:
            lines.append(f"  {_MARK[decl.change]} {decl.kind} {decl.name}")
            if decl.change == "changed":
                change = FieldChange("declaration", decl.old, decl.new)
                lines += [f"      {line}" for line in change.lines()]
    if diff.impact is not None:
        lines += _impact_text(diff, lang)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _clause_text(clause: ClauseChange, lang: str) -> list[str]:
    head = f"  {_MARK[clause.change]} {clause.rule} {clause.title}"
    if clause.change != "changed":
        return [f"{head}   ({_CHANGE[clause.change].render(lang)})"]
    fields = msg(", ").render(lang).join(_FIELD_NAME[f.field].render(lang) for f in clause.fields)
    changed = msg("changed: {fields}", fields=fields).render(lang)
    out = [f"{head}   ({changed})"]
    for field in clause.fields:
        label = _LABEL[field.field]
        if field.field in ("weight", "kind", "place"):
            old, new = (_kind(v, lang) if field.field == "kind" else v or "—" for v in (field.old, field.new))
            out.append("      " + msg("{label}: {value}", label=label, value=f"{old} → {new}").render(lang))
            continue
        out.append("      " + msg("{label}:", label=label).render(lang))
        if field.field == "logic":
            out += [f"        {line}" for line in field.lines()]
        else:
            out += [f"        - {field.old or '—'}", f"        + {field.new or '—'}"]
    return out


def _kind(kind: str | None, lang: str) -> str:
    """A rule's kind in ``lang`` (the code itself in English)."""
    return KIND_WORD[kind].render(lang) if kind in KIND_WORD else kind or "—"


def _parameter_text(param: ParameterChange, lang: str) -> list[str]:
    title = f" {param.title}" if param.title else ""
    if param.change == ADDED:
        source = msg("(source: {source})", source=_sources(param.new, lang)).render(lang)
        return [f"  + {param.name}{title}: {_values(param.new, lang)}   {source}"]
    if param.change == REMOVED:
        return [f"  - {param.name}{title}: {_values(param.old, lang)}"]
    out = [f"  ~ {param.name}{title}: {_values(param.old, lang)} → {_values(param.new, lang)}"]
    if _sources(param.old) != _sources(param.new):
        sources = f"{_sources(param.old, lang)} → {_sources(param.new, lang)}"
        out.append("      " + msg("source: {sources}", sources=sources).render(lang))
    return out


def _impact_text(diff: Diff, lang: str) -> list[str]:
    impact = diff.impact
    assert impact is not None

    def say(message: Message) -> str:
        return message.render(lang)

    heading = msg(
        "影响 impact on {entities} entities as of {date}: {flips} verdicts flip, {changes} entities change",
        entities=impact.entities,
        date=impact.as_of,
        flips=len(impact.flips),
        changes=len(impact.changes),
    )
    lines = ["", say(heading)]
    if impact.changes:
        rows = [[say(head) for head in _IMPACT_HEADS]]
        rows += [_entity_row(change, lang) for change in impact.changes]
        widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines += ["  " + "  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    names = [msg(", ").render(lang).join(n for _, n in places) or say(msg("none"))
             for places in (impact.old_named, impact.new_named)]  # fmt: skip
    named = names[0] if names[0] == names[1] else f"{names[0]} → {names[1]}"
    lines.append("  " + say(msg("命名 named: {names}", names=named)))
    if impact.flips:
        lines += ["", "  " + say(msg("翻转的结论 verdicts that flip:"))]
        for flip in impact.flips:
            verdicts = f"{_verdict(flip.old, lang)} → {_verdict(flip.new, lang)}"
            lines.append(f"    {flip.name} ({flip.entity})  {flip.rule} {flip.title}: {verdicts}")
            if flip.new not in ("pass", None) and flip.reason:
                lines.append(f"      ↳ {flip_reason(flip, lang)}")
    return lines


#: The impact table's headings in ``protrules diff`` (English keeps the Chinese word first).
_IMPACT_HEADS = (
    msg("名称 entity"), msg("结果 status"), msg("得分 score"), msg("排名 rank"), msg("命名 named"),
    msg("翻转 flips"),
)  # fmt: skip


def _entity_row(
    change: EntityChange, lang: str = "en", statuses: Mapping[str, Message] = STATUS_LABEL
) -> list[str]:
    """An entity's row of the impact: ``protrules diff`` shows its statuses with their Chinese
    word in English (``STATUS_LABEL``), the report in its language alone (``STATUS_WORD``)."""

    def status(value: str) -> str:
        return statuses[value].render(lang)

    return [
        f"{change.name} ({change.entity})",
        _both(status(change.old_status), status(change.new_status)),
        _both(_percent(change.old_score), _percent(change.new_score)),
        _both(
            _position(change.old_position, change.old_applied, lang),
            _position(change.new_position, change.new_applied, lang),
        ),
        _both("★" if change.old_named else "-", "★" if change.new_named else "-"),
        str(change.flips),
    ]


# ------------------------------------------------------------------ JSON


def _version_json(version: Version) -> dict[str, Any]:
    return {"id": version.id, "title": version.title, "version": version.version, "source": version.source}


def _values_json(values: Sequence[tuple[dt.date | None, str, str | None]]) -> list[dict[str, Any]]:
    return [
        {"from": since.isoformat() if since else None, "value": value, "source": source}
        for since, value, source in values
    ]


def _side(
    status: str, score: Decimal | None, position: int | None, named: bool, applied: bool
) -> dict[str, Any]:
    return {
        "status": status,
        "score": float(score) if score is not None else None,
        "position": position,
        "named": named,
        "applied": applied,
    }


def diff_json(diff: Diff) -> str:
    """The comparison as JSON (format ``protrules-diff/1``, docs/json.md)."""
    data: dict[str, Any] = {"format": DIFF_FORMAT}
    data["old"], data["new"] = _version_json(diff.old), _version_json(diff.new)
    if diff.overrides:
        data["parameters_set"] = {name: value for name, value, _ in diff.overrides}
        data["parameters_published"] = {name: published for name, _, published in diff.overrides}
    data["clauses"] = [
        {
            "rule": c.rule,
            "change": c.change,
            "title": c.title,
            "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
        }
        for c in diff.clauses
    ]
    data["unchanged"] = diff.unchanged
    data["parameters"] = [
        {"name": p.name, "change": p.change, "title": p.title}
        | {"old": _values_json(p.old), "new": _values_json(p.new)}
        for p in diff.parameters
    ]
    data["declarations"] = [
        {"kind": d.kind, "name": d.name, "change": d.change, "old": d.old, "new": d.new}
        for d in diff.declarations
    ]
    impact = diff.impact
    data["impact"] = (
        None
        if impact is None
        else {
            "as_of": impact.as_of.isoformat(),
            "entities": impact.entities,
            "flips": [
                {
                    "entity": f.entity,
                    "name": f.name,
                    "rule": f.rule,
                    "title": f.title,
                    "old": f.old,
                    "new": f.new,
                    "reason": f.reason,
                }
                for f in impact.flips
            ],
            "changes": [
                {
                    "entity": c.entity,
                    "name": c.name,
                    "old": _side(c.old_status, c.old_score, c.old_position, c.old_named, c.old_applied),
                    "new": _side(c.new_status, c.new_score, c.new_position, c.new_named, c.new_applied),
                    "flips": c.flips,
                }
                for c in impact.changes
            ],
            "named": {"old": [e for e, _ in impact.old_named], "new": [e for e, _ in impact.new_named]},
        }
    )
    return dumps(data)


# ------------------------------------------------------------------ the district report's section


@attrs.frozen
class Tables:
    """A comparison as the district report's tables show it, in one language: each table's
    headings, then its rows of cells."""

    old: str  # the earlier version, as its header names it
    summary: str
    clauses: tuple[tuple[str, ...], ...]
    parameters: tuple[tuple[str, ...], ...]
    entities: tuple[tuple[str, ...], ...]
    flips: tuple[tuple[str, ...], ...]
    heads: Mapping[str, tuple[str, ...]]  # clauses, parameters, entities, flips → the headings

    def sections(self) -> list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]:
        """(headings, rows) of each table that has rows, in order."""
        tables = (
            ("clauses", self.clauses), ("parameters", self.parameters), ("entities", self.entities),
            ("flips", self.flips),
        )  # fmt: skip
        return [(self.heads[name], rows) for name, rows in tables if rows]


#: The headings of the revision section's tables.
HEADS: Mapping[str, tuple[Message, ...]] = {
    "clauses": (msg("Clause"), msg("Change"), msg("Changed fields")),
    "parameters": (msg("Parameter"), msg("Old"), msg("New")),
    "entities": (msg("Entity"), msg("Status"), msg("Score"), msg("Rank"), msg("Named"), msg("Flips")),
    "flips": (msg("Entity"), msg("Clause"), msg("Verdict"), msg("Reason")),
}


def _both(old: str, new: str) -> str:
    return old if old == new else f"{old} → {new}"


def _verdict(verdict: str | None, lang: str) -> str:
    return VERDICT_WORD[verdict].render(lang) if verdict else "—"


def _flip_cells(flip: VerdictFlip, lang: str) -> tuple[str, ...]:
    verdicts = f"{_verdict(flip.old, lang)} → {_verdict(flip.new, lang)}"
    return (f"{flip.name} ({flip.entity})", f"{flip.rule} {flip.title}", verdicts, flip_reason(flip, lang))


def flip_reason(flip: VerdictFlip, lang: str = "en") -> str:
    """Why a flipped verdict is what it now is, in plain words (the author's form when the flip
    holds no reason as data; the JSON keeps the author's form)."""
    if flip.why is None:
        return flip.reason
    return reason_words(flip.why, flip.program, lang)


def tables(diff: Diff, lang: str = "en") -> Tables:
    """The rows of the district report's section on a revision (Markdown and HTML alike), in
    ``lang``."""
    impact = diff.impact

    def say(message: Message) -> str:
        return message.render(lang)

    return Tables(
        old=_version(diff.old),
        summary=say(summary_message(diff)),
        clauses=tuple(
            (
                f"{c.rule} {c.title}",
                say(_CHANGE[c.change]),
                say(msg(", ")).join(say(_FIELD[f.field]) for f in c.fields) or "—",
            )
            for c in diff.clauses
        ),
        parameters=tuple(
            (p.name, _values(p.old, lang), _values(p.new, lang)) for p in diff.parameters
        ),
        entities=tuple(tuple(_entity_row(c, lang, STATUS_WORD)) for c in impact.changes) if impact else (),
        flips=tuple(_flip_cells(f, lang) for f in impact.flips) if impact else (),
        heads={name: tuple(say(head) for head in heads) for name, heads in HEADS.items()},
    )


def diff_markdown(diff: Diff, lang: str = "en") -> list[str]:
    """The district report's section on a revision, in ``lang``: what changed, and its impact."""

    def md(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    shown = tables(diff, lang)
    heading = msg("Changes from {old}", old=md(shown.old)).render(lang)
    lines = [f"## {heading}", "", msg("{summary}.", summary=md(shown.summary)).render(lang), ""]
    for heads, rows in shown.sections():
        lines += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
        lines.append("")
    return lines
