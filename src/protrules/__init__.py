"""protrules: administrative compliance standards as executable, explainable rules.

The pipeline has four public stages, each a plain function::

    module  = protrules.parse(text, name)          # text → syntax tree
    program = protrules.check(module, source)      # names resolved, types checked
    rules   = protrules.compile(program)           # → RuleSet, reusable
    result  = rules.evaluate(ledger, as_of=date)   # → EntityResult with verdicts

``protrules.load_rules(path)`` does the first three for a file; ``protrules.load_ledger``
reads a street's facts (JSON or a CSV folder). Every error for bad input is a
:class:`ProtrulesError` with a stable code and a located, readable message.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from protrules.checker import check
from protrules.diagnostics import Diagnostic, RuleFileError, Source, Span
from protrules.errors import CalendarError, ProtrulesError
from protrules.ir import Program
from protrules.model import Duration, Fact, FactType, Judgement, Ledger
from protrules.parser import parse, parse_file
from protrules.results import Check, EntityResult, RuleResult
from protrules.ruleset import RuleSet, compile

if TYPE_CHECKING:
    import os

__version__ = "0.1.0"

__all__ = [
    "CalendarError",
    "Check",
    "Diagnostic",
    "Duration",
    "EntityResult",
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
    generate_after: int = RuleSet.GENERATE_AFTER,
) -> RuleSet:
    """Parse, check and compile a .prl file (raises :class:`RuleFileError` on any error).

    With ``cache=True`` the checked program is kept in ``$PROTRULES_CACHE`` (default
    ``~/.cache/protrules``), keyed by the file's bytes, so an unchanged file is not parsed again.
    ``generate`` and ``generate_after`` are :func:`compile`'s.
    """
    from protrules.collector import paused

    with paused():
        return _load_rules(path, cache, generate, generate_after)


def _load_rules(path: str | os.PathLike[str], cache: bool, generate: bool, generate_after: int) -> RuleSet:
    if cache:
        from protrules import cache as program_cache

        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            data = b""
        if data:
            program = program_cache.load_cached(data)
            if program is None:
                module, source = parse_file(str(path))
                program = check(module, source)
                program_cache.store(data, program)
            return compile(program, generate=generate, generate_after=generate_after)
    module, source = parse_file(str(path))
    return compile(check(module, source), generate=generate, generate_after=generate_after)


def parse_date(text: str) -> dt.date:
    """A strict YYYY-MM-DD date, or a :class:`ProtrulesError` saying what is wrong."""
    from protrules.workdays import parse_date as _parse_date

    return _parse_date(text)
