"""Index-backed selections: the compiled evaluator's fast path for the commonest filters.

``meeting where meeting.date in 季度 and …`` is answered by bisecting the ledger's meetings
sorted by date, and ``termination where termination.person = hit.person and …`` by a hash
index, instead of testing every fact. Indexes are built lazily, once per ledger.

The fast path is taken only where it cannot change any result: the indexed conjunct must be
reached before any conjunct that collects evidence (an aggregate), facts lacking the indexed
field are still tested with the full condition, and kept facts come back in ledger order.
The differential tests hold it to the reference interpreter.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from protrules import ir
from protrules.errors import CalendarError
from protrules.model import Fact
from protrules.runtime import Ctx, Unknown

__all__ = ["IndexPlan", "any_node", "children", "plan"]


@attrs.frozen
class IndexPlan:
    """How to narrow a selection: by a date range, by equality on one field, or by both."""

    kind: str  # "range" | "equal" | "equal_range"
    fact_type: str
    field: str
    key: ir.Node  # the period (range) or the value (equal), not mentioning the item
    range_field: str = ""  # equal_range: the date field
    range_key: ir.Node | None = None  # equal_range: the period
    #: The condition is nothing but the indexed test(s): a fact the index finds is kept
    #: without testing it again (facts lacking the field are still tested).
    exact: bool = False
    #: Where the entity's index lives in ``Ctx.indexes``, shared by plans over the same fields.
    cache_key: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)

    @cache_key.default
    def _cache_key(self) -> tuple[str, ...]:
        return (self.kind, self.fact_type, self.field, self.range_field)


_FIELDS: dict[type, tuple[str, ...]] = {}


def children(node: Any) -> Any:
    """The child values of an IR node (its own fields, not its type, text or span)."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(
            f.name for f in attrs.fields(type(node)) if f.name not in ("type", "text", "span")
        )
    return (getattr(node, name) for name in names)


def any_node(node: Any, test: Callable[[ir.Node], bool]) -> bool:
    """Whether ``test`` holds for an IR node or any node below it."""
    if isinstance(node, ir.Node):
        return test(node) or any(any_node(child, test) for child in children(node))
    if isinstance(node, tuple):
        return any(any_node(item, test) for item in node)
    return False


def _mentions(node: Any, var: str) -> bool:
    return any_node(node, lambda n: isinstance(n, ir.Ref) and n.scope == "local" and n.key == var)


def _has_aggregate(node: Any) -> bool:
    return any_node(node, lambda n: isinstance(n, ir.Aggregate))


def _item_field(node: ir.Node, var: str) -> str | None:
    if (
        isinstance(node, ir.GetAttr)
        and node.on == "fact"
        and node.name != "id"
        and isinstance(node.target, ir.Ref)
        and node.target.scope == "local"
        and node.target.key == var
    ):
        return node.name
    return None


def plan(node: ir.Filter) -> IndexPlan | None:
    """An index plan for a filter over a whole fact type, or None.

    Equality and a date range on the same selection (``session.venue = 场所 and session.date
    in 周``) use a composite index: facts grouped by the value, each group sorted by date.
    """
    if not (isinstance(node.source, ir.Ref) and node.source.scope == "facts"):
        return None
    condition = node.condition
    conjuncts = (
        condition.operands if isinstance(condition, ir.Logic) and condition.op == "and" else (condition,)
    )
    equal: tuple[str, ir.Node] | None = None
    ranged: tuple[str, ir.Node] | None = None
    used: set[int] = set()
    for position, conjunct in enumerate(conjuncts):
        if position and _has_aggregate(conjuncts[position - 1]):
            break  # every later conjunct has an evidence-collecting conjunct before it
        if (
            ranged is None
            and isinstance(conjunct, ir.In)
            and conjunct.mode == "date_period"
            and not conjunct.negated
        ):
            field = _item_field(conjunct.left, node.var)
            if (
                field is not None
                and not _mentions(conjunct.right, node.var)
                and not _has_aggregate(conjunct.right)
            ):
                ranged = (field, conjunct.right)
                used.add(position)
        if (
            equal is None
            and isinstance(conjunct, ir.Cmp)
            and conjunct.op == "="
            and conjunct.mode in ("value", "fact")
        ):
            for side, other in ((conjunct.left, conjunct.right), (conjunct.right, conjunct.left)):
                field = _item_field(side, node.var)
                if field is not None and not _mentions(other, node.var) and not _has_aggregate(other):
                    equal = (field, other)
                    used.add(position)
                    break
    fact_type = node.source.key
    exact = len(used) == len(conjuncts)
    if equal is not None and ranged is not None:
        return IndexPlan("equal_range", fact_type, equal[0], equal[1], ranged[0], ranged[1], exact)
    if equal is not None:
        return IndexPlan("equal", fact_type, equal[0], equal[1], exact=exact)
    if ranged is not None:
        return IndexPlan("range", fact_type, ranged[0], ranged[1], exact=exact)
    return None


@attrs.frozen
class _Run:
    """Facts sorted by a date field: the dates, each fact's ledger position, the facts, and
    whether date order is ledger order (usual: ledgers are kept in date order), in which case a
    slice needs no re-sorting."""

    dates: list[Any]
    order: list[int]
    facts: tuple[Fact, ...]
    ascending: bool

    @staticmethod
    def of(entries: list[tuple[Any, int, Fact]]) -> _Run:
        """From (date, ledger position, fact) in ledger order."""
        dates = [t[0] for t in entries]
        in_order = sorted(dates)
        ascending = dates == in_order  # kept in date order already: nothing to re-sort
        if not ascending:
            entries.sort(key=_first)  # stable: equal dates keep ledger order
        return _Run(in_order, [t[1] for t in entries], tuple(t[2] for t in entries), ascending)

    def between(self, start: Any, end: Any, missing: list[tuple[int, Fact]]) -> Sequence[Fact]:
        """The facts dated start..end and the facts lacking a date, in ledger order."""
        lo = bisect.bisect_left(self.dates, start)
        hi = bisect.bisect_right(self.dates, end)
        if not missing and self.ascending:
            return self.facts[lo:hi]
        pairs = [*zip(self.order[lo:hi], self.facts[lo:hi], strict=True), *missing]
        pairs.sort(key=_position)
        return [fact for _, fact in pairs]


def _position(pair: tuple[int, Fact]) -> int:
    return pair[0]


def _first(entry: tuple[Any, int, Fact]) -> Any:
    return entry[0]


def _range_index(
    ctx: Ctx, plan_: IndexPlan, facts: tuple[Fact, ...]
) -> tuple[_Run, list[tuple[int, Fact]]]:
    cache = ctx.indexes
    key, field = plan_.cache_key, plan_.field
    found = cache.get(key)
    if found is None:
        run = _Run.of([(f.values[field], i, f) for i, f in enumerate(facts) if field in f.values])
        missing = [(i, f) for i, f in enumerate(facts) if field not in f.values]
        found = cache[key] = (run, missing)
    return found


def _equal_index(
    ctx: Ctx, plan_: IndexPlan, facts: tuple[Fact, ...]
) -> tuple[dict[Any, tuple[list[int], tuple[Fact, ...]]], list[tuple[int, Fact]]]:
    """Facts grouped by a field's value (each group: ledger positions and facts, in ledger
    order), and the facts lacking the field."""
    cache = ctx.indexes
    key, field = plan_.cache_key, plan_.field
    found = cache.get(key)
    if found is None:
        groups: dict[Any, list[tuple[int, Fact]]] = {}
        missing = []
        for i, fact in enumerate(facts):
            if field in fact.values:
                value = fact.values[field]
                groups.setdefault(id(value) if isinstance(value, Fact) else value, []).append((i, fact))
            else:
                missing.append((i, fact))
        table = {
            value: ([i for i, _ in pairs], tuple(f for _, f in pairs))
            for value, pairs in groups.items()
        }
        found = cache[key] = (table, missing)
    return found


_NONE: tuple[list[int], tuple[Fact, ...]] = ([], ())


def _equal_range_index(ctx: Ctx, plan_: IndexPlan, facts: tuple[Fact, ...]) -> Any:
    """Facts grouped by the equality field's value, each group sorted by the date field."""
    cache = ctx.indexes
    key = plan_.cache_key
    found = cache.get(key)
    if found is None:
        groups: dict[Any, list[tuple[Any, int, Fact]]] = {}
        missing = []
        for i, fact in enumerate(facts):
            values = fact.values
            if plan_.field in values and plan_.range_field in values:
                value = values[plan_.field]
                groups.setdefault(id(value) if isinstance(value, Fact) else value, []).append(
                    (values[plan_.range_field], i, fact)
                )
            else:
                missing.append((i, fact))
        table = {value: _Run.of(entries) for value, entries in groups.items()}
        found = cache[key] = (table, missing)
    return found


def candidates(
    index_plan: IndexPlan,
    key_fn: Callable[[Ctx], Any],
    ctx: Ctx,
    facts: tuple[Fact, ...],
    range_fn: Callable[[Ctx], Any] | None = None,
) -> tuple[Sequence[Fact], bool] | None:
    """The facts that may satisfy the condition, in ledger order, and whether all of them were
    found through the index (none lacks the indexed field); None to test every fact."""
    try:
        key = key_fn(ctx)
        period = range_fn(ctx) if range_fn is not None else None
    except CalendarError:
        return None  # the full scan raises (or not) exactly where the original would
    if isinstance(key, Unknown) or isinstance(period, Unknown):
        return None
    if index_plan.kind == "equal_range":
        table, missing = _equal_range_index(ctx, index_plan, facts)
        try:
            group = table.get(id(key) if isinstance(key, Fact) else key)
        except TypeError:
            return None
        if group is None or period is None:
            return [fact for _, fact in missing], not missing
        run: _Run = group
        return run.between(period.start, period.end, missing), not missing
    if index_plan.kind == "range":
        dated, missing = _range_index(ctx, index_plan, facts)
        return dated.between(key.start, key.end, missing), not missing
    table, missing = _equal_index(ctx, index_plan, facts)
    lookup = id(key) if isinstance(key, Fact) else key
    try:
        positions, chosen = table.get(lookup, _NONE)
    except TypeError:  # an unhashable key: test every fact
        return None
    if not missing:
        return chosen, True
    merged = sorted([*zip(positions, chosen, strict=True), *missing], key=_position)
    return [fact for _, fact in merged], False
