"""A test run and its coverage as documents a CI reads: JSON and JUnit XML.

``protrules test --format json`` writes :func:`run_json` (``protrules-test/1``),
``--junit FILE`` writes :func:`junit_xml` (the schema Jenkins, GitLab and GitHub's test
reporters read: one ``testsuite``, one ``testcase`` per test, a ``failure`` per failing test
with each unmet expectation at its ``expect`` line), and ``--coverage-json FILE`` writes
:func:`coverage_json` (``protrules-coverage/1``). Each is deterministic: no timings, no
host names, the order of the tests and rules.
"""

from __future__ import annotations

import os
from typing import Any
from xml.etree import ElementTree as ET

from protrules.compiling.ruleset import RuleSet
from protrules.i18n import msg, render
from protrules.output import dumps
from protrules.testing.prltest import Coverage, TestOutcome, TestRun

__all__ = ["coverage_json", "junit_xml", "run_json"]


def _expectations(outcome: TestOutcome) -> list[dict[str, Any]]:
    case = outcome.case
    failed = {m.rule: m for m in outcome.mismatches}
    items = list(case.expects) + ([("status", case.status)] if case.status is not None else [])
    out = []
    for key, expected in items:
        mismatch = failed.get(key)
        actual: str | None
        if mismatch is not None:
            actual = mismatch.actual
        elif outcome.result is None:
            actual = None
        elif key == "status":
            actual = outcome.result.status
        else:
            found = outcome.result.result(key)
            actual = found.verdict if found is not None else None
        out.append(
            {
                "rule": key,
                "expected": expected,
                "actual": actual,
                "ok": outcome.error is None and mismatch is None,
                "where": case.where(key),
                "reason": render(mismatch.reason) if mismatch is not None else None,
            }
        )
    return out


def _outcome(outcome: TestOutcome) -> str:
    return "error" if outcome.error is not None else "passed" if outcome.passed else "failed"


def run_json(run: TestRun, coverage: Coverage | None = None) -> str:
    """The run as ``protrules-test/1``: each test's outcome and expectations, and a summary."""
    tests = [
        {
            "name": o.case.name,
            "where": o.case.origin,
            "outcome": _outcome(o),
            "error": render(o.error) if o.error is not None else None,
            "expectations": _expectations(o),
        }
        for o in run.outcomes
    ]
    errors = sum(1 for o in run.outcomes if o.error is not None)
    summary = {
        "tests": len(run.outcomes),
        "passed": run.passed,
        "failed": run.failed - errors,
        "errors": errors,
    }
    data: dict[str, Any] = {"format": "protrules-test/1", "tests": tests, "summary": summary}
    if coverage is not None:
        data["coverage"] = {"outcomes": coverage.outcomes, "seen": coverage.seen, "percent": coverage.percent}
    return dumps(data)


def junit_xml(run: TestRun, suite: str) -> str:
    """The run as JUnit XML: a ``testsuite`` named ``suite`` (the rule file)."""
    errors = sum(1 for o in run.outcomes if o.error is not None)
    root = ET.Element(
        "testsuites", name="protrules", tests=str(len(run.outcomes)), failures=str(run.failed - errors)
    )
    root.set("errors", str(errors))
    element = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(run.outcomes)),
        failures=str(run.failed - errors),
        errors=str(errors),
        skipped="0",
    )
    classname = os.path.splitext(os.path.basename(suite))[0]
    for outcome in run.outcomes:
        case = outcome.case
        path, _, line = case.origin.rpartition(":")
        attributes = {"classname": classname, "name": case.name}
        if line.isdigit():
            attributes.update(file=path, line=line)
        else:
            attributes["file"] = case.origin.split("#")[0]
        testcase = ET.SubElement(element, "testcase", attributes)
        if outcome.error is not None:
            said = render(outcome.error)  # JUnit XML, like JSON, is the same in every language
            error = ET.SubElement(testcase, "error", message=said, type="TestError")
            error.text = f"{case.origin}: {said}"
        elif outcome.mismatches:
            first = outcome.mismatches[0]
            summary = msg("{rule} expected {expected}, actual {actual}", rule=first.rule,
                          expected=first.expected, actual=first.actual)  # fmt: skip
            if len(outcome.mismatches) > 1:
                summary = msg("{summary} (and {n} more)", summary=summary, n=len(outcome.mismatches) - 1)
            failure = ET.SubElement(testcase, "failure", message=render(summary), type="ExpectationFailed")
            failure.text = "\n".join(
                f"{m.where or case.origin}: expect {m.rule} {m.expected}: actual {m.actual}"
                f" — {render(m.reason)}"
                for m in outcome.mismatches
            )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def coverage_json(ruleset: RuleSet, cov: Coverage) -> str:
    """Coverage as ``protrules-coverage/1``: per rule, whether a test expects a verdict of it,
    the verdicts it took and never took, and its branches with the outcomes never seen."""
    untested = set(cov.untested)
    never: dict[str, list[str]] = {}
    for rule_id, verdict in cov.never:
        never.setdefault(rule_id, []).append(verdict)
    taken = dict(cov.verdicts)
    branches: dict[str, list[dict[str, Any]]] = {}
    for branch in cov.branches:
        branches.setdefault(branch.rule, []).append(
            {
                "kind": branch.kind,
                "line": branch.line,
                "text": branch.text,
                "seen": list(branch.seen),
                "never": list(branch.never),
            }
        )
    rules = [
        {
            "id": rule.id,
            "line": rule.span.line if rule.span is not None else None,
            "expected_by_a_test": rule.id not in untested,
            "verdicts": list(taken.get(rule.id, ())),
            "never": never.get(rule.id, []),
            "branches": branches.get(rule.id, []),
        }
        for rule in ruleset.program.rules
    ]
    summary = {
        "tests": cov.tests,
        "rules": len(rules),
        "rules_expected": len(rules) - len(untested),
        "outcomes": cov.outcomes,
        "seen": cov.seen,
        "percent": cov.percent,
    }
    return dumps({"format": "protrules-coverage/1", "rules": rules, "summary": summary})
