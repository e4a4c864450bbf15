"""Generated Python for per-fact expressions inside the compiled closures.

A selection's condition (``meeting.kind = "协调会议" and meeting.date in 季度``), a `for each`
condition and an aggregate's argument run once per fact, so where the closures evaluate a
rule (its first evaluations, ``explain``, a value the generated rule was not sure of) they are
also written as plain Python over the fact's values, by the same :class:`~protrules.
codegen_expr.Emitter` that writes whole rules (:mod:`protrules.compiling.codegen`). The names they read
from outside (loop variables, `let`s) are read once per evaluation of the selection, not once
per fact, and so is every part that does not depend on the fact (``评估期.start - 复查间隔``,
``deadline(命中.result_date, 30 working days)``).

The code is exact by construction: it only ever returns a definite value. Anything that would
be unknown — a missing field, an unknown outside value, a calendar question the calendar cannot
answer — raises (see :data:`FALLBACK`), and the caller evaluates that fact with the closures.
Where Python's ``and``/``or`` short-circuit on a definite value, three-valued logic would give
the same answer, so both paths agree (the differential tests hold them to it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from protrules.checking import ir
from protrules.compiling.codegen_expr import FALLBACK, Bail, Emitter, Unsupported
from protrules.evaluation.runtime import Ctx

__all__ = ["FALLBACK", "Bail", "Generated", "Predicate", "predicate"]

#: ``prepare(ctx, env)`` reads the names the expression takes from outside (loop variables,
#: `let`s) and computes its parts that do not depend on the fact, once, and returns the test
#: to run on each fact.
Predicate = Callable[[Ctx, dict[str, Any]], Callable[[Any], Any]]




def predicate(node: ir.Node, var: str) -> Predicate | None:
    """Generated code for ``node`` over the fact bound to ``var``, or None when it holds
    something only the closures evaluate (a selection or an aggregate: they count work and
    collect evidence where they are reached)."""

    e = Emitter(outside="env")
    e.names[var] = "fact"
    try:
        body = e.per_fact(var, node)
    except Unsupported:
        return None
    head = "    cal = ctx.calendar\n    as_of = ctx.as_of\n"
    prelude = "".join(f"    {name} = {expr}\n" for name, expr in e.prelude.values())
    source = (
        f"def prepare(ctx, env):\n{head}{prelude}"
        + "".join(f"{line}\n" for line in e.lines)
        + f"    def generated(fact):\n        return {body}\n    return generated\n"
    )
    exec(compile(source, f"<protrules predicate: {node.text[:60]}>", "exec"), e.namespace)
    prepare: Predicate = e.namespace["prepare"]
    return prepare


class Generated:
    """An expression's generated code, made on first use (load time is not spent on code a
    ledger may never reach), and prepared once per evaluation of the selection or loop."""

    __slots__ = ("made", "node", "prepare", "var")

    def __init__(self, node: ir.Node, var: str) -> None:
        self.node, self.var = node, var
        self.made = False
        self.prepare: Predicate | None = None

    def test(self, ctx: Ctx, env: dict[str, Any]) -> Callable[[Any], Any] | None:
        """The per-fact test for this evaluation, or None when the expression cannot be
        generated or a part computed once is not known: then every fact takes the closures."""
        if not self.made:
            self.prepare, self.made = predicate(self.node, self.var), True
        if self.prepare is None:
            return None
        try:
            return self.prepare(ctx, env)
        except FALLBACK:
            return None
