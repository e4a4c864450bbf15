"""Checking calls: aggregates, built-in functions and lookup parameters, by name.

A call is one syntactic form, ``name(argument, …)``; which names are functions is the table of
:mod:`protrules.language.functions`, and what each accepts and gives is here. A name that is no function
is "unknown function" with a did-you-mean (PRL220), never a syntax error. Also here: the types
and monotonicity helpers every expression check shares (:mod:`protrules.checking.typing_rules` holds
the rest of the expression checker, which inherits :class:`CallChecker`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import attrs

from protrules.checking import ir
from protrules.checking.ir import CONST, DEC, INC, MIXED
from protrules.facts.model import FactType, Kind, Type
from protrules.i18n import Message, Text, joined, msg, msgn
from protrules.language import nodes as n
from protrules.language.diagnostics import Span, suggest
from protrules.language.dialects import spell_name
from protrules.language.functions import AGGREGATES, FUNCTIONS, FUNCTIONS_ZH
from protrules.language.keywords import keyword

BOOL, INT, DEC_T, PCT = Type(Kind.BOOLEAN), Type(Kind.INTEGER), Type(Kind.DECIMAL), Type(Kind.PERCENTAGE)
DATE, TEXT, DUR, PERIOD = Type(Kind.DATE), Type(Kind.TEXT), Type(Kind.DURATION), Type(Kind.PERIOD)
DATES = Type(Kind.DATES)
ERROR = Type(Kind.TEXT, enum_name="<error>")

#: Functions of values with fixed argument types → (argument types, result type).
SIGNATURES: Mapping[str, tuple[tuple[Type, ...], Type]] = {
    "deadline": ((DATE, DUR), DATE),
    "working_days_between": ((DATE, DATE), INT),
    "days_between": ((DATE, DATE), INT),
    "months_between": ((DATE, DATE), INT),
    "years_between": ((DATE, DATE), INT),
    "date": ((INT, INT, INT), DATE),
    "overlaps": ((PERIOD, PERIOD), BOOL),
    "intersection": ((PERIOD, PERIOD), PERIOD),
}
#: Functions that count from their first date to their second: they fall as the first moves on.
_BETWEEN = frozenset(("working_days_between", "days_between", "months_between", "years_between"))
_ROUNDING = frozenset(("round", "floor", "ceil"))
#: Aggregates whose value over no facts is unknown, so that `default(…)` can give one.
_DEFAULTABLE = ("min", "max", "share")


class Reporter(Protocol):
    def error(self, code: str, message: Text, span: Span | None, hint: Text | None = None) -> None: ...
    def warn(self, code: str, message: Text, span: Span | None, hint: Text | None = None) -> None: ...
    def snippet(self, span: Span | None) -> str: ...


@attrs.define
class Scope:
    """The names visible to an expression: declarations, then local bindings (innermost last)."""

    fact_types: Mapping[str, FactType]
    enums: Mapping[str, tuple[str, ...]]
    params: Mapping[str, ir.ParamDef]
    periods: Mapping[str, Any]
    dates: Mapping[str, Any]
    date_sets: Mapping[str, Any]
    #: The dialect of the rule file ("en", "zh"): how a message spells a built-in function.
    dialect: str = "en"
    locals: list[tuple[str, str, Type, str]] = attrs.field(factory=list)  # (name, var, type, mono)
    defines: dict[str, tuple[ir.Node, str]] = attrs.field(factory=dict)  # `define`: (node, mono)
    used_defines: set[str] = attrs.field(factory=set)

    def lookup_local(self, name: str) -> tuple[str, Type, str] | None:
        for local_name, var, type_, mono in reversed(self.locals):
            if local_name == name:
                return var, type_, mono
        return None

    def all_names(self) -> list[str]:
        return [
            *(x[0] for x in self.locals),
            *self.fact_types,
            *self.params,
            *self.periods,
            *self.dates,
            *self.date_sets,
            "as_of",
        ]

    def what(self, name: str) -> Message | None:
        """What a name that is not a function is, for "`x` is a parameter, not a function"."""
        if self.lookup_local(name) is not None:
            return msg("a name defined in this rule")
        kinds: tuple[tuple[Message, Mapping[str, Any]], ...] = (
            (msg("a fact type"), self.fact_types),
            (msg("a parameter"), self.params),
            (msg("a period"), self.periods),
            (msg("a date"), self.dates),
            (msg("a set of dates"), self.date_sets),
            (msg("a definition"), self.defines),
        )
        for kind, names in kinds:
            if name in names:
                return kind
        return None


def combine(*monos: str) -> str:
    """Monotonicity of an expression whose parts move together in the same direction."""
    kinds = {m for m in monos if m != CONST}
    if not kinds:
        return CONST
    if kinds == {INC}:
        return INC
    if kinds == {DEC}:
        return DEC
    return MIXED


def flip(mono: str) -> str:
    return {INC: DEC, DEC: INC}.get(mono, mono)


def settled(*monos: str) -> str:
    """Constant when every part is, otherwise moving in no known direction."""
    return CONST if all(m == CONST for m in monos) else MIXED


def compatible(a: Type, b: Type) -> bool:
    """Values that compare with each other: the same kind, or two numbers."""
    return a.kind is b.kind or (a.is_number and b.is_number)


def join(a: Type, b: Type) -> Type | None:
    """The type of a value that is either an ``a`` or a ``b`` (the branches of an `if`, a
    default and its aggregate), or None when there is none."""
    if a == b:
        return a
    if a.is_number and b.is_number:
        return DEC_T
    if {a.kind, b.kind} <= {Kind.TEXT, Kind.ENUM}:
        return TEXT
    if a.kind is b.kind and a.kind not in (Kind.FACT, Kind.SET, Kind.LIST, Kind.ENUM, Kind.LOOKUP):
        return a
    return None


class CallChecker:
    """The calls of :class:`protrules.checking.typing_rules.ExprChecker`, which provides the rest."""

    scope: Scope
    report: Reporter

    # -- provided by the expression checker
    def expr(self, e: n.Expr) -> tuple[ir.Node, str]:
        raise NotImplementedError

    def condition(self, e: n.Expr) -> tuple[ir.Node, str]:
        raise NotImplementedError

    def expect(self, node: ir.Node, want: Type, expr: n.Expr, what: Message, code: str = "PRL204") -> bool:
        raise NotImplementedError

    def text(self, node: n.Expr | n.Stmt) -> str:
        raise NotImplementedError

    def bad(self, node: n.Expr) -> tuple[ir.Node, str]:
        raise NotImplementedError

    def fresh(self, name: str) -> str:
        raise NotImplementedError

    @staticmethod
    def ok(t: Type) -> bool:
        return t is not ERROR and t.enum_name != "<error>"

    def item_name(self, source: n.Expr, alias: str | None) -> str | None:
        if alias is not None:
            return alias
        if isinstance(source, n.Name):
            return source.name
        if isinstance(source, n.Select):
            return self.item_name(source.source, source.alias)
        return None

    # -- calls
    def call(self, e: n.Call) -> tuple[ir.Node, str]:
        if e.func not in FUNCTIONS:
            param = self.scope.params.get(e.func)
            if param is not None and param.type.kind is Kind.LOOKUP:
                return self.lookup(e, param)
            return self.unknown_function(e)
        if e.func == "default":
            return self.default(e)
        if e.func in ("min", "max"):
            if len(e.args) < 2:
                return self.arity(
                    e,
                    msg(
                        "{func}() takes a set of facts and a value, or two values or more",
                        func=self.fn(e.func),
                    ),
                )
            first = self.expr(e.args[0])
            if self.ok(first[0].type) and first[0].type.kind is Kind.SET:
                return self.aggregate(e, first)
            return self.extreme(e, first)
        if e.func in AGGREGATES:
            return self.aggregate(e)
        if e.func in _ROUNDING:
            return self.rounding(e)
        return self.function(e)

    def kw(self, en: str) -> str:
        """A keyword (or phrase) as the rule file's dialect writes it, for a message quoting it."""
        return keyword(en, self.scope.dialect)

    def fn(self, name: str) -> str:
        """A built-in function's name as the rule file's dialect writes it (``count``, 计数)."""
        return spell_name("function", name, self.scope.dialect)

    def usage(self, name: str) -> str:
        """How a built-in function is called, its name in the rule file's dialect."""
        return self.fn(name) + FUNCTIONS[name].usage.removeprefix(name)

    def unknown_function(self, e: n.Call) -> tuple[ir.Node, str]:
        what = self.scope.what(e.func)
        lookups = [name for name, p in self.scope.params.items() if p.type.kind is Kind.LOOKUP]
        functions = [self.fn(name) for name in FUNCTIONS]
        guess = suggest(e.func, [*functions, *lookups])
        english = FUNCTIONS_ZH.get(e.func) if self.scope.dialect == "en" else None
        if what is not None:
            hint: Message = msg("`{func}` is {what}, not a function", func=e.func, what=what)
        elif english is not None:
            hint = msg(
                "`{word}` is Chinese, and this file is written in English (its first word is English):"
                " write `{en}`, or the whole file in Chinese",
                word=e.func,
                en=english.name,
            )
        elif guess is not None:
            hint = msg("did you mean `{guess}`?", guess=guess)
        else:
            hint = msg("functions: {names}", names=joined(functions))
        for arg in e.args:  # errors inside the arguments are worth reporting too
            self.expr(arg)
        self.report.error("PRL220", msg("unknown function `{func}`", func=e.func), _name_span(e), hint=hint)
        return self.bad(e)

    def arity(self, e: n.Call, message: Message) -> tuple[ir.Node, str]:
        self.report.error("PRL205", message, e.span, hint=msg("write {usage}", usage=self.usage(e.func)))
        return self.bad(e)

    def function(self, e: n.Call) -> tuple[ir.Node, str]:
        """A function of values with fixed argument types."""
        want, result = SIGNATURES[e.func]
        if len(e.args) != len(want):
            return self.arity(
                e,
                msg(
                    "{func}() takes {want} arguments, found {count}",
                    func=self.fn(e.func),
                    want=len(want),
                    count=len(e.args),
                ),
            )
        args = [self.expr(a) for a in e.args]
        for (node, _), expected, arg in zip(args, want, e.args, strict=True):
            self.expect(
                node,
                expected,
                arg,
                msg("{expected} as an argument of {func}()", expected=expected, func=self.fn(e.func)),
            )
        monos = [m for _, m in args]
        if e.func in _BETWEEN:
            mono = combine(flip(monos[0]), monos[1])
        elif e.func == "deadline":
            mono = combine(*monos)
        else:
            mono = settled(*monos)
        return ir.Apply(result, self.text(e), e.span, e.func, tuple(a for a, _ in args)), mono

    def extreme(self, e: n.Call, first: tuple[ir.Node, str]) -> tuple[ir.Node, str]:
        """`min(a, b, …)` / `max(a, b, …)` of numbers, dates or durations."""
        args = [first, *(self.expr(a) for a in e.args[1:])]
        types = [node.type for node, _ in args]
        if not all(self.ok(t) for t in types):
            return self.bad(e)
        result: Type | None = types[0]
        for t in types[1:]:
            result = join(result, t) if result is not None else None
        if result is None or not (result.is_number or result.kind in (Kind.DATE, Kind.DURATION)):
            shown = ", ".join(str(t) for t in types)
            self.report.error(
                "PRL204",
                msg("{func}() of {shown} is not defined", func=self.fn(e.func), shown=shown),
                e.span,
                hint=msg(
                    "{func}() of values takes numbers, dates or durations of one kind; "
                    "over facts write {func}(facts, value)",
                    func=self.fn(e.func),
                ),
            )
            return self.bad(e)
        node = ir.Apply(result, self.text(e), e.span, e.func, tuple(a for a, _ in args))
        return node, combine(*(m for _, m in args))

    def rounding(self, e: n.Call) -> tuple[ir.Node, str]:
        """`round(x)`, `round(x, places)` and floor, ceil: a whole number without places, a
        decimal with them; a percentage stays a percentage, rounded as it is written (33.3%)."""
        if len(e.args) not in (1, 2):
            return self.arity(
                e,
                msg(
                    "{func}() takes 1 or 2 arguments, found {count}", func=self.fn(e.func), count=len(e.args)
                ),
            )
        value, mono = self.expr(e.args[0])
        places: tuple[ir.Node, str] = (ir.Const(INT, "0", None, 0), CONST)
        if len(e.args) == 2:
            places = self.expr(e.args[1])
            places_of = msg("a whole number of places in {func}()", func=self.fn(e.func))
            self.expect(places[0], INT, e.args[1], places_of)
        if not self.ok(value.type):
            return self.bad(e)
        if not value.type.is_number:
            self.report.error(
                "PRL204",
                msg("{func}() of {type} is not defined", func=self.fn(e.func), type=value.type),
                e.args[0].span,
            )
            return self.bad(e)
        if value.type.kind is Kind.PERCENTAGE:
            result, mode = PCT, "percentage"
        elif len(e.args) == 2:
            result, mode = DEC_T, "decimal"
        else:
            result, mode = INT, "integer"
        how = ir.Const(TEXT, mode, None, mode)
        node = ir.Apply(result, self.text(e), e.span, e.func, (value, places[0], how))
        return node, mono if places[1] == CONST else MIXED

    def default(self, e: n.Call) -> tuple[ir.Node, str]:
        """`default(min(S, x), value)`: the aggregate, with a value for when it has no facts."""
        if len(e.args) != 2:
            return self.arity(e, msg("default() takes 2 arguments, found {count}", count=len(e.args)))
        inner = e.args[0]
        aggregate, amono = self.expr(inner)
        fallback, fmono = self.expr(e.args[1])
        if not self.ok(aggregate.type):
            return self.bad(e)
        if not (isinstance(aggregate, ir.Aggregate) and aggregate.func in _DEFAULTABLE):
            self.report.error(
                "PRL221",
                msg("default() gives a value to min, max or share over no facts"),
                inner.span,
                hint=msg("count, sum and distinct of no facts are 0, exists is false, none and every true"),
            )
            return self.bad(e)
        if not self.ok(fallback.type):
            return self.bad(e)
        result = join(aggregate.type, fallback.type)
        if result is None:
            self.report.error(
                "PRL204",
                msg(
                    "the default is {default}, but {func}() gives {type}",
                    default=fallback.type,
                    func=self.fn(aggregate.func),
                    type=aggregate.type,
                ),
                e.args[1].span,
            )
            return self.bad(e)
        node = attrs.evolve(aggregate, type=result, text=self.text(e), span=e.span, default=fallback)
        return node, settled(amono, fmono)

    def lookup(self, e: n.Call, param: ir.ParamDef) -> tuple[ir.Node, str]:
        """`表(key)`: a lookup parameter's value for a key."""
        if len(e.args) != 1:
            self.report.error(
                "PRL205",
                msg(
                    "the lookup `{name}` takes 1 argument, found {count}", name=param.name, count=len(e.args)
                ),
                e.span,
                hint=msg("write {name}(key)", name=param.name),
            )
            return self.bad(e)
        key, mono = self.expr(e.args[0])
        assert param.type.key is not None and param.type.element is not None
        if self.ok(key.type) and not compatible(key.type, param.type.key):
            self.report.error(
                "PRL204",
                msg(
                    "the lookup `{name}` is keyed by {key}, found {type}",
                    name=param.name,
                    key=param.type.key,
                    type=key.type,
                ),
                e.args[0].span,
            )
            return self.bad(e)
        return ir.Lookup(param.type.element, self.text(e), e.span, param.name, key), settled(mono)

    def aggregate(self, e: n.Call, checked: tuple[ir.Node, str] | None = None) -> tuple[ir.Node, str]:
        """count / exists / none / every / sum / min / max / share / distinct over a set;
        ``checked`` is the first argument when the caller has already checked it."""
        text = self.text(e)
        arity = AGGREGATES[e.func]
        if len(e.args) != arity:
            usage = (
                f"{self.fn(e.func)}(facts)"
                if arity == 1
                else f"{self.fn(e.func)}(facts, {'condition' if e.func in ('every', 'share') else 'value'})"
            )
            self.report.error(
                "PRL205",
                msgn(
                    "{func}() takes {n} argument, found {count}",
                    "{func}() takes {n} arguments, found {count}",
                    arity,
                    func=self.fn(e.func),
                    count=len(e.args),
                ),
                e.span,
                hint=msg("write {usage}", usage=usage),
            )
            return self.bad(e)
        source, smono = checked if checked is not None else self.expr(e.args[0])
        if not self.ok(source.type):
            return self.bad(e)
        if source.type.kind is not Kind.SET:
            self.report.error(
                "PRL209",
                msg("{func}() needs a set of facts, found {type}", func=self.fn(e.func), type=source.type),
                e.args[0].span,
            )
            return self.bad(e)
        base = e.args[0]
        alias = base.alias if isinstance(base, n.Select) else None
        name = self.item_name(base.source if isinstance(base, n.Select) else base, alias)
        if name is None:
            name = "_"
        var = self.fresh(name)
        arg: ir.Node | None = None
        amono = CONST
        if arity == 2:
            self.scope.locals.append((name, var, Type(Kind.FACT, fact=source.type.fact), CONST))
            try:
                if e.func in ("every", "share"):
                    arg, amono = self.condition(e.args[1])
                else:
                    arg, amono = self.expr(e.args[1])
            finally:
                self.scope.locals.pop()
        result, mono = _aggregate_type(e.func, arg, smono, amono)
        if e.func in ("sum", "min", "max") and arg is not None and self.ok(arg.type):
            allowed = (
                (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE)
                if e.func == "sum"
                else (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE, Kind.DATE)
            )
            if arg.type.kind not in allowed:
                self.report.error(
                    "PRL204",
                    msg("{func}() of {type} is not defined", func=self.fn(e.func), type=arg.type),
                    e.args[1].span,
                )
                return self.bad(e)
        return ir.Aggregate(result, text, e.span, e.func, source, var, arg), mono


def _name_span(e: n.Call) -> Span | None:
    """The function's name in a call (where "did you mean" points)."""
    if e.span is None:
        return None
    return Span(e.span.line, e.span.column, e.span.line, e.span.column + len(e.func), e.span.source)


def _aggregate_type(func: str, arg: ir.Node | None, smono: str, amono: str) -> tuple[Type, str]:
    grows = smono in (INC, CONST)
    if func == "count":
        return INT, INC if grows else MIXED
    if func == "exists":
        return BOOL, INC if grows else MIXED
    if func == "none":
        return BOOL, DEC if grows else MIXED
    if func == "every":
        return BOOL, DEC if grows and amono in (CONST, DEC) else MIXED
    if func == "distinct":
        return INT, INC if grows and amono == CONST else MIXED
    assert arg is not None
    if func == "sum":
        return arg.type, INC if grows and amono == CONST else MIXED
    if func == "max":
        return arg.type, INC if grows and amono == CONST else MIXED
    if func == "min":
        return arg.type, DEC if grows and amono == CONST else MIXED
    return PCT, MIXED  # share
