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
import keyword
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from protrules.checking import ir
from protrules.errors import CalendarError
from protrules.evaluation.runtime import Ctx, Unknown
from protrules.facts.model import Fact, field_attribute

_MISSING: Any = object()

__all__ = ["Index", "IndexPlan", "any_node", "candidates", "children", "index_for", "item_field", "plan"]


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


def item_field(node: ir.Node, var: str) -> str | None:
    """The field ``var.field`` reads (not ``id``), if ``node`` is that."""
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
            field = item_field(conjunct.left, node.var)
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
                field = item_field(side, node.var)
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


class _Positions:
    """Where each fact stands in its ledger list, worked out on first need: only facts not kept
    in date order, or facts lacking an indexed field, need merging back into ledger order."""

    __slots__ = ("facts", "where")

    def __init__(self, facts: tuple[Fact, ...]) -> None:
        self.facts = facts
        self.where: dict[int, int] | None = None

    def of(self, fact: Fact) -> int:
        if self.where is None:
            self.where = {id(f): i for i, f in enumerate(self.facts)}
        return self.where[id(fact)]


class _Run:
    """Facts sorted by a date field (stable: equal dates keep ledger order) and the facts lacking
    it (with their ledger positions): one key's facts in a composite index, or a whole fact
    type in a range index. Usually ledgers are kept in date order and no fact lacks the date
    (``plain``): then a slice of ``facts`` between two bisections of ``dates`` is the answer,
    and generated code takes it so, reading the dates too."""

    __slots__ = ("ascending", "dates", "facts", "ledger", "ledger_dates", "missing", "plain", "positions")

    def __init__(
        self, facts: Sequence[Fact], dates: list[Any], positions: _Positions, missing: list[tuple[int, Fact]]
    ) -> None:
        """From facts in ledger order and their dates."""
        in_order = sorted(dates)
        self.ascending = dates == in_order  # an identity check per item when they are in order
        self.ledger, self.ledger_dates = tuple(facts), dates
        ordered = self.ledger  # in date order already: the same tuple
        if not self.ascending:
            ordered = tuple([facts[i] for i in sorted(range(len(dates)), key=dates.__getitem__)])
        self.dates, self.facts, self.positions, self.missing = in_order, ordered, positions, missing
        self.plain = self.ascending and not missing

    def between(self, start: Any, end: Any) -> Found:
        """The facts dated start..end and those lacking a date, in ledger order, and whether
        none lacks it."""
        lo = bisect.bisect_left(self.dates, start)
        hi = bisect.bisect_right(self.dates, end)
        if self.missing:
            return _in_order(self.facts[lo:hi], self.missing, self.positions), False
        if self.ascending:
            return self.facts[lo:hi], True
        if 3 * (hi - lo) >= len(self.dates):  # most of them: pick in ledger order, no sorting
            pairs = zip(self.ledger, self.ledger_dates, strict=True)
            return tuple([f for f, day in pairs if start <= day <= end]), True
        return tuple(_in_order(self.facts[lo:hi], [], self.positions)), True

    def any_order(self, start: Any, end: Any) -> Found:
        """:meth:`between` for a reader to whom order does not matter (a count): by date."""
        lo = bisect.bisect_left(self.dates, start)
        hi = bisect.bisect_right(self.dates, end)
        if self.missing:
            return self.facts[lo:hi] + tuple(fact for _, fact in self.missing), False
        return self.facts[lo:hi], True


def _in_order(facts: Sequence[Fact], missing: list[tuple[int, Fact]], positions: _Positions) -> list[Fact]:
    pairs = [(positions.of(f), f) for f in facts]
    pairs += missing
    pairs.sort(key=_position)
    return [fact for _, fact in pairs]


def _position(pair: tuple[int, Fact]) -> int:
    return pair[0]


def _dated(
    facts: Sequence[Fact], field: str, positions: _Positions, missing: list[tuple[int, Fact]]
) -> _Run:
    """The facts as a run by ``field``; those lacking it join ``missing``."""
    read = _readers(field_attribute(field))
    try:
        return _Run(facts, read.values(facts), positions, missing)
    except AttributeError:
        kept = [f for f in facts if _has(f, field)]
        missing = missing + [(positions.of(f), f) for f in facts if not _has(f, field)]
        return _Run(kept, read.values(kept), positions, missing)


def _has(fact: Fact, field: str) -> bool:
    return hasattr(fact, field_attribute(field))


Found = tuple[Sequence[Fact], bool]


@attrs.frozen
class _Readers:
    """Comprehensions reading one attribute of every fact: the field's values, and the facts
    whose value is (or equals) a key. Written out as ``f.<attribute>``, an attribute read the
    interpreter specialises to the fact's class, they build an index 2-3 x faster than
    ``operator.attrgetter`` does on typed facts (benchmarks/cpu.py, rule F's weekly runs)."""

    values: Callable[[Sequence[Fact]], list[Any]]
    same: Callable[[Sequence[Fact], Any], list[Fact]]
    equal: Callable[[Sequence[Fact], Any], list[Fact]]


_READERS: dict[str, _Readers] = {}


def _readers(attribute: str) -> _Readers:
    """The readers of an attribute (an identifier, as :func:`field_attribute` makes it),
    compiled once a process."""
    found = _READERS.get(attribute)
    if found is not None:
        return found
    if not attribute.isidentifier() or keyword.iskeyword(attribute):
        raise ValueError(f"not an attribute: {attribute!r}")
    source = (
        f"def values(facts):\n    return [f.{attribute} for f in facts]\n"
        f"def same(facts, key):\n    return [f for f in facts if f.{attribute} is key]\n"
        f"def equal(facts, key):\n    return [f for f in facts if f.{attribute} == key]\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<protrules readers of {attribute}>", "exec"), namespace)
    if len(_READERS) > 4096:
        _READERS.clear()
    found = _READERS[attribute] = _Readers(namespace["values"], namespace["same"], namespace["equal"])
    return found


class _RangeIndex:
    """Facts by a date field: ``meeting where meeting.date in 季度`` is two bisections."""

    __slots__ = ("run",)

    def __init__(self, facts: tuple[Fact, ...], field: str) -> None:
        self.run = _dated(facts, field, _Positions(facts), [])

    def find(self, key: Any, period: Any) -> Found:
        return self.run.between(key.start, key.end)

    def group(self, key: Any) -> _Run:
        """The run a period ``key`` is looked up in: all the facts."""
        return self.run


#: Keys asked one by one before an equality index groups every fact at once: picking out
#: one key's facts is a single comprehension, about a third of grouping them all.
_SCANS = 2


class _EqualIndex:
    """Facts grouped by one field's value (facts by identity, other values by equality),
    optionally each group as a run by a date field: ``termination where termination.person =
    命中.person`` is a dictionary read, ``venue_session where venue_session.venue = 场所 and
    venue_session.date in 周`` a dictionary read and two bisections.

    A fact whose field holds another value fails the equality whatever its other fields hold,
    so a key's candidates are its own facts and the facts lacking the field (their condition
    is tested in full), and, for a run, its own facts lacking the date."""

    __slots__ = ("facts", "field", "groups", "lacking", "positions", "range_field", "raw", "scans")

    def __init__(self, facts: tuple[Fact, ...], field: str, range_field: str) -> None:
        self.facts, self.field, self.range_field = facts, field, range_field
        self.positions = _Positions(facts)
        self.groups: dict[Any, Any] = {}  # key → a run, or (for equality alone) what find returns
        self.raw: dict[Any, list[Fact]] | None = None  # every key's facts, once grouped at once
        self.lacking: list[tuple[int, Fact]] | None = None  # facts lacking the field
        self.scans = 0

    def find(self, key: Any, period: Any) -> Found:
        try:
            group = self.group(key)
        except TypeError:  # an unhashable key: test every fact
            return self.facts, False
        return group.between(period.start, period.end) if self.range_field else group  # type: ignore[no-any-return]

    def group(self, key: Any) -> Any:
        """A key's run (composite index) or its facts and whether none lacks the field."""
        lookup = id(key) if isinstance(key, Fact) else key
        found = self.groups.get(lookup)
        if found is not None:
            return found
        if self.raw is None and self.scans >= _SCANS:
            self._group_all()
        if self.raw is not None:
            facts = self.raw.get(lookup, [])
        else:
            self.scans += 1
            facts = self._scan(key)
        lacking = self.lacking or []
        if self.range_field:
            found = _dated(facts, self.range_field, self.positions, lacking)
        elif lacking:
            found = (_in_order(facts, lacking, self.positions), False)
        else:
            found = (tuple(facts), True)
        self.groups[lookup] = found
        return found

    def _scan(self, key: Any) -> list[Fact]:
        field, facts = self.field, self.facts
        read = _readers(field_attribute(field))
        pick = read.same if isinstance(key, Fact) else read.equal
        try:
            return pick(facts, key)
        except AttributeError:  # some facts lack the field: candidates for every key
            if self.lacking is None:
                self.lacking = [(i, f) for i, f in enumerate(facts) if not _has(f, field)]
            return pick([f for f in facts if _has(f, field)], key)

    def _group_all(self) -> None:
        raw: dict[Any, list[Fact]] = {}
        lacking = []
        field = self.field
        attr, missing = field_attribute(field), _MISSING
        for i, fact in enumerate(self.facts):
            value = getattr(fact, attr, missing)
            if value is not missing:
                key = id(value) if isinstance(value, Fact) else value
                found = raw.get(key)
                if found is None:
                    raw[key] = [fact]
                else:
                    found.append(fact)
            else:
                lacking.append((i, fact))
        self.raw, self.lacking = raw, lacking


Index = _RangeIndex | _EqualIndex


def index_for(ctx: Ctx, index_plan: IndexPlan, facts: tuple[Fact, ...]) -> Index:
    """The entity's index for a plan, built on first use and shared by every plan over the
    same fields."""
    cache = ctx.indexes
    found: Index | None = cache.get(index_plan.cache_key)
    if found is None:
        if index_plan.kind == "range":
            found = _RangeIndex(facts, index_plan.field)
        else:
            found = _EqualIndex(facts, index_plan.field, index_plan.range_field)
        cache[index_plan.cache_key] = found
    return found


def candidates(
    index_plan: IndexPlan,
    key_fn: Callable[[Ctx], Any],
    ctx: Ctx,
    facts: tuple[Fact, ...],
    range_fn: Callable[[Ctx], Any] | None = None,
) -> Found | None:
    """The facts that may satisfy the condition, in ledger order, and whether all of them were
    found through the index (none lacks an indexed field); None to test every fact."""
    try:
        key = key_fn(ctx)
        period = range_fn(ctx) if range_fn is not None else None
    except CalendarError:
        return None  # the full scan raises (or not) exactly where the original would
    if isinstance(key, Unknown) or isinstance(period, Unknown):
        return None
    return index_for(ctx, index_plan, facts).find(key, period)
