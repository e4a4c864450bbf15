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

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from protrules.calendar.workdays import parse_date
from protrules.checking.ir import (
    AdviseS,
    AppliesS,
    ForFactsS,
    ForPeriodsS,
    Program,
    RequireS,
    Stmt,
)
from protrules.compiling.ruleset import RuleSet
from protrules.errors import ProtrulesError
from protrules.evaluation.labels import VERDICT_WORD
from protrules.evaluation.results import (
    FAIL,
    FAILS,
    INCOMPLETE,
    NA,
    PENDING,
    UNKNOWN,
    VERDICTS,
    VETOED,
    EntityResult,
)
from protrules.i18n import Message, joined, msg, msgn, render
from protrules.i18n.system import os_reason
from protrules.language.diagnostics import suggest
from protrules.testing.cases import (
    COVERED_VERDICTS,
    STATUSES,
    Branch,
    Coverage,
    Mismatch,
    TestCase,
    TestError,
    TestOutcome,
    TestRun,
)

__all__ = [
    "Branch",
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

#: The keys of a test in a JSON test file.
_KEYS = ("name", "facts", "as_of", "parameters", "expect", "status")

# ------------------------------------------------------------------ collecting


def tests_from_program(program: Program, rules_path: str | os.PathLike[str]) -> list[TestCase]:
    """The ``test`` blocks of a rule file; their ``facts`` paths are relative to the file."""
    base = os.path.dirname(os.fspath(rules_path))
    out = []
    for test in program.tests:
        facts = os.path.normpath(os.path.join(base, test.facts)) if test.facts is not None else None
        line = f":{test.span.line}" if test.span is not None else ""
        path = os.fspath(rules_path)
        locations = tuple((key, f"{path}:{number}") for key, number in test.lines)
        out.append(
            TestCase(
                test.name,
                facts,
                test.as_of,
                test.expects,
                test.status,
                f"{path}{line}",
                locations,
                test.params,
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
        raise TestError(
            msg(
                "{path}: not UTF-8 text ({reason} at byte {byte})",
                path=name,
                reason=error.reason,
                byte=error.start,
            )
        ) from None
    except json.JSONDecodeError as error:
        where = f"{name}:{error.lineno}:{error.colno}"
        raise TestError(msg("{where}: invalid JSON: {error}", where=where, error=error.msg)) from None
    if isinstance(data, Mapping) and "tests" in data and set(data) == {"tests"}:
        data = data["tests"]
    items = data if isinstance(data, list) else [data]
    base = os.path.dirname(name)
    return [_json_case(item, f"{name}#{index}", base, ruleset) for index, item in enumerate(items)]


def _json_case(item: Any, where: str, base: str, ruleset: RuleSet) -> TestCase:
    if not isinstance(item, Mapping):
        raise TestError(
            msg("{where}: a test is an object with name, facts, as_of, expect, status", where=where)
        )
    for key in item:
        if key not in _KEYS:
            guess = suggest(str(key), _KEYS)
            if guess:
                raise TestError(
                    msg(
                        "{where}: unknown key `{key}`; did you mean `{guess}`?",
                        where=where,
                        key=key,
                        guess=guess,
                    )
                )
            raise TestError(
                msg("{where}: unknown key `{key}` (known: {keys})", where=where, key=key, keys=joined(_KEYS))
            )
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TestError(msg("{where}: a test needs a `name` (text)", where=where))
    origin = where
    where = f"{where} ({name})"
    facts: str | Mapping[str, Any] | None
    raw_facts = item.get("facts")
    if isinstance(raw_facts, str):
        facts = os.path.normpath(os.path.join(base, raw_facts))
    elif isinstance(raw_facts, Mapping):
        facts = raw_facts
    else:
        raise TestError(msg("{where}: `facts` must be a path or a ledger object", where=where))
    as_of = None
    if item.get("as_of") is not None:
        if not isinstance(item["as_of"], str):
            raise TestError(msg("{where}: `as_of` must be a date like 2024-03-31", where=where))
        try:
            as_of = parse_date(item["as_of"])
        except ProtrulesError as error:
            raise TestError(msg("{where}: as_of: {error}", where=where, error=error.msg)) from None
    expect = item.get("expect", {})
    if not isinstance(expect, Mapping):
        raise TestError(
            msg('{where}: `expect` must map rule ids to verdicts, e.g. {{"2.1.3": "pass"}}', where=where)
        )
    known = [r.id for r in ruleset.rules]
    expects = []
    for rule_id, verdict in expect.items():
        if rule_id not in known:
            guess = suggest(rule_id, known)
            unknown = msg("{where}: unknown rule id {rule}", where=where, rule=rule_id)
            if guess:
                unknown = msg(
                    "{where}: unknown rule id {rule}; did you mean {guess}?",
                    where=where,
                    rule=rule_id,
                    guess=guess,
                )
            raise TestError(unknown)
        if verdict not in VERDICTS:
            raise TestError(
                msg(
                    "{where}: rule {rule}: verdict must be one of {allowed}, not {verdict}",
                    where=where,
                    rule=rule_id,
                    allowed=joined(VERDICTS),
                    verdict=repr(verdict),
                )
            )
        expects.append((rule_id, verdict))
    status = item.get("status")
    if status is not None and status not in STATUSES:
        raise TestError(
            msg(
                "{where}: status must be one of {allowed}, not {status}",
                where=where,
                allowed=joined(STATUSES),
                status=repr(status),
            )
        )
    if not expects and status is None:
        raise TestError(msg("{where}: the test expects nothing (add `expect` or `status`)", where=where))
    params = _json_params(item, where, ruleset)
    return TestCase(name, facts, as_of, tuple(expects), status, origin, params=params)


def _json_params(item: Mapping[str, Any], where: str, ruleset: RuleSet) -> tuple[tuple[str, Any], ...]:
    """A JSON test's ``parameters``: names and values (text as a rule file writes it, numbers,
    true/false), each checked against its parameter's type."""
    from protrules.checking.parameters import coerce

    given = item.get("parameters", {})
    if not isinstance(given, Mapping):
        raise TestError(
            msg(
                '{where}: `parameters` must map parameter names to values, e.g. {{"会议次数": 3}}',
                where=where,
            )
        )
    out = []
    for name, raw in given.items():
        value = str(raw).lower() if isinstance(raw, bool) else raw
        value = str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        try:
            out.append((name, coerce(ruleset.program, name, value)))
        except ProtrulesError as error:
            raise TestError(msg("{where}: {message}", where=where, message=error.msg)) from None
    return tuple(out)


# ------------------------------------------------------------------ running


def _status_reason(result: EntityResult) -> Message:
    if result.status == VETOED:
        return msg("vetoed by {rules}", rules=joined(result.vetoed_by))
    if result.status == FAILS:
        failed = [r.rule for r in result.results if r.verdict == FAIL and r.kind in ("required", "assessed")]
        return msg("failed: {rules}", rules=joined(failed))
    if result.status == INCOMPLETE:
        open_ = [r.rule for r in result.results if r.verdict in (UNKNOWN, PENDING) and r.kind != "advisory"]
        return msg("unknown or pending: {rules}", rules=joined(open_))
    return msg("every required clause passes and no veto is hit")


def _load(case: TestCase, ruleset: RuleSet) -> Any:
    from protrules.facts.ledgers import ledger_from_mapping, load_ledger

    if case.facts is None:
        raise TestError(msg("the test names no facts"))
    if isinstance(case.facts, str):
        if not os.path.exists(case.facts):
            raise TestError(msg("no such file: {path}", path=case.facts))
        return load_ledger(case.facts, ruleset.fact_types)
    return ledger_from_mapping(case.facts, ruleset.fact_types, origin=case.origin)


_DISTRICTS: dict[tuple[str, float], Any] = {}


def _with_district(case: TestCase, ruleset: RuleSet) -> RuleSet:
    """The rule set reading the test's ledger with the district ledger beside it, as the
    command line does (protrules.facts.district): a ``_district.json`` in the ledger's folder."""
    from protrules.facts.district import district_beside
    from protrules.facts.ledgers import load_ledger

    if not isinstance(case.facts, str):
        return ruleset
    path = district_beside([case.facts])
    if path is None:
        return ruleset
    key = (os.path.abspath(path), os.path.getmtime(path))
    if key not in _DISTRICTS:
        _DISTRICTS.clear()
        _DISTRICTS[key] = load_ledger(path, ruleset.fact_types)
    return ruleset.with_district(_DISTRICTS[key])


def _os_message(error: OSError) -> Message:
    return msg("{reason}: {path}", reason=os_reason(error), path=error.filename)


def run_test(ruleset: RuleSet, case: TestCase) -> TestOutcome:
    """Evaluate one test's ledger and compare with its expectations (with the parameters the
    test sets)."""
    if case.params and dict(case.params) != dict(ruleset.program.overrides):
        ruleset = ruleset.with_parameters(dict(case.params))
    try:
        ledger = _load(case, ruleset)
        ruleset = _with_district(case, ruleset)
    except (ProtrulesError, OSError) as error:
        message = error.msg if isinstance(error, ProtrulesError) else _os_message(error)
        return TestOutcome(case, None, (), msg("cannot load facts: {message}", message=message))
    try:
        result = ruleset.evaluate(ledger, case.as_of)
    except ProtrulesError as error:
        return TestOutcome(case, None, (), msg("cannot evaluate: {message}", message=error.msg))
    mismatches = []
    for rule_id, expected in case.expects:
        rule_result = result.result(rule_id)
        where = case.where(rule_id)
        if rule_result is None:
            mismatches.append(Mismatch(case.name, rule_id, expected, "missing", msg("no such rule"), where))
        elif rule_result.verdict != expected:
            mismatches.append(
                Mismatch(case.name, rule_id, expected, rule_result.verdict, rule_result.reason, where)
            )
    if case.status is not None and result.status != case.status:
        reason, where = _status_reason(result), case.where("status")
        mismatches.append(Mismatch(case.name, "status", case.status, result.status, reason, where))
    return TestOutcome(case, result, tuple(mismatches))


def run_tests(ruleset: RuleSet, cases: Sequence[TestCase]) -> TestRun:
    """Run every test; a test whose facts cannot be loaded fails with the reason. Tests that set
    the same parameters share one rule set."""
    variants: dict[tuple[tuple[str, Any], ...], RuleSet] = {(): ruleset}
    outcomes = []
    for case in cases:
        if case.params not in variants:
            variants[case.params] = ruleset.with_parameters(dict(case.params))
        outcomes.append(run_test(variants[case.params], case))
    return TestRun(tuple(outcomes))


def coverage(ruleset: RuleSet, run: TestRun) -> Coverage:
    """The rules no test expects a verdict of, the verdicts each rule took, and the outcomes of
    each requirement and ``applies when`` that no test saw."""
    expected = {rule_id for o in run.outcomes for rule_id, _ in o.case.expects}
    seen: dict[str, set[str]] = {r.id: set() for r in ruleset.rules}
    checks: dict[tuple[str, str], set[str]] = {}
    for outcome in run.outcomes:
        if outcome.result is None:
            continue
        for rule_result in outcome.result.results:
            seen.setdefault(rule_result.rule, set()).add(rule_result.verdict)
            for check in rule_result.checks:
                checks.setdefault((rule_result.rule, check.text), set()).add(check.verdict)
    branches = []
    for rule in ruleset.program.rules:
        for stmt in _statements(rule.body):
            line = stmt.span.line if stmt.span is not None else None
            if isinstance(stmt, RequireS | AdviseS):
                found = checks.get((rule.id, stmt.text), set())
                kind = "require" if isinstance(stmt, RequireS) else "advise"
                seen_here = _seen(found, COVERED_VERDICTS)
                branches.append(Branch(rule.id, kind, stmt.text, line, COVERED_VERDICTS, seen_here))
            elif isinstance(stmt, AppliesS):
                found = {"n/a" if v == NA else "applies" for v in seen.get(rule.id, set())}
                outcomes = ("applies", NA)
                branches.append(Branch(rule.id, "applies", stmt.text, line, outcomes, _seen(found, outcomes)))
    untested = tuple(r.id for r in ruleset.rules if r.id not in expected)
    never = tuple((r.id, v) for r in ruleset.rules for v in COVERED_VERDICTS if v not in seen[r.id])
    taken = tuple((r.id, tuple(v for v in VERDICTS if v in seen[r.id])) for r in ruleset.rules)
    return Coverage(untested, never, len(run.outcomes), taken, tuple(branches))


def _seen(found: set[str], outcomes: tuple[str, ...]) -> tuple[str, ...]:
    """What was seen, the branch's own outcomes first in their order, then the others."""
    return tuple(o for o in outcomes if o in found) + tuple(sorted(found - set(outcomes)))


def _statements(body: Sequence[Stmt]) -> Iterator[Stmt]:
    for stmt in body:
        yield stmt
        if isinstance(stmt, ForFactsS | ForPeriodsS):
            yield from _statements(stmt.body)


# ------------------------------------------------------------------ rendering


def run_text(run: TestRun, *, verbose: bool = False, lang: str = "en") -> str:
    """One line per test, each failing expectation at its `expect` line with expected and
    actual side by side, and ``N passed, M failed`` last; ``verbose`` lists every expectation."""
    lines = []
    for outcome in run.outcomes:
        case = outcome.case
        if outcome.error is not None:
            error = msg(
                "ERROR {name} ({origin}): {error}", name=case.name, origin=case.origin, error=outcome.error
            )
            lines.append(error.render(lang))
            continue
        count = len(case.expects) + (case.status is not None)
        if outcome.mismatches:
            lines.append(msg("FAIL  {name} ({origin})", name=case.name, origin=case.origin).render(lang))
        else:
            ok = msgn(
                "ok    {name} ({n} expectation)", "ok    {name} ({n} expectations)", count, name=case.name
            )
            lines.append(ok.render(lang))
        failed = {m.rule: m for m in outcome.mismatches}
        keys = [rule_id for rule_id, _ in case.expects] + (["status"] if case.status is not None else [])
        expects = dict(case.expects)
        if case.status is not None:
            expects["status"] = case.status
        for key in keys:
            mismatch = failed.get(key)
            if mismatch is not None:
                lines.append(f"      {mismatch.where or case.origin}: expect {key} {mismatch.expected}")
                sides = msg(
                    "expected {expected} actual {actual}",
                    expected=f"{mismatch.expected:<10}",
                    actual=mismatch.actual,
                )
                lines.append(f"          {sides.render(lang)}")
                lines.append(f"          {render(mismatch.reason, lang)}")
            elif verbose:
                lines.append(f"      {case.where(key)}: expect {key} {expects[key]}  ok")
    lines.append("")
    lines.append(msg("{passed} passed, {failed} failed", passed=run.passed, failed=run.failed).render(lang))
    return "\n".join(lines) + "\n"


#: What a requirement or an ``applies when`` can do, in words.
_OUTCOME_WORDS = {**VERDICT_WORD, "applies": msg("applies")}


def coverage_text(ruleset: RuleSet, cov: Coverage, *, lang: str = "en") -> str:
    """What the tests leave untested, one finding a line, and the share of outcomes seen."""
    total = len(ruleset.rules)
    covered = total - len(cov.untested)
    lines = [
        msg(
            "coverage: {covered} of {total} rules have an expectation in {tests} tests",
            covered=covered,
            total=total,
            tests=cov.tests,
        )
    ]
    if cov.untested:
        lines.append(msg("no expectation ({n}): {rules}", n=len(cov.untested), rules=joined(cov.untested)))
    lines.extend(
        msg("{rule}: never {verdict}", rule=rule_id, verdict=_OUTCOME_WORDS[v]) for rule_id, v in cov.never
    )
    for branch in cov.branches:
        if branch.never:
            never = msg(" or ").render(lang).join(_OUTCOME_WORDS[o].render(lang) for o in branch.never)
            if branch.line is not None:
                lines.append(
                    msg("{rule}: line {line}: `{text}` never {outcomes}", rule=branch.rule, line=branch.line,
                        text=branch.text, outcomes=never)
                )  # fmt: skip
            else:
                lines.append(
                    msg(
                        "{rule}: `{text}` never {outcomes}",
                        rule=branch.rule,
                        text=branch.text,
                        outcomes=never,
                    )
                )
    lines.append(
        msg(
            "outcomes seen: {seen} of {total} ({percent}%)",
            seen=cov.seen,
            total=cov.outcomes,
            percent=cov.percent,
        )
    )
    return "\n".join(line.render(lang) for line in lines) + "\n"
