"""Reasons in plain words, Chinese or English, worded from the checked program and the findings.

A verdict's reason is what its deciding check found (:mod:`protrules.evaluation.findings`):
the requirement — a node of the checked program — the values found and required, the due
date and the loop passes. This module words it as an official reads it, in either language:
「2023年协调会议、专题会议1次，要求至少2次（截至2023年12月31日）」 rather than
``count(meeting where …) = 1, required >= 2``; a fact type says its title (台账中没有家访),
a parameter its title, a `for each` pass its calendar unit or its fact
(2023年第四季度, 监督建议RC002), dates, periods and deadlines come from
:mod:`protrules.calendar.wording`. The author's form stays where authors read it
(``RuleResult.reason``, explain's ``源`` line, the JSON's ``reason``).

Every kind of requirement the language has reads in words: counts and other aggregates
compared with a number, `exists` / `none` / `every`, comparisons of dates and values, deadlines
(`within 1 month after`, `deadline(…)`), periodic requirements (per quarter, week, half year,
vacation), the negative list's vetoes; an expression the wording does not know reads as its
source in backticks rather than not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from protrules.calendar.durations import Duration
from protrules.calendar.periods import Period
from protrules.calendar.wording import day_words, due_words, duration_words, period_words
from protrules.checking import ir
from protrules.evaluation.findings import (
    Advice,
    Compared,
    Finding,
    Judged,
    Missing,
    NoRequirement,
    NotApplicable,
    NotJudged,
    Pass,
    Reason,
    Ref,
    Text,
)
from protrules.evaluation.runtime import Declared, Unit, show
from protrules.facts.model import Fact, Kind
from protrules.i18n import Message, joined, msg, msgn

__all__ = ["condition_words", "context_words", "finding_words", "reason_words"]

#: A comparison's operator as a requirement reads: "at least 2", "至少2".
_REQUIRED = {
    ">=": msg("at least {value}"),
    ">": msg("more than {value}"),
    "<=": msg("at most {value}"),
    "<": msg("fewer than {value}"),
    "=": msg("exactly {value}"),
    "!=": msg("other than {value}"),
}
#: A comparison inside a condition: "date is on or after 2023-01-01", "日期不早于2023年1月1日".
_COMPARED = {
    ">=": msg("{left} is at least {right}"),
    ">": msg("{left} is more than {right}"),
    "<=": msg("{left} is at most {right}"),
    "<": msg("{left} is less than {right}"),
    "=": msg("{left} is {right}"),
    "!=": msg("{left} is not {right}"),
}
_DATES_COMPARED = {
    ">=": msg("{left} is on or after {right}"),
    ">": msg("{left} is after {right}"),
    "<=": msg("{left} is on or before {right}"),
    "<": msg("{left} is before {right}"),
    "=": msg("{left} is {right}"),
    "!=": msg("{left} is not {right}"),
}
_TESTS = {
    "set": msg("{subject} is filled in"),
    "missing": msg("{subject} is not filled in"),
    "working day": msg("{subject} is a working day"),
    "rest day": msg("{subject} is a rest day"),
    "statutory holiday": msg("{subject} is a statutory holiday"),
    "in vacation": msg("{subject} is in a school vacation"),
    "in holiday": msg("{subject} is in a holiday"),
}
_AGGREGATES = {
    "sum": msg("the total {arg} of {what}"),
    "min": msg("the least {arg} of {what}"),
    "max": msg("the greatest {arg} of {what}"),
    "share": msg("the share of {what} where {arg}"),
    "distinct": msg("the number of different {arg} of {what}"),
}
#: How many of a fact type, by the end of its title: 1名儿童主任, 1份文件, 1次会议 (else 1条).
_MEASURES = (
    (("员", "主任", "社工", "人员", "工作者", "儿童", "未成年人", "负责人"), "persons"),
    (("文件", "制度", "办法", "方案", "政策", "机制"), "documents"),
    (("会议", "活动", "培训", "检查", "学习", "探访", "家访", "会商", "询问", "交互", "开放"), "times"),
)
_COUNTS: dict[str, Callable[[int], Message]] = {
    "persons": lambda n: msgn("{n} person", "{n} persons", n),
    "documents": lambda n: msgn("{n} document", "{n} documents", n),
    "times": lambda n: msgn("{n} time", "{n} times", n),
    "records": lambda n: msgn("{n} record", "{n} records", n),
}


def reason_words(
    reason: Reason, program: ir.Program | None = None, lang: str = "en", calendar: object | None = None
) -> str:
    """A rule's reason in plain words: its loop passes, then what its deciding check found."""
    words = _Words(program, lang, calendar)
    return words.reason(reason)


def finding_words(
    finding: Finding,
    program: ir.Program | None = None,
    lang: str = "en",
    calendar: object | None = None,
    context: Sequence[str] = (),
) -> str:
    """What one check found, in plain words (without its loop passes; ``context``, the check's
    passes, names what a loop's variable stands for: 工作人员P02 rather than 人)."""
    words = _Words(program, lang, calendar)
    words.passes = {c.name: words.one_pass(c) for c in context if isinstance(c, Pass)}
    return words.finding(finding)


def context_words(
    context: Sequence[str],
    program: ir.Program | None = None,
    lang: str = "en",
    calendar: object | None = None,
) -> str:
    """A check's loop passes in words: 2023年第四季度, 监督建议RC002 (joined by the language's comma)."""
    return _Words(program, lang, calendar).context(context)


def fact_words(
    fact: Fact, program: ir.Program | None = None, lang: str = "en", calendar: object | None = None
) -> str:
    """A fact of the evidence as one line. In Chinese with the titles the rule file declares and
    the values as an official writes them (``协调会议 M1：召开日期 2023年5月12日，类别 “协调会议”，
    是否形成纪要 是``); in English as the ledger names them (``meeting M1: date 2023-05-12, kind
    协调会议, minutes true``)."""
    if lang != "zh":
        shown = (f"{k} {v.id if isinstance(v, Fact) else show(v)}" for k, v in fact.values.items())
        return f"{fact.type} {fact.id}: {', '.join(shown)}"
    words = _Words(program, lang, calendar)
    values = "，".join(
        f"{words.field_title(fact.type, k)} {words.value(v)}" for k, v in fact.values.items()
    )
    return f"{words.fact_title(fact.type)} {fact.id}：{values}"


def condition_words(node: ir.Node, program: ir.Program | None = None, lang: str = "en") -> str:
    """A condition of the checked program in words (what does not read as words: its source)."""
    return _Words(program, lang, None).node(node)


def _short(title: str) -> str:
    """A title without its parenthesised note: 岗位人员（一人一岗一行） → 岗位人员."""
    return re.split(r"[（(]", title, maxsplit=1)[0].strip() or title


class _Words:
    """Words for one reader: the program gives titles, the language the words."""

    def __init__(self, program: ir.Program | None, lang: str, calendar: object | None) -> None:
        self.program, self.lang, self.calendar = program, "zh" if lang == "zh" else "en", calendar
        self.own: set[str] = set()  # the variables of the selections being worded
        self.passes: dict[str, str] = {}  # a loop's name → what this pass visits, in words

    def say(self, message: Message) -> str:
        return message.render(self.lang)

    # -- names the rule file declares
    def fact_title(self, name: str) -> str:
        """A fact type as a reader names it: its title in Chinese, its name in English."""
        program = self.program
        fact_type = program.fact_types.get(name) if program is not None else None
        if self.lang == "zh" and fact_type is not None and fact_type.title:
            return _short(fact_type.title)
        return name.replace("_", " ")

    def field_title(self, fact: str | None, name: str) -> str:
        program = self.program
        fact_type = program.fact_types.get(fact) if program is not None and fact else None
        found = fact_type.field(name) if fact_type is not None else None
        title = getattr(found, "title", None)
        if self.lang == "zh" and title:
            return _short(str(title))
        return name.replace("_", " ")

    def param(self, node: ir.Ref) -> str:
        """A parameter with one value (the file's, or --set's) reads as that value."""
        program = self.program
        param = program.params.get(node.key) if program is not None else None
        if param is not None and len(param.values) == 1:
            return self.value(param.values[0][1], node)
        return self.param_title(node.key)

    def static(self, node: ir.Node) -> bool | None:
        """Whether a condition is settled by the parameters in force (a reading chosen by a
        parameter: ``会议计数读法 = "含重点个案会商"``), else None."""
        if isinstance(node, ir.Cmp) and node.op in ("=", "!=") and isinstance(node.right, ir.Const):
            left = node.left
            program = self.program
            if isinstance(left, ir.Ref) and left.scope == "param" and program is not None:
                values = program.params[left.key].values if left.key in program.params else ()
                if len(values) == 1:
                    return (values[0][1] == node.right.value) is (node.op == "=")
        if isinstance(node, ir.Logic):
            settled = [self.static(o) for o in node.operands]
            if node.op == "and":
                return False if False in settled else (True if all(x is True for x in settled) else None)
            return True if True in settled else (False if all(x is False for x in settled) else None)
        return None

    def param_title(self, name: str) -> str:
        program = self.program
        param = program.params.get(name) if program is not None else None
        if self.lang == "zh" and param is not None and param.title:
            return param.title
        return name

    # -- values
    def value(self, value: Any, node: ir.Node | None = None) -> str:
        if isinstance(value, bool):
            return self.say(msg("yes") if value else msg("no"))
        if node is not None and node.type.kind is Kind.PERCENTAGE and isinstance(value, Decimal):
            return f"{(value * 100).quantize(Decimal('0.1')).normalize():f}%"
        if isinstance(value, dt.date):
            return day_words(value, self.lang, self.calendar)
        if isinstance(value, Duration):
            return duration_words(value, self.lang) if value.unit in _DURATION_UNITS else str(value)
        if isinstance(value, Period):
            return period_words(value, self.lang, calendar=self.calendar)
        if isinstance(value, Fact | Ref):
            return self.fact(value.type, value.id)
        if isinstance(value, str):
            return self.say(msg('"{text}"', text=value))
        if isinstance(value, tuple):
            return self.say(msg("{items}", items=joined(self.value(v) for v in value)))
        return show(value)

    def fact(self, type_: str, id_: str) -> str:
        return self.say(msg("{type} {id}", type=self.fact_title(type_), id=id_))

    # -- a reason and its parts
    def reason(self, reason: Reason) -> str:
        self.passes = {c.name: self.one_pass(c) for c in reason.context if isinstance(c, Pass)}
        found = self.finding(reason.finding)
        if not reason.context:
            return found
        return self.say(msg("{context}: {finding}", context=self.context(reason.context), finding=found))

    def context(self, context: Sequence[str]) -> str:
        return self.say(msg("{items}", items=joined(self.one_pass(c) for c in context)))

    def one_pass(self, context: str) -> str:
        if not isinstance(context, Pass):
            return context
        value = context.value
        if isinstance(value, Unit) and value.period is not None:
            unit = "half year" if value.unit == "half" else value.unit
            return period_words(value.period, self.lang, unit=unit, name=value.name, calendar=self.calendar)
        if isinstance(value, Fact | Ref):
            return self.fact(value.type, value.id)
        return str(context)

    def finding(self, finding: Finding) -> str:
        if isinstance(finding, Compared):
            return self.compared(finding)
        if isinstance(finding, Missing):
            return (
                self.say(self.missing(finding.reason))
                if isinstance(finding.reason, Message)
                else finding.source()
            )
        if isinstance(finding, NotApplicable):
            return self.not_applicable(finding)
        if isinstance(finding, Judged):
            judged = _JUDGED.get(finding.verdict, _JUDGED["unknown"])
            words = Message(judged.id, {"by": finding.by, "date": day_words(finding.date, self.lang)})
            if finding.note:
                words = msg("{judgement}: {note}", judgement=words, note=finding.note)
            return self.say(words)
        if isinstance(finding, NotJudged):
            return self.say(msg("no assessor's judgement recorded"))
        if isinstance(finding, Advice):
            test = self.node(finding.condition) if finding.condition is not None else ""
            return self.say(msg("advice: {test}: {value}", test=test, value=self.value(finding.value)))
        if isinstance(finding, NoRequirement):
            return self.say(msg("no requirement"))
        if isinstance(finding, Text):
            return finding.text
        return finding.source()

    def missing(self, message: Message) -> Message:
        """An unknown's message with the fact types and fields it names said by their titles."""
        args = {name: self._declared(value) for name, value in message.args}
        return Message(message.id, args, plural=message.plural, n=message.n)

    def _declared(self, value: Any) -> Any:
        if isinstance(value, Declared):
            return self.field_title(value.type, value.field) if value.field else self.fact_title(value.type)
        if isinstance(value, Message):
            return self.missing(value)
        return value

    def not_applicable(self, finding: NotApplicable) -> str:
        stmt = finding.statement
        if finding.cause == "does not apply":
            if isinstance(stmt, ir.AppliesS):
                return self.say(msg("does not apply: not so that {test}", test=self.node(stmt.condition)))
            return self.say(msg("does not apply"))
        if finding.cause == "no units to check":
            return self.say(_NO_UNITS.get(finding.unit or "", _NO_UNITS["day"]))
        if isinstance(stmt, ir.ForFactsS):
            return self.say(
                msg("no {what} to check", what=self.selection(stmt.source, stmt.condition, stmt.var))
            )
        return self.say(msg("no facts to check"))

    # -- a requirement's check
    def compared(self, found: Compared) -> str:
        req = found.requirement
        if req.parts is None:
            words = self.condition_found(req.condition, found.left)
        else:
            op, left, right = req.parts
            required = self.value(found.right, right)
            if isinstance(left, ir.Aggregate) and left.func == "count" and isinstance(found.left, int):
                what = self.selection(left.source, None, left.var)
                count = _COUNTS[_measure(self.program, left.source.type.fact)]
                need = count(found.right) if isinstance(found.right, int) else required
                words = self.say(
                    msg("{what}: {found}, required {required}", what=what, found=count(found.left),
                        required=Message(_REQUIRED[op].id, {"value": need}))
                )  # fmt: skip
            else:
                need = Message(_REQUIRED[op].id, {"value": required})
                words = self.say(
                    msg("{what} is {found}, required {required}", what=self.node(left),
                        found=self.value(found.left, left), required=need)
                )  # fmt: skip
        if found.due is not None and found.verdict in ("fail", "pending"):
            due = due_words(found.due, found.verdict, self.lang, self.calendar)
            words = self.say(msg("{words} ({due})", words=words, due=due))
        return words

    def condition_found(self, condition: ir.Node | None, value: Any) -> str:
        """A condition's check: what an `exists`, `none` or `every` found, else the condition
        and whether it holds."""
        if isinstance(condition, ir.Aggregate) and isinstance(value, bool):
            what = self.selection(condition.source, None, condition.var)
            if condition.func == "exists":
                return self.say(
                    msg("{what} on record", what=what) if value else msg("no {what} on record", what=what)
                )
            if condition.func == "none":
                return self.say(
                    msg("no {what}", what=what)
                    if value
                    else msg("{what} found, where none may be", what=what)
                )
            if condition.func == "every" and condition.arg is not None:
                test = self.with_own(condition.var, condition.arg)
                return self.say(
                    msg("every {what}: {test}", what=what, test=test) if value
                    else msg("not every {what}: {test}", what=what, test=test)
                )  # fmt: skip
        if condition is None:
            return self.value(value)
        test = self.condition(condition)
        if value is True:
            return self.say(msg("met: {test}", test=test))
        if value is False:
            return self.say(msg("not met: {test}", test=test))
        return self.say(msg("{test}: {value}", test=test, value=self.value(value)))

    # -- selections: the noun a requirement counts or looks for
    def selection(self, node: ir.Node, condition: ir.Node | None, var: str | None) -> str:
        noun, qualifiers = self.noun(node)
        if condition is not None and var is not None:
            noun, qualifiers = self.qualify(noun, qualifiers, var, condition)
        if not qualifiers:
            return noun
        return self.say(msg("{noun} ({qualifiers})", noun=noun, qualifiers=joined(qualifiers)))

    def noun(self, node: ir.Node) -> tuple[str, list[str]]:
        if isinstance(node, ir.Ref) and node.scope == "facts":
            return self.fact_title(node.key), []
        if isinstance(node, ir.Filter):
            noun, qualifiers = self.noun(node.source)
            return self.qualify(noun, qualifiers, node.var, node.condition)
        if isinstance(node, ir.Ref):
            return node.text, []
        return self.say(msg("`{source}`", source=node.text)), []

    def qualify(
        self, noun: str, qualifiers: list[str], var: str, condition: ir.Node
    ) -> tuple[str, list[str]]:
        qualifiers = list(qualifiers)
        for part in _conjuncts(condition):
            kinds = _kinds(part, var)
            if kinds is not None:
                noun = self.say(msg("{items}", items=joined(kinds)))
            elif not _in_loop_period(part, var):
                qualifiers.append(self.with_own(var, part))
        return noun, qualifiers

    def with_own(self, var: str, node: ir.Node) -> str:
        """A condition on a selection's own facts: their fields read without the variable."""
        self.own.add(var)
        try:
            return self.condition(node)
        finally:
            self.own.discard(var)

    def condition(self, node: ir.Node) -> str:
        """A condition as a reader states it. A yes/no field whose Chinese title asks a question
        (是否形成纪要) states its answer where it stands as a condition of its own facts: 每项协调
        会议均形成纪要, not 均是否形成纪要 (compared with a value, it keeps its title: 是否形成纪要为否)."""
        text = self.node(node)
        if (
            self.lang == "zh"
            and isinstance(node, ir.GetAttr)
            and node.type.kind is Kind.BOOLEAN
            and text.startswith("是否")
            and len(text) > 2
        ):
            return text[2:]
        return text

    # -- conditions and values of the program
    def node(self, node: ir.Node) -> str:
        say = self.say
        if isinstance(node, ir.Const):
            program = self.program
            if program is not None and (node.text in program.periods or node.text in program.dates):
                title = program.titles.get(node.text) if self.lang == "zh" else None
                return _short(title or node.text)
            return self.value(node.value, node)
        if isinstance(node, ir.Ref):
            if node.scope == "facts":
                return self.fact_title(node.key)
            if node.scope == "param":
                return self.param(node)
            if node.scope == "builtin" and node.key == "as_of":
                return say(msg("the as-of date"))
            return self.passes.get(node.text, node.text)
        if isinstance(node, ir.GetAttr):
            return self.attribute(node)
        if isinstance(node, ir.Logic):
            operands = [o for o in node.operands if self.static(o) is not (node.op == "and")]
            if not operands:  # every operand settled by the parameters in force
                return self.value(node.op == "and")
            if any(self.static(o) is (node.op == "or") for o in operands):
                return self.value(node.op == "or")
            parts = [self.condition(o) for o in operands]
            joiner = msg("{left} and {right}") if node.op == "and" else msg("{left} or {right}")
            text = parts[0]
            for part in parts[1:]:
                text = Message(joiner.id, {"left": text, "right": part}).render(self.lang)
            return text
        if isinstance(node, ir.Not):
            return say(msg("not so that {test}", test=self.condition(node.operand)))
        if isinstance(node, ir.Cmp):
            table = _DATES_COMPARED if node.left.type.kind is Kind.DATE else _COMPARED
            return say(
                Message(table[node.op].id, {"left": self.node(node.left), "right": self.node(node.right)})
            )
        if isinstance(node, ir.In):
            if isinstance(node.right, ir.ListOf):
                items = joined(self.node(i) for i in node.right.items)
                words = msg("{left} is one of {items}", left=self.node(node.left), items=items)
            else:
                words = msg("{left} is in {right}", left=self.node(node.left), right=self.node(node.right))
            return say(msg("not so that {test}", test=words) if node.negated else words)
        if isinstance(node, ir.Within):
            return say(
                msg("{subject} is within {duration} after {anchor}", subject=self.node(node.subject),
                    duration=self.node(node.duration), anchor=self.node(node.anchor))
            )  # fmt: skip
        if isinstance(node, ir.Test):
            test = _TESTS.get(node.test)
            if test is not None:
                return say(Message(test.id, {"subject": self.node(node.subject)}))
        if isinstance(node, ir.Aggregate):
            what = self.selection(node.source, None, node.var)
            if node.func == "exists":
                return say(msg("there is {what}", what=what))
            if node.func == "none":
                return say(msg("there is no {what}", what=what))
            if node.func == "count":
                return say(msg("the number of {what}", what=what))
            if node.func == "every" and node.arg is not None:
                return say(msg("every {what}: {test}", what=what, test=self.with_own(node.var, node.arg)))
            if node.func in _AGGREGATES and node.arg is not None:
                arg = self.with_own(node.var, node.arg)
                return say(Message(_AGGREGATES[node.func].id, {"arg": arg, "what": what}))
        if isinstance(node, ir.Apply) and node.func == "deadline" and len(node.args) == 2:
            return say(
                msg(
                    "the deadline {duration} after {day}",
                    duration=self.node(node.args[1]),
                    day=self.node(node.args[0]),
                )
            )
        if isinstance(node, ir.ParamAt):
            return self.param_title(node.key)
        return say(msg("`{source}`", source=node.text))

    def attribute(self, node: ir.GetAttr) -> str:
        target = node.target
        if node.on == "fact":
            field = self.field_title(target.type.fact, node.name)
            if isinstance(target, ir.Ref) and target.scope == "local" and target.key in self.own:
                return field
            if isinstance(target, ir.Ref) and target.scope == "local" and target.text in self.passes:
                return self.say(msg("{name}'s {field}", name=self.passes[target.text], field=field))
            return self.say(msg("{name}'s {field}", name=self.node(target), field=field))
        if node.on == "period" and node.name in ("start", "end"):
            words = msg("the start of {period}") if node.name == "start" else msg("the end of {period}")
            return self.say(Message(words.id, {"period": self.node(target)}))
        return self.say(msg("`{source}`", source=node.text))


_DURATION_UNITS = ("days", "weeks", "working_days", "months", "quarters", "years", "hours", "minutes")
_JUDGED = {
    "pass": msg("judged to pass by {by} on {date}"),
    "fail": msg("judged to fail by {by} on {date}"),
    "n/a": msg("judged not applicable by {by} on {date}"),
    "unknown": msg("judged undecided by {by} on {date}"),
}
#: A `for each` over calendar units that found none in its period.
_NO_UNITS = {
    "year": msg("no year to check"),
    "half year": msg("no half year to check"),
    "quarter": msg("no quarter to check"),
    "month": msg("no month to check"),
    "week": msg("no week to check"),
    "day": msg("no day to check"),
    "vacation": msg("no school vacation to check"),
    "holiday": msg("no holiday to check"),
}


def _measure(program: ir.Program | None, fact: str | None) -> str:
    """How a count of a fact type is measured: persons, documents, times or records."""
    fact_type = program.fact_types.get(fact) if program is not None and fact else None
    title = _short(fact_type.title) if fact_type is not None and fact_type.title else ""
    for endings, measure in _MEASURES:
        if title.endswith(endings):
            return measure
    return "records"


def _conjuncts(node: ir.Node) -> list[ir.Node]:
    if isinstance(node, ir.Logic) and node.op == "and":
        return [part for operand in node.operands for part in _conjuncts(operand)]
    return [node]


def _own_field(node: ir.Node, var: str) -> bool:
    return (
        isinstance(node, ir.GetAttr) and node.on == "fact" and isinstance(node.target, ir.Ref)
        and node.target.scope == "local" and node.target.key == var
    )  # fmt: skip


def _kinds(node: ir.Node, var: str) -> list[str] | None:
    """The kinds a condition names, when it is one of the selection's own enum fields equal to
    a literal (``meeting.kind = "协调会议"``) or one of a list of them: they name the facts."""
    if (
        isinstance(node, ir.Cmp)
        and node.op == "="
        and _own_field(node.left, var)
        and node.left.type.kind is Kind.ENUM
        and isinstance(node.right, ir.Const)
        and isinstance(node.right.value, str)
    ):
        return [node.right.value]
    if (
        isinstance(node, ir.In)
        and not node.negated
        and _own_field(node.left, var)
        and isinstance(node.right, ir.ListOf)
    ):
        items = [i.value for i in node.right.items if isinstance(i, ir.Const) and isinstance(i.value, str)]
        if node.left.type.kind is Kind.ENUM and len(items) == len(node.right.items):
            return items
    return None


def _in_loop_period(node: ir.Node, var: str) -> bool:
    """``meeting.date in 年`` inside `for each year 年`: the loop pass already says 2023年."""
    return (
        isinstance(node, ir.In) and not node.negated and _own_field(node.left, var)
        and isinstance(node.right, ir.Ref) and node.right.scope == "local"
        and node.right.type.kind is Kind.PERIOD
    )  # fmt: skip

