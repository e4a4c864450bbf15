"""The typed grammar that writes a generated program's rules (:mod:`protrules.testing.programs`).

:class:`Writer` draws each expression for the type its place needs, in the scope of the names
bound around it (facts, parameters, periods, loop variables and ``let`` names), and the
statements and nested ``for each`` blocks around them; the texts, numbers, dates and durations
it draws from, past the language's limits too, and the shapes of a program (:class:`Shape`)
are here with it. Split from :mod:`protrules.testing.programs` (issue 14, modules under ~600
lines) along its seam: what writes a rule, and what draws whole programs and their ledgers
and holds them to the property; every name it had is still importable from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

__all__ = [
    "DATES",
    "DURATIONS",
    "FACT_NAMES",
    "FIELD_NAMES",
    "INTEGERS",
    "TEXTS",
    "FactDecl",
    "Field",
    "Program",
    "Shape",
    "Writer",
    "quote",
]

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


class Writer:
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
