"""Whole programs for hypothesis: well-typed rule files over declared facts, with matching ledgers.

The properties of :mod:`protrules.testing.strategies` take a rule set as given; this module
writes the rule set too, so that the suite itself explores what no hand-written file does:
fact types with every kind of field (optional, enumerated, references), parameters, rules
nesting ``for each`` blocks, selections within aggregates within conditions, long chains of
``and``, ``or``, ``not``, unary minus and arithmetic, numbers at the limits, dates at the
calendar's edges and texts with quotes, escapes, NULs and characters from every script.

A program is written by a typed grammar: every expression is drawn for the type its place
needs, in the scope of the names bound around it, so nearly every program passes the checker
and goes on to be compiled and evaluated (the few that do not get the checker's error, which
is one of the outcomes the property allows). :func:`programs` draws one;
:func:`program_ledgers` draws a ledger for it through the public loader, its texts drawn
from the ones the rules compare with. :func:`check_program` is the property: a program gets a
protrules error, or the same verdicts, due dates and evidence on every backend and on the
reference interpreter — never another exception. ``docs/testing.md`` shows how the suite runs
it, and the command for a long run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from protrules.compiling.ruleset import RuleSet
from protrules.errors import ProtrulesError
from protrules.facts.model import FactType, Ledger
from protrules.testing.writer import (
    DATES,
    DURATIONS,
    FACT_NAMES,
    FIELD_NAMES,
    INTEGERS,
    TEXTS,
    FactDecl,
    Field,
    Program,
    Shape,
    Writer,
    quote,
)

__all__ = ["Program", "Shape", "check_program", "compiled", "program_ledgers", "programs", "quote"]


@st.composite
def _facts(draw: st.DrawFn) -> tuple[FactDecl, ...]:
    names = draw(st.lists(st.sampled_from(FACT_NAMES), min_size=1, max_size=3, unique=True))
    decls: list[FactDecl] = []
    for index, name in enumerate(names):
        fields = [Field("date", "date")]
        for field_name in draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=5, unique=True)):
            kind = draw(st.sampled_from(["int", "dec", "pct", "bool", "text", "enum", "dur", "date"]))
            members = tuple(draw(st.lists(st.sampled_from(TEXTS[:6]), min_size=1, max_size=3, unique=True)))
            fields.append(Field(field_name, kind, draw(st.booleans()), members if kind == "enum" else ()))
        if index and draw(st.booleans()):
            fields.append(Field("ref", "ref", draw(st.booleans()), target=decls[0].name))
        decls.append(FactDecl(name, tuple(fields)))
    return tuple(decls)


_TYPES = {"date": "date", "int": "integer", "dec": "decimal", "pct": "percentage", "bool": "boolean",
          "text": "text", "dur": "duration"}  # fmt: skip


def _declaration(decl: FactDecl) -> list[str]:
    lines = [f"fact {decl.name} {quote(decl.name + ' 记录')}:"]
    for f in decl.fields:
        if f.kind == "enum":
            written = "enum(" + ", ".join(quote(m) for m in f.members) + ")"
        elif f.kind == "ref":
            written = str(f.target)
        else:
            written = _TYPES[f.kind]
        lines.append(f"    {f.name}: {written}{'?' if f.optional else ''} {quote('字段')}")
    return lines


#: The shape of a program drawn without one.
_SHAPE = Shape()


@st.composite
def programs(draw: st.DrawFn, shape: Shape = _SHAPE) -> Program:
    """A whole rule file: a header, fact types, parameters and rules drawn by type."""
    facts = draw(_facts())
    writer = Writer(draw, facts, shape)
    lines = [
        'standard "generated":',
        '    title: "generated"',
        "    assessment: 评估期",
        "period 评估期 = 2023-04-01 .. 2024-03-31",
        "vacation 暑假 = 2023-07-01 .. 2023-08-31",
        f"parameter 次数: integer = {draw(st.sampled_from(INTEGERS[:5]))}",
        f"parameter 期限: duration = {draw(st.sampled_from(DURATIONS[:7]))}",
        "parameter 比例: percentage:",
        "    50% from 2023-01-01",
        "    60% from 2024-01-01",
    ]
    for decl in facts:
        lines += _declaration(decl)
    scope: dict[str, Any] = {"次数": ("param", "int"), "期限": ("param", "dur"), "比例": ("param", "pct")}
    lines.append('area 1 "a":')
    for i in range(draw(st.integers(1, shape.rules))):
        kind = draw(st.sampled_from(["required", "veto", "assessed", "advisory"]))
        lines += [
            f"    rule 1.{i + 1} {quote(f'规则{i}')}:",
            f"        kind: {kind}",
            f"        clause: {quote('条款')}",
        ]
        lines += writer.body(scope, 8, shape.blocks)
        lines.append(f"        require {writer.boolean(scope, draw(st.integers(0, shape.depth)))}")
    return Program("\n".join(lines) + "\n", facts, tuple(sorted(writer.texts)))


# ------------------------------------------------------------------ ledgers


def _value(draw: st.DrawFn, field: Field, texts: tuple[str, ...]) -> Any:
    kind = field.kind
    if kind == "date":
        return draw(
            st.one_of(st.dates(dt.date(2023, 1, 1), dt.date(2024, 6, 30)), st.sampled_from(DATES[:7]))
        )
    if kind == "int":
        return draw(st.one_of(st.integers(-3, 40), st.sampled_from([0, 10**18, -(10**18), 999_999_999])))
    if kind == "dec":
        return draw(
            st.one_of(st.integers(0, 40).map(lambda n: Decimal(n) / 4), st.just(Decimal("0.0000000001")))
        )
    if kind == "pct":
        return draw(st.sampled_from(["0%", "12.5%", "50%", "100%", "250%"]))
    if kind == "bool":
        return draw(st.booleans())
    if kind == "text":
        return draw(st.sampled_from(texts or TEXTS))
    if kind == "enum":
        return draw(st.sampled_from(field.members))
    if kind == "dur":
        return draw(st.sampled_from(["3 days", "1 month", "10 working days", "2周", "0 days", "100 years"]))
    raise ValueError(kind)  # pragma: no cover - references are drawn from the records made


@st.composite
def program_ledgers(
    draw: st.DrawFn, program: Program, schema: Mapping[str, FactType], *, max_facts: int = 5
) -> Ledger:
    """A ledger for ``program``, read by :func:`~protrules.facts.ledgers.ledger_from_mapping`
    like any caller's records: its texts are drawn from those the rules compare with, its
    numbers and durations reach the limits, a fact type is sometimes left uncovered."""
    from protrules.facts.ledgers import ledger_from_mapping

    texts = tuple(sorted(set(program.texts) | set(TEXTS)))
    facts: dict[str, list[dict[str, Any]]] = {}
    for decl in program.facts:
        if draw(st.integers(0, 5)) == 0:
            continue  # a fact type the ledger does not cover: what reads it is unknown
        records = []
        for i in range(draw(st.integers(0, max_facts))):
            record: dict[str, Any] = {"id": f"{decl.name}-{i}"}
            for field in decl.fields:
                if field.optional and draw(st.booleans()):
                    continue
                if field.kind == "ref":
                    targets = facts.get(str(field.target), [])
                    if targets:
                        record[field.name] = draw(st.sampled_from(targets))["id"]
                    elif not field.optional:
                        break
                    continue
                record[field.name] = _value(draw, field, texts)
            else:
                records.append(record)
        facts[decl.name] = records
    name = draw(st.sampled_from(["e1", "街道甲", "x\x00y"]))
    document = {"entity": {"id": name, "name": name}, "facts": facts}
    return ledger_from_mapping(document, schema, origin="generated")


# ------------------------------------------------------------------ the property


def compiled(program: Program) -> tuple[RuleSet, RuleSet] | ProtrulesError:
    """The program compiled for generated code and for its exact code only; or the error the
    parser or checker refused it with (a limit passed, a type the grammar cannot rule out),
    which is one of the outcomes allowed."""
    from protrules.checking.checker import check
    from protrules.compiling.ruleset import compile
    from protrules.language.diagnostics import Source
    from protrules.language.parser import parse

    try:
        checked = check(parse(program.text, "generated.prl"), Source("generated.prl", program.text))
    except ProtrulesError as error:
        return error
    return compile(checked), compile(checked, generate=False)


def check_program(rules: RuleSet, exact: RuleSet, ledger: Ledger, as_of: dt.date) -> str:
    """The property every program holds: an evaluation either raises protrules' own error or
    gives the same verdicts, due dates and evidence on the code for definite values (with
    checks and without), the exact code, ``explain``'s traced code and the reference
    interpreter. Returns what happened (for the long run's tally); any other exception, or a
    difference, propagates as the finding it is."""
    from protrules.evaluation.reference import decided, evaluate_reference

    try:
        full = rules.evaluate(ledger, as_of)
    except ProtrulesError as error:
        return f"evaluation refused ({error.code})"
    reference = evaluate_reference(rules.program, ledger, as_of, rules.district)
    assert decided(full) == reference, (decided(full), reference)
    exactly = exact.evaluate(ledger, as_of)
    assert exactly == full
    brief = rules.evaluate(ledger, as_of, checks=False)
    assert decided(brief) == reference and brief.status == full.status and brief.score == full.score
    traced = rules.explain(ledger, as_of=as_of)
    assert [(r.rule, r.verdict, r.due, r.evidence) for r in traced] == [
        (r.rule, r.verdict, r.due, r.evidence) for r in full.results
    ]
    # The same findings, as data, on every backend; and each reads in both languages.
    findings = [r.why.data() for r in full.results]
    for other in (exactly.results, brief.results, traced):
        assert [r.why.data() for r in other] == findings
    _worded(rules.program, full)
    return "evaluated"


def _worded(program: Any, result: Any) -> None:
    """Every reason and every check's finding reads in Chinese and English, every field filled."""
    from protrules.report.reasons import finding_words, reason_words

    for rule in result.results:
        for lang in ("zh", "en"):
            texts = [reason_words(rule.why, program, lang)]
            texts += [finding_words(check.finding, program, lang) for check in rule.checks]
            for text in texts:
                assert text and not re.search(r"\{[a-z_]+\}", text), (rule.rule, lang, text)
