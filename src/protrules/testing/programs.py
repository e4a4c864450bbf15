"""Whole programs for hypothesis: well-typed rule files over declared facts, with matching ledgers.

The properties of :mod:`protrules.testing.strategies` take a rule set as given; this module
writes the rule set too, so that the suite itself explores what no hand-written file does:
fact types with every kind of field (optional, enumerated, references), parameters, rules
nesting ``for each`` blocks, selections within aggregates within conditions, long chains of
``and``, ``or``, ``not``, unary minus and arithmetic, numbers at the limits, dates at the
calendar's edges and texts with quotes, escapes, NULs and characters from every script.

A program is written by a typed grammar: every expression is drawn for the type its place
needs, in the scope of the names bound around it, so nearly every program passes the checker
and goes on to be compiled and evaluated (the few that do not get the checker's error, which
is one of the outcomes the property allows). :func:`programs` draws one;
:func:`program_ledgers` draws a ledger for it through the public loader, its texts drawn
from the ones the rules compare with. :func:`check_program` is the property: a program gets a
protrules error, or the same verdicts, due dates and evidence on every backend and on the
reference interpreter — never another exception. ``docs/testing.md`` shows how the suite runs
it, and the command for a long run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from protrules.compiling.ruleset import RuleSet
from protrules.errors import ProtrulesError
from protrules.facts.model import FactType, Ledger

__all__ = ["Program", "Shape", "check_program", "compiled", "program_ledgers", "programs", "quote"]

T = TypeVar("T")

#: Texts a rule file may compare with: quotes and backslashes (escaped when written), a NUL,
#: a tab, full-width punctuation, right-to-left and astral characters, and plain ones.
TEXTS = (
    "协调会议",
    "A",
    "",
    'say "hi"',
    "back\\slash",
    "nul\x00byte",
    "tab\tbed",
    "，：（）",
    "שלום",
    "😀 emoji",
    "a" * 300,
    " leading and trailing ",
)
#: Names a program may declare: Chinese, ASCII, keywords of the language used as names, and
#: names Python would read differently (NFKC: `ﬁ` is `fi`, a keyword, a builtin).
FACT_NAMES = ("meeting", "会议", "case", "ﬁle", "class", "count", "x_1")
FIELD_NAMES = ("kind", "date2", "ﬁeld", "None", "self", "lambda", "值", "n", "ok", "when", "count")
DATES = (
    "2023-04-01",
    "2023-12-31",
    "2024-02-29",
    "2024-03-31",
    "2023-10-01",
    "2023-10-07",
    "2024-02-10",
    "0001-01-01",
    "9999-12-31",
    "2000-01-01",
)
INTEGERS = ("0", "1", "2", "7", "30", "1000000000000000000", "000012", "999999999999999999")
#: Numbers a rule file may not hold (past 10^18, or with 20 digits after the point): the
#: program is refused with PRL111, an outcome the property checks too.
PAST_LIMITS = ("1000000000000000001", "0.12345678901234567890", "9" * 4301)
DECIMALS = ("0.5", "1.25", "0.0000000000000000001", "999999999999999999.5", "3.0")
PERCENTS = ("0%", "50%", "100%", "33.35%", "150%")
DURATIONS = ("1 day", "3 days", "2 weeks", "1 month", "3 months", "1 year", "10 working days",
             "30个工作日", "2周", "1000000 days", "999999999999 years", "0 days")  # fmt: skip
UNITS = ("year", "half year", "quarter", "month", "week")
NUMERIC = ("int", "dec", "pct")


@attrs.frozen
class Field:
    name: str
    kind: str  # date int dec pct bool text enum dur ref
    optional: bool = False
    members: tuple[str, ...] = ()
    target: str | None = None


@attrs.frozen
class FactDecl:
    name: str
    fields: tuple[Field, ...]

    def of(self, kind: str) -> list[Field]:
        return [f for f in self.fields if f.kind == kind]


@attrs.frozen
class Shape:
    """How large and how odd programs are: ``depth`` bounds ordinary nesting, ``chain`` the
    longest operator chain drawn (past the language's limits, a program is refused with its
    code — also an outcome the property checks)."""

    depth: int = 3
    chain: int = 12
    rules: int = 3
    blocks: int = 3


@attrs.frozen
class Program:
    """A rule file, and the fact declarations and texts a ledger for it is drawn from."""

    text: str
    facts: tuple[FactDecl, ...]
    texts: tuple[str, ...]


def quote(text: str) -> str:
    """A text as a rule file writes it (``"…"`` with ``\\"``, ``\\\\``, ``\\n``, ``\\t``)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


class _Writer:
    """Draws the expressions of one program, by type, in the scope of the names around them."""

    def __init__(self, draw: st.DrawFn, facts: tuple[FactDecl, ...], shape: Shape) -> None:
        self.draw = draw
        self.facts = {f.name: f for f in facts}
        self.shape = shape
        self.texts: set[str] = set()
        self.counter = 0

    def pick(self, items: Iterable[T]) -> T:
        return self.draw(st.sampled_from(list(items)))

    def chance(self, p: float) -> bool:
        return self.draw(st.integers(0, 99)) < int(p * 100)

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    # -- expressions, each a string safe to put anywhere an atom goes (parenthesised)
    def expr(self, kind: str, scope: dict[str, Any], depth: int) -> str:
        makers: dict[str, Callable[[dict[str, Any], int], str]] = {
            "bool": self.boolean,
            "int": self.integer,
            "dec": self.decimal,
            "pct": self.percent,
            "date": self.date,
            "dur": self.duration,
            "text": self.text,
        }
        return makers[kind](scope, depth)

    def facts_in(self, scope: dict[str, Any]) -> list[tuple[str, FactDecl]]:
        """Fact variables in scope: (name, declaration)."""
        return [(name, self.facts[t]) for name, (k, t) in scope.items() if k == "fact"]

    def field_of(self, scope: dict[str, Any], kind: str, *, required: bool = False) -> str | None:
        options = [
            f"{name}.{f.name}"
            for name, decl in self.facts_in(scope)
            for f in decl.of(kind)
            if not (required and f.optional)
        ]
        options += [
            f"{name}.{ref.name}.{f.name}"
            for name, decl in self.facts_in(scope)
            for ref in decl.of("ref")
            for f in self.facts[str(ref.target)].of(kind)
        ]
        return self.pick(options) if options else None

    def boolean(self, scope: dict[str, Any], depth: int) -> str:
        if depth <= 0:
            return self.pick(["true", "false"])
        choice = self.draw(st.integers(0, 15))
        d = depth - 1
        if choice == 0:
            kind = self.pick(NUMERIC)
            op = self.pick(["<", "<=", "=", "!=", ">=", ">"])
            return f"({self.expr(kind, scope, d)} {op} {self.expr(kind, scope, d)})"
        if choice == 1:
            return f"({self.date(scope, d)} {self.pick(['<', '<=', '=', '>=', '>'])} {self.date(scope, d)})"
        if choice == 2:
            return f"({self.date(scope, d)} {self.pick(['in', 'not in'])} {self.period(scope, d)})"
        if choice == 3:
            test = self.pick(["working day", "rest day", "statutory holiday", "in holiday", "in vacation"])
            return f"({self.date(scope, d)} is {test})"
        if choice == 4:
            return f"({self.date(scope, d)} within {self.duration(scope, d)} after {self.date(scope, d)})"
        if choice == 5:
            return f"({self.text(scope, d)} {self.pick(['=', '!='])} {self.text(scope, d)})"
        if choice == 6:
            return self.aggregate_bool(scope, d)
        if choice == 7:
            field = self.field_of(scope, "bool")
            return field if field else "true"
        if choice == 8:
            fields = [f"{n}.{f.name}" for n, decl in self.facts_in(scope) for f in decl.fields if f.optional]
            return f"({self.pick(fields)} is {self.pick(['set', 'missing'])})" if fields else "false"
        if choice == 9:
            n = self.chain()
            return "(" + "not " * n + self.boolean(scope, d) + ")"
        if choice in (10, 11):
            op = self.pick(["and", "or"])
            terms = [self.boolean(scope, d) for _ in range(self.draw(st.integers(2, max(2, self.chain()))))]
            return "(" + f" {op} ".join(terms) + ")"
        if choice == 12:
            return (
                f"(if {self.boolean(scope, d)} then {self.boolean(scope, d)} else {self.boolean(scope, d)})"
            )
        if choice == 13:
            enums = [
                (f"{n}.{f.name}", f.members) for n, decl in self.facts_in(scope) for f in decl.of("enum")
            ]
            if enums:
                field, members = self.pick(enums)
                listed = ", ".join(quote(m) for m in members[: self.draw(st.integers(1, len(members)))])
                return f"({field} {self.pick(['in', 'not in'])} [{listed}])"
            return "true"
        if choice == 14:
            return f"overlaps({self.period(scope, d)}, {self.period(scope, d)})"
        return self.pick(["true", "false"])

    def chain(self) -> int:
        """A chain's length: mostly short, sometimes long, now and then at the language's
        expression limit (80) or just past it."""
        roll = self.draw(st.integers(0, 99))
        if roll in (41, 42):  # rare (hypothesis favours the ends of a range)
            return self.pick([78, 81])
        return self.draw(st.integers(1, self.shape.chain if roll > 70 else 3))

    def selection(self, scope: dict[str, Any], depth: int) -> tuple[str, str, str] | None:
        """``(text, fact type, item name)`` of a selection, the item name bound in conditions;
        None where every fact type's name names a fact (inside ``meeting where …`` with one
        fact type declared) and no ``let`` holds a set."""
        sets = [(name, t) for name, (k, t) in scope.items() if k == "set"]
        if sets and self.chance(0.3):
            name, t = self.pick(sets)
            return name, t, name
        shadowed = {name for name, (k, _) in scope.items() if k == "fact"}  # names a fact there
        free = [name for name in self.facts if name not in shadowed]
        if not free:
            if not sets:
                return None
            name, t = self.pick(sets)
            return name, t, name
        fact = self.pick(free)
        form = self.draw(st.integers(0, 2))
        if form == 0 or depth <= 0:
            return fact, fact, fact
        if form == 1:
            inner = {**scope, fact: ("fact", fact)}
            return f"({fact} where {self.boolean(inner, depth - 1)})", fact, fact
        var = self.fresh("v")
        inner = {**scope, var: ("fact", fact)}
        return f"({fact} as {var} where {self.boolean(inner, depth - 1)})", fact, var

    def aggregate_bool(self, scope: dict[str, Any], depth: int) -> str:
        chosen = self.selection(scope, depth)
        if chosen is None:
            return "true"
        source, fact, item = chosen
        kind = self.draw(st.integers(0, 3))
        if kind == 0:
            return f"exists({source})"
        if kind == 1:
            return f"none({source})"
        if kind == 2:
            return f"every({source}, {self.boolean({**scope, item: ('fact', fact)}, depth)})"
        return f"(count({source}) >= {self.pick(['0', '1', '2', '3'])})"

    def integer(self, scope: dict[str, Any], depth: int) -> str:
        options: list[Callable[[], str]] = [lambda: self.pick(INTEGERS)]
        if self.draw(st.integers(0, 499)) == 137:  # rare (hypothesis favours the ends of a range)
            return self.pick(PAST_LIMITS[::2])
        field = self.field_of(scope, "int")
        if field:
            options.append(lambda: field)
        param = self.param(scope, "int")
        if param:
            options.append(lambda: param)
        if depth > 0:
            d = depth - 1
            options += [
                lambda: self.count(scope, d),
                lambda: self.sum_chain(scope, d),
                lambda: f"({self.integer(scope, d)} * {self.integer(scope, d)})",
                lambda: f"({self.integer(scope, d)} - {self.integer(scope, d)})",
                lambda: "(" + "- " * self.chain() + self.integer(scope, d) + ")",
                lambda: f"max({self.integer(scope, d)}, {self.integer(scope, d)})",
                lambda: f"months_between({self.date(scope, d)}, {self.date(scope, d)})",
                lambda: f"{self.period(scope, d)}.days",
                lambda: self.if_integer(scope, d),
                lambda: self.distinct(scope, d),
                lambda: f"{self.date(scope, d)}.{self.pick(['year', 'month', 'day', 'weekday', 'quarter'])}",
            ]
        return options[self.draw(st.integers(0, len(options) - 1))]()

    def if_integer(self, scope: dict[str, Any], depth: int) -> str:
        condition = self.boolean(scope, depth)
        return f"(if {condition} then {self.integer(scope, depth)} else {self.integer(scope, depth)})"

    def sum_chain(self, scope: dict[str, Any], depth: int) -> str:
        terms = [self.integer(scope, depth) for _ in range(self.draw(st.integers(2, max(2, self.chain()))))]
        return "(" + " + ".join(terms) + ")"

    def count(self, scope: dict[str, Any], depth: int) -> str:
        chosen = self.selection(scope, depth)
        return f"count({chosen[0]})" if chosen else "0"

    def distinct(self, scope: dict[str, Any], depth: int) -> str:
        chosen = self.selection(scope, depth)
        if chosen is None:
            return "0"
        source, fact, item = chosen
        inner = {**scope, item: ("fact", fact)}
        return f"distinct({source}, {self.date(inner, 0)})"

    def param(self, scope: dict[str, Any], kind: str) -> str | None:
        names = [name for name, (k, t) in scope.items() if k == "param" and t == kind]
        return self.pick(names) if names else None

    def decimal(self, scope: dict[str, Any], depth: int) -> str:
        field = self.field_of(scope, "dec")
        options = [self.pick(DECIMALS)] + ([field] if field else [])
        if depth > 0:
            d = depth - 1
            choice = self.draw(st.integers(0, 5))
            if choice == 0:
                return f"({self.decimal(scope, d)} / {self.decimal(scope, d)})"
            if choice == 1:
                return f"({self.decimal(scope, d)} + {self.integer(scope, d)})"
            if choice == 2:
                return f"round({self.decimal(scope, d)}, {self.pick(['0', '2', '12'])})"
            chosen = self.selection(scope, d) if choice == 3 else None
            if chosen is not None:
                source, fact, item = chosen
                fields = self.facts[fact].of("dec")
                if fields:
                    return f"sum({source}, {item}.{fields[0].name})"
        return self.pick(options)

    def percent(self, scope: dict[str, Any], depth: int) -> str:
        field = self.field_of(scope, "pct") or self.param(scope, "pct")
        chosen = self.selection(scope, depth - 1) if depth > 0 and self.chance(0.4) else None
        if chosen is not None:
            source, fact, item = chosen
            cond = self.boolean({**scope, item: ("fact", fact)}, depth - 1)
            share = f"share({source}, {cond})"
            return f"default({share}, {self.pick(PERCENTS)})" if self.chance(0.5) else share
        return self.pick([self.pick(PERCENTS), *([field] if field else [])])

    def date(self, scope: dict[str, Any], depth: int) -> str:
        options = [self.pick(DATES), "as_of", "评估期.start", "评估期.end"]
        field = self.field_of(scope, "date", required=self.chance(0.5))
        if field:
            options += [field, field]
        units = [name for name, (k, _) in scope.items() if k == "unit"]
        options += [f"{u}.{self.pick(['start', 'end'])}" for u in units]
        if depth <= 0:
            return self.pick(options)
        d = depth - 1
        choice = self.draw(st.integers(0, 6))
        if choice == 0:
            return f"({self.date(scope, d)} {self.pick(['+', '-'])} {self.duration(scope, d)})"
        if choice == 1:
            return f"deadline({self.date(scope, d)}, {self.duration(scope, d)})"
        if choice == 2:
            return f"max({self.date(scope, d)}, {self.date(scope, d)})"
        if choice == 3:
            year, month = self.pick(["2023", "2024", "1", "9999"]), self.pick(["1", "2", "12", "13"])
            return f"date({year}, {month}, {self.pick(['1', '29', '30', '31'])})"
        chosen = self.selection(scope, d) if choice == 4 else None
        if chosen is not None:
            source, fact, item = chosen
            dated = self.facts[fact].of("date")
            agg = f"{self.pick(['min', 'max'])}({source}, {item}.{dated[0].name})"
            return f"default({agg}, {self.pick(DATES)})" if self.chance(0.5) else agg
        return self.pick(options)

    def duration(self, scope: dict[str, Any], depth: int) -> str:
        field = self.field_of(scope, "dur", required=True)
        param = self.param(scope, "dur")
        options = [self.pick(DURATIONS), *([field] if field else []), *([param] if param else [])]
        if depth > 0 and self.chance(0.2):
            return f"({self.integer(scope, depth - 1)} * 1 {self.pick(['day', 'week', 'month'])})"
        return self.pick(options)

    def text(self, scope: dict[str, Any], depth: int) -> str:
        field = self.field_of(scope, "text", required=self.chance(0.5))
        if field and self.chance(0.6):
            return field
        value = self.pick(TEXTS)
        self.texts.add(value)
        return quote(value)

    def period(self, scope: dict[str, Any], depth: int) -> str:
        units = [name for name, (k, _) in scope.items() if k == "unit"]
        options = ["评估期", *units]
        if depth > 0 and self.chance(0.3):
            return f"({self.date(scope, depth - 1)} .. {self.date(scope, depth - 1)})"
        return self.pick(options)

    # -- statements
    def body(self, scope: dict[str, Any], indent: int, blocks: int) -> list[str]:
        pad = " " * indent
        lines: list[str] = []
        for _ in range(self.draw(st.integers(1, 3))):
            form = self.draw(st.integers(0, 9))
            depth = self.draw(st.integers(1, self.shape.depth))
            if form <= 3:
                by = f" by {self.date(scope, 1)}" if self.chance(0.2) else ""
                lines.append(f"{pad}require {self.boolean(scope, depth)}{by}")
            elif form == 4:
                lines.append(f"{pad}advise {self.boolean(scope, depth)}")
            elif form == 5:
                lines.append(f"{pad}applies when {self.boolean(scope, depth)}")
            elif form == 6 and (chosen := self.selection(scope, depth)) is not None:
                name = self.fresh("甲")
                lines.append(f"{pad}let {name} = {chosen[0]}")
                scope = {**scope, name: ("set", chosen[1])}
            elif form == 7 and blocks > 0:
                fact = self.pick(list(self.facts))
                var = self.fresh("f")
                inner = {**scope, var: ("fact", fact)}
                where = f" where {self.boolean(inner, 1)}" if self.chance(0.5) else ""
                lines.append(f"{pad}for each {var} in {fact}{where}:")
                lines += self.body(inner, indent + 4, blocks - 1)
            elif form == 8 and blocks > 0:
                var = self.fresh("u")
                inner = {**scope, var: ("unit", "period")}
                unit = self.pick(UNITS)
                where = f" where {var} in 评估期" if self.chance(0.5) else ""
                lines.append(f"{pad}for each {unit} {var} of {self.period(scope, 0)}{where}:")
                lines += self.body(inner, indent + 4, blocks - 1)
            elif form == 9 and self.chance(0.3):
                lines += self.nest(scope, indent)
            else:
                lines.append(f"{pad}require {self.boolean(scope, 1)}")
        return lines

    def nest(self, scope: dict[str, Any], indent: int) -> list[str]:
        """`for each` blocks nested near or past the language's limit (20), each over the one
        year of the one before, so the loops are deep but run once."""
        depth = self.pick([2, 6, 19, 20, 21])
        lines, period = [], "(2023-06-01 .. 2023-06-02)"
        for level in range(depth):
            var = self.fresh("y")
            lines.append(" " * (indent + 4 * level) + f"for each year {var} of {period}:")
            scope, period = {**scope, var: ("unit", "period")}, var
        lines.append(" " * (indent + 4 * depth) + f"require {self.boolean(scope, 2)}")
        return lines


@st.composite
def _facts(draw: st.DrawFn) -> tuple[FactDecl, ...]:
    names = draw(st.lists(st.sampled_from(FACT_NAMES), min_size=1, max_size=3, unique=True))
    decls: list[FactDecl] = []
    for index, name in enumerate(names):
        fields = [Field("date", "date")]
        for field_name in draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=5, unique=True)):
            kind = draw(st.sampled_from(["int", "dec", "pct", "bool", "text", "enum", "dur", "date"]))
            members = tuple(draw(st.lists(st.sampled_from(TEXTS[:6]), min_size=1, max_size=3, unique=True)))
            fields.append(Field(field_name, kind, draw(st.booleans()), members if kind == "enum" else ()))
        if index and draw(st.booleans()):
            fields.append(Field("ref", "ref", draw(st.booleans()), target=decls[0].name))
        decls.append(FactDecl(name, tuple(fields)))
    return tuple(decls)


_TYPES = {"date": "date", "int": "integer", "dec": "decimal", "pct": "percentage", "bool": "boolean",
          "text": "text", "dur": "duration"}  # fmt: skip


def _declaration(decl: FactDecl) -> list[str]:
    lines = [f"fact {decl.name} {quote(decl.name + ' 记录')}:"]
    for f in decl.fields:
        if f.kind == "enum":
            written = "enum(" + ", ".join(quote(m) for m in f.members) + ")"
        elif f.kind == "ref":
            written = str(f.target)
        else:
            written = _TYPES[f.kind]
        lines.append(f"    {f.name}: {written}{'?' if f.optional else ''} {quote('字段')}")
    return lines


@st.composite
def programs(draw: st.DrawFn, shape: Shape = Shape()) -> Program:
    """A whole rule file: a header, fact types, parameters and rules drawn by type."""
    facts = draw(_facts())
    writer = _Writer(draw, facts, shape)
    lines = [
        'standard "generated":',
        '    title: "generated"',
        "    assessment: 评估期",
        "period 评估期 = 2023-04-01 .. 2024-03-31",
        "vacation 暑假 = 2023-07-01 .. 2023-08-31",
        f"parameter 次数: integer = {draw(st.sampled_from(INTEGERS[:5]))}",
        f"parameter 期限: duration = {draw(st.sampled_from(DURATIONS[:7]))}",
        "parameter 比例: percentage:",
        "    50% from 2023-01-01",
        "    60% from 2024-01-01",
    ]
    for decl in facts:
        lines += _declaration(decl)
    scope: dict[str, Any] = {"次数": ("param", "int"), "期限": ("param", "dur"), "比例": ("param", "pct")}
    lines.append('area 1 "a":')
    for i in range(draw(st.integers(1, shape.rules))):
        kind = draw(st.sampled_from(["required", "veto", "assessed", "advisory"]))
        lines += [
            f"    rule 1.{i + 1} {quote(f'规则{i}')}:",
            f"        kind: {kind}",
            f"        clause: {quote('条款')}",
        ]
        lines += writer.body(scope, 8, shape.blocks)
        lines.append(f"        require {writer.boolean(scope, draw(st.integers(0, shape.depth)))}")
    return Program("\n".join(lines) + "\n", facts, tuple(sorted(writer.texts)))


# ------------------------------------------------------------------ ledgers


def _value(draw: st.DrawFn, field: Field, texts: tuple[str, ...]) -> Any:
    kind = field.kind
    if kind == "date":
        return draw(
            st.one_of(st.dates(dt.date(2023, 1, 1), dt.date(2024, 6, 30)), st.sampled_from(DATES[:7]))
        )
    if kind == "int":
        return draw(st.one_of(st.integers(-3, 40), st.sampled_from([0, 10**18, -(10**18), 999_999_999])))
    if kind == "dec":
        return draw(
            st.one_of(st.integers(0, 40).map(lambda n: Decimal(n) / 4), st.just(Decimal("0.0000000001")))
        )
    if kind == "pct":
        return draw(st.sampled_from(["0%", "12.5%", "50%", "100%", "250%"]))
    if kind == "bool":
        return draw(st.booleans())
    if kind == "text":
        return draw(st.sampled_from(texts or TEXTS))
    if kind == "enum":
        return draw(st.sampled_from(field.members))
    if kind == "dur":
        return draw(st.sampled_from(["3 days", "1 month", "10 working days", "2周", "0 days", "100 years"]))
    raise ValueError(kind)  # pragma: no cover - references are drawn from the records made


@st.composite
def program_ledgers(
    draw: st.DrawFn, program: Program, schema: Mapping[str, FactType], *, max_facts: int = 5
) -> Ledger:
    """A ledger for ``program``, read by :func:`~protrules.facts.ledgers.ledger_from_mapping`
    like any caller's records: its texts are drawn from those the rules compare with, its
    numbers and durations reach the limits, a fact type is sometimes left uncovered."""
    from protrules.facts.ledgers import ledger_from_mapping

    texts = tuple(sorted(set(program.texts) | set(TEXTS)))
    facts: dict[str, list[dict[str, Any]]] = {}
    for decl in program.facts:
        if draw(st.integers(0, 5)) == 0:
            continue  # a fact type the ledger does not cover: what reads it is unknown
        records = []
        for i in range(draw(st.integers(0, max_facts))):
            record: dict[str, Any] = {"id": f"{decl.name}-{i}"}
            for field in decl.fields:
                if field.optional and draw(st.booleans()):
                    continue
                if field.kind == "ref":
                    targets = facts.get(str(field.target), [])
                    if targets:
                        record[field.name] = draw(st.sampled_from(targets))["id"]
                    elif not field.optional:
                        break
                    continue
                record[field.name] = _value(draw, field, texts)
            else:
                records.append(record)
        facts[decl.name] = records
    name = draw(st.sampled_from(["e1", "街道甲", "x\x00y"]))
    document = {"entity": {"id": name, "name": name}, "facts": facts}
    return ledger_from_mapping(document, schema, origin="generated")


# ------------------------------------------------------------------ the property


def compiled(program: Program) -> tuple[RuleSet, RuleSet] | ProtrulesError:
    """The program compiled for generated code and for its exact code only; or the error the
    parser or checker refused it with (a limit passed, a type the grammar cannot rule out),
    which is one of the outcomes allowed."""
    from protrules.checking.checker import check
    from protrules.compiling.ruleset import compile
    from protrules.language.diagnostics import Source
    from protrules.language.parser import parse

    try:
        checked = check(parse(program.text, "generated.prl"), Source("generated.prl", program.text))
    except ProtrulesError as error:
        return error
    return compile(checked), compile(checked, generate=False)


def check_program(rules: RuleSet, exact: RuleSet, ledger: Ledger, as_of: dt.date) -> str:
    """The property every program holds: an evaluation either raises protrules' own error or
    gives the same verdicts, due dates and evidence on the code for definite values (with
    checks and without), the exact code, ``explain``'s traced code and the reference
    interpreter. Returns what happened (for the long run's tally); any other exception, or a
    difference, propagates as the finding it is."""
    from protrules.evaluation.reference import decided, evaluate_reference

    try:
        full = rules.evaluate(ledger, as_of)
    except ProtrulesError as error:
        return f"evaluation refused ({error.code})"
    reference = evaluate_reference(rules.program, ledger, as_of)
    assert decided(full) == reference, (decided(full), reference)
    exactly = exact.evaluate(ledger, as_of)
    assert exactly == full
    brief = rules.evaluate(ledger, as_of, checks=False)
    assert decided(brief) == reference and brief.status == full.status and brief.score == full.score
    traced = rules.explain(ledger, as_of=as_of)
    assert [(r.rule, r.verdict, r.due, r.evidence) for r in traced] == [
        (r.rule, r.verdict, r.due, r.evidence) for r in full.results
    ]
    # The same findings, as data, on every backend; and each reads in both languages.
    findings = [r.why.data() for r in full.results]
    for other in (exactly.results, brief.results, traced):
        assert [r.why.data() for r in other] == findings
    _worded(rules.program, full)
    return "evaluated"


def _worded(program: Any, result: Any) -> None:
    """Every reason and every check's finding reads in Chinese and English, every field filled."""
    from protrules.report.reasons import finding_words, reason_words

    for rule in result.results:
        for lang in ("zh", "en"):
            texts = [reason_words(rule.why, program, lang)]
            texts += [finding_words(check.finding, program, lang) for check in rule.checks]
            for text in texts:
                assert text and not re.search(r"\{[a-z_]+\}", text), (rule.rule, lang, text)
