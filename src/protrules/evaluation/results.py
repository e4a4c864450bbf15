"""What an evaluation returns: per-check, per-rule and per-entity results.

These are plain frozen data; :mod:`protrules.report.render` turns them into text, JSON and
Markdown. Verdicts are docs/domain.md's (“Verdicts, status and score”): pass, fail, pending, unknown, n/a.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from protrules.evaluation.findings import Finding, Reason, Text, finding_of, noted_reason
from protrules.facts.model import Fact
from protrules.i18n import Message, joined, msg

__all__ = [
    "FAIL",
    "NA",
    "PASS",
    "PENDING",
    "UNKNOWN",
    "VERDICTS",
    "Check",
    "EntityResult",
    "RuleResult",
    "TraceStep",
    "combine_verdicts",
    "fictional_lines",
    "fictional_message",
]

PASS, FAIL, PENDING, UNKNOWN, NA = "pass", "fail", "pending", "unknown", "n/a"
VERDICTS = (PASS, FAIL, PENDING, UNKNOWN, NA)
#: Which verdict wins when a rule's checks disagree: a breach beats missing data, missing
#: data beats an open deadline, which beats a pass; n/a only when nothing applied.
_PRIORITY = {FAIL: 4, UNKNOWN: 3, PENDING: 2, PASS: 1, NA: 0}

#: Entity statuses: every required rule passes and no veto is hit (meets); a veto is hit
#: (vetoed); a required rule fails (fails); nothing failed but something is unknown or
#: pending (incomplete).
MEETS, FAILS, VETOED, INCOMPLETE = "meets", "fails", "vetoed", "incomplete"
STATUS_ZH = {MEETS: "达标", FAILS: "不达标", VETOED: "一票否决", INCOMPLETE: "待定"}
VERDICT_ZH = {PASS: "通过", FAIL: "未通过", PENDING: "未到期", UNKNOWN: "缺少数据", NA: "不适用"}


def combine_verdicts(verdicts: Iterable[str]) -> str:
    best = NA
    for verdict in verdicts:
        if _PRIORITY[verdict] > _PRIORITY[best]:
            best = verdict
    return best


@attrs.frozen
class TraceStep:
    """One evaluated sub-expression: its source text, its value, its depth in the tree."""

    depth: int
    text: str
    value: Any


Detail = str | Finding | Callable[[], str]


def _text(detail: Detail | Reason | Callable[[], Reason | str] | tuple[Any, ...]) -> str:
    """What equality sees of a detail or a reason: the author's form."""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, Finding | Reason):
        return detail.source()
    if detail.__class__ is tuple:
        return noted_reason(detail).source()
    made = detail()  # type: ignore[operator]
    return made if isinstance(made, str) else made.source()


@attrs.frozen
class Check:
    """One requirement, evaluated once (per fact or period when inside `for each`).

    ``detail`` is what the check found: a :class:`~protrules.evaluation.findings.Finding` (the
    evaluator's: data, worded when read — ``finding``), or text. ``detail`` reads as the
    author's form (``count(…) = 1, required >= 2``); a report words ``finding`` in a language
    (:mod:`protrules.report.reasons`). Equality, hashing and ``repr`` see the author's form;
    pickling keeps the finding.
    """

    text: str
    context: tuple[str, ...]
    verdict: str
    _detail: Detail = attrs.field(alias="detail", eq=_text)
    due: dt.date | None = None
    evidence: tuple[str, ...] = ()
    advisory: bool = False
    trace: tuple[TraceStep, ...] = ()

    @property
    def detail(self) -> str:
        """What the check found, in the author's form."""
        detail = self._detail
        if isinstance(detail, str):
            return detail
        return self.finding.source()

    @property
    def finding(self) -> Finding:
        """What the check found, as data (text given by hand is :class:`Text`)."""
        detail = self._detail
        if not isinstance(detail, Finding):
            detail = finding_of(detail)
            object.__setattr__(self, "_detail", detail)
        return detail

    def __repr__(self) -> str:
        return (
            f"Check(text={self.text!r}, context={self.context!r}, verdict={self.verdict!r},"
            f" detail={self.detail!r}, due={self.due!r}, evidence={self.evidence!r},"
            f" advisory={self.advisory!r}, trace={self.trace!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (Check, (self.text, self.context, self.verdict, self.finding, self.due, self.evidence,
                        self.advisory, self.trace))  # fmt: skip


#: A rule's evidence: its sorted ``type:id`` references, or what lists them when first read —
#: the facts its checks read (a list, each fact as often as it was read) or a function.
Evidence = tuple[str, ...] | list[Fact] | Callable[[], tuple[str, ...]]

#: A rule's reason: text, the data, or what makes it when first read — a function, or what
#: generated code noted of the deciding check (a tuple, findings.noted_reason).
Why = str | Reason | Callable[[], Reason | str] | tuple[Any, ...]


def _ids(evidence: Evidence) -> tuple[str, ...]:
    if evidence.__class__ is tuple:
        return evidence
    if evidence.__class__ is list:
        return tuple(sorted({f"{f.type}:{f.id}" for f in set(evidence)}))
    return evidence()  # type: ignore[operator]


@attrs.frozen
class RuleResult:
    """A rule's verdict for one entity, with the checks that decided it.

    ``reason`` is the first check that gave the verdict (:class:`~protrules.evaluation.findings.
    Reason`: its loop passes and finding; ``why``), or text. ``reason`` reads as the author's form
    (``年 = 2023: count(…) = 1, required >= 2; was due 2023-12-31``); a report words ``why`` in a
    language (:func:`protrules.report.reasons.reason_words`). An evaluation without checks
    gives both as what makes them when first read: ``reason`` as a function, or as what the
    deciding check was noted with (a tuple, :func:`~protrules.evaluation.findings.noted_reason`),
    and ``evidence`` as a function or as the list of facts its checks read. The evidence of a
    rule over a year of ledgers is hundreds of sorted ``type:id`` strings that a batch run
    ranking streets never reads, and a result held as few objects costs the collector less
    while thousands are kept. Equality, hashing and ``repr`` see the text; pickling keeps the
    reason's data.
    """

    rule: str
    title: str
    kind: str
    weight: Any
    verdict: str
    _reason: Why = attrs.field(alias="reason", eq=_text)
    due: dt.date | None
    _evidence: Evidence = attrs.field(alias="evidence", eq=_ids)
    checks: tuple[Check, ...]
    lets: tuple[tuple[str, Any], ...] = ()

    @property
    def reason(self) -> str:
        """Why the verdict, in the author's form: the first check that gave it, with its loop
        context."""
        reason = self._reason
        return reason if isinstance(reason, str) else self.why.source()

    @property
    def why(self) -> Reason:
        """Why the verdict, as data: the first check that gave it (its loop passes and finding)."""
        reason = self._reason
        if not isinstance(reason, Reason):
            if reason.__class__ is tuple:
                reason = noted_reason(reason)
            else:
                made = reason if isinstance(reason, str) else reason()  # type: ignore[operator]
                reason = made if isinstance(made, Reason) else Reason((), Text(made))
            object.__setattr__(self, "_reason", reason)
        return reason

    @property
    def evidence(self) -> tuple[str, ...]:
        """The sorted ``type:id`` references of the facts the rule's checks read."""
        evidence = self._evidence
        if evidence.__class__ is not tuple:
            evidence = _ids(evidence)
            object.__setattr__(self, "_evidence", evidence)
        return evidence

    @property
    def counts_in_score(self) -> bool:
        return self.kind in ("required", "assessed") and self.verdict != NA

    def __repr__(self) -> str:
        return (
            f"RuleResult(rule={self.rule!r}, title={self.title!r}, kind={self.kind!r},"
            f" weight={self.weight!r}, verdict={self.verdict!r}, reason={self.reason!r},"
            f" due={self.due!r}, evidence={self.evidence!r}, checks={self.checks!r}, lets={self.lets!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (RuleResult, (self.rule, self.title, self.kind, self.weight, self.verdict, self.why,
                             self.due, self.evidence, self.checks, self.lets))  # fmt: skip


#: Each field's slot setter: ``tallied`` sets every field, as attrs' ``__init__`` does.
_SET: dict[str, Any] = {f.name: RuleResult.__dict__[f.name].__set__ for f in attrs.fields(RuleResult)}


def tallied(
    rule: str, title: str, kind: str, weight: Any, verdict: str, reason: Any, due: dt.date | None,
    evidence: Evidence,
) -> RuleResult:
    """``RuleResult(rule, title, kind, weight, verdict, reason, due, evidence, ())``, made the
    quicker way (each slot set by its own descriptor, not through ``object.__setattr__``): every
    rule of every evaluation without checks makes one."""
    made: RuleResult = object.__new__(RuleResult)
    _set_rule(made, rule)
    _set_title(made, title)
    _set_kind(made, kind)
    _set_weight(made, weight)
    _set_verdict(made, verdict)
    _set_reason(made, reason)
    _set_due(made, due)
    _set_evidence(made, evidence)
    _set_checks(made, ())
    _set_lets(made, ())
    return made


_set_rule, _set_title, _set_kind = _SET["rule"], _SET["title"], _SET["kind"]
_set_weight, _set_verdict, _set_reason = _SET["weight"], _SET["verdict"], _SET["_reason"]
_set_due, _set_evidence, _set_checks, _set_lets = _SET["due"], _SET["_evidence"], _SET["checks"], _SET["lets"]


@attrs.frozen
class EntityResult:
    """One entity's assessment: its status, score and every rule's result."""

    entity: str
    name: str
    as_of: dt.date
    status: str
    score: Decimal | None
    passed: Any
    applicable: Any
    vetoed_by: tuple[str, ...]
    results: tuple[RuleResult, ...]
    #: False when evaluated with ``checks=False``: rule results then hold no checks or lets.
    with_checks: bool = True
    #: The entity says its records are invented (its ledger's ``entity.fictional``).
    fictional: bool = False
    #: The entity's own note (its ledger's ``entity.note``), which reports print.
    note: str = ""

    def settle(self) -> EntityResult:
        """Write every reason and evidence left to first reading (see :class:`RuleResult`), so
        that the result no longer holds the facts they are made from; returns the result. A
        caller keeping many results without reading them all settles each as it arrives."""
        for result in self.results:
            result.why.settle()
            result.evidence  # noqa: B018 - reading writes it
        return self

    def result(self, rule_id: str) -> RuleResult | None:
        for result in self.results:
            if result.rule == rule_id:
                return result
        return None

    def count(self, verdict: str, kinds: tuple[str, ...] = ("required", "assessed")) -> int:
        return sum(1 for r in self.results if r.verdict == verdict and r.kind in kinds)

    @property
    def verdicts(self) -> dict[str, str]:
        return {r.rule: r.verdict for r in self.results}


def fictional_message(results: Sequence[EntityResult]) -> Message | None:
    """The line saying which entities are fictional examples, with their notes (None when none
    is): an invented 重大案件 must not read as news about a real street."""
    marked = [r for r in results if r.fictional]
    if not marked:
        return None
    who = msg("every entity") if len(marked) == len(results) else joined(r.name for r in marked)
    notes = sorted({r.note for r in marked if r.note})
    if notes:
        return msg("Fictional example data: {who} — {notes}", who=who, notes=" / ".join(notes))
    return msg("Fictional example data: {who}", who=who)


def fictional_lines(results: Sequence[EntityResult], lang: str = "en") -> list[str]:
    """A report's line saying which entities are fictional examples, in ``lang`` (none when
    none is): :func:`fictional_message`."""
    message = fictional_message(results)
    return [message.render(lang)] if message is not None else []

