"""Checking a `programme` declaration: its steps' dates, its cap, the records it reads.

A standard is applied by a programme: a district invites its streets to apply, assesses the
applicants, publishes a candidate list and names the model streets (docs/domain.md, “The
programme”). The rule file declares it::

    programme "长宁区未成年人保护示范街道（镇）创建（首批）":
        source: "长未保办〔2023〕1号 四、创建程序"
        application: 自愿申报截止       # a declared date, or a date
        assessment: 组织评估截止
        publicity: 公示截止
        naming: 命名截止
        cap: 3

The programme's records are declared fact types with fixed names — each has a ``street`` (the
entity id of the street it is about) and the fields below — so that a ledger of them is
validated like any other and their meaning is in the rule file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

from protrules.checking import ir
from protrules.facts.model import FactType, Kind
from protrules.i18n import Text, joined, msg
from protrules.language import nodes as n
from protrules.language.diagnostics import Span, did_you_mean, suggest

__all__ = ["RECORDS", "STEPS", "check_programme"]

#: The steps, in their order, with what they are called in the notice.
STEPS: Mapping[str, str] = {
    "application": "自愿申报",
    "assessment": "组织评估",
    "publicity": "公示",
    "naming": "公布命名",
}

#: The record fact types the programme reads: name → (field, kind, optional) it needs.
RECORDS: Mapping[str, tuple[tuple[str, Kind, bool], ...]] = {
    "application": (("street", Kind.TEXT, False), ("date", Kind.DATE, False)),
    "publicity": (("street", Kind.TEXT, False), ("start", Kind.DATE, False), ("end", Kind.DATE, False)),
    "objection": (
        ("street", Kind.TEXT, False),
        ("received", Kind.DATE, False),
        ("resolved", Kind.DATE, True),
        ("upheld", Kind.BOOLEAN, True),
    ),
    "review": (("street", Kind.TEXT, False), ("date", Kind.DATE, False), ("selected", Kind.BOOLEAN, False)),
    "naming": (("street", Kind.TEXT, False), ("date", Kind.DATE, False)),
}


class Reporter(Protocol):
    def error(self, code: str, message: Text, span: Span | None, hint: Text | None = None) -> None: ...


def check_programme(
    decl: n.ProgrammeDecl,
    dates: Mapping[str, dt.date],
    fact_types: Mapping[str, FactType],
    report: Reporter,
) -> ir.ProgrammeDef | None:
    """The checked programme, or None after reporting its errors."""
    ok = True
    seen: dict[str, n.Setting] = {}
    for setting in decl.settings:
        if setting.key in seen:  # the first one counts
            report.error("PRL305", msg("the programme gives `{key}` twice", key=setting.key), setting.span)
            ok = False
            continue
        seen[setting.key] = setting
    steps: list[tuple[str, dt.date]] = []
    for step in STEPS:
        given = seen.get(step)
        if given is None:
            report.error(
                "PRL312",
                msg("the programme has no `{step}` step ({title})", step=step, title=STEPS[step]),
                decl.span,
                hint=msg(
                    "give the date it must be done by: `{step}: 日期名称` or `{step}: 2024-03-31`", step=step
                ),
            )
            ok = False
            continue
        day = _date(given, dates, report)
        if day is None:
            ok = False
        elif steps and day < steps[-1][1]:
            report.error(
                "PRL312",
                msg(
                    "the `{step}` step ({day}) comes before the `{before}` step ({then})",
                    step=step,
                    day=str(day),
                    before=steps[-1][0],
                    then=str(steps[-1][1]),
                ),
                given.span,
                hint=msg("the steps are done in the order application, assessment, publicity, naming"),
            )
            ok = False
        else:
            steps.append((step, day))
    cap = seen.get("cap")
    if cap is not None and (cap.quoted or not isinstance(cap.value, int) or cap.value < 1):
        report.error("PRL305", msg("`cap` must be a whole number of at least 1"), cap.span)
        ok = False
    source = seen.get("source")
    if source is not None and not source.quoted:
        report.error("PRL305", msg("`{key}` is quoted text", key="source"), source.span)
        ok = False
    ok = _records(decl, fact_types, report) and ok
    if not ok:
        return None
    return ir.ProgrammeDef(
        decl.title,
        str(source.value) if source is not None else None,
        tuple(steps),
        int(cap.value) if cap is not None else None,
        span=decl.span,
    )


def _date(setting: n.Setting, dates: Mapping[str, dt.date], report: Reporter) -> dt.date | None:
    """A step's date: a declared `date`'s name, or a date written out."""
    value = str(setting.value)
    if not setting.quoted and value in dates:
        return dates[value]
    if not setting.quoted and value[:1].isdigit():
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            report.error("PRL110", msg("invalid date `{value}`", value=value), setting.span)
            return None
    hint = did_you_mean(suggest(value, list(dates))) or msg(
        "declare it: `date 名称 = YYYY-MM-DD`, or write the date"
    )
    report.error("PRL201", msg("`{value}` is not a declared date", value=value), setting.span, hint=hint)
    return None


def _records(decl: n.ProgrammeDecl, fact_types: Mapping[str, FactType], report: Reporter) -> bool:
    """Whether every record fact type the programme reads is declared with its fields."""
    ok = True
    for name, fields in RECORDS.items():
        declared = fact_types.get(name)
        wanted = joined(f"{f}: {k.value}{'?' if optional else ''}" for f, k, optional in fields)
        if declared is None:
            report.error(
                "PRL312",
                msg(
                    "the programme keeps its records in a fact type `{name}`, which is not declared",
                    name=name,
                ),
                decl.span,
                hint=msg("declare `fact {name}` with the fields {fields}", name=name, fields=wanted),
            )
            ok = False
            continue
        for field, kind, optional in fields:
            found = declared.field(field)
            if found is None or found.type.kind is not kind or (found.optional and not optional):
                k = kind.value
                what = msg("an optional {kind}", kind=k) if optional else msg("a {kind}", kind=k)
                report.error(
                    "PRL312",
                    msg("the programme reads `{name}.{field}` as {what}", name=name, field=field, what=what),
                    found.span if found is not None and found.span is not None else declared.span,
                    hint=msg("`{name}` needs the fields {fields}", name=name, fields=wanted),
                )
                ok = False
    return ok
