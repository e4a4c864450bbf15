"""protrules: administrative compliance standards as executable, explainable rules.

The pipeline has four public stages, each a plain function::

    module  = protrules.parse(text, name)          # text → syntax tree
    program = protrules.check(module, source)      # names resolved, types checked
    rules   = protrules.compile(program)           # → RuleSet, reusable
    result  = rules.evaluate(ledger, as_of=date)   # → EntityResult with verdicts

``protrules.load_rules(path)`` does the first three for a file; ``protrules.facts.load_ledger``
reads a street's facts (JSON or a CSV folder). Every error for bad input is a
:class:`ProtrulesError` with a stable code and a located, readable message.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import TYPE_CHECKING

from protrules._version import __version__
from protrules.arguments import ArgumentError, expect_flag, expect_path, expect_text
from protrules.checking.checker import check
from protrules.checking.ir import Program
from protrules.compiling.batch import BatchError
from protrules.compiling.ruleset import RuleSet, compile
from protrules.errors import CalendarError, ProtrulesError
from protrules.evaluation.results import Check, EntityResult, RuleResult
from protrules.evaluation.runtime import EvaluationLimitError
from protrules.facts.model import Duration, Fact, FactType, Judgement, Ledger
from protrules.language.diagnostics import Diagnostic, RuleFileError, Source, Span
from protrules.language.parser import parse, parse_file

if TYPE_CHECKING:
    import os


__all__ = [
    "ArgumentError",
    "BatchError",
    "CalendarError",
    "Check",
    "Diagnostic",
    "Duration",
    "EntityResult",
    "EvaluationLimitError",
    "Fact",
    "FactType",
    "Judgement",
    "Ledger",
    "Program",
    "ProtrulesError",
    "RuleFileError",
    "RuleResult",
    "RuleSet",
    "Source",
    "Span",
    "__version__",
    "check",
    "compile",
    "load_rules",
    "parse",
    "parse_date",
    "parse_file",
]


def load_rules(
    path: str | os.PathLike[str],
    *,
    cache: bool = False,
    generate: bool = True,
    generate_after: int | None = None,
) -> RuleSet:
    """Parse, check and compile a .prl file (raises :class:`RuleFileError` on any error).

    With ``cache=True`` the checked program and its rules' generated code are kept in
    ``$PROTRULES_CACHE`` (default ``~/.cache/protrules``), keyed by the file's bytes, so an
    unchanged file is neither parsed nor compiled again.
    ``generate`` is :func:`compile`'s; ``generate_after`` is deprecated and ignored.
    """
    from protrules.collector import paused
    from protrules.compiling.ruleset import _deprecated

    expect_path(path, "load_rules")
    expect_flag(cache, "load_rules", "cache")
    expect_flag(generate, "load_rules", "generate")
    _deprecated(generate_after)
    with paused():
        return _load_rules(path, cache, generate)


def _load_rules(path: str | os.PathLike[str], cache: bool, generate: bool) -> RuleSet:
    if cache:
        from protrules.compiling import cache as program_cache

        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            data = b""
        if data:
            return program_cache.load_rules(data, lambda: check(*parse_file(str(path))), generate=generate)
    module, source = parse_file(str(path))
    return compile(check(module, source), generate=generate)


def parse_date(text: str) -> dt.date:
    """A strict YYYY-MM-DD date, or a :class:`ProtrulesError` saying what is wrong."""
    from protrules.calendar.workdays import parse_date as _parse_date

    expect_text(text, "parse_date", "text")
    return _parse_date(text)


# ---------------------------------------------------------------- deprecated module names
# Until 0.2 the modules sat side by side in ``protrules/``. Their old names still import, with a
# DeprecationWarning naming the new one, so code written against them keeps working for a release.

_MOVED = {
    "workdays": "calendar.workdays",
    "diagnostics": "language.diagnostics",
    "nodes": "language.nodes",
    "parser": "language.parser",
    "formatter": "language.formatter",
    "model": "facts.model",
    "schema": "facts.schema",
    "decoders": "facts.decoders",
    "ir": "checking.ir",
    "checker": "checking.checker",
    "runtime": "evaluation.runtime",
    "results": "evaluation.results",
    "reference": "evaluation.reference",
    "ruleset": "compiling.ruleset",
    "ranking": "programme.ranking",
    "due": "programme.due",
    "render": "report.render",
    "lint": "authoring.lint",
    "prltest": "testing.prltest",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``protrules.<old name>`` as the module's new home, with a DeprecationWarning."""

    def find_spec(
        self, fullname: str, path: object, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != __name__ or name not in _MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        new = f"{__name__}.{_MOVED[spec.name.rpartition('.')[2]]}"
        warnings.warn(f"{spec.name} is deprecated: import {new}", DeprecationWarning, stacklevel=2)
        return importlib.import_module(new)

    def exec_module(self, module: types.ModuleType) -> None:
        """The module is the new one, already executed."""


sys.meta_path.append(_MovedModules())
