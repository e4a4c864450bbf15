"""Lark's trees → syntax tree (:mod:`protrules.language.nodes`), built while Lark parses.

In: the trees Lark makes, one grammar rule at a time (:class:`Building`). Out: the file's
:class:`~protrules.language.nodes.Module`, with a located diagnostic for every value the
grammar accepts but the language does not (a bad date, a number out of range, nesting past
the limits). Imported by :mod:`protrules.language.lalr` only, when a file is parsed.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import sys
from decimal import Decimal
from typing import Any

from lark import Token, Tree

from protrules.calendar.durations import Duration
from protrules.i18n import msg
from protrules.language import nodes as n
from protrules.language.diagnostics import Diagnostic, Span
from protrules.language.dialects import Reading
from protrules.language.words import COMPARE_OPS, UNITS
from protrules.limits import (
    BLOCK_DEPTH,
    EXPRESSION_DEPTH,
    FRACTION_DIGITS,
    MAX_NUMBER,
)

__all__ = ["BUILDER", "Builder", "Building"]


#: The builder of the file being parsed, for the trees Lark makes (:class:`Building`).
BUILDER: contextvars.ContextVar[Builder] = contextvars.ContextVar("protrules_builder")
#: What a subtree nested deeper than the limits is built into (its error is already reported).
_TOO_DEEP: Any = object()

_OUT_OF_RANGE = f"is out of range: a number in a rule file is at most 10^{len(str(MAX_NUMBER)) - 1}"

#: Grammar rules that are a level of an expression, for :data:`~protrules.limits.EXPRESSION_DEPTH`.
_LEVELS = frozenset(
    (
        "select_as", "select_where", "if_expr", "or_", "and_", "not_", "compare", "member",
        "not_member", "within", "is_test", "range", "binary", "neg", "attribute", "at", "call", "list_",
    )
)  # fmt: skip
#: Operators whose chains are one n-ary node (``a and b and c``), not a nesting.
_CHAINS = frozenset(("or_", "and_"))
#: Grammar rules that open a block of statements, for :data:`~protrules.limits.BLOCK_DEPTH`.
_BLOCKS = frozenset(("for_facts", "for_periods"))


class _Title(str):
    __slots__ = ()


class _Source(str):
    __slots__ = ()


class _ForSource:
    def __init__(self, expr: n.Expr) -> None:
        self.expr = expr


class _ForWhere:
    def __init__(self, expr: n.Expr) -> None:
        self.expr = expr


class _By:
    def __init__(self, expr: n.Expr) -> None:
        self.expr = expr


class _Chain(list[Any]):
    """The operands of an inner link of an `and` or `or` chain, handed to the next link."""

    __slots__ = ()


def _chain(children: list[Any]) -> _Chain:
    """The operands of a chain link: a left-deep chain of n links is read in O(n), extending
    one list, where building a node per link would copy the operands n times."""
    first = children[0]
    operands = first if isinstance(first, _Chain) else _Chain((first,))
    for child in children[1:]:
        if isinstance(child, _Chain):
            operands.extend(child)
        else:
            operands.append(child)
    return operands


def _intern(token: str) -> str:
    """A name, operator or number's text as one shared string: the same few recur thousands of
    times in a file, and each copy would cost a string object in every node."""
    return sys.intern(str(token))


def _unquote(token: str) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class Builder:
    """Builds :mod:`protrules.language.nodes` from Lark's tree, collecting value errors (bad dates).

    Each grammar rule has a method taking the rule's position (``meta``) and its children,
    already built; :meth:`build` walks the tree bottom-up and calls them (a plain walk costs
    about half what Lark's ``Transformer`` with ``v_args`` does, which wraps every call)."""

    def __init__(self, source_name: str, dialect: str = "en") -> None:
        self.source_name = source_name
        self.dialect = dialect
        self.reading = Reading(dialect)
        self.errors: list[Diagnostic] = []
        #: Keywords written against a word (PRL112), found as the text is lexed.
        self.separations: list[Diagnostic] = []
        self._methods: dict[str, Any] = {}

    def joined(self, before: Token, token: Token) -> None:
        """Report a keyword written against the word before or after it (PRL112)."""
        span = Span(
            before.line or 1,
            before.column or 1,
            token.end_line or token.line or 1,
            token.end_column or (token.column or 1) + 1,
            self.source_name,
        )
        self.separations.append(
            Diagnostic(
                "PRL112",
                msg("`{first}` and `{second}` are written together", first=str(before), second=str(token)),
                span,
                hint=msg(
                    "a keyword is a word of its own: write `{first} {second}`",
                    first=str(before),
                    second=str(token),
                ),
            )
        )

    def _builtin(self, kind: str, token: Token, span: Span | None = None) -> str:
        """The tree's spelling of a name where a built-in of ``kind`` may stand; a built-in
        written in the other dialect is reported (PRL113)."""
        name, instead = self.reading.name(kind, str(token))
        if instead is not None:
            self.errors.append(
                Diagnostic(
                    "PRL113",
                    msg("`{word}` is English, and this file is written in Chinese", word=name),
                    span or self._tok_span(token),
                    hint=msg("write `{word}`", word=instead),
                )
            )
        return name

    def take(self, data: str, children: list[Any]) -> tuple[list[Any], int, int, bool]:
        """The values of a new tree's children, each child tree built into its node now that
        its position is known; with the deepest expression level and block nesting below, and
        whether a child was left unbuilt for being too deep."""
        values: list[Any] = []
        depth = blocks = 0
        poisoned = False
        for child in children:
            if not isinstance(child, Building):
                values.append(child)
                continue
            value, below, nested = self._finish(child, data)
            if value is _TOO_DEEP:
                poisoned = True
            values.append(value)
            if below > depth:
                depth = below
            if nested > blocks:
                blocks = nested
        return values, depth, blocks, poisoned

    def _finish(self, tree: Building, parent: str) -> tuple[Any, int, int]:
        """A tree's node, and the expression level and block nesting it reaches."""
        data, depth, blocks = tree.data, tree.depth, tree.blocks
        chained = data in _CHAINS and data == parent
        if data in _LEVELS:
            depth += 1
            if depth == EXPRESSION_DEPTH + 1:
                self._too_deep(tree.meta, "expression", EXPRESSION_DEPTH, "name its parts with `let`")
                return _TOO_DEEP, 0, 0
        elif data in _BLOCKS:
            blocks += 1
            if blocks == BLOCK_DEPTH + 1:
                self._too_deep(tree.meta, "block", BLOCK_DEPTH, "split the rule into smaller rules")
                return _TOO_DEEP, 0, 0
        if tree.poisoned:
            return _TOO_DEEP, 0, 0  # its error is reported: no node is built around it
        if chained:  # an inner link of `a and b and c`: its operands join the outer node's
            return _chain(tree.children), depth - 1, blocks
        method = self._methods.get(data)
        if method is None:
            method = self._methods[data] = getattr(self, data)
        return method(tree.meta, tree.children), depth, blocks

    def root(self, tree: Building) -> Any:
        """The node of the whole file's tree."""
        return self._finish(tree, "")[0]

    def _too_deep(self, meta: Any, what: str, limit: int, hint: str) -> None:
        if what == "expression":
            code, message = "PRL107", f"expression nested more than {limit} levels deep"
        else:
            code, message = "PRL109", f"more than {limit} `for each` blocks nested in one another"
        self.errors.append(Diagnostic(code, message, self._span(meta), hint=hint))

    def _number(self, token: Token, kind: str = "integer") -> Any:
        """An integer, decimal or percentage read from its token within the rule-file limits:
        Python's int reads at most 4 300 digits and then raises, and a number past
        :data:`~protrules.limits.MAX_NUMBER` is a typo, not a quantity of a standard."""
        text = str(token)
        digits = text.rstrip("%")
        whole, _, fraction = digits.partition(".")
        if len(fraction) > FRACTION_DIGITS:
            return self._number_error(token, f"has more than {FRACTION_DIGITS} digits after the point")
        if len(whole.lstrip("0")) > len(str(MAX_NUMBER)):
            return self._number_error(token, _OUT_OF_RANGE)
        value: Any = Decimal(digits) if kind != "integer" else int(digits)
        if kind == "percentage":
            value = value / 100
        if value > MAX_NUMBER:
            return self._number_error(token, _OUT_OF_RANGE)
        return value

    def _number_error(self, token: Token, problem: str) -> int:
        text = str(token)
        shown = text if len(text) <= 24 else f"{text[:10]}…{text[-6:]}"
        self.errors.append(Diagnostic("PRL111", f"number `{shown}` {problem}", self._tok_span(token)))
        return 0

    # -- helpers
    def _span(self, meta: Any) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(meta.line, meta.column, meta.end_line, meta.end_column, self.source_name)

    def _tok_span(self, token: Token) -> Span:
        return Span(
            token.line or 1,
            token.column or 1,
            token.end_line or token.line or 1,
            token.end_column or (token.column or 1) + 1,
            self.source_name,
        )

    def _date(self, token: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError as error:
            self.errors.append(
                Diagnostic("PRL110", f"invalid date `{token}`: {error}", self._tok_span(token))
            )
            return dt.date(1970, 1, 1)

    @staticmethod
    def _title(children: list[Any]) -> str | None:
        for child in children:
            if isinstance(child, _Title):
                return str(child)
        return None

    @staticmethod
    def _of(children: list[Any], kind: type) -> list[Any]:
        return [c for c in children if isinstance(c, kind)]

    # -- module and header
    def start(self, meta: Any, children: list[Any]) -> n.Module:
        return n.Module(tuple(children), self.source_name, span=self._span(meta), dialect=self.dialect)

    def standard(self, meta: Any, children: list[Any]) -> n.Standard:
        return n.Standard(_unquote(children[0]), tuple(children[1:]), span=self._span(meta))

    def programme_decl(self, meta: Any, children: list[Any]) -> n.ProgrammeDecl:
        return n.ProgrammeDecl(_unquote(children[0]), tuple(children[1:]), span=self._span(meta))

    def programme_setting(self, meta: Any, children: list[Any]) -> n.Setting:
        return self.setting(meta, children)

    def setting(self, meta: Any, children: list[Any]) -> n.Setting:
        key, value = children
        span = self._tok_span(value)
        if value.type == "STRING":
            return n.Setting(key, _unquote(value), True, span=span)
        if value.type == "INT":
            return n.Setting(key, self._number(value), False, span=span)
        if key == "calendar":
            return n.Setting(key, self._builtin("calendar", value), False, span=span)
        return n.Setting(key, str(value), False, span=span)

    def _keyword(self, meta: Any, children: list[Any]) -> str:
        return self.reading.keyword(" ".join(str(c) for c in children))

    setting_key = programme_key = rule_key = notice_key = unit = verdict = status = _keyword

    def is_word(self, meta: Any, children: list[Any]) -> str:
        return self._keyword(meta, children).removeprefix("is ")

    def title(self, meta: Any, children: list[Any]) -> _Title:
        return _Title(_unquote(children[0]))

    def source(self, meta: Any, children: list[Any]) -> _Source:
        return _Source(_unquote(children[0]))

    # -- facts
    def enum_values(self, meta: Any, children: list[Any]) -> tuple[str, ...]:
        return tuple(_unquote(c) for c in children)

    def define_decl(self, meta: Any, children: list[Any]) -> n.Define:
        return n.Define(str(children[0]), self._title(children), children[-1], span=self._span(meta))

    def list_(self, meta: Any, children: list[Any]) -> n.ListExpr:
        return n.ListExpr(tuple(children), span=self._span(meta))

    def enum_decl(self, meta: Any, children: list[Any]) -> n.EnumDecl:
        members = next(c for c in children if isinstance(c, tuple))
        return n.EnumDecl(str(children[0]), self._title(children), members, span=self._span(meta))

    def fact_decl(self, meta: Any, children: list[Any]) -> n.FactDecl:
        known = self._of(children, n.KnownFrom)
        return n.FactDecl(
            str(children[0]),
            self._title(children),
            tuple(self._of(children, n.FieldNode)),
            span=self._span(meta),
            known_from=known[0] if known else None,
        )

    def field(self, meta: Any, children: list[Any]) -> n.FieldNode:
        known = self._of(children, n.KnownFrom)
        return n.FieldNode(
            str(children[0]),
            children[1],
            self._title(children),
            span=self._span(meta),
            known_from=known[0] if known else None,
        )

    def known_from(self, meta: Any, children: list[Any]) -> n.KnownFrom:
        name = children[0]
        return n.KnownFrom(str(name), span=self._tok_span(name))

    def named_type(self, meta: Any, children: list[Any]) -> n.TypeRef:
        name = self._builtin("type", children[0])
        return n.TypeRef(name, None, len(children) > 1, span=self._span(meta))

    def inline_enum(self, meta: Any, children: list[Any]) -> n.TypeRef:
        return n.TypeRef(None, children[0], len(children) > 1, span=self._span(meta))

    # -- parameters, periods, calendar data
    def parameter_simple(self, meta: Any, children: list[Any]) -> n.Parameter:
        type_ref = self._of(children, n.TypeRef)[0]
        literal = self._of(children, n.Literal)[0]
        sources = self._of(children, _Source)
        value = n.ParamValue(literal, None, str(sources[0]) if sources else None, span=literal.span)
        return n.Parameter(
            str(children[0]), self._title(children), type_ref, (value,), False, span=self._span(meta)
        )

    def parameter_dated(self, meta: Any, children: list[Any]) -> n.Parameter:
        type_ref = self._of(children, n.TypeRef)[0]
        return n.Parameter(
            str(children[0]),
            self._title(children),
            type_ref,
            tuple(self._of(children, n.ParamValue)),
            True,
            span=self._span(meta),
        )

    def parameter_lookup(self, meta: Any, children: list[Any]) -> n.Parameter:
        key, value = self._of(children, n.TypeRef)
        sources = self._of(children, _Source)
        return n.Parameter(
            str(children[0]),
            self._title(children),
            value,
            (),
            False,
            key=key,
            rows=tuple(self._of(children, n.LookupRow)),
            source=str(sources[0]) if sources else None,
            span=self._span(meta),
        )

    def lookup_row(self, meta: Any, children: list[Any]) -> n.LookupRow:
        return n.LookupRow(children[0], children[1], span=self._span(meta))

    def value_line(self, meta: Any, children: list[Any]) -> n.ParamValue:
        sources = self._of(children, _Source)
        return n.ParamValue(
            children[0], self._date(children[1]), str(sources[0]) if sources else None, span=self._span(meta)
        )

    def period_decl(self, meta: Any, children: list[Any]) -> n.PeriodDecl:
        dates = [c for c in children if isinstance(c, Token) and c.type == "DATE"]
        return n.PeriodDecl(
            str(children[0]),
            self._title(children),
            self._date(dates[0]),
            self._date(dates[1]),
            span=self._span(meta),
        )

    def vacation_decl(self, meta: Any, children: list[Any]) -> n.VacationDecl:
        dates = [c for c in children if isinstance(c, Token) and c.type == "DATE"]
        return n.VacationDecl(
            str(children[0]),
            self._title(children),
            self._date(dates[0]),
            self._date(dates[1]),
            span=self._span(meta),
        )

    def date_decl(self, meta: Any, children: list[Any]) -> n.DateDecl:
        dates = [c for c in children if isinstance(c, Token) and c.type == "DATE"]
        return n.DateDecl(
            str(children[0]), self._title(children), self._date(dates[0]), span=self._span(meta)
        )

    def date_item(self, meta: Any, children: list[Any]) -> tuple[dt.date, dt.date | None]:
        return (self._date(children[0]), self._date(children[1]) if len(children) > 1 else None)

    def dates_decl(self, meta: Any, children: list[Any]) -> n.DatesDecl:
        items = tuple(c for c in children if isinstance(c, tuple))
        return n.DatesDecl(str(children[0]), self._title(children), items, span=self._span(meta))

    def notice_decl(self, meta: Any, children: list[Any]) -> n.NoticeDecl:
        return n.NoticeDecl(
            self._number(children[0]),
            str(children[1]),
            tuple(self._of(children, n.NoticeLine)),
            span=self._span(meta),
        )

    def notice_line(self, meta: Any, children: list[Any]) -> n.NoticeLine:
        return n.NoticeLine(children[0], tuple(children[1:]), span=self._span(meta))

    # -- structure
    def area(self, meta: Any, children: list[Any]) -> n.Area:
        return n.Area(str(children[0]), str(children[1]), tuple(children[2:]), span=self._span(meta))

    def item(self, meta: Any, children: list[Any]) -> n.Item:
        return n.Item(str(children[0]), str(children[1]), tuple(children[2:]), span=self._span(meta))

    def rule(self, meta: Any, children: list[Any]) -> n.Rule:
        settings = tuple(self._of(children, n.RuleSetting))
        body = tuple(self._of(children, n.Stmt))
        return n.Rule(str(children[0]), str(children[1]), settings, body, span=self._span(meta))

    def rule_setting(self, meta: Any, children: list[Any]) -> n.RuleSetting:
        key, value = children
        if value.type == "STRING":
            return n.RuleSetting(key, _unquote(value), True, span=self._tok_span(value))
        if key == "kind" and value.type == "NAME":
            return n.RuleSetting(key, self._builtin("kind", value), False, span=self._tok_span(value))
        return n.RuleSetting(key, str(value), False, span=self._tok_span(value))

    # -- statements
    def let_stmt(self, meta: Any, children: list[Any]) -> n.Let:
        return n.Let(str(children[0]), children[1], span=self._span(meta))

    def require_stmt(self, meta: Any, children: list[Any]) -> n.Require:
        by = children[1].expr if len(children) > 1 else None
        return n.Require(children[0], by, span=self._span(meta))

    def by_clause(self, meta: Any, children: list[Any]) -> _By:
        return _By(children[0])

    def advise_stmt(self, meta: Any, children: list[Any]) -> n.Advise:
        return n.Advise(children[0], span=self._span(meta))

    def applies_stmt(self, meta: Any, children: list[Any]) -> n.Applies:
        return n.Applies(children[0], span=self._span(meta))

    def for_source(self, meta: Any, children: list[Any]) -> _ForSource:
        return _ForSource(children[0])

    def for_where(self, meta: Any, children: list[Any]) -> _ForWhere:
        return _ForWhere(children[0])

    def for_facts(self, meta: Any, children: list[Any]) -> n.ForFacts:
        var = children[0]
        sources = self._of(children, _ForSource)
        wheres = self._of(children, _ForWhere)
        body = tuple(self._of(children, n.Stmt))
        if sources:
            return n.ForFacts(
                str(var),
                sources[0].expr,
                wheres[0].expr if wheres else None,
                body,
                True,
                span=self._span(meta),
            )
        source = n.Name(str(var), span=self._tok_span(var))
        return n.ForFacts(
            str(var), source, wheres[0].expr if wheres else None, body, False, span=self._span(meta)
        )

    def for_periods(self, meta: Any, children: list[Any]) -> n.ForPeriods:
        wheres = self._of(children, _ForWhere)
        body = tuple(self._of(children, n.Stmt))
        return n.ForPeriods(
            children[0],
            str(children[1]),
            children[2],
            wheres[0].expr if wheres else None,
            body,
            span=self._span(meta),
        )

    # -- tests beside the rules
    def test_decl(self, meta: Any, children: list[Any]) -> n.TestDecl:
        facts: str | None = None
        as_of: dt.date | None = None
        status: str | None = None
        expects: list[tuple[str, str]] = []
        lines: list[tuple[str, int]] = []
        params: list[n.TestParameter] = []
        for child in children[1:]:
            kind, value, line = child
            if kind == "facts":
                facts = value
            elif kind == "as_of":
                as_of = value
            elif kind == "status":
                status = value
                lines.append(("status", line))
            elif kind == "parameter":
                params.append(value)
            else:
                expects.append(value)
                lines.append((value[0], line))
        name = _unquote(children[0])
        span = self._span(meta)
        return n.TestDecl(
            name, facts, as_of, tuple(expects), status, span=span, lines=tuple(lines), params=tuple(params)
        )

    def test_facts(self, meta: Any, children: list[Any]) -> tuple[str, str, int]:
        return ("facts", _unquote(children[0]), meta.line)

    def test_as_of(self, meta: Any, children: list[Any]) -> tuple[str, dt.date, int]:
        return ("as_of", self._date(children[0]), meta.line)

    def test_expect(self, meta: Any, children: list[Any]) -> tuple[str, tuple[str, str], int]:
        return ("expect", (str(children[0]), children[1]), meta.line)

    def test_status(self, meta: Any, children: list[Any]) -> tuple[str, str, int]:
        return ("status", children[0], meta.line)

    def test_parameter(self, meta: Any, children: list[Any]) -> tuple[str, n.TestParameter, int]:
        name = children[0]
        return ("parameter", n.TestParameter(str(name), children[1], span=self._tok_span(name)), meta.line)

    # -- expressions
    def select_as(self, meta: Any, children: list[Any]) -> n.Select:
        condition = children[2] if len(children) > 2 else None
        return n.Select(children[0], str(children[1]), condition, span=self._span(meta))

    def select_where(self, meta: Any, children: list[Any]) -> n.Select:
        return n.Select(children[0], None, children[1], span=self._span(meta))

    def _boolop(self, op: str, meta: Any, children: list[Any]) -> n.BoolOp:
        return n.BoolOp(op, tuple(_chain(children)), span=self._span(meta))

    def or_(self, meta: Any, children: list[Any]) -> n.BoolOp:
        return self._boolop("or", meta, children)

    def and_(self, meta: Any, children: list[Any]) -> n.BoolOp:
        return self._boolop("and", meta, children)

    def not_(self, meta: Any, children: list[Any]) -> n.Not:
        return n.Not(children[0], span=self._span(meta))

    def compare(self, meta: Any, children: list[Any]) -> n.Compare:
        op = _intern(COMPARE_OPS.get(str(children[1]), str(children[1])))
        return n.Compare(op, children[0], children[2], span=self._span(meta))

    def member(self, meta: Any, children: list[Any]) -> n.Member:
        return n.Member(children[0], children[1], False, span=self._span(meta))

    def not_member(self, meta: Any, children: list[Any]) -> n.Member:
        return n.Member(children[0], children[1], True, span=self._span(meta))

    def within(self, meta: Any, children: list[Any]) -> n.Within:
        return n.Within(children[0], children[1], children[2], span=self._span(meta))

    def within_zh(self, meta: Any, children: list[Any]) -> n.Within:
        """``x 在 d 之后 30个工作日 以内``: the anchor before the duration."""
        return n.Within(children[0], children[2], children[1], span=self._span(meta))

    def is_test(self, meta: Any, children: list[Any]) -> n.IsTest:
        return n.IsTest(children[0], children[1], span=self._span(meta))

    def range(self, meta: Any, children: list[Any]) -> n.Range:
        return n.Range(children[0], children[1], span=self._span(meta))

    def binary(self, meta: Any, children: list[Any]) -> n.Binary:
        return n.Binary(_intern(children[1]), children[0], children[2], span=self._span(meta))

    def neg(self, meta: Any, children: list[Any]) -> n.Neg:
        return n.Neg(children[0], span=self._span(meta))

    def attribute(self, meta: Any, children: list[Any]) -> n.Attribute:
        return n.Attribute(children[0], _intern(children[1]), span=self._span(meta))

    def at(self, meta: Any, children: list[Any]) -> n.At:
        return n.At(children[0], children[1], span=self._span(meta))

    def name(self, meta: Any, children: list[Any]) -> n.Name:
        return n.Name(_intern(self._builtin("value", children[0])), span=self._span(meta))

    def call(self, meta: Any, children: list[Any]) -> n.Call:
        func = self._builtin("function", children[0])
        return n.Call(_intern(func), tuple(children[1:]), span=self._span(meta))

    def if_expr(self, meta: Any, children: list[Any]) -> n.If:
        return n.If(children[0], children[1], children[2], span=self._span(meta))

    # -- literals
    def integer(self, meta: Any, children: list[Any]) -> n.Literal:
        value = self._number(children[0])
        return n.Literal(value, "integer", _intern(children[0]), span=self._span(meta))

    def decimal(self, meta: Any, children: list[Any]) -> n.Literal:
        value = self._number(children[0], "decimal")
        return n.Literal(value, "decimal", str(children[0]), span=self._span(meta))

    def percent(self, meta: Any, children: list[Any]) -> n.Literal:
        text = str(children[0])
        return n.Literal(self._number(children[0], "percentage"), "percentage", text, span=self._span(meta))

    def date(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(self._date(children[0]), "date", str(children[0]), span=self._span(meta))

    def string(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(_unquote(children[0]), "text", str(children[0]), span=self._span(meta))

    def true(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(True, "boolean", "true", span=self._span(meta))

    def false(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(False, "boolean", "false", span=self._span(meta))

    def duration_unit(self, meta: Any, children: list[Any]) -> str:
        return " ".join(str(c) for c in children)

    def duration(self, meta: Any, children: list[Any]) -> n.Literal:
        amount, word = self._number(children[0]), children[1]
        text = f"{children[0]} {word}" if word.isascii() else f"{children[0]}{word}"
        return n.Literal(Duration(amount, UNITS[word]), "duration", text, span=self._span(meta))


class Building(Tree[Token]):
    """A grammar rule's tree as the parser makes it, whose child trees become nodes at once.

    Lark makes a rule's tree when it has read the rule, children first, and sets its position
    just after; so when a tree is made, its children's positions are known and the builder
    turns them into nodes there and then. A file's syntax tree is never held whole: the
    nodes cost about a quarter of Lark's trees and tokens, and a chain too deep to build is
    dropped as soon as it is found. A helper rule that Lark inlines into its parent (a name
    starting with ``_``) keeps its children as they are for the parent to build.
    """

    def __init__(self, data: str, children: list[Any], meta: Any = None) -> None:
        builder = BUILDER.get(None)
        if builder is None or data.startswith("_"):  # outside parse(), a plain Lark tree
            super().__init__(data, children, meta)
            self.depth = self.blocks = 0
            self.poisoned = False
            return
        values, self.depth, self.blocks, self.poisoned = builder.take(data, children)
        super().__init__(data, values, meta)
