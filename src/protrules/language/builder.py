"""The parser's trees → syntax tree (:mod:`protrules.language.nodes`), built while it parses.

In: the trees the parser makes, one grammar rule at a time (the driver's or Lark's,
:mod:`protrules.language.building`). Out: the file's
:class:`~protrules.language.nodes.Module`, with a located diagnostic for every value the
grammar accepts but the language does not (a bad date, a number out of range, nesting past
the limits). Imported when a file is parsed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from protrules.calendar.durations import Duration
from protrules.language import nodes as n
from protrules.language.building import (
    BUILDER,
    TreeReader,
    _By,
    _chain,
    _ForSource,
    _ForWhere,
    _intern,
    _Source,
    _Title,
    _unquote,
)
from protrules.language.words import COMPARE_OPS, UNITS

__all__ = ["BUILDER", "Builder"]


class Builder(TreeReader):
    """Builds :mod:`protrules.language.nodes` from Lark's trees, one method per grammar rule
    (:class:`~protrules.language.building.TreeReader` walks the trees and reads the tokens)."""

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
        dates = [c for c in children if getattr(c, "type", None) == "DATE"]
        return n.PeriodDecl(
            str(children[0]),
            self._title(children),
            self._date(dates[0]),
            self._date(dates[1]),
            span=self._span(meta),
        )

    def vacation_decl(self, meta: Any, children: list[Any]) -> n.VacationDecl:
        dates = [c for c in children if getattr(c, "type", None) == "DATE"]
        return n.VacationDecl(
            str(children[0]),
            self._title(children),
            self._date(dates[0]),
            self._date(dates[1]),
            span=self._span(meta),
        )

    def date_decl(self, meta: Any, children: list[Any]) -> n.DateDecl:
        dates = [c for c in children if getattr(c, "type", None) == "DATE"]
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
