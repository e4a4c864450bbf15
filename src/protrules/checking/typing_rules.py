"""Expression and statement checking: names, types, and monotonicity.

Monotonicity says how an expression moves when facts are *added* to a ledger (``inc``:
only towards true / larger, ``dec``: only towards false / smaller, ``const``: not at all,
``mixed``). It decides whether a requirement that is met before its due date is decided
(``count(…) >= 2`` stays met) or still pending (``none(…)`` can still be broken).
"""

from __future__ import annotations

import itertools

from protrules.checking import ir
from protrules.checking.ir import CONST, DEC, INC, MIXED
from protrules.checking.typing_calls import (
    BOOL,
    DATE,
    DATES,
    DEC_T,
    DUR,
    ERROR,
    INT,
    PCT,
    PERIOD,
    TEXT,
    CallChecker,
    Reporter,
    Scope,
    combine,
    compatible,
    flip,
    join,
    settled,
)
from protrules.facts.model import Kind, Type
from protrules.i18n import Message, joined, msg
from protrules.language import nodes as n
from protrules.language.diagnostics import did_you_mean, suggest

__all__ = ["ExprChecker", "Scope", "literal_type"]

LITERAL_KINDS = {
    "integer": INT,
    "decimal": DEC_T,
    "percentage": PCT,
    "date": DATE,
    "text": TEXT,
    "boolean": BOOL,
    "duration": DUR,
}
DATE_PARTS = ("year", "quarter", "month", "day", "weekday")
PERIOD_PARTS = {"start": DATE, "end": DATE, "days": INT}
BUILTINS = {"as_of": DATE}


def literal_type(literal: n.Literal) -> Type:
    return LITERAL_KINDS[literal.kind]


class ExprChecker(CallChecker):
    """Checks one rule body; returns IR nodes paired with their monotonicity (calls are
    checked by :class:`~protrules.checking.typing_calls.CallChecker`)."""

    _counter = itertools.count(1)

    def __init__(self, scope: Scope, reporter: Reporter) -> None:
        self.scope = scope
        self.report = reporter

    # -- helpers
    def fresh(self, name: str) -> str:
        return f"{name}#{next(self._counter)}"

    def text(self, node: n.Expr | n.Stmt) -> str:
        return self.report.snippet(node.span)

    def bad(self, node: n.Expr) -> tuple[ir.Node, str]:
        return ir.Const(ERROR, self.text(node), node.span, None), CONST

    # -- statements
    def block(self, stmts: tuple[n.Stmt, ...]) -> tuple[ir.Stmt, ...]:
        depth = len(self.scope.locals)
        out = [self.stmt(s) for s in stmts]
        del self.scope.locals[depth:]
        return tuple(s for s in out if s is not None)

    def stmt_text(self, stmt: n.Stmt) -> str:
        """The statement as written, on one line, without trailing comments."""
        t = self.text
        if isinstance(stmt, n.Let):
            return f"let {stmt.name} = {t(stmt.value)}"
        if isinstance(stmt, n.Require):
            return f"require {t(stmt.condition)}" + (f" by {t(stmt.by)}" if stmt.by else "")
        if isinstance(stmt, n.Advise):
            return f"advise {t(stmt.condition)}"
        if isinstance(stmt, n.Applies):
            return f"applies when {t(stmt.condition)}"
        assert isinstance(stmt, n.ForFacts | n.ForPeriods)
        where = f" where {t(stmt.condition)}" if stmt.condition is not None else ""
        if isinstance(stmt, n.ForFacts):
            source = f" in {t(stmt.source)}" if stmt.explicit_source else ""
            return f"for each {stmt.var}{source}{where}"
        assert isinstance(stmt, n.ForPeriods)
        return f"for each {stmt.unit} {stmt.var} of {t(stmt.period)}{where}"

    def stmt(self, stmt: n.Stmt) -> ir.Stmt | None:
        text = self.stmt_text(stmt)
        if isinstance(stmt, n.Let):
            if self.scope.lookup_local(stmt.name) is not None:
                self.report.error(
                    "PRL308", msg("`{name}` is already defined in this rule", name=stmt.name), stmt.span
                )
            value, mono = self.expr(stmt.value)
            var = self.fresh(stmt.name)
            self.scope.locals.append((stmt.name, var, value.type, mono))
            return ir.LetS(text, stmt.span, var, stmt.name, value)
        if isinstance(stmt, n.Require):
            cond, mono = self.condition(stmt.condition)
            by = None
            if stmt.by is not None:
                by, _ = self.expr(stmt.by)
                self.expect(by, DATE, stmt.by, msg("a `{by}` date", by=self.kw("by")))
            return ir.RequireS(text, stmt.span, cond, by, mono)
        if isinstance(stmt, n.Advise):
            cond, _ = self.condition(stmt.condition)
            return ir.AdviseS(text, stmt.span, cond)
        if isinstance(stmt, n.Applies):
            cond, _ = self.condition(stmt.condition)
            return ir.AppliesS(text, stmt.span, cond)
        if isinstance(stmt, n.ForFacts):
            source, _ = self.expr(stmt.source)
            if self.ok(source.type) and source.type.kind is not Kind.SET:
                self.report.error(
                    "PRL209",
                    msg(
                        "`{for_each} … {in_}` needs a set of facts, found {type}",
                        for_each=self.kw("for each"),
                        in_=self.kw("in"),
                        type=source.type,
                    ),
                    stmt.source.span,
                )
                return None
            if not self.ok(source.type):
                return None
            var = self.fresh(stmt.var)
            depth = len(self.scope.locals)
            self.scope.locals.append((stmt.var, var, Type(Kind.FACT, fact=source.type.fact), CONST))
            cond_f = self.condition(stmt.condition)[0] if stmt.condition is not None else None
            body = self.block(stmt.body)
            del self.scope.locals[depth:]
            return ir.ForFactsS(text, stmt.span, var, stmt.var, source, cond_f, body)
        if isinstance(stmt, n.ForPeriods):
            period, _ = self.expr(stmt.period)
            self.expect(period, PERIOD, stmt.period, msg("a period"))
            var = self.fresh(stmt.var)
            depth = len(self.scope.locals)
            self.scope.locals.append((stmt.var, var, PERIOD, CONST))
            cond_p = self.condition(stmt.condition)[0] if stmt.condition is not None else None
            body = self.block(stmt.body)
            del self.scope.locals[depth:]
            return ir.ForPeriodsS(text, stmt.span, stmt.unit, var, stmt.var, period, cond_p, body)
        raise AssertionError(stmt)  # pragma: no cover

    def condition(self, expr: n.Expr) -> tuple[ir.Node, str]:
        node, mono = self.expr(expr)
        self.expect(node, BOOL, expr, msg("a condition (true or false)"), code="PRL208")
        return node, mono

    def expect(self, node: ir.Node, want: Type, expr: n.Expr, what: Message, code: str = "PRL204") -> bool:
        if not self.ok(node.type):
            return False
        if node.type.kind is want.kind:
            return True
        hint: Message | None = None
        if want.kind is Kind.BOOLEAN and node.type.kind is Kind.SET:
            hint = msg("use exists(…), none(…) or count(…) on a set of facts")
        elif want.kind is Kind.PERIOD and node.type.kind is Kind.DATE:
            hint = msg("make a period with `start .. end`")
        self.report.error(
            code, msg("expected {what}, found {type}", what=what, type=node.type), expr.span, hint
        )
        return False

    # -- expressions
    def expr(self, e: n.Expr) -> tuple[ir.Node, str]:
        text = self.text(e)
        if isinstance(e, n.Literal):
            return ir.Const(literal_type(e), text, e.span, e.value), CONST
        if isinstance(e, n.Name):
            return self.name(e)
        if isinstance(e, n.Attribute):
            return self.attribute(e)
        if isinstance(e, n.At):
            if not isinstance(e.target, n.Name) or e.target.name not in self.scope.params:
                self.report.error(
                    "PRL204",
                    msg("`{at}` applies to a parameter", at=self.kw("at")),
                    e.span,
                    hint=msg(
                        "write `{parameter} {at} (date)`", parameter=self.kw("parameter"), at=self.kw("at")
                    ),
                )
                return self.bad(e)
            when, mono = self.expr(e.when)
            self.expect(when, DATE, e.when, msg("a date after `{at}`", at=self.kw("at")))
            param = self.scope.params[e.target.name]
            return ir.ParamAt(param.type, text, e.span, param.name, when), mono
        if isinstance(e, n.Select):
            return self.select(e)
        if isinstance(e, n.Call):
            return self.call(e)
        if isinstance(e, n.If):
            return self.if_(e)
        if isinstance(e, n.BoolOp):
            parts = [self.condition(o) for o in e.operands]
            return ir.Logic(BOOL, text, e.span, e.op, tuple(p[0] for p in parts)), combine(
                *(p[1] for p in parts)
            )
        if isinstance(e, n.Not):
            inner, mono = self.condition(e.operand)
            return ir.Not(BOOL, text, e.span, inner), flip(mono)
        if isinstance(e, n.Neg):
            inner, mono = self.expr(e.operand)
            if self.ok(inner.type) and not inner.type.is_number:
                self.report.error("PRL204", msg("cannot negate {type}", type=inner.type), e.span)
                return self.bad(e)
            return ir.Neg(inner.type, text, e.span, inner), flip(mono)
        if isinstance(e, n.Binary):
            return self.binary(e)
        if isinstance(e, n.Compare):
            return self.compare(e)
        if isinstance(e, n.Member):
            return self.member(e)
        if isinstance(e, n.Within):
            subject, m1 = self.expr(e.subject)
            anchor, m2 = self.expr(e.anchor)
            duration, m3 = self.expr(e.duration)
            self.expect(subject, DATE, e.subject, msg("a date before `{within}`", within=self.kw("within")))
            self.expect(
                duration, DUR, e.duration, msg("a duration after `{within}`", within=self.kw("within"))
            )
            self.expect(anchor, DATE, e.anchor, msg("a date after `{after}`", after=self.kw("after")))
            moving = m1 != CONST or m2 != CONST or m3 != CONST
            return ir.Within(BOOL, text, e.span, subject, duration, anchor), MIXED if moving else CONST
        if isinstance(e, n.ListExpr):
            items = [self.expr(item) for item in e.items]
            types = [node.type for node, _ in items if self.ok(node.type)]
            element = types[0] if types else TEXT
            for (node, _), item in zip(items, e.items, strict=True):
                if self.ok(node.type) and not compatible(node.type, element):
                    self.report.error(
                        "PRL204",
                        msg("a list mixes {element} and {type}", element=element, type=node.type),
                        item.span,
                    )
            if element.kind in (Kind.SET, Kind.FACT, Kind.LIST, Kind.PERIOD, Kind.DATES):
                self.report.error(
                    "PRL204", msg("a list holds simple values, not {element}", element=element), e.span
                )
                return self.bad(e)
            list_type = Type(Kind.LIST, element=element)
            return ir.ListOf(list_type, text, e.span, tuple(n_ for n_, _ in items)), combine(
                *(m for _, m in items)
            )
        if isinstance(e, n.IsTest):
            subject, mono = self.expr(e.subject)
            if e.test in ("set", "missing") and self.later_entry(subject):
                # Recorded once its date has come, never unrecorded, never changed after: whether it
                # is set can only turn true, and a value it has, it keeps.
                mono = INC if e.test == "set" else DEC
            if e.test in ("set", "missing"):
                if not isinstance(subject, ir.GetAttr) or not subject.optional:
                    self.report.warn(
                        "PRL214",
                        msg("`{text}` is never missing", text=self.text(e.subject)),
                        e.span,
                        hint=msg(
                            "`{is_set}` / `{is_missing}` test optional fields (declared with `?`)",
                            is_set=self.kw("is set"),
                            is_missing=self.kw("is missing"),
                        ),
                    )
            else:
                self.expect(
                    subject, DATE, e.subject, msg("a date before `{test}`", test=self.kw("is " + e.test))
                )
            return ir.Test(BOOL, text, e.span, subject, e.test), mono
        if isinstance(e, n.Range):
            start, m1 = self.expr(e.start)
            end, m2 = self.expr(e.end)
            self.expect(start, DATE, e.start, msg("a date before `..`"))
            self.expect(end, DATE, e.end, msg("a date after `..`"))
            return ir.MakePeriod(PERIOD, text, e.span, start, end), combine(m1, m2)
        raise AssertionError(e)  # pragma: no cover

    def name(self, e: n.Name) -> tuple[ir.Node, str]:
        text = self.text(e)
        local = self.scope.lookup_local(e.name)
        if local is not None:
            var, type_, mono = local
            return ir.Ref(type_, text, e.span, "local", var), mono
        s = self.scope
        if e.name in s.defines:
            s.used_defines.add(e.name)
            return s.defines[e.name]
        if e.name in s.fact_types:
            return ir.Ref(Type(Kind.SET, fact=e.name), text, e.span, "facts", e.name), INC
        if e.name in s.params:
            return ir.Ref(s.params[e.name].type, text, e.span, "param", e.name), CONST
        if e.name in s.periods:
            return ir.Const(PERIOD, text, e.span, s.periods[e.name]), CONST
        if e.name in s.dates:
            return ir.Const(DATE, text, e.span, s.dates[e.name]), CONST
        if e.name in s.date_sets:
            return ir.Const(DATES, text, e.span, s.date_sets[e.name]), CONST
        if e.name in BUILTINS:
            return ir.Ref(BUILTINS[e.name], text, e.span, "builtin", e.name), CONST
        guess = suggest(e.name, s.all_names())
        self.report.error(
            "PRL201", msg("unknown name `{name}`", name=e.name), e.span, hint=did_you_mean(guess)
        )
        return self.bad(e)

    def attribute(self, e: n.Attribute) -> tuple[ir.Node, str]:
        text = self.text(e)
        target, mono = self.expr(e.target)
        t = target.type
        if not self.ok(t):
            return self.bad(e)
        if t.kind is Kind.FACT:
            if e.name == "id":
                return ir.GetAttr(TEXT, text, e.span, target, "id", "fact"), mono
            fact_type = self.scope.fact_types[str(t.fact)]
            field = fact_type.field(e.name)
            if field is None:
                guess = suggest(e.name, [f.name for f in fact_type.fields] + ["id"])
                self.report.error(
                    "PRL203",
                    msg("`{fact}` has no field `{name}`", fact=t.fact, name=e.name),
                    e.span,
                    hint=did_you_mean(guess),
                )
                return self.bad(e)
            optional = field.optional or (isinstance(target, ir.GetAttr) and target.optional)
            return ir.GetAttr(field.type, text, e.span, target, e.name, "fact", optional), mono
        if t.kind is Kind.DATE:
            if e.name not in DATE_PARTS:
                self.report.error(
                    "PRL203",
                    msg("a date has no `{name}`", name=e.name),
                    e.span,
                    hint=msg("a date has {parts}", parts=joined(DATE_PARTS)),
                )
                return self.bad(e)
            return ir.GetAttr(INT, text, e.span, target, e.name, "date", _optional(target)), mono
        if t.kind is Kind.PERIOD:
            if e.name not in PERIOD_PARTS:
                self.report.error(
                    "PRL203",
                    msg("a period has no `{name}`", name=e.name),
                    e.span,
                    hint=msg("a period has start, end and days"),
                )
                return self.bad(e)
            return ir.GetAttr(PERIOD_PARTS[e.name], text, e.span, target, e.name, "period"), mono
        hint = msg("count the facts with count(…)") if t.kind is Kind.SET else None
        self.report.error(
            "PRL203", msg("{type} has no field `{name}`", type=t, name=e.name), e.span, hint=hint
        )
        return self.bad(e)

    def select(self, e: n.Select) -> tuple[ir.Node, str]:
        text = self.text(e)
        source, mono = self.expr(e.source)
        if not self.ok(source.type):
            return self.bad(e)
        if source.type.kind is not Kind.SET:
            self.report.error(
                "PRL209",
                msg(
                    "`{where}` filters a set of facts, found {type}", where=self.kw("where"), type=source.type
                ),
                e.source.span,
            )
            return self.bad(e)
        name = self.item_name(e.source, e.alias)
        if name is None:
            self.report.error(
                "PRL210",
                msg("name the item of this selection"),
                e.span,
                hint=msg("add `{as_} x`", as_=self.kw("as")),
            )
            return self.bad(e)
        if e.condition is None:
            if e.alias is None:
                return source, mono
            return source, mono
        var = self.fresh(name)
        self.scope.locals.append((name, var, Type(Kind.FACT, fact=source.type.fact), CONST))
        try:
            cond, cmono = self.condition(e.condition)
        finally:
            self.scope.locals.pop()
        return ir.Filter(source.type, text, e.span, source, var, cond), _filter_mono(mono, cmono)

    def later_entry(self, node: ir.Node) -> bool:
        """Whether ``node`` reads a field declared `known from` another date: an entry made on a
        record later (a hazard's 整改完毕日期), which appears as the as-of date passes it."""
        if not (isinstance(node, ir.GetAttr) and node.on == "fact" and node.target.type.fact):
            return False
        field = self.scope.fact_types[node.target.type.fact].field(node.name)
        return field is not None and field.known_from is not None

    def if_(self, e: n.If) -> tuple[ir.Node, str]:
        """`if c then a else b`: both branches of one type (two numbers: a decimal)."""
        condition, cmono = self.condition(e.condition)
        then, tmono = self.expr(e.then)
        otherwise, omono = self.expr(e.otherwise)
        if not (self.ok(then.type) and self.ok(otherwise.type)):
            return self.bad(e)
        result = join(then.type, otherwise.type)
        if Kind.SET in (then.type.kind, otherwise.type.kind):
            self.report.error(
                "PRL204",
                msg(
                    "`{if_} … {then_} … {else_}` chooses between values, not sets of facts",
                    if_=self.kw("if"),
                    then_=self.kw("then"),
                    else_=self.kw("else"),
                ),
                e.span,
                hint=msg("put the condition into the selection: `S {where} …`", where=self.kw("where")),
            )
            return self.bad(e)
        if result is None:
            self.report.error(
                "PRL204",
                msg(
                    "`{if_} … {then_} … {else_}` gives {then} or {otherwise}: both must be of one type",
                    if_=self.kw("if"),
                    then_=self.kw("then"),
                    else_=self.kw("else"),
                    then=then.type,
                    otherwise=otherwise.type,
                ),
                e.otherwise.span,
            )
            return self.bad(e)
        mono = combine(tmono, omono) if cmono == CONST else settled(cmono, tmono, omono)
        return ir.If(result, self.text(e), e.span, condition, then, otherwise), mono

    def binary(self, e: n.Binary) -> tuple[ir.Node, str]:
        text = self.text(e)
        left, m1 = self.expr(e.left)
        right, m2 = self.expr(e.right)
        lt, rt = left.type, right.type
        if not (self.ok(lt) and self.ok(rt)):
            return self.bad(e)
        mono = (
            combine(m1, flip(m2) if e.op == "-" else m2)
            if e.op in "+-"
            else (CONST if m1 == m2 == CONST else MIXED)
        )
        if lt.is_number and rt.is_number:
            result = lt if lt.kind is rt.kind and (lt.kind is not Kind.INTEGER or e.op != "/") else DEC_T
            return ir.Arith(result, text, e.span, e.op, left, right, "number"), mono
        if lt.kind is Kind.DATE and rt.kind is Kind.DURATION and e.op in "+-":
            return ir.Arith(DATE, text, e.span, e.op, left, right, "date_duration"), mono
        if e.op == "*" and {lt.kind, rt.kind} == {Kind.INTEGER, Kind.DURATION}:
            return ir.Arith(DUR, text, e.span, e.op, left, right, "scale"), mono
        self.report.error(
            "PRL204",
            msg("cannot compute {left} {op} {right}", left=lt, op=e.op, right=rt),
            e.span,
            hint=msg("dates move by durations: `d + 3 months`")
            if lt.kind is Kind.DATE
            else msg("a whole number times a duration is a duration: `天数 * 1 day`")
            if Kind.DURATION in (lt.kind, rt.kind)
            else None,
        )
        return self.bad(e)

    def compare(self, e: n.Compare) -> tuple[ir.Node, str]:
        text = self.text(e)
        left, m1 = self.expr(e.left)
        right, m2 = self.expr(e.right)
        lt, rt = left.type, right.type
        if not (self.ok(lt) and self.ok(rt)):
            return self.bad(e)
        if e.op in (">=", ">"):
            mono = combine(m1, flip(m2))
        elif e.op in ("<=", "<"):
            mono = combine(flip(m1), m2)
        else:
            mono = CONST if m1 == m2 == CONST else MIXED
        ordered = e.op not in ("=", "!=")
        mode = "value"
        if lt.is_number and rt.is_number:
            pass
        elif lt.kind is Kind.DURATION and rt.kind is Kind.DURATION:
            mode = "duration"
            if (
                isinstance(left, ir.Const)
                and isinstance(right, ir.Const)
                and left.value.family != right.value.family
            ):
                self.report.error(
                    "PRL211",
                    msg("cannot compare {left} with {right}", left=left.value, right=right.value),
                    e.span,
                )
        elif lt.kind is rt.kind is Kind.DATE:
            pass
        elif {lt.kind, rt.kind} <= {Kind.TEXT, Kind.ENUM} and not ordered:
            for enum_side, other in ((lt, right), (rt, left)):
                if (
                    enum_side.kind is Kind.ENUM
                    and isinstance(other, ir.Const)
                    and other.type.kind is Kind.TEXT
                    and other.value not in enum_side.members
                ):
                    guess = suggest(str(other.value), list(enum_side.members))
                    self.report.error(
                        "PRL206",
                        msg('"{value}" is not one of {enum}', value=other.value, enum=enum_side),
                        other.span,
                        hint=msg('did you mean "{guess}"?', guess=guess)
                        if guess
                        else msg("members: {members}", members=joined(f'"{m}"' for m in enum_side.members)),
                    )
        elif lt.kind is rt.kind is Kind.BOOLEAN and not ordered:
            pass
        elif lt.kind is rt.kind is Kind.FACT and lt.fact == rt.fact and not ordered:
            mode = "fact"
        elif lt.kind is rt.kind is Kind.PERIOD and not ordered:
            pass
        else:
            self.report.error(
                "PRL204", msg("cannot compare {left} {op} {right}", left=lt, op=e.op, right=rt), e.span
            )
            return self.bad(e)
        return ir.Cmp(BOOL, text, e.span, e.op, left, right, mode), mono

    def member(self, e: n.Member) -> tuple[ir.Node, str]:
        text = self.text(e)
        left, m1 = self.expr(e.left)
        right, m2 = self.expr(e.right)
        lt, rt = left.type, right.type
        if not (self.ok(lt) and self.ok(rt)):
            return self.bad(e)
        mono = combine(m1, m2)
        mono = flip(mono) if e.negated else mono
        if lt.kind is Kind.DATE and rt.kind is Kind.PERIOD:
            return ir.In(BOOL, text, e.span, left, right, "date_period", e.negated), mono
        if lt.kind is Kind.DATE and rt.kind is Kind.DATES:
            return ir.In(BOOL, text, e.span, left, right, "date_dates", e.negated), mono
        if lt.kind is Kind.PERIOD and rt.kind is Kind.PERIOD:
            return ir.In(BOOL, text, e.span, left, right, "period_period", e.negated), mono
        if rt.kind is Kind.LIST and rt.element is not None:
            element = rt.element
            if not (compatible(lt, element) or {lt.kind, element.kind} <= {Kind.TEXT, Kind.ENUM}):
                self.report.error("PRL204", msg("cannot test {left} in {right}", left=lt, right=rt), e.span)
                return self.bad(e)
            if lt.kind is Kind.ENUM and isinstance(right, ir.ListOf):
                for item in right.items:
                    if isinstance(item, ir.Const) and item.value not in lt.members:
                        guess = suggest(str(item.value), list(lt.members))
                        self.report.error(
                            "PRL206",
                            msg('"{value}" is not one of {enum}', value=item.value, enum=lt),
                            item.span,
                            hint=msg('did you mean "{guess}"?', guess=guess) if guess else None,
                        )
            return ir.In(BOOL, text, e.span, left, right, "value_list", e.negated), mono
        hint = msg("use a period `start .. end` or a declared period") if lt.kind is Kind.DATE else None
        self.report.error(
            "PRL204", msg("cannot test {left} in {right}", left=lt, right=rt), e.span, hint=hint
        )
        return self.bad(e)


def _optional(node: ir.Node) -> bool:
    return isinstance(node, ir.GetAttr) and node.optional


def _filter_mono(source: str, condition: str) -> str:
    """A filtered set grows with its source; a condition that can only turn true keeps that."""
    if condition in (CONST, INC):
        return source
    return MIXED
