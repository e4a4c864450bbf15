"""What a check found, as data: the reasons of verdicts before anyone words them.

Evaluation records what it found — the requirement (which names what was counted or tested,
from the checked program), the value found, the value required, the verdict, the due date, the
loop pass it belongs to — and nothing more; the report stage words it in a language
(:mod:`protrules.report.reasons`: 「2023年召开协调会议1次，要求至少2次（截至2023年12月31日）」)
and the JSON keeps it as data (:meth:`Finding.data`). Each finding also has the author's form,
:meth:`Finding.source` (``count(…) = 1, required >= 2; was due 2023-12-31``): explain shows it
beneath the plain words, and it is what ``Check.detail`` and ``RuleResult.reason`` hold.

Cheap by construction: a finding is a few references made when a check is noted (the code for
definite values makes one only for the first check of each verdict); nothing is formatted
until somebody reads it, and then once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from protrules.calendar.durations import Duration
from protrules.calendar.periods import Period
from protrules.checking import ir
from protrules.evaluation.runtime import Unit, show
from protrules.facts.model import Fact, Kind
from protrules.i18n import Message, render

__all__ = [
    "Advice",
    "Compared",
    "Finding",
    "Judged",
    "Missing",
    "NoRequirement",
    "NotApplicable",
    "NotJudged",
    "Noted",
    "Pass",
    "Reason",
    "Requirement",
    "Text",
    "finding_of",
    "json_value",
    "noted_reason",
    "shown",
]


# ------------------------------------------------------------------ requirements


@attrs.frozen
class Requirement:
    """What a requirement's check reports, beside its verdict: its text, and what was compared
    (a top-level comparison's operator and operands) or the condition itself."""

    text: str
    condition_text: str
    parts: tuple[str, ir.Node, ir.Node] | None  # a top-level comparison: op, left, right
    mode: str  # how a top-level comparison compares (duration, fact, value)
    monotonicity: str
    condition: ir.Node | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def of(cls, stmt: ir.RequireS) -> Requirement:
        cond = stmt.condition
        if isinstance(cond, ir.Cmp):
            parts = (cond.op, cond.left, cond.right)
            return cls(stmt.text, cond.text, parts, _mode(cond.left), stmt.monotonicity, cond)
        return cls(stmt.text, cond.text, None, "value", stmt.monotonicity, cond)


def _mode(left: ir.Node) -> str:
    kind = left.type.kind
    return "duration" if kind is Kind.DURATION else ("fact" if kind is Kind.FACT else "value")


def _typed(value: Any, node: ir.Node | None) -> str:
    if node is not None and node.type.kind is Kind.PERCENTAGE and isinstance(value, Decimal):
        return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP).normalize():f}%"
    return show(value)


def shown(req: Requirement, left: Any, right: Any, verdict: str, due: dt.date | None) -> str:
    """A requirement's check's detail in the author's form: what was compared, what was
    required, when it was due."""
    suffix = ""
    if verdict == "pending":
        suffix = f"; due {due}"
    elif verdict == "fail" and due is not None:
        suffix = f"; was due {due}"
    if req.parts is None:  # a condition: "text is value"
        return f"{req.condition_text} is {show(left)}{suffix}"
    op, left_node, right_node = req.parts
    return f"{left_node.text} = {_typed(left, left_node)}, required {op} {_typed(right, right_node)}{suffix}"


# ------------------------------------------------------------------ findings


class Finding:
    """What one check found. :meth:`source` is the author's form, written once when first read;
    :meth:`data` the language-neutral form of the JSON output."""

    __slots__ = ("_text",)
    kind = ""

    def source(self) -> str:
        text: str | None = getattr(self, "_text", None)
        if text is None:
            text = self._text = self._source()
        return text

    def _source(self) -> str:
        raise NotImplementedError

    def data(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def __str__(self) -> str:
        return self.source()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.source()!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self.kind == other.kind and self.source() == other.source()

    def __hash__(self) -> int:
        return hash(self.source())


class Compared(Finding):
    """A requirement's check: the values compared (a condition: its value), the verdict, the
    due date. The values are whatever the rule computed (counts, sums, dates, facts)."""

    __slots__ = ("due", "left", "requirement", "right", "verdict")
    kind = "requirement"

    def __init__(
        self, requirement: Requirement, left: Any, right: Any, verdict: str, due: dt.date | None
    ) -> None:
        self.requirement, self.left, self.right = requirement, left, right
        self.verdict, self.due = verdict, due

    def _source(self) -> str:
        return shown(self.requirement, self.left, self.right, self.verdict, self.due)

    def data(self) -> dict[str, Any]:
        req = self.requirement
        out: dict[str, Any] = {"kind": self.kind, "verdict": self.verdict, "test": req.condition_text}
        if req.parts is None:
            out["found"] = json_value(self.left)
        else:
            op, left_node, right_node = req.parts
            measure = left_node if isinstance(left_node, ir.Aggregate) else None
            out["subject"] = left_node.text
            if measure is not None:
                out["measure"] = measure.func
                if measure.source.type.fact is not None:
                    out["of"] = measure.source.type.fact
            out["found"] = json_value(self.left, left_node)
            out["op"] = op
            out["required"] = json_value(self.right, right_node)
        out["due"] = self.due.isoformat() if self.due is not None else None
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        return (_compared, (self.requirement, _light(self.left), _light(self.right), self.verdict, self.due,
                            self.source()))  # fmt: skip


def _compared(
    req: Requirement, left: Any, right: Any, verdict: str, due: dt.date | None, text: str
) -> Compared:
    found = Compared(req, left, right, verdict, due)
    found._text = text
    return found


class Missing(Finding):
    """Unknown: what is missing (no data on a fact type, a field not filled in, a parameter
    with no value in force, a calendar year with no published notice …), as a message."""

    __slots__ = ("reason",)
    kind = "unknown"

    def __init__(self, reason: Message | str) -> None:
        self.reason = reason

    def _source(self) -> str:
        return render(self.reason, "en")

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "missing": self.source()}
        if isinstance(self.reason, Message):
            out["message"] = self.reason.id
            out["args"] = {name: _arg(value) for name, value in self.reason.args}
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        return (Missing, (self.reason,))


def _arg(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message": value.id, "args": {k: _arg(v) for k, v in value.args}}
    if isinstance(value, bool | int) or value is None:
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


#: Why a check is n/a: the statement's condition is false, or a loop found nothing to visit.
NA_CAUSES = ("does not apply", "no facts to check", "no units to check")


class NotApplicable(Finding):
    """n/a, and why: an `applies when` that does not hold (``condition``), or a `for each` with
    nothing to visit (``over``: its facts or its calendar unit)."""

    __slots__ = ("cause", "statement", "unit")
    kind = "n/a"

    def __init__(self, cause: str, statement: ir.Stmt | None = None, unit: str | None = None) -> None:
        self.cause, self.statement, self.unit = cause, statement, unit

    def _source(self) -> str:
        if self.cause == "no units to check":
            return f"no {self.unit} to check"
        return self.cause

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "cause": self.cause}
        if self.unit is not None:
            out["unit"] = self.unit
        if self.statement is not None:
            out["statement"] = self.statement.text
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        return (NotApplicable, (self.cause, self.statement, self.unit))


class Judged(Finding):
    """An assessor's recorded judgement of an assessed clause."""

    __slots__ = ("by", "date", "note", "verdict")
    kind = "judgement"

    def __init__(self, verdict: str, by: str, date: dt.date, note: str | None) -> None:
        self.verdict, self.by, self.date, self.note = verdict, by, date, note

    def _source(self) -> str:
        note = f": {self.note}" if self.note else ""
        return f"judged {self.verdict} by {self.by} on {self.date}{note}"

    def data(self) -> dict[str, Any]:
        return {"kind": self.kind, "verdict": self.verdict, "by": self.by, "date": self.date.isoformat(),
                "note": self.note}  # fmt: skip

    def __reduce__(self) -> tuple[Any, ...]:
        return (Judged, (self.verdict, self.by, self.date, self.note))


class NotJudged(Finding):
    """An assessed clause without an assessor's judgement: unknown, never pass."""

    __slots__ = ()
    kind = "no judgement"

    def _source(self) -> str:
        return "no assessor's judgement recorded"

    def __reduce__(self) -> tuple[Any, ...]:
        return (NotJudged, ())


class Advice(Finding):
    """Advice (优先/鼓励 wording): the value of its condition, which never decides a verdict."""

    __slots__ = ("condition", "value")
    kind = "advice"

    def __init__(self, condition: ir.Node | None, value: Any) -> None:
        self.condition, self.value = condition, value

    def _source(self) -> str:
        return show(self.value)

    def data(self) -> dict[str, Any]:
        out = {"kind": self.kind, "found": json_value(self.value)}
        if self.condition is not None:
            out["test"] = self.condition.text
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        return (Advice, (self.condition, _light(self.value)))


class NoRequirement(Finding):
    """A rule none of whose checks decides its verdict (only advice, or nothing at all)."""

    __slots__ = ()
    kind = "none"

    def _source(self) -> str:
        return "no requirement"

    def __reduce__(self) -> tuple[Any, ...]:
        return (NoRequirement, ())


class Text(Finding):
    """A detail given as text (a check built by hand): the same in every language."""

    __slots__ = ("text",)
    kind = "text"

    def __init__(self, text: str) -> None:
        self.text = text

    def _source(self) -> str:
        return self.text

    def data(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text}

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.text,))


def finding_of(detail: Any) -> Finding:
    """A detail as a finding: a finding as it is, text (or a function writing it) as text."""
    if isinstance(detail, Finding):
        return detail
    if isinstance(detail, Message):
        return Missing(detail)
    return Text(detail if isinstance(detail, str) else detail())


# ------------------------------------------------------------------ loop passes


class Pass(str):
    """One pass of a `for each` a check belongs to: ``年 = 2023``, ``居民区 = R016`` as text,
    with the loop's name and what it visits (a :class:`Unit` or a fact) as data."""

    __slots__ = ("name", "value")  # a check of every loop pass has one: no dict each

    name: str
    value: Any

    def __new__(cls, name: str, value: Any) -> Pass:
        label = value.id if isinstance(value, _IDENTIFIED) else value
        made = str.__new__(cls, f"{name} = {label}")
        made.name = name
        made.value = value
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Pass, (self.name, _light(self.value)))

    def data(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, Unit) and value.period is not None:
            period = value.period
            out: dict[str, Any] = {
                "name": self.name, "unit": value.unit, "label": str(value),
                "start": period.start.isoformat(), "end": period.end.isoformat(),
            }  # fmt: skip
            if value.name:
                out["vacation"] = value.name
            return out
        if isinstance(value, Fact | Ref):
            return {"name": self.name, "type": value.type, "id": value.id}
        return {"name": self.name, "label": str(value)}


def context_data(context: Sequence[str]) -> list[dict[str, Any]]:
    """A check's loop passes as data (a pass written as text: its text)."""
    return [c.data() if isinstance(c, Pass) else {"label": str(c)} for c in context]


@attrs.frozen
class Ref:
    """A fact as a finding keeps it across processes: its type, id and values (a reason needs
    no more, and a fact's class may not exist where the result is read)."""

    type: str
    id: str
    values: dict[str, Any] = attrs.field(eq=False, hash=False)


#: What a pass or a finding names by its id.
_IDENTIFIED = (Fact, Ref)


def _light(value: Any) -> Any:
    """A value to pickle with a finding: facts as :class:`Ref`s, everything else as it is."""
    if isinstance(value, Fact):
        return Ref(value.type, value.id, {k: _light(v) for k, v in value.values.items()})
    if isinstance(value, tuple) and value and isinstance(value[0], Fact):
        return tuple(_light(v) for v in value)
    return value


# ------------------------------------------------------------------ a rule's reason


class Reason:
    """A rule's reason: the first check that gave its verdict — its loop passes and its finding.
    ``str(reason)`` and :meth:`source` are the author's form (``年 = 2023: count(…) = 1, …``)."""

    __slots__ = ("_text", "context", "finding")

    def __init__(self, context: tuple[str, ...], finding: Finding) -> None:
        self.context, self.finding = context, finding
        self._text: str | None = None

    def source(self) -> str:
        if self._text is None:
            detail = self.finding.source()
            self._text = f"{'; '.join(self.context)}: {detail}" if self.context else detail
        return self._text

    def __call__(self) -> str:
        return self.source()

    def __str__(self) -> str:
        return self.source()

    def __repr__(self) -> str:
        return f"Reason({self.source()!r})"

    def data(self) -> dict[str, Any]:
        return {"context": context_data(self.context), **self.finding.data()}

    def settle(self) -> None:
        """Write the author's form and let go of the facts the reason holds (a loop's fact, a
        compared fact), keeping what a reason needs of them (:class:`Ref`)."""
        self.source()
        self.context = tuple(
            Pass(c.name, _light(c.value)) if isinstance(c, Pass) else c for c in self.context
        )
        finding = self.finding
        if isinstance(finding, Compared):
            finding.left, finding.right = _light(finding.left), _light(finding.right)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_reason, (self.context, self.finding, self.source()))


def _reason(context: tuple[str, ...], finding: Finding, text: str) -> Reason:
    made = Reason(context, finding)
    made._text = text
    return made


def json_value(value: Any, node: ir.Node | None = None) -> Any:
    """A value found or required, as JSON: numbers as numbers (a percentage as its fraction),
    dates as ``YYYY-MM-DD``, durations and periods as the language writes them, facts as
    ``type:id``."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Fact | Ref):
        return f"{value.type}:{value.id}"
    if isinstance(value, tuple):
        return [json_value(v) for v in value]
    if isinstance(value, Duration | Period):
        return str(value)
    return show(value)


class Noted:
    """Where generated code noted the first check of a verdict, without the check: the names of
    its loop passes and its finding (a constant one, or a requirement's comparison). The code
    keeps ``(noted, *values)`` — the passes' values, then what was compared, the verdict and
    the due date — and :func:`noted_reason` builds the passes and the finding only for the verdict
    the rule ends with (a rule notes the first check of each verdict it meets, and most are
    never read)."""

    __slots__ = ("finding", "names", "requirement")

    def __init__(
        self, names: tuple[str, ...], requirement: Requirement | None, finding: Finding | None
    ) -> None:
        self.names, self.requirement, self.finding = names, requirement, finding

    def reason(self, values: tuple[Any, ...]) -> Reason:
        names = self.names
        context = tuple(map(Pass, names, values)) if names else ()  # map stops with the names
        if self.requirement is None:
            return Reason(context, self.finding)  # type: ignore[arg-type]
        left, right, verdict, due = values[len(names):]
        return Reason(context, Compared(self.requirement, left, right, verdict, due))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Noted, (self.names, self.requirement, self.finding))


def noted_reason(entry: tuple[Any, ...]) -> Reason:
    """A rule's reason from what generated code noted of the check that decided it (``(noted,
    *values)``, :class:`Noted`); ``()``: the rule noted no check of its verdict."""
    if not entry:
        return Reason((), NoRequirement())
    noted: Noted = entry[0]
    return noted.reason(entry[1:])
