"""What a test kept beside the rules is, and what running tests gives: :class:`TestCase`,
:class:`TestOutcome` with its :class:`Mismatch` es, :class:`TestRun`, and the rules' and
branches' :class:`Coverage`.

Split from :mod:`protrules.testing.prltest` (issue 14, modules under ~600 lines) along its
seam: the values tests are made of here, collecting, running and rendering them there, where
every name is still importable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from protrules.errors import ProtrulesError
from protrules.evaluation.results import FAIL, FAILS, INCOMPLETE, MEETS, PASS, VETOED, EntityResult
from protrules.i18n import Text

__all__ = [
    "COVERED_VERDICTS",
    "STATUSES",
    "Branch",
    "Coverage",
    "Mismatch",
    "TestCase",
    "TestError",
    "TestOutcome",
    "TestRun",
]

STATUSES = (MEETS, FAILS, VETOED, INCOMPLETE)
#: The verdicts coverage looks for: a rule never seen to pass or never seen to fail is
#: tested on one side only.
COVERED_VERDICTS = (PASS, FAIL)


class TestError(ProtrulesError):
    """A test file that cannot be read as tests (bad JSON, unknown rule, bad verdict …)."""

    __test__ = False  # not a pytest test class
    code = "PRL802"


@attrs.frozen
class TestCase:
    """One test: a ledger (a path or an inline ledger object), a date and expectations."""

    __test__ = False

    name: str
    facts: str | Mapping[str, Any] | None
    as_of: dt.date | None
    expects: tuple[tuple[str, str], ...]
    status: str | None
    origin: str  # where it is declared: "rules/example.prl:139" or "tests/more.json#0"
    #: Where each expectation is written: (rule id or "status", "rules/example.prl:183").
    locations: tuple[tuple[str, str], ...] = ()

    def where(self, key: str) -> str:
        """Where the expectation of ``key`` (a rule id or ``status``) is written."""
        return next((at for k, at in self.locations if k == key), self.origin)

    #: Parameters the test sets, (name, value): the rule set is evaluated with these values.
    params: tuple[tuple[str, Any], ...] = ()


@attrs.frozen
class Mismatch:
    """An expectation that did not hold: ``rule`` is a rule id or ``status``."""

    test: str
    rule: str
    expected: str
    actual: str
    reason: Text
    where: str = attrs.field(default="", eq=False)  # the `expect` line: "rules/example.prl:183"

    def __str__(self) -> str:
        return f"{self.test}: {self.rule} expected {self.expected}, actual {self.actual} — {self.reason}"


@attrs.frozen
class TestOutcome:
    """A test's result: the evaluation, the expectations that failed, or why it could not run."""

    __test__ = False

    case: TestCase
    result: EntityResult | None
    mismatches: tuple[Mismatch, ...]
    error: Text | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.mismatches


@attrs.frozen
class TestRun:
    """Every test's outcome, in the order run."""

    __test__ = False

    outcomes: tuple[TestOutcome, ...]

    @property
    def passed(self) -> int:
        return sum(1 for o in self.outcomes if o.passed)

    @property
    def failed(self) -> int:
        return len(self.outcomes) - self.passed

    @property
    def mismatches(self) -> tuple[Mismatch, ...]:
        return tuple(m for o in self.outcomes for m in o.mismatches)


@attrs.frozen
class Branch:
    """A way a rule can go: a requirement that passes or fails, an ``applies when`` that holds or
    leaves the rule n/a; ``seen`` is what the tests saw it do."""

    rule: str
    kind: str  # "require", "advise" or "applies"
    text: str
    line: int | None
    outcomes: tuple[str, ...]  # what it can do: ("pass", "fail") or ("applies", "n/a")
    seen: tuple[str, ...]

    @property
    def never(self) -> tuple[str, ...]:
        return tuple(o for o in self.outcomes if o not in self.seen)


@attrs.frozen
class Coverage:
    """What the tests exercised: the rules with an expectation, the verdicts each rule took, and
    each requirement's and ``applies when``'s outcomes (branches) seen and never seen."""

    untested: tuple[str, ...]
    never: tuple[tuple[str, str], ...]  # (rule id, verdict)
    tests: int
    verdicts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (rule id, verdicts it took), rule order
    branches: tuple[Branch, ...] = ()

    @property
    def outcomes(self) -> int:
        """How many outcomes there are to see: pass and fail of each rule and each branch's."""
        return len(self.verdicts) * len(COVERED_VERDICTS) + sum(len(b.outcomes) for b in self.branches)

    @property
    def seen(self) -> int:
        return self.outcomes - len(self.never) - sum(len(b.never) for b in self.branches)

    @property
    def percent(self) -> float:
        """The share of outcomes the tests saw, 0–100 (100 for a rule set with nothing to see)."""
        return round(100 * self.seen / self.outcomes, 1) if self.outcomes else 100.0
