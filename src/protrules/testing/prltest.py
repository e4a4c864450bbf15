"""Running the tests kept beside the rules, and what they leave untested.

A rule file's ``test`` blocks name a ledger, an as-of date and the verdicts (and entity
status) the author expects; JSON test files add more without touching the rule file::

    {"name": "星星站未达标", "facts": "../examples/demo/xingxing.json", "as_of": "2024-03-31",
     "expect": {"1.1.1": "fail", "N.1": "fail"}, "status": "vetoed"}

A JSON test file holds one such object, a list of them, or ``{"tests": [...]}``; ``facts``
is a path relative to the test file or an inline ledger object. ``as_of`` defaults to the
end of the assessment period.

:func:`run_tests` evaluates each test and compares; :func:`coverage` names the rules no test
has an expectation for and the verdicts a rule never took in any test ("2.1.3: never
fail"), which is where a wrong rule can hide.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from protrules.calendar.workdays import parse_date
from protrules.checking.ir import Program
from protrules.compiling.ruleset import RuleSet
from protrules.errors import ProtrulesError
from protrules.evaluation.results import (
    FAIL,
    FAILS,
    INCOMPLETE,
    MEETS,
    PASS,
    PENDING,
    UNKNOWN,
    VERDICTS,
    VETOED,
    EntityResult,
)
from protrules.language.diagnostics import suggest

__all__ = [
    "Coverage",
    "Mismatch",
    "TestCase",
    "TestError",
    "TestOutcome",
    "TestRun",
    "coverage",
    "coverage_text",
    "load_test_file",
    "run_tests",
    "run_text",
    "tests_from_program",
]

STATUSES = (MEETS, FAILS, VETOED, INCOMPLETE)
#: The verdicts coverage looks for: a rule never seen to pass or never seen to fail is
#: tested on one side only.
COVERED_VERDICTS = (PASS, FAIL)
_KEYS = ("name", "facts", "as_of", "expect", "status")


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
    origin: str  # where it is declared: "rules/example.prl:139" or "tests/more.json"


@attrs.frozen
class Mismatch:
    """An expectation that did not hold: ``rule`` is a rule id or ``status``."""

    test: str
    rule: str
    expected: str
    actual: str
    reason: str

    def __str__(self) -> str:
        return f"{self.test}: {self.rule} expected {self.expected}, actual {self.actual} — {self.reason}"


@attrs.frozen
class TestOutcome:
    """A test's result: the evaluation, the expectations that failed, or why it could not run."""

    __test__ = False

    case: TestCase
    result: EntityResult | None
    mismatches: tuple[Mismatch, ...]
    error: str | None = None

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
class Coverage:
    """Rules no test expects anything of, and verdicts a rule never took in any test."""

    untested: tuple[str, ...]
    never: tuple[tuple[str, str], ...]  # (rule id, verdict)
    tests: int


# ------------------------------------------------------------------ collecting


def tests_from_program(program: Program, rules_path: str | os.PathLike[str]) -> list[TestCase]:
    """The ``test`` blocks of a rule file; their ``facts`` paths are relative to the file."""
    base = os.path.dirname(os.fspath(rules_path))
    out = []
    for test in program.tests:
        facts = os.path.normpath(os.path.join(base, test.facts)) if test.facts is not None else None
        line = f":{test.span.line}" if test.span is not None else ""
        out.append(
            TestCase(
                test.name, facts, test.as_of, test.expects, test.status, f"{os.fspath(rules_path)}{line}"
            )
        )
    return out


def load_test_file(path: str | os.PathLike[str], ruleset: RuleSet) -> list[TestCase]:
    """The tests of a JSON test file, checked against the rule set (rule ids, verdicts)."""
    name = os.fspath(path)
    with open(name, "rb") as handle:
        raw = handle.read()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise TestError(f"{name}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise TestError(f"{name}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    if isinstance(data, Mapping) and "tests" in data and set(data) == {"tests"}:
        data = data["tests"]
    items = data if isinstance(data, list) else [data]
    base = os.path.dirname(name)
    return [_json_case(item, f"{name}#{index}", base, ruleset) for index, item in enumerate(items)]


def _json_case(item: Any, where: str, base: str, ruleset: RuleSet) -> TestCase:
    if not isinstance(item, Mapping):
        raise TestError(f"{where}: a test is an object with name, facts, as_of, expect, status")
    for key in item:
        if key not in _KEYS:
            guess = suggest(str(key), _KEYS)
            hint = f"; did you mean `{guess}`?" if guess else f" (known: {', '.join(_KEYS)})"
            raise TestError(f"{where}: unknown key `{key}`{hint}")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TestError(f"{where}: a test needs a `name` (text)")
    origin = where
    where = f"{where} ({name})"
    facts: str | Mapping[str, Any] | None
    raw_facts = item.get("facts")
    if isinstance(raw_facts, str):
        facts = os.path.normpath(os.path.join(base, raw_facts))
    elif isinstance(raw_facts, Mapping):
        facts = raw_facts
    else:
        raise TestError(f"{where}: `facts` must be a path or a ledger object")
    as_of = None
    if item.get("as_of") is not None:
        if not isinstance(item["as_of"], str):
            raise TestError(f"{where}: `as_of` must be a date like 2024-03-31")
        try:
            as_of = parse_date(item["as_of"])
        except ProtrulesError as error:
            raise TestError(f"{where}: as_of: {error}") from None
    expect = item.get("expect", {})
    if not isinstance(expect, Mapping):
        raise TestError(f'{where}: `expect` must map rule ids to verdicts, e.g. {{"2.1.3": "pass"}}')
    known = [r.id for r in ruleset.rules]
    expects = []
    for rule_id, verdict in expect.items():
        if rule_id not in known:
            guess = suggest(rule_id, known)
            raise TestError(
                f"{where}: unknown rule id {rule_id}" + (f"; did you mean {guess}?" if guess else "")
            )
        if verdict not in VERDICTS:
            allowed = ", ".join(VERDICTS)
            raise TestError(f"{where}: rule {rule_id}: verdict must be one of {allowed}, not {verdict!r}")
        expects.append((rule_id, verdict))
    status = item.get("status")
    if status is not None and status not in STATUSES:
        raise TestError(f"{where}: status must be one of {', '.join(STATUSES)}, not {status!r}")
    if not expects and status is None:
        raise TestError(f"{where}: the test expects nothing (add `expect` or `status`)")
    return TestCase(name, facts, as_of, tuple(expects), status, origin)


# ------------------------------------------------------------------ running


def _status_reason(result: EntityResult) -> str:
    if result.status == VETOED:
        return "vetoed by " + ", ".join(result.vetoed_by)
    if result.status == FAILS:
        failed = [r.rule for r in result.results if r.verdict == FAIL and r.kind in ("required", "assessed")]
        return "failed: " + ", ".join(failed)
    if result.status == INCOMPLETE:
        open_ = [r.rule for r in result.results if r.verdict in (UNKNOWN, PENDING) and r.kind != "advisory"]
        return "unknown or pending: " + ", ".join(open_)
    return "every required clause passes and no veto is hit"


def _load(case: TestCase, ruleset: RuleSet) -> Any:
    from protrules.facts.ledgers import ledger_from_mapping, load_ledger

    if case.facts is None:
        raise TestError("the test names no facts")
    if isinstance(case.facts, str):
        if not os.path.exists(case.facts):
            raise TestError(f"no such file: {case.facts}")
        return load_ledger(case.facts, ruleset.fact_types)
    return ledger_from_mapping(case.facts, ruleset.fact_types, origin=case.origin)


def _os_message(error: OSError) -> str:
    return f"{(error.strerror or str(error)).lower()}: {error.filename}"


def run_test(ruleset: RuleSet, case: TestCase) -> TestOutcome:
    """Evaluate one test's ledger and compare with its expectations."""
    try:
        ledger = _load(case, ruleset)
    except (ProtrulesError, OSError) as error:
        message = error.message if isinstance(error, ProtrulesError) else _os_message(error)
        return TestOutcome(case, None, (), f"cannot load facts: {message}")
    try:
        result = ruleset.evaluate(ledger, case.as_of)
    except ProtrulesError as error:
        return TestOutcome(case, None, (), f"cannot evaluate: {error.message}")
    mismatches = []
    for rule_id, expected in case.expects:
        rule_result = result.result(rule_id)
        if rule_result is None:
            mismatches.append(Mismatch(case.name, rule_id, expected, "missing", "no such rule"))
        elif rule_result.verdict != expected:
            mismatches.append(Mismatch(case.name, rule_id, expected, rule_result.verdict, rule_result.reason))
    if case.status is not None and result.status != case.status:
        mismatches.append(Mismatch(case.name, "status", case.status, result.status, _status_reason(result)))
    return TestOutcome(case, result, tuple(mismatches))


def run_tests(ruleset: RuleSet, cases: Sequence[TestCase]) -> TestRun:
    """Run every test; a test whose facts cannot be loaded fails with the reason."""
    return TestRun(tuple(run_test(ruleset, case) for case in cases))


def coverage(ruleset: RuleSet, run: TestRun) -> Coverage:
    """The rules no test expects a verdict of, and the pass/fail verdicts a rule never took."""
    expected = {rule_id for o in run.outcomes for rule_id, _ in o.case.expects}
    seen: dict[str, set[str]] = {r.id: set() for r in ruleset.rules}
    for outcome in run.outcomes:
        if outcome.result is not None:
            for rule_result in outcome.result.results:
                seen.setdefault(rule_result.rule, set()).add(rule_result.verdict)
    untested = tuple(r.id for r in ruleset.rules if r.id not in expected)
    never = tuple((r.id, v) for r in ruleset.rules for v in COVERED_VERDICTS if v not in seen[r.id])
    return Coverage(untested, never, len(run.outcomes))


# ------------------------------------------------------------------ rendering


def run_text(run: TestRun) -> str:
    """One line per test, each failing expectation, and ``N passed, M failed`` last."""
    lines = []
    for outcome in run.outcomes:
        case = outcome.case
        if outcome.error is not None:
            lines.append(f"ERROR {case.name} ({case.origin}): {outcome.error}")
        elif outcome.mismatches:
            lines.append(f"FAIL  {case.name} ({case.origin})")
            lines.extend(f"      {m}" for m in outcome.mismatches)
        else:
            count = len(case.expects) + (case.status is not None)
            lines.append(f"ok    {case.name} ({count} expectation{'s' if count != 1 else ''})")
    lines.append("")
    lines.append(f"{run.passed} passed, {run.failed} failed")
    return "\n".join(lines) + "\n"


def coverage_text(ruleset: RuleSet, cov: Coverage) -> str:
    """What the tests leave untested, one finding a line."""
    total = len(ruleset.rules)
    covered = total - len(cov.untested)
    lines = [f"coverage: {covered} of {total} rules have an expectation in {cov.tests} tests"]
    if cov.untested:
        lines.append(f"no expectation ({len(cov.untested)}): {', '.join(cov.untested)}")
    lines.extend(f"{rule_id}: never {verdict}" for rule_id, verdict in cov.never)
    return "\n".join(lines) + "\n"
