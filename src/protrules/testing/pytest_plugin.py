"""pytest runs the tests kept beside the rules: each ``test`` block of a ``.prl`` file is an item.

Registered as a ``pytest11`` entry point, so installing protrules is enough::

    $ pytest rules/

collects ``rules/*.prl``, one item per ``test`` block, and reports them with pytest's own
reporting (``-v``, ``-k``, ``-x``, ``--junitxml``, ``-n`` with xdist …); a failing item shows
each unmet expectation at its ``expect`` line with expected and actual side by side, as
``protrules test`` does.

It collects only where asked, so it never slows down or disturbs a project's own test run: a
``.prl`` file is collected when it lies under a path given on pytest's command line (not under
``testpaths`` that pytest walks by default), or, when the ``protrules_rules`` ini option is set,
when it matches one of its globs (relative to the rootdir). A file with no ``test`` block
yields nothing and is not parsed; one with errors is a collection error showing them.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from protrules.compiling.ruleset import RuleSet
from protrules.errors import ProtrulesError
from protrules.language.diagnostics import RuleFileError
from protrules.testing.prltest import TestCase, TestOutcome, run_test, tests_from_program

__all__ = ["PrlFile", "PrlItem"]

_HAS_TEST = re.compile(r"^test\s", re.MULTILINE)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "protrules_rules",
        type="linelist",
        help="globs of .prl files whose `test` blocks pytest collects (default: only under paths "
        "given on the command line)",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> PrlFile | None:
    if file_path.suffix != ".prl" or not _wanted(file_path, parent.config):
        return None
    try:
        text = file_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = "test"  # let collection report it
    if not _HAS_TEST.search(text):
        return None
    return PrlFile.from_parent(parent, path=file_path)


def _wanted(path: Path, config: pytest.Config) -> bool:
    globs = config.getini("protrules_rules")
    if globs:
        relative = os.path.relpath(path, config.rootpath).replace(os.sep, "/")
        return any(fnmatch.fnmatch(relative, pattern) for pattern in globs)
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return False
    for arg in config.args:
        given = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if path.resolve() == given or given in path.resolve().parents:
            return True
    return False


class PrlFile(pytest.File):
    """A rule file: checked and compiled once, one item per ``test`` block."""

    def collect(self) -> Iterator[PrlItem]:
        from protrules.checking.checker import check
        from protrules.compiling.ruleset import compile
        from protrules.language.parser import parse_file

        shown = (
            self.path.relative_to(self.config.rootpath)
            if self.path.is_relative_to(self.config.rootpath)
            else self.path
        )
        try:
            module, source = parse_file(str(self.path))
            ruleset = compile(check(module, source))
        except RuleFileError as error:
            raise self.CollectError(error.render()) from None
        for case in tests_from_program(ruleset.program, str(shown)):
            yield PrlItem.from_parent(self, name=case.name, ruleset=ruleset, case=case)


class ExpectationFailed(Exception):
    """A test's expectations did not hold (or it could not run)."""

    def __init__(self, outcome: TestOutcome) -> None:
        super().__init__(outcome.case.name)
        self.outcome = outcome


class PrlItem(pytest.Item):
    """One ``test`` block: evaluate its ledger and compare each expectation."""

    def __init__(self, *, ruleset: RuleSet, case: TestCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ruleset = ruleset
        self.case = case

    def runtest(self) -> None:
        outcome = run_test(self.ruleset, self.case)
        if not outcome.passed:
            raise ExpectationFailed(outcome)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ExpectationFailed):
            outcome = excinfo.value.outcome
            if outcome.error is not None:
                return f"{self.case.origin}: {outcome.error}"
            lines = []
            for m in outcome.mismatches:
                lines.append(f"{m.where or self.case.origin}: expect {m.rule} {m.expected}")
                lines.append(f"    expected {m.expected:<10} actual {m.actual}")
                lines.append(f"    {m.reason}")
            return "\n".join(lines)
        if isinstance(excinfo.value, ProtrulesError):
            return f"{self.case.origin}: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        _, _, line = self.case.origin.rpartition(":")
        return self.path, int(line) - 1 if line.isdigit() else None, f"test {self.case.name}"
