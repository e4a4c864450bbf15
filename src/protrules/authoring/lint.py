"""Lint: what type-checks but is probably a mistake (``protrules lint``).

Every finding is a warning with a stable ``PRL7xx`` code and a span; docs/formatting.md
lists them with examples. The uses of declarations are read from the checked program's
IR (so a loop variable that shadows a period is not a use of the period); the syntax tree
— re-parsed from the program's source when not given — supplies declaration positions and
what the IR does not keep (which settings a rule wrote, where a name was written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from protrules.authoring.walking import (
    expressions,
    module_expressions,
    module_rules,
    span_key,
    statements,
    stmt_expressions,
    walk,
)
from protrules.calendar.workdays import Period, WorkCalendar
from protrules.checking import ir
from protrules.checking.programme import RECORDS
from protrules.errors import ProtrulesError
from protrules.evaluation.runtime import (
    Unknown,
    apply,
    arith,
    calendar_test,
    compare,
    date_part,
    deadline,
    member,
    period_part,
    shift,
    units,
)
from protrules.facts.model import Kind
from protrules.i18n import Message, Text, joined, msg
from protrules.language import nodes as n
from protrules.language.diagnostics import Diagnostic, RuleFileError, Span
from protrules.language.dialects import detect_dialect, quoted
from protrules.language.parser import parse

__all__ = ["CODES", "expressions", "lint", "module_rules"]

#: The calendar units a `for each` loop walks, in words: "it has no quarter" / "它没有季度".
_UNIT_WORDS = {
    "year": msg("year"),
    "half": msg("half"),
    "quarter": msg("quarter"),
    "month": msg("month"),
    "week": msg("week"),
    "day": msg("day"),
    "vacation": msg("vacation"),
}


def _unused_period(name: str) -> Message:
    return msg("period `{name}` is not used", name=name)


def _unused_date(name: str) -> Message:
    return msg("date `{name}` is not used", name=name)


def _unused_dates(name: str) -> Message:
    return msg("date set `{name}` is not used", name=name)


#: Every lint code and what it finds.
CODES: Mapping[str, str] = {
    "PRL701": "a fact type no rule uses",
    "PRL702": "a field no rule reads",
    "PRL703": "a parameter no rule uses",
    "PRL704": "a period no rule uses",
    "PRL705": "a date no rule uses",
    "PRL706": "a date set no rule uses",
    "PRL707": "an enum no field or parameter uses",
    "PRL711": "a requirement that always holds (its rule can never fail on it)",
    "PRL712": "a requirement that can never hold (its rule can never pass)",
    "PRL713": "a `for each` over calendar units that never has a unit to check",
    "PRL714": "an `applies when` that is constant",
    "PRL721": "a clause quoted by two rules",
    "PRL722": "a veto rule with a weight",
    "PRL723": "an advisory rule with a weight",
    "PRL731": "a date outside the years the working-day calendar has data for",
}

_UNKNOWN = Unknown("not a constant")
_KEYWORDS: Mapping[type[n.Decl], str] = {
    n.Parameter: "parameter",
    n.PeriodDecl: "period",
    n.DateDecl: "date",
    n.DatesDecl: "dates",
    n.EnumDecl: "enum",
}


def lint(program: ir.Program, module: n.Module | None = None) -> list[Diagnostic]:
    """The lint warnings of a checked program, sorted by position."""
    if module is None and program.source_text:
        try:
            module = parse(program.source_text, program.source_name)
        except RuleFileError:  # pragma: no cover - a checked program's source parses
            module = None
    found = _Linter(program, module).run()
    return sorted(found, key=Diagnostic.sort_key)


class _Linter:
    def __init__(self, program: ir.Program, module: n.Module | None) -> None:
        self.program = program
        self.module = module
        self.lines = program.source_text.removeprefix("\ufeff").split("\n")
        self.dialect = detect_dialect(program.source_text)  # keywords are quoted as the file writes them
        self.found: list[Diagnostic] = []
        self.decls: list[n.Decl] = list(module.declarations) if module is not None else []
        try:
            self.calendar = WorkCalendar.china(notices=program.notices, vacations=program.vacations)
        except ProtrulesError:  # pragma: no cover - the checker refuses such calendar data
            self.calendar = WorkCalendar.china(notices=program.notices)
        self.names: dict[tuple[int, int, int, int], str] = {}  # where a name was written -> the name
        self.literal_dates: set[tuple[int, int, int, int]] = set()
        for expr in module_expressions(self.decls):
            key = span_key(expr.span)
            if key is not None and isinstance(expr, n.Name):
                self.names[key] = expr.name
            elif key is not None and isinstance(expr, n.Literal) and expr.kind == "date":
                self.literal_dates.add(key)

    def warn(self, code: str, message: Text, span: Span | None, hint: Text | None = None) -> None:
        self.found.append(Diagnostic(code, message, span, hint, severity="warning"))

    def run(self) -> list[Diagnostic]:
        self.unused()
        for rule in self.program.rules:
            self.constants(rule.body, [{}], in_units=False)
        self.rule_settings()
        self.calendar_years()
        return self.found

    # -- positions
    def at(self, span: Span | None, text: str, skip: int = 0) -> Span | None:
        """Where ``text`` is written in ``span`` (from ``skip`` characters in), else its start."""
        if span is None:
            return None
        for number in range(span.line, max(span.line, span.end_line) + 1):
            line = self.lines[number - 1] if 0 < number <= len(self.lines) else ""
            column = line.find(text, span.column - 1 + skip if number == span.line else 0)
            if column >= 0:
                return Span(number, column + 1, number, column + 1 + len(text), span.source)
        return Span(span.line, span.column, span.line, span.column + 1, span.source)

    def decl_span(self, kind: type[n.Decl], name: str) -> Span | None:
        for decl in self.decls:
            if isinstance(decl, kind) and getattr(decl, "name", None) == name:
                return self.at(decl.span, name, len(_KEYWORDS[kind]))
        return None

    # -- unused declarations
    def unused(self) -> None:
        program = self.program
        facts: set[str] = set()
        fields: set[tuple[str, str]] = set()
        params: set[str] = set()
        names: set[str] = {str(program.assessment)} if program.assessment else set()
        for rule in program.rules:
            for stmt in statements(rule.body):
                for expr in stmt_expressions(stmt):
                    for node in walk(expr):
                        if node.type.kind in (Kind.FACT, Kind.SET) and node.type.fact:
                            facts.add(node.type.fact)
                        if isinstance(node, ir.GetAttr) and node.on == "fact" and node.target.type.fact:
                            fields.add((node.target.type.fact, node.name))
                        if isinstance(node, ir.ParamAt | ir.Lookup) or (
                            isinstance(node, ir.Ref) and node.scope == "param"
                        ):
                            params.add(node.key)
                        elif isinstance(node, ir.Const):
                            names.add(self.names.get(span_key(node.span) or (0, 0, 0, 0), node.text))
        if program.programme is not None:  # the programme reads its records and names its dates
            for name, needed in RECORDS.items():
                facts.add(name)
                fields |= {(name, field) for field, _, _ in needed}
            for decl in self.decls:
                if isinstance(decl, n.ProgrammeDecl):
                    names |= {str(s.value) for s in decl.settings if not s.quoted}
        for rule in program.rules:  # a weight's parameter is used
            if rule.weight_param is not None:
                params.add(rule.weight_param)
        referenced = True
        while referenced:  # a used fact type's references need their types in the ledger
            used = [t for name, t in program.fact_types.items() if name in facts]
            targets = {
                f.type.fact for t in used for f in t.fields if f.type.kind is Kind.FACT and f.type.fact
            }
            referenced = not targets <= facts
            facts |= targets
        for name, fact_type in program.fact_types.items():
            if name not in facts:
                self.warn(
                    "PRL701",
                    msg("fact type `{name}` is not used by any rule", name=name),
                    self.at(fact_type.span, name, 4),
                    hint=msg("remove it, or write the rule that needs it"),
                )
                continue
            for field in fact_type.fields:
                if (name, field.name) not in fields:
                    self.warn(
                        "PRL702",
                        msg(
                            "field `{field}` of `{name}` is not read by any rule", field=field.name, name=name
                        ),
                        self.at(field.span, field.name),
                        hint=msg("remove it if the standard does not need it"),
                    )
        for name in program.params:
            if name not in params:
                self.warn(
                    "PRL703",
                    msg("parameter `{name}` is not used", name=name),
                    self.decl_span(n.Parameter, name),
                )
        know_names = bool(self.module is not None or program.source_text)
        vacations = {d.name for d in self.decls if isinstance(d, n.VacationDecl)}
        declared = (
            ("PRL704", _unused_period, n.PeriodDecl, [p for p in program.periods if p not in vacations]),
            ("PRL705", _unused_date, n.DateDecl, list(program.dates)),
            ("PRL706", _unused_dates, n.DatesDecl, list(program.date_sets)),
        )
        for code, unused, kind, declared_names in declared:
            for name in declared_names:
                if know_names and name not in names:
                    self.warn(code, unused(name), self.decl_span(kind, name))
        enums = {t.enum_name for t in self.declared_types()}
        for name in program.enums:
            if name not in enums:
                self.warn(
                    "PRL707", msg("enum `{name}` is not used", name=name), self.decl_span(n.EnumDecl, name)
                )

    def declared_types(self) -> Iterator[Any]:
        for fact_type in self.program.fact_types.values():
            yield from (f.type for f in fact_type.fields)
        yield from (p.type for p in self.program.params.values())

    # -- constant requirements
    def constants(self, body: tuple[ir.Stmt, ...], envs: list[dict[str, Any]], *, in_units: bool) -> None:
        """Fold requirements to constants, per calendar unit inside `for each` loops."""
        envs = [dict(env) for env in envs]
        for stmt in body:
            if isinstance(stmt, ir.LetS):
                for env in envs:
                    env[stmt.var] = self.fold(stmt.value, env)
            elif isinstance(stmt, ir.RequireS | ir.AppliesS):
                values = {_truth(self.fold(stmt.condition, env)) for env in envs}
                if len(values) != 1 or None in values or not envs:
                    continue
                always = values == {True}
                span = stmt.condition.span or stmt.span
                if isinstance(stmt, ir.AppliesS):
                    self.warn(
                        "PRL714",
                        msg("`{text}` is always true", text=stmt.text)
                        if always
                        else msg("`{text}` is always false", text=stmt.text),
                        span,
                        hint=None if always else msg("the rule is always n/a"),
                    )
                    continue
                if always:
                    decided = (
                        msg("`{text}` always holds for every unit of the loop", text=stmt.text)
                        if in_units
                        else msg("`{text}` always holds", text=stmt.text)
                    )
                    hint = msg("whatever the facts, it cannot fail: check the bound, or remove it")
                else:
                    decided = (
                        msg("`{text}` can never hold for every unit of the loop", text=stmt.text)
                        if in_units
                        else msg("`{text}` can never hold", text=stmt.text)
                    )
                    hint = msg("whatever the facts, the rule cannot pass")
                self.warn("PRL711" if always else "PRL712", decided, span, hint=hint)
            elif isinstance(stmt, ir.ForPeriodsS):
                self.constants(stmt.body, self.units(stmt, envs), in_units=True)
            elif isinstance(stmt, ir.ForFactsS):
                self.constants(stmt.body, [{**env, stmt.var: _UNKNOWN} for env in envs], in_units=in_units)

    def units(self, loop: ir.ForPeriodsS, envs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The environments of a `for each year/…` loop: one per unit its `where` may keep."""
        out: list[dict[str, Any]] = []
        for env in envs:
            period = self.fold(loop.period, env)
            if not isinstance(period, Period):
                return [{**e, loop.var: _UNKNOWN} for e in envs]
            try:
                found = units(self.calendar, loop.unit, period)
            except ProtrulesError:
                return [{**e, loop.var: _UNKNOWN} for e in envs]
            for _, unit in found:
                inner = {**env, loop.var: unit}
                if loop.condition is None or _truth(self.fold(loop.condition, inner)) is not False:
                    out.append(inner)
        if not out:
            word = _UNIT_WORDS.get(loop.unit, loop.unit)
            why = msg("it has no {unit}", unit=word)
            if loop.condition is not None:
                where = quoted("where", self.dialect)
                why = msg("no {unit} of it satisfies the {where}", unit=word, where=where)
            hint = msg("check the {where}", where=quoted("where", self.dialect))
            if loop.unit == "vacation":
                hint = msg("declare the school vacations it covers")
            span = loop.condition.span if loop.condition is not None else loop.period.span
            never = msg("`{text}` never checks anything: {why}", text=loop.text, why=why)
            self.warn("PRL713", never, span or loop.span, hint=hint)
        return out

    def fold(self, node: ir.Node, env: Mapping[str, Any]) -> Any:
        """The value of ``node`` if it is a constant (given the loop units bound in ``env``)."""
        try:
            value = self._fold(node, env)
        except (ProtrulesError, ArithmeticError, TypeError, ValueError, OverflowError):
            return _UNKNOWN
        return _UNKNOWN if isinstance(value, Unknown) else value

    def _fold(self, node: ir.Node, env: Mapping[str, Any]) -> Any:
        f = self.fold
        if isinstance(node, ir.Const):
            return node.value
        if isinstance(node, ir.Ref):
            if node.scope == "local":
                return env.get(node.key, _UNKNOWN)
            return self.param(node.key) if node.scope == "param" else _UNKNOWN
        if isinstance(node, ir.ParamAt):
            return self.param(node.key)
        if isinstance(node, ir.GetAttr):
            target = f(node.target, env)
            if node.on == "date" and isinstance(target, dt.date):
                return date_part(target, node.name)
            if node.on == "period" and isinstance(target, Period):
                return period_part(target, node.name)
            return _UNKNOWN
        if isinstance(node, ir.Logic):
            values = [_truth(f(o, env)) for o in node.operands]
            decisive = node.op == "or"
            if decisive in values:
                return decisive
            return not decisive if all(v is not None for v in values) else _UNKNOWN
        if isinstance(node, ir.Not | ir.Neg):
            value = f(node.operand, env)
            if isinstance(value, Unknown):
                return value
            return not value if isinstance(node, ir.Not) else -value
        if isinstance(node, ir.Cmp):
            bounded = _bounded(node)
            if bounded is not None:
                return bounded
        if isinstance(node, ir.Arith | ir.Cmp | ir.In | ir.MakePeriod | ir.Within):
            parts = (
                (node.start, node.end)
                if isinstance(node, ir.MakePeriod)
                else (node.subject, node.anchor)
                if isinstance(node, ir.Within)
                else (node.left, node.right)
            )
            left, right = (f(p, env) for p in parts)
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return _UNKNOWN
            if isinstance(node, ir.MakePeriod):
                return Period(left, right)
            if isinstance(node, ir.Within):
                length = f(node.duration, env)
                if isinstance(length, Unknown):
                    return _UNKNOWN
                end = deadline(self.calendar, right, length)
                return end if isinstance(end, Unknown) else right <= left <= end
            if isinstance(node, ir.Arith):
                if node.mode == "date_duration":
                    return shift(self.calendar, left, right, 1 if node.op == "+" else -1)
                return arith(node.op, left, right)
            if isinstance(node, ir.Cmp):
                return compare(node.op, node.mode, left, right) if node.mode != "fact" else _UNKNOWN
            return member(node.mode, left, right) != node.negated
        if isinstance(node, ir.ListOf):
            items = [f(item, env) for item in node.items]
            return _UNKNOWN if any(isinstance(i, Unknown) for i in items) else tuple(items)
        if isinstance(node, ir.Apply):
            args = [f(a, env) for a in node.args]
            if any(isinstance(a, Unknown) for a in args):
                return _UNKNOWN
            return apply(self.calendar, node.func, args)
        if isinstance(node, ir.Test) and node.test not in ("set", "missing"):
            day = f(node.subject, env)
            return day if isinstance(day, Unknown) else calendar_test(self.calendar, node.test, day)
        return _UNKNOWN

    def param(self, key: str) -> Any:
        """A parameter's value when it is one constant. An enumeration or a boolean is a choice
        (a reading of a clause, docs/domain.md): each of its values is one the rules may run
        with (a test or ``--parameter`` sets it), so it is never folded to the file's default."""
        param = self.program.params[key]
        if param.type.kind in (Kind.ENUM, Kind.BOOLEAN):
            return _UNKNOWN
        values = param.values
        if values and values[0][0] is None and all(v[1] == values[0][1] for v in values):
            return values[0][1]
        return _UNKNOWN

    # -- rule settings and clauses
    def rule_settings(self) -> None:
        rules = {r.id: r for r in module_rules(self.decls)}
        clauses: dict[str, ir.RuleDef] = {}
        for rule in self.program.rules:
            node = rules.get(rule.id)
            settings = {s.key: s for s in node.settings} if node is not None else {}
            clause = "".join(rule.clause.split())  # spacing is not part of a clause
            first = clauses.setdefault(clause, rule) if clause else rule
            if first is not rule:
                same = msg(
                    "rule `{rule}` quotes the same clause as rule `{first}`", rule=rule.id, first=first.id
                )
                if first.span is not None:
                    same = msg(
                        "rule `{rule}` quotes the same clause as rule `{first}` (line {line})",
                        rule=rule.id,
                        first=first.id,
                        line=first.span.line,
                    )
                span = settings["clause"].span if "clause" in settings else rule.span
                self.warn(
                    "PRL721",
                    same,
                    span,
                    hint=msg("each rule quotes its own clause; merge the rules or quote the right text"),
                )
            given = "weight" in settings if node is not None else rule.weight != 1
            if given and rule.kind in ("veto", "advisory"):
                span = settings["weight"].span if "weight" in settings else rule.span
                code, why = (
                    ("PRL722", msg("a veto rule vetoes the entity; its weight is never counted"))
                    if rule.kind == "veto"
                    else (
                        "PRL723",
                        msg("an advisory rule is reported, never counted; its weight is never used"),
                    )
                )
                weighted = msg("rule `{rule}` has a weight, but {why}", rule=rule.id, why=why)
                self.warn(code, weighted, span, hint=msg("remove `weight:`"))

    # -- calendar years
    def calendar_years(self) -> None:
        published = self.calendar.published_years
        known = _describe_years(published)

        def check(
            what: Message, start: dt.date, end: dt.date | None, span: Span | None, label: str = ""
        ) -> None:
            last = end or start
            missing = frozenset(range(start.year, last.year + 1)) - published
            if not missing:
                return
            shown = start.isoformat() if start.year in missing else last.isoformat()
            years = _describe_years(missing)
            if end is not None:
                outside = msg(
                    "{what}: {start} .. {end} reaches {years}, outside the years the working-day calendar"
                    " has data for ({known})",
                    what=what, start=start, end=end, years=years, known=known,
                )  # fmt: skip
            elif label == "since":
                outside = msg(
                    "{what}: the value from {start} is in {years}, outside the years the working-day"
                    " calendar has data for ({known})",
                    what=what, start=start, years=years, known=known,
                )  # fmt: skip
            elif label == "as_of":
                outside = msg(
                    "{what}: as_of {start} is in {years}, outside the years the working-day calendar has"
                    " data for ({known})",
                    what=what, start=start, years=years, known=known,
                )  # fmt: skip
            else:
                outside = msg(
                    "{what}: {start} is in {years}, outside the years the working-day calendar has data for"
                    " ({known})",
                    what=what, start=start, years=years, known=known,
                )  # fmt: skip
            hint = msg(
                'declare `notice {year} source "…"` with that year\'s holiday notice, or correct the date',
                year=min(missing),
            )
            self.warn("PRL731", outside, self.at(span, shown), hint=hint)

        for decl in self.decls:
            if isinstance(decl, n.PeriodDecl):
                check(msg("period `{name}`", name=decl.name), decl.start, decl.end, decl.span)
            elif isinstance(decl, n.VacationDecl):
                check(msg("vacation `{name}`", name=decl.name), decl.start, decl.end, decl.span)
            elif isinstance(decl, n.DateDecl):
                check(msg("date `{name}`", name=decl.name), decl.value, None, decl.span)
            elif isinstance(decl, n.DatesDecl):
                for start, end in decl.items:
                    check(msg("date set `{name}`", name=decl.name), start, end, decl.span)
            elif isinstance(decl, n.Parameter):
                for value in decl.values:
                    if value.since is not None:
                        check(
                            msg("parameter `{name}`", name=decl.name), value.since, None, value.span, "since"
                        )
                    if isinstance(value.value.value, dt.date):
                        check(msg("parameter `{name}`", name=decl.name), value.value.value, None, value.span)
        for rule in self.program.rules:
            for stmt in statements(rule.body):
                for expr in stmt_expressions(stmt):
                    for node in walk(expr):
                        if (
                            isinstance(node, ir.Const)
                            and isinstance(node.value, dt.date)
                            and (span_key(node.span) in self.literal_dates or not self.decls)
                        ):
                            check(msg("rule `{id}`", id=rule.id), node.value, None, node.span)
        for test in self.program.tests:
            if test.as_of is not None:
                check(msg("test `{name}`", name=test.name), test.as_of, None, test.span, "as_of")


def _truth(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _bounded(node: ir.Cmp) -> bool | None:
    """`count(…) >= 0` and the like: a count is never negative, whatever the facts."""
    sides = [(node.left, node.right, node.op), (node.right, node.left, _MIRROR[node.op])]
    for side, other, op in sides:
        counted = isinstance(side, ir.Aggregate) and side.func in ("count", "distinct")
        if counted and isinstance(other, ir.Const) and isinstance(other.value, int | Decimal):
            k = other.value
            if (op, k <= 0, k < 0) in _ALWAYS:
                return True
            if (op, k <= 0, k < 0) in _NEVER:
                return False
    return None


_MIRROR = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "=", "!=": "!="}
# (op, k <= 0, k < 0) for which `count(…) op k` is decided: count >= 0, count > -1 …
_ALWAYS = {(">=", True, False), (">=", True, True), (">", True, True), ("!=", True, True)}
_NEVER = {("<", True, False), ("<", True, True), ("<=", True, True), ("=", True, True)}


def _describe_years(years: frozenset[int]) -> Message | tuple[str, ...]:
    runs: list[str] = []
    for year in sorted(years):
        if runs and runs[-1].split("–")[-1] == str(year - 1):
            runs[-1] = runs[-1].split("–")[0] + f"–{year}"
        else:
            runs.append(str(year))
    return joined(runs) if runs else msg("none")
