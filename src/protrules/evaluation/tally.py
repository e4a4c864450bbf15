"""Where a rule's checks go while it is evaluated: kept whole, or only tallied.

A full evaluation keeps every check (:class:`Checks`): reports, ``explain`` and ``due`` read
them. A batch that wants statuses, scores and verdicts (``evaluate(…, checks=False)``,
``protrules rank``) needs from the checks only what a :class:`~protrules.evaluation.results.RuleResult`
says about them — the verdict they combine to, the first check with that verdict (the
reason), the earliest pending due date and the union of their evidence — and a
:class:`Tally` keeps exactly that, without building a :class:`Check` (with its evidence ids)
for each of the hundreds of requirements a street's evaluation checks.

Both sinks take the same calls from the evaluator, so one code path serves both and the
results agree by construction; ``tests/test_summary.py``, the differential tests and every
language case file hold them to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from protrules.evaluation.findings import Finding, NoRequirement, Noted, Reason, finding_of, noted_reason
from protrules.evaluation.results import NA, PENDING, Check, combine_verdicts
from protrules.facts.model import Fact

__all__ = [
    "Checks",
    "Reason",
    "Sink",
    "Tally",
    "check_evidence",
    "evidence",
    "evidence_ids",
    "in_context",
    "labelled",
    "reason",
]

Detail = str | Finding | Callable[[], str]


def in_context(context: Sequence[str], detail: str) -> str:
    """A check's detail after its loop context (``场所 = V1; 周 = 2023-W14: …``): a reason."""
    return f"{'; '.join(context)}: {detail}" if context else detail


def labelled(name: str, context: Sequence[str]) -> str:
    """A `let`'s name with the loop pass it belongs to."""
    return f"{name} ({'; '.join(context)})" if context else name


def evidence_ids(facts: Iterable[Fact]) -> tuple[str, ...]:
    """The sorted ``type:id`` references of facts (each once)."""
    return tuple(sorted({f"{f.type}:{f.id}" for f in facts}))


def check_evidence(facts: Sequence[Fact]) -> tuple[str, ...]:
    """A check's evidence: :func:`evidence_ids`, quicker for none or one fact."""
    if not facts:
        return ()
    if len(facts) == 1:
        return (f"{facts[0].type}:{facts[0].id}",)
    return evidence_ids(facts)


class Checks(list[Check]):
    """Every check, in order, and every `let`'s value (a full evaluation)."""

    def __init__(self) -> None:
        super().__init__()
        self.lets: list[tuple[str, Any]] = []

    def let(self, name: str, context: tuple[str, ...], value: Any) -> None:
        """A `let`'s value, labelled with the loop pass it belongs to."""
        self.lets.append((labelled(name, context), value))

    def note(
        self,
        text: str,
        context: tuple[str, ...],
        verdict: str,
        detail: Detail,
        due: dt.date | None,
        facts: list[Fact],
        trace: tuple[Any, ...],
    ) -> None:
        """A requirement's check, from its parts."""
        self.append(Check(text, context, verdict, detail, due, check_evidence(facts), trace=trace))

    def advice(self) -> bool:
        """Whether advice (checks that never decide a verdict) is evaluated at all."""
        return True

    def mark(self) -> int:
        """Where the checks stand now, for :meth:`rollback`."""
        return len(self)

    def rollback(self, mark: Any) -> None:
        """Forget the checks noted since ``mark`` (a loop pass that does not apply)."""
        del self[mark:]


class Tally:
    """What a rule's result needs from its checks, without the checks."""

    __slots__ = ("count", "due", "facts", "first", "first_verdict", "ids")

    def __init__(self) -> None:
        self.count = 0  # checks of every kind, advice included
        self.first_verdict = ""  # the first check's verdict ("" for advice: it is never n/a)
        self.first: dict[str, tuple[tuple[str, ...], Detail]] = {}  # decisive verdict → first one
        self.due: dt.date | None = None  # the earliest due date of a pending check
        self.facts: list[Iterable[Fact]] = []  # evidence, as the facts each check read
        self.ids: list[str] = []  # evidence of checks noted whole

    def note(
        self,
        text: str,
        context: tuple[str, ...],
        verdict: str,
        detail: Detail,
        due: dt.date | None,
        facts: list[Fact],
        trace: tuple[Any, ...],
    ) -> None:
        if not self.count:
            self.first_verdict = verdict
        self.count += 1
        if verdict not in self.first:
            self.first[verdict] = (context, detail)
        if verdict == PENDING and due is not None and (self.due is None or due < self.due):
            self.due = due
        if facts:
            self.facts.append(facts)

    def let(self, name: str, context: tuple[str, ...], value: Any) -> None:
        """Values of `let`s are not kept."""

    def append(self, check: Check) -> None:
        if check.advisory:
            self.count += 1
            return
        self.note(check.text, check.context, check.verdict, check.finding, check.due, [], ())
        self.ids.extend(check.evidence)

    def advice(self) -> bool:
        """Advice never decides a verdict: it is counted, not evaluated."""
        self.count += 1
        return False

    def mark(self) -> Any:
        """Where the tally stands now, for :meth:`rollback`."""
        return (self.count, self.first_verdict, len(self.first), self.due, len(self.facts), len(self.ids))

    def rollback(self, mark: Any) -> None:
        """Back to ``mark``: forget what was noted since (a loop pass that does not apply)."""
        self.count, self.first_verdict, firsts, self.due, facts, ids = mark
        for verdict in list(self.first)[firsts:]:  # verdicts first seen since the mark
            del self.first[verdict]
        del self.facts[facts:]
        del self.ids[ids:]

    # -- what the rule result reads
    def only_not_applicable(self) -> bool:
        return self.count == 1 and self.first_verdict == NA

    def verdict(self) -> str:
        return combine_verdicts(self.first)

    def reason(self, verdict: str) -> Reason:
        """The rule result's reason for ``verdict``: its first check's finding in its context."""
        return reason(self.first.get(verdict))

    def evidence(self) -> tuple[str, ...] | _Evidence:
        """The evidence, or (when facts were read) a function listing it on first reading."""
        return evidence(self.facts, self.ids)


def reason(first: tuple[Any, ...] | None) -> Reason:
    """A rule's reason from the first check of its verdict: its context and finding, or what
    generated code noted of it (:class:`Noted`); its text is written when first read."""
    if first is None:
        return Reason((), NoRequirement())
    if first[0].__class__ is Noted:
        return noted_reason(first)
    context, detail = first
    return Reason(context, detail if isinstance(detail, Finding) else finding_of(detail))


def evidence(facts: list[Iterable[Fact]], ids: Iterable[str] = ()) -> tuple[str, ...] | _Evidence:
    """The evidence of facts read and ids noted, or (when facts were read) a function listing it."""
    if not facts:
        return tuple(sorted(set(ids))) if ids else ()
    return _Evidence(facts, ids if ids.__class__ is tuple else list(ids))


class _Evidence:
    """The sorted ``type:id`` references of the facts a tally's checks read, listed when called."""

    __slots__ = ("facts", "ids")

    def __init__(self, facts: list[Iterable[Fact]], ids: Sequence[str]) -> None:
        self.facts, self.ids = facts, ids

    def __call__(self) -> tuple[str, ...]:
        ids = {f"{f.type}:{f.id}" for f in set().union(*self.facts)}
        return tuple(sorted(ids.union(self.ids)))


Sink = Checks | Tally
