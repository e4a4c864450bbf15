"""A rule's generated functions, each written once per rule set, and how a rule is run.

Every rule has up to four functions, each written and compiled when first needed and kept:

- ``tally`` and ``checks`` (:mod:`protrules.compiling.codegen`): the rule for definite
  values, evaluated without and with its checks — what nearly every evaluation runs;
- ``exact`` (:mod:`protrules.compiling.exact`): the same rule with every value possibly
  unknown, run for an entity where the first raised (a value it could not be sure of), or
  always with ``generate=False``;
- ``traced``: the exact function recording each requirement's sub-expressions (``explain``).

:func:`run_rule` runs the first that applies. The reference interpreter
(:mod:`protrules.evaluation.reference`) is the independent oracle the differential tests hold
them all to.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from types import CodeType
from typing import Any, NamedTuple

from protrules.checking import ir
from protrules.compiling import codegen, exact
from protrules.compiling.codegen_expr import Written
from protrules.errors import CalendarError, ProtrulesError
from protrules.evaluation.definite import FALLBACK
from protrules.evaluation.findings import Missing
from protrules.evaluation.results import UNKNOWN, Check, RuleResult
from protrules.evaluation.runtime import Ctx
from protrules.evaluation.verdicts import checked_result
from protrules.i18n import msg
from protrules.language.dialects import detect_dialect, quoted
from protrules.limits import BLOCK_DEPTH

__all__ = ["KINDS", "MAX_LOOP_NESTING", "CompiledRule", "RuleTooComplexError", "explain_rule", "run_rule"]

#: The functions of a rule, by name.
KINDS = ("tally", "checks", "exact", "traced")

#: The deepest nesting of `for each` the generated code compiles to: each is one Python
#: ``for``, and Python refuses more than 20 loops inside one another. The parser refuses
#: more when it reads a rule file (PRL109); this check is for programs built otherwise.
MAX_LOOP_NESTING = BLOCK_DEPTH


class RuleTooComplexError(ProtrulesError):
    """Python refused a rule's generated code (nesting deeper than it compiles)."""

    code = "PRL603"


class Function(NamedTuple):
    """One of a rule's functions, compiled: what runs, and what the program cache keeps of it."""

    run: Callable[..., RuleResult]
    code: CodeType
    #: The namespace less what every function of its kind has (:func:`_base`): the rule's
    #: constants, each selection's key as its node (``keys``), not the node's id.
    data: dict[str, Any]
    keys: tuple[str, ...]
    text: str | None  # None: installed from the program cache (written again if read)


#: What the program cache keeps of a function: its marshalled code, its data and keys (None:
#: the rule has no such function).
Saved = tuple[bytes, dict[str, Any], tuple[str, ...]] | None


class CompiledRule:
    """A rule and its generated functions, each made on first use — written and compiled, or
    installed from the program cache. ``fallbacks`` counts the entities whose definite-value
    code handed over to the exact code."""

    __slots__ = ("fallbacks", "generate", "rule", "saved", "written")

    def __init__(self, rule: ir.RuleDef, generate: bool = True, source_text: str = "") -> None:
        depth = _loop_depth(rule.body)
        if depth > MAX_LOOP_NESTING:
            where = msg(" (line {line})", line=rule.span.line) if rule.span is not None else ""
            raise RuleTooComplexError(
                msg(
                    "rule {rule}{where} nests {depth} {for_each} inside one another; at most {most} can run:"
                    " split it into smaller rules",
                    rule=rule.id,
                    for_each=quoted("for each", detect_dialect(source_text)),  # as the file writes it
                    where=where,
                    depth=depth,
                    most=MAX_LOOP_NESTING,
                )
            )
        self.rule, self.generate = rule, generate
        self.written: dict[str, Function | None] = {}
        self.saved: dict[str, Saved] = {}  # from the program cache, installed on first use
        self.fallbacks = {"tally": 0, "checks": 0}

    def source(self, kind: str) -> str | None:
        """The source of one of the rule's functions (None: the rule has no such function)."""
        made = self.function(kind)
        if made is None:
            return None
        found = self.written[kind]
        assert found is not None
        if found.text is None:  # installed from the cache: the same generator writes it again
            again = _write(self.rule, kind)
            assert again is not None
            self.written[kind] = found = found._replace(text=again.text)
        return found.text

    def function(self, kind: str) -> Callable[..., RuleResult] | None:
        """One of the rule's functions (None: the rule has no such function)."""
        if kind in self.written:
            found = self.written[kind]
            return None if found is None else found.run
        if kind in self.saved and self._install(kind):
            return self.function(kind)
        written = _write(self.rule, kind)
        if written is None:
            self.written[kind] = None
            return None
        try:
            code = code_of(self.rule, kind, written.text)
        except RuleTooComplexError:
            if kind in ("exact", "traced"):
                raise
            self.written[kind] = None  # nested deeper than Python compiles: the exact code runs
            return None
        keys = tuple(written.keys)
        base = _base(self.rule, kind)
        data = {name: value for name, value in written.namespace.items() if name not in base}
        data.update(written.keys)
        exec(code, written.namespace)
        self.written[kind] = Function(written.namespace["rule"], code, data, keys, written.text)
        return self.written[kind].run  # type: ignore[union-attr]

    def save(self, kind: str) -> Saved:
        """What the program cache keeps of one of the rule's functions, written now if it was
        not yet."""
        self.function(kind)
        found = self.written[kind]
        return None if found is None else (marshal.dumps(found.code), found.data, found.keys)

    def restore(self, saved: dict[str, Saved]) -> None:
        """Functions kept in the program cache, installed when first needed: no writing, no
        compiling."""
        self.saved = {kind: found for kind, found in saved.items() if kind in KINDS}

    def _install(self, kind: str) -> bool:
        """Install a function kept in the cache; False if it cannot be (then it is written)."""
        saved = self.saved.pop(kind)
        if saved is None:
            self.written[kind] = None
            return True
        blob, data, keys = saved
        try:
            code = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            return False
        namespace = _base(self.rule, kind)
        namespace.update(data)
        for name in keys:  # a selection's key is its node's id in this process
            namespace[name] = id(data[name])
        exec(code, namespace)
        self.written[kind] = Function(namespace["rule"], code, data, keys, None)
        return True


def _loop_depth(stmts: tuple[ir.Stmt, ...]) -> int:
    return max(
        (1 + _loop_depth(s.body) for s in stmts if isinstance(s, ir.ForFactsS | ir.ForPeriodsS)), default=0
    )


def _write(rule: ir.RuleDef, kind: str) -> Written | None:
    if kind in ("tally", "checks"):
        return codegen.write(rule, checks=kind == "checks")
    return exact.write(rule, trace=kind == "traced")


def _base(rule: ir.RuleDef, kind: str) -> dict[str, Any]:
    """What the namespace of every function of a kind holds before the rule's constants."""
    if kind in ("tally", "checks"):
        return codegen.namespace(rule, checks=kind == "checks")
    return exact.namespace(rule, trace=kind == "traced")


def code_of(rule: ir.RuleDef, kind: str, text: str) -> CodeType:
    """Python's code object for a function's source; a clear error if Python refuses it."""
    try:
        return compile(text, f"<protrules rule {rule.id}, {kind}>", "exec")
    except (SyntaxError, RecursionError, MemoryError) as error:
        message = error.msg if isinstance(error, SyntaxError) else type(error).__name__
        raise RuleTooComplexError(
            msg(
                "rule {rule} nests too deeply to run ({reason}): split it into smaller rules",
                rule=rule.id,
                reason=message,
            )
        ) from None


def run_rule(compiled: CompiledRule, ctx: Ctx, *, checks: bool = True) -> RuleResult:
    """Evaluate one rule for the context's ledger. Without ``checks`` the result holds no
    checks and no lets; its verdict, reason, due date and evidence are the same."""
    if compiled.generate:
        kind = "checks" if checks else "tally"
        function = compiled.function(kind)
        if function is not None:
            work = ctx.work
            try:
                return function(ctx)
            except FALLBACK:  # a value it could not be sure of: the exact code answers
                ctx.work = work
                compiled.fallbacks[kind] += 1
    return _exact(compiled, "exact", ctx, checks)


def explain_rule(compiled: CompiledRule, ctx: Ctx) -> RuleResult:
    """Evaluate one rule with every check and a trace of each requirement's sub-expressions."""
    return _exact(compiled, "traced", ctx, True)


def _exact(compiled: CompiledRule, kind: str, ctx: Ctx, full: bool) -> RuleResult:
    """The exact (or traced) function's result; a calendar question it cannot answer outside a
    requirement (a `let`, a loop's units) makes the whole rule unknown, saying why."""
    function = compiled.function(kind)
    assert function is not None
    checks: list[Check] = []
    lets: list[tuple[str, Any]] = []
    try:
        return function(ctx, full, checks, lets)
    except CalendarError as error:
        checks[:] = [Check(compiled.rule.id, (), UNKNOWN, Missing(error.msg))]
        return checked_result(compiled.rule, ctx, checks, lets, keep=full)
