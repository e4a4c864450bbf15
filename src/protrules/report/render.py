"""Results → JSON (versioned schema) and terminal text: check's table and summaries, explain.

Renderers only read results; they never evaluate. JSON is deterministic: the same results
give byte-identical output (fixed key order, no floats but the rounded score, no set order).
Text output aligns Chinese (double-width) characters correctly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from protrules.checking.ir import Program
from protrules.checking.parameters import parameters_json, parameters_line
from protrules.evaluation.labels import KIND_WORD, STATUS_LABEL, VERDICT_LABEL, VERDICT_WORD
from protrules.evaluation.results import (
    FAIL,
    NA,
    PASS,
    PENDING,
    STATUS_ZH,
    UNKNOWN,
    VERDICTS,
    Check,
    EntityResult,
    RuleResult,
    TraceStep,
    fictional_lines,
)
from protrules.evaluation.runtime import show
from protrules.facts.known import LeftOut
from protrules.facts.model import Fact, Ledger
from protrules.i18n import Message, joined, msg, msgn
from protrules.output import display_width, dumps, pad
from protrules.report.provenance import computed_with
from protrules.report.reasons import fact_words, finding_words, reason_words

__all__ = [
    "MARKS",
    "RESULT_FORMAT",
    "WORST_FIRST",
    "entity_json",
    "explain_json",
    "explain_text",
    "fact_line",
    "lookup",
    "parameters_line",
    "report_json",
    "status_lines",
    "summary_table",
    "summary_text",
    "table_text",
]

RESULT_FORMAT = "protrules-result/1"
NEAR_MISS = "near miss"
EXPLAIN_FORMAT = "protrules-explain/1"


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


# ------------------------------------------------------------------ JSON


def _check_json(check: Check, with_trace: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": check.text,
        "context": list(check.context),
        "verdict": check.verdict,
        "detail": check.detail,
        "finding": check.finding.data(),
        "due": _date(check.due),
        "evidence": list(check.evidence),
        "advisory": check.advisory,
    }
    if with_trace:
        out["trace"] = [_step_json(s) for s in check.trace]
    return out


def _step_json(step: TraceStep) -> dict[str, Any]:
    return {"depth": step.depth, "text": step.text, "value": show(step.value)}


def rule_json(result: RuleResult, *, with_checks: bool = True, with_trace: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": result.rule,
        "title": result.title,
        "kind": result.kind,
        "weight": _number(result.weight),
        "verdict": result.verdict,
        "reason": result.reason,
        "why": result.why.data(),
        "due": _date(result.due),
        "evidence": list(result.evidence),
    }
    if with_checks:
        out["checks"] = [_check_json(c, with_trace) for c in result.checks]
    if with_trace:
        out["lets"] = [{"name": name, "value": show(value)} for name, value in result.lets]
    return out


def entity_json(result: EntityResult, *, with_checks: bool | None = None) -> dict[str, Any]:
    """One entity's result; its rules list their checks when it was evaluated with them."""
    if with_checks is None:
        with_checks = result.with_checks
    counts = {v: sum(1 for r in result.results if r.verdict == v) for v in VERDICTS}
    return {
        "id": result.entity,
        "name": result.name,
        "status": result.status,
        "status_zh": STATUS_ZH[result.status],
        "score": float(result.score) if result.score is not None else None,
        "passed": _number(result.passed),
        "applicable": _number(result.applicable),
        "vetoed_by": list(result.vetoed_by),
        "counts": counts,
        **({"fictional": True} if result.fictional else {}),
        **({"note": result.note} if result.note else {}),
        "rules": [rule_json(r, with_checks=with_checks) for r in result.results],
    }


def _standard_json(program: Program) -> dict[str, Any]:
    standard = {
        "id": program.id,
        "title": program.title,
        "version": program.settings.get("version"),
        "source": program.settings.get("source"),
    }
    # Only with parameters set, so that documents of the file as written do not change.
    standard.update(parameters_json(program))
    return standard


def report_json(program: Program, results: Sequence[EntityResult], as_of: dt.date) -> str:
    """The documented result document (format ``protrules-result/1``)."""
    return dumps(
        {
            "format": RESULT_FORMAT,
            "standard": _standard_json(program),
            "as_of": as_of.isoformat(),
            "entities": [entity_json(r) for r in results],
            "computed_with": computed_with(program),
        }
    )


def explain_json(
    program: Program,
    ledger: Ledger,
    results: Sequence[RuleResult],
    as_of: dt.date,
    *,
    left_out: LeftOut | None = None,
) -> str:
    """Explanations with traces (format ``protrules-explain/1``); ``left_out`` (what the as-of
    date left out of the ledger) is written when something was."""
    rules = []
    for result in results:
        rule = program.rule(result.rule)
        data = rule_json(result, with_trace=True)
        data["clause"] = rule.clause if rule else ""
        data["note"] = rule.note if rule else None
        data["facts"] = _facts_json(ledger, result.evidence)
        rules.append(data)
    document: dict[str, Any] = {
        "format": EXPLAIN_FORMAT,
        "standard": _standard_json(program),
        "as_of": as_of.isoformat(),
        "entity": {"id": ledger.id, "name": ledger.name},
    }
    if left_out:
        document["left_out"] = left_out.as_json()
    document["rules"] = rules
    document["computed_with"] = computed_with(program)
    return dumps(document)


def lookup(ledger: Ledger, ref: str) -> Fact | None:
    """The fact a ``type:id`` evidence reference names, or None when the ledger has none."""
    fact_type, _, fact_id = ref.partition(":")
    for fact in ledger.facts.get(fact_type, ()):
        if fact.id == fact_id:
            return fact
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Fact):
        return value.id
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return show(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)


def _facts_json(ledger: Ledger, refs: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for ref in refs:
        fact = lookup(ledger, ref)
        if fact is not None:
            out.append(
                {
                    "ref": ref,
                    "type": fact.type,
                    "id": fact.id,
                    "values": {k: _plain(v) for k, v in fact.values.items()},
                }
            )
    return out


# ------------------------------------------------------------------ text

#: One mark per verdict, so a verdict reads without colour (and in grey print).
MARKS = {PASS: "✓", FAIL: "✗", PENDING: "…", UNKNOWN: "?", NA: "-"}
#: Worst first: the order failure-first output shows verdicts in.
WORST_FIRST = {FAIL: 0, UNKNOWN: 1, PENDING: 2, PASS: 3, NA: 4}


def verdict_label(verdict: str, lang: str = "en") -> str:
    """A verdict with its mark: ``✗ fail 未通过`` in English, ``✗ 未通过`` in Chinese."""
    return f"{MARKS[verdict]} {VERDICT_LABEL[verdict].render(lang)}"


def verdict_cell(verdict: str, lang: str = "en") -> str:
    """A verdict in a table cell: ``✗ fail`` / ``✗ 未通过``."""
    return f"{MARKS[verdict]} {VERDICT_WORD[verdict].render(lang)}"


def entity_label(name: str, entity: str, lang: str = "en") -> str:
    """An entity by name and id: ``阳光站 (yangguang)`` / ``阳光站（yangguang）``."""
    return msg("{name} ({id})", name=name, id=entity).render(lang)


def _score(result: EntityResult) -> str:
    if result.score is None:
        return "-"
    return f"{result.score * 100:.1f}% ({show(Decimal(result.passed))}/{show(Decimal(result.applicable))})"


def _kind(kind: str, lang: str) -> str:
    return "" if kind == "required" else f" [{KIND_WORD[kind].render(lang)}]"


def summary_text(
    program: Program, result: EntityResult, *, only: Sequence[str] | None = None, lang: str = "en"
) -> str:
    """One entity: its status, score and every rule's verdict with a one-line reason in plain
    words (:mod:`protrules.report.reasons`) in ``lang``."""
    status = STATUS_LABEL[result.status]
    lines = [
        msg(
            "{entity} — {title}, as of {as_of}",
            entity=entity_label(result.name, result.entity, lang),
            title=program.title,
            as_of=result.as_of,
        ).render(lang),
        *fictional_lines([result], lang),
        *parameters_line(program, lang),
        msg("结果 result: {status}    得分 score: {score}", status=status, score=_score(result)).render(lang),
    ]
    if result.vetoed_by:
        lines.append(msg("一票否决 vetoed by: {rules}", rules=joined(result.vetoed_by)).render(lang))
    counts = "  ".join(
        f"{VERDICT_WORD[v].render(lang)} {result.count(v, ('required', 'assessed', 'veto', 'advisory'))}"
        for v in VERDICTS
    )
    lines.append(msg("规则 rules: {counts}", counts=counts).render(lang))
    lines.append("")
    width = max((display_width(r.rule) for r in result.results), default=4)
    for rule in result.results:
        if only is not None and rule.verdict not in only:
            continue
        lines.append(
            f"  {pad(rule.rule, width)}  {pad(verdict_label(rule.verdict, lang), 20)}"
            f"  {rule.title}{_kind(rule.kind, lang)}"
        )
        if rule.verdict != PASS:
            lines.append(f"  {pad('', width)}  {pad('', 20)}  ↳ {reason_words(rule.why, program, lang)}")
    return "\n".join(lines) + "\n"


def table_text(program: Program, results: Sequence[EntityResult], *, lang: str = "en") -> str:
    """Several entities side by side: one row per rule, one column per entity."""
    rule_ids = [r.id for r in program.rules]
    names = [r.name for r in results]
    rule_head, score_head, result_head = (
        head.render(lang) for head in (msg("规则 rule"), msg("得分 score"), msg("结果 result"))
    )
    first = max([display_width(x) for x in (rule_head, score_head, result_head, *rule_ids)])
    cell = max(display_width(verdict_cell(v, lang)) for v in VERDICTS)  # "? unknown" is 9 columns
    widths = [max(display_width(n), cell) for n in names]
    header = pad(rule_head, first) + "  " + "  ".join(pad(n, w) for n, w in zip(names, widths, strict=True))
    lines = [
        msg("{title} — as of {as_of}", title=program.title, as_of=results[0].as_of if results else "").render(
            lang
        ),
        *fictional_lines(results, lang),
        *parameters_line(program, lang),
        "",
        header,
        "-" * display_width(header),
    ]
    by_entity = [{r.rule: r.verdict for r in res.results} for res in results]
    for rule_id in rule_ids:
        cells = [pad(verdict_cell(v[rule_id], lang), w) for v, w in zip(by_entity, widths, strict=True)]
        lines.append(pad(rule_id, first) + "  " + "  ".join(cells))
    lines.append("-" * display_width(header))
    lines.append(
        pad(score_head, first)
        + "  "
        + "  ".join(
            pad(f"{r.score * 100:.1f}%" if r.score is not None else "-", w)
            for r, w in zip(results, widths, strict=True)
        )
    )
    lines.append(
        pad(result_head, first)
        + "  "
        + "  ".join(pad(STATUS_ZH[r.status], w) for r, w in zip(results, widths, strict=True))
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def status_lines(results: Sequence[EntityResult], *, lang: str = "en") -> str:
    """One aligned line per entity: status, score, vetoes and the rules that fail or are open."""
    labels = [entity_label(r.name, r.entity, lang) for r in results]
    statuses = [STATUS_LABEL[r.status].render(lang) for r in results]
    label_width = max(display_width(x) for x in labels)
    status_width = max(display_width(x) for x in statuses)
    lines = []
    for result, label, status in zip(results, labels, statuses, strict=True):
        score = "-" if result.score is None else f"{result.score * 100:.1f}%"
        line = (
            f"{pad(label, label_width)}  {pad(status, status_width)}  {score:>6}  {_open_rules(result, lang)}"
        )
        lines.append(line.rstrip() + "\n")
    return "".join(lines)


def _open_rules(result: EntityResult, lang: str) -> str:
    """ "vetoed by N.1; fail 6.1.1, N.1; unknown 8.2.1": what keeps an entity from meeting the standard."""
    parts: list[Message] = []
    if result.vetoed_by:
        parts.append(msg("vetoed by {rules}", rules=joined(result.vetoed_by)))
    for verdict in (FAIL, UNKNOWN, PENDING):
        ids = [r.rule for r in result.results if r.verdict == verdict and r.kind != "advisory"]
        if ids:
            parts.append(msg("{verdict} {rules}", verdict=VERDICT_WORD[verdict], rules=joined(ids)))
    return msg("; ").render(lang).join(part.render(lang) for part in parts)


def _area_marks(program: Program, result: EntityResult, widths: Sequence[int]) -> str:
    """One mark per area of the standard, the worst verdict of its rules (advisory ones aside)."""
    area_of = {rule.id: rule.area for rule in program.rules}
    worst: dict[str, str] = {}
    for rule in result.results:
        if rule.kind == "advisory":
            continue
        area = area_of.get(rule.rule, "")
        if area not in worst or WORST_FIRST[rule.verdict] < WORST_FIRST[worst[area]]:
            worst[area] = rule.verdict
    marks = [MARKS[worst[a]] if a in worst else " " for a in program.areas]
    return " ".join(" " * (w - 1) + m for m, w in zip(marks, widths, strict=True))


def summary_table(program: Program, results: Sequence[EntityResult], *, lang: str = "en") -> str:
    """Many entities, one line each: status, score, a mark per area, and what is open.

    The layout for more entities than a table of rules × entities fits across a terminal:
    its width does not grow with the number of entities.
    """
    areas = list(program.areas)
    widths = [display_width(a) for a in areas]
    labels = [entity_label(r.name, r.entity, lang) for r in results]
    statuses = [STATUS_LABEL[r.status].render(lang) for r in results]
    entity_head, status_head, score_head, open_head = (
        head.render(lang)
        for head in (msg("名称 entity"), msg("结果 status"), msg("得分 score"), msg("问题 open"))
    )
    label_width = max(display_width(x) for x in [*labels, entity_head])
    status_width = max(display_width(x) for x in [*statuses, status_head])
    area_header = " ".join(areas)
    header = (
        f"{pad(entity_head, label_width)}  {pad(status_head, status_width)}  {pad(score_head, 9)}"
        f"  {area_header}  {open_head}"
    )
    title = msg(
        "{title} — as of {as_of}, {n} entities",
        title=program.title,
        as_of=results[0].as_of if results else "",
        n=len(results),
    )
    lines = [title.render(lang), *fictional_lines(results, lang), *parameters_line(program, lang), ""]
    lines += [header, "-" * display_width(header)]
    for result, label, status in zip(results, labels, statuses, strict=True):
        score = "-" if result.score is None else f"{result.score * 100:.1f}%"
        marks = _area_marks(program, result, widths)
        cells = f"{pad(label, label_width)}  {pad(status, status_width)}  {score:>9}  {marks}"
        lines.append(f"{cells}  {_open_rules(result, lang)}")
    lines.append("-" * display_width(header))
    counts = {s: sum(1 for r in results if r.status == s) for s in STATUS_ZH}
    lines.append("  ".join(f"{STATUS_LABEL[s].render(lang)} {n}" for s, n in counts.items()))
    legend = "  ".join(f"{a} {t}" for a, t in program.areas.items())
    marks = " ".join(f"{MARKS[v]} {VERDICT_WORD[v].render(lang)}" for v in (FAIL, UNKNOWN, PENDING, PASS))
    lines.append(
        msg("领域 areas (worst verdict: {marks}): {legend}", marks=marks, legend=legend).render(lang)
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def fact_line(fact: Fact) -> str:
    """A fact as one line: ``meeting M1: date 2023-05-12, kind 协调会议, minutes true``
    (:func:`~protrules.report.reasons.fact_words` in English)."""
    return fact_words(fact)


def explain_text(
    program: Program,
    ledger: Ledger,
    results: Sequence[RuleResult],
    as_of: dt.date,
    *,
    max_facts: int = 12,
    checks: Sequence[str] | None = None,
    heading: bool = True,
    left_out: LeftOut | None = None,
    lang: str = "en",
) -> str:
    """Why each verdict is what it is: the clause, the checks, the values, the facts.

    Failure first: rules are shown worst verdict first (fail, unknown, pending, pass, n/a),
    and each rule's checks likewise (advisory ones after those that decide), keeping their
    numbers, so the check that decided a failing rule is at its top however many passed.
    ``checks`` shows only the checks with those verdicts and says how many others there are;
    ``heading=False`` leaves out each rule's heading (place, clause, verdict, reason), for a
    report that shows them itself. ``left_out`` (:meth:`RuleSet.as_known_on`) heads the text
    when the as-of date left something out of the ledger: the verdicts are those of the day.
    Reasons and what each check found read in plain words in ``lang``; the reason's author's
    form (the rule's own terms and the values compared) follows it on a ``source`` line.
    ``lang`` is also the language of the frame (headings, labels, counts).
    """
    if ledger.note:
        fictional = msg("Fictional example data: {who} — {notes}", who=ledger.name, notes=ledger.note)
    else:
        fictional = msg("Fictional example data: {who}", who=ledger.name)
    header = [
        *([fictional.render(lang)] if ledger.fictional else []),
        *parameters_line(program, lang),
        *([left_out.text(lang)] if left_out else []),
    ]
    out: list[str] = [*header, ""] if header and heading else []
    for result in sorted(results, key=lambda r: WORST_FIRST[r.verdict]):
        if heading:
            out += _explain_heading(program, ledger, result, as_of, lang)
        out += _explain_checks(program, ledger, result, max_facts, checks, lang)
        out.append("")
    return "\n".join(out)


def _explain_heading(
    program: Program, ledger: Ledger, result: RuleResult, as_of: dt.date, lang: str = "en"
) -> list[str]:
    weight = show(Decimal(result.weight))
    kind = KIND_WORD[result.kind]
    out: list[Message] = [
        msg(
            "规则 {rule} {title}  [{kind}, weight {weight}]",
            rule=result.rule,
            title=result.title,
            kind=kind,
            weight=weight,
        )
    ]
    rule = program.rule(result.rule)
    if rule is not None:
        area = program.areas.get(rule.area, "")
        item = program.items.get(rule.item or "", "")
        places = (f"{rule.area} {area}".strip(), f"{rule.item or ''} {item}".strip())
        where = " → ".join(x for x in places if x)
        if where:
            out.append(msg("  位置 area/item: {where}", where=where))
        out.append(msg("  条款 clause: {clause}", clause=rule.clause))
        if rule.note:
            out.append(msg("  解释 note: {note}", note=rule.note))
    verdict = verdict_label(result.verdict, lang)
    out.append(
        msg(
            "  结论 verdict: {verdict} — {entity}, as of {as_of}",
            verdict=verdict,
            entity=ledger.name,
            as_of=as_of,
        )
    )
    out.append(msg("  理由 reason: {reason}", reason=reason_words(result.why, program, lang)))
    out.append(msg("  原式 source: {source}", source=result.reason))
    if result.due is not None:
        out.append(msg("  到期 due: {due}", due=result.due))
    return [line.render(lang) for line in out]


def _explain_checks(
    program: Program, ledger: Ledger, result: RuleResult, max_facts: int, only: Sequence[str] | None,
    lang: str = "en",
) -> list[str]:
    out: list[str] = []
    # The checks that decide the verdict first, worst first; advisory ones (优先/鼓励) after them.
    numbered = sorted(
        enumerate(result.checks, 1), key=lambda pair: (pair[1].advisory, WORST_FIRST[pair[1].verdict])
    )
    shown = [(n, c) for n, c in numbered if only is None or c.verdict in only]
    let_word = msg("设 let").render(lang)
    # Each `let` is shown just before the first check it stands behind (same loop pass),
    # so a rule that loops over 100 facts reads as 100 small stories, not a wall of lets.
    pending = [(_let_context(label), label, value) for label, value in result.lets]
    for number, check in shown:
        where = "; ".join(check.context)
        keep = []
        for let in pending:
            if not let[0] or let[0] == where or where.startswith(let[0] + "; "):
                out.append(f"  {let_word} {let[1]} = {show(let[2])}")
            else:
                keep.append(let)
        pending = keep
        context = f" ({where})" if check.context else ""
        tag = msg("advise") if check.advisory else msg("check")
        verdict = verdict_label(check.verdict, lang)
        out.append(
            msg(
                "  {tag} {number}{context}: {verdict}",
                tag=tag,
                number=number,
                context=context,
                verdict=verdict,
            ).render(lang)
        )
        out.append(f"    {check.text}")
        out.append(f"    → {finding_words(check.finding, program, lang, context=check.context)}")
        for step in check.trace:
            if step.value == NEAR_MISS:
                near = msg("≈ 近似 near miss: {text}", text=step.text).render(lang)
                out.append(f"      {'  ' * step.depth}{near}")
            else:
                out.append(f"      {'  ' * step.depth}{step.text} = {show(step.value)}")
        for ref in check.evidence[:max_facts]:
            fact = lookup(ledger, ref)
            if fact is not None:
                line = msg("依据 fact: {fact}", fact=fact_words(fact, program, lang))
                out.append("      " + line.render(lang))
        if len(check.evidence) > max_facts:
            more = len(check.evidence) - max_facts
            out.append("      " + msg("… and {n} more facts", n=more).render(lang))
    if only is None:
        for _, label, value in pending:  # loop passes that ended without a check
            out.append(f"  {let_word} {label} = {show(value)}")
    hidden = [c.verdict for _, c in numbered if only is not None and c.verdict not in only]
    if hidden:
        counts = joined(
            msg("{verdict} {n}", verdict=VERDICT_WORD[v], n=hidden.count(v)) for v in VERDICTS if v in hidden
        )
        shown_not = msgn(
            "  未列出 not shown: {n} check ({counts})",
            "  未列出 not shown: {n} checks ({counts})",
            len(hidden),
            counts=counts,
        )
        out.append(shown_not.render(lang))
    return out


def _let_context(label: str) -> str:
    """The loop pass a `let` was bound in: "期限 (人 = P02)" → "人 = P02"; "" at the top."""
    _, paren, rest = label.partition(" (")
    return rest[:-1] if paren and rest.endswith(")") else ""
