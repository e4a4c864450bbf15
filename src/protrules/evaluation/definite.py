"""What the code generated for definite values calls at run time, and what it may raise.

:mod:`protrules.compiling.codegen` writes each rule as a Python function that assumes every
value is definite; the function runs in a namespace made from :data:`HELPERS`. Each helper
wraps a run-time operation of :mod:`protrules.evaluation.runtime` and raises :class:`Bail`
where the operation's answer is not definite, so the rule is evaluated, for that entity, by its
exact code (whose helpers are :mod:`protrules.evaluation.threevalued`). They sit in the
evaluation stage, beside the exact code's, because they are what runs; the compiling stage
only writes the calls.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from protrules.calendar.workdays import Period, WorkCalendar
from protrules.errors import CalendarError
from protrules.evaluation import indexes
from protrules.evaluation.runtime import (
    Ctx,
    Unknown,
    apply,
    arith,
    calendar_test,
    compare,
    deadline,
    lookup,
    member,
    param_value,
    scale,
    shift,
    summarise,
    units,
)
from protrules.facts.model import Fact

__all__ = ["FALLBACK", "HELPERS", "SMALL", "Bail", "PerCalendar"]


class Bail(Exception):
    """A value generated code cannot be sure of: the exact code gives the answer."""


#: What generated code may raise on an entity it cannot answer exactly: a missing field, an
#: unknown value, a calendar question, an arithmetic error. The rule is then evaluated, for
#: that entity, by its exact code (:mod:`protrules.compiling.exact`).
FALLBACK = (Bail, KeyError, TypeError, AttributeError, CalendarError, ArithmeticError)


#: Selections over at most this many facts test them all rather than use an index.
SMALL = 8


class PerCalendar(dict[Any, Any]):
    """What a rule's code works out once per calendar (the units of a fixed period, picked by a
    fixed condition), kept in its namespace. It pickles empty: a calendar belongs to its
    process, and a function kept in the program cache works it out again."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (PerCalendar, ())


def _known(value: Any) -> Any:
    if value.__class__ is Unknown:
        raise Bail
    return value


def _param(ctx: Ctx, key: str) -> Any:
    return _known(param_value(ctx, key, ctx.as_of))


def _param_at(ctx: Ctx, key: str, day: dt.date) -> Any:
    return _known(param_value(ctx, key, day))


def _deadline(cal: WorkCalendar, day: dt.date, duration: Any) -> dt.date:
    return _known(deadline(cal, day, duration))  # type: ignore[no-any-return]


def _shift(cal: WorkCalendar, day: dt.date, duration: Any, sign: int) -> dt.date:
    return _known(shift(cal, day, duration, sign))  # type: ignore[no-any-return]


def _arith(op: str, a: Any, b: Any) -> Any:
    return _known(arith(op, a, b))


def _scale(a: Any, b: Any) -> Any:
    return _known(scale(a, b))


def _apply(cal: WorkCalendar, func: str, *args: Any) -> Any:
    return _known(apply(cal, func, args))


def _lookup(name: str, table: Any, key: Any) -> Any:
    return _known(lookup(name, table, key))


def _compare(op: str, mode: str, a: Any, b: Any) -> bool:
    return _known(compare(op, mode, a, b))  # type: ignore[no-any-return]


def _within(cal: WorkCalendar, day: dt.date, anchor: dt.date, duration: Any) -> bool:
    return anchor <= day and day <= _deadline(cal, anchor, duration)


def _present(value: Any) -> bool:
    """`x is set` for a value that is not a field: reaching here, the value was known."""
    return True


def _summary_of(func: str, values: list[Any], items: Sequence[Fact], percentage: bool) -> Any:
    return _known(summarise(func, values, tuple(items), percentage))


class _DayTable(dict[dt.date, bool]):
    """A calendar test's answers by date, filled on first asking: a dictionary read in the
    generated code instead of a method call per fact. A date the calendar cannot answer
    raises :class:`~protrules.errors.CalendarError` and is not kept."""

    __slots__ = ("answer",)

    def __init__(self, answer: Callable[[dt.date], bool]) -> None:
        super().__init__()
        self.answer = answer

    def __missing__(self, day: dt.date) -> bool:
        value = self[day] = bool(self.answer(day))
        return value


_TABLES: dict[tuple[WorkCalendar, str], _DayTable] = {}


def _index_or_scan(ctx: Ctx, plan: indexes.IndexPlan, facts: tuple[Fact, ...], passes: int) -> Any:
    """The entity's index for a selection that runs ``passes`` times in this call, or False to
    test every fact each time. Building an index costs about three tests of each fact, and
    each lookup a bisection or two; an index another rule built already costs nothing."""
    if plan.cache_key in ctx.indexes or (len(facts) > SMALL and passes > 4):
        return indexes.index_for(ctx, plan, facts)
    return False


def _day_table(cal: WorkCalendar, test: str) -> _DayTable:
    table = _TABLES.get((cal, test))
    if table is None:
        if len(_TABLES) > 64:
            _TABLES.clear()
        table = _TABLES[(cal, test)] = _DayTable(lambda day: calendar_test(cal, test, day))
    return table


HELPERS: dict[str, Any] = {
    "__builtins__": {"len": len, "tuple": tuple, "list": list, "set": set, "zip": zip},
    "_has": hasattr,
    "_filter": filter,
    "_Bail": Bail,
    "_Period": Period,
    "_param": _param,
    "_param_at": _param_at,
    "_deadline": _deadline,
    "_shift": _shift,
    "_arith": _arith,
    "_scale": _scale,
    "_apply": _apply,
    "_lookup": _lookup,
    "_compare": _compare,
    "_member": member,
    "_within": _within,
    "_present": _present,
    "_summary_of": _summary_of,
    "_index_or_scan": _index_or_scan,
    "_UNSET": object(),
    "_bisect_left": bisect.bisect_left,
    "_bisect_right": bisect.bisect_right,
    "_day_table": _day_table,
    "_units": units,
}
