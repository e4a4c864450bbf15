"""The checker's declarations: enums, fact types, calendar data, parameters and tests' settings.

:class:`Declarations` holds what a rule file declares, collected and checked before any rule is
read, and the reporting every part of the checker shares; :mod:`protrules.checking.checker`
builds on it to check the header and the rules. Kept apart so each reads in one sitting.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from protrules.calendar.workdays import Notice, Period, Vacation
from protrules.checking import ir
from protrules.checking.typing_rules import literal_type
from protrules.errors import CalendarError
from protrules.facts.model import PRIMITIVES, FactType, FieldDecl, Kind, LookupTable, Type
from protrules.i18n import Message, Text, msg
from protrules.language import nodes as n
from protrules.language.diagnostics import Diagnostic, Span, did_you_mean, suggest
from protrules.language.dialects import spell_name
from protrules.language.keywords import keyword

__all__ = ["Declarations", "assignable", "hint_for"]


class Declarations:
    """The declarations of a rule file as they are checked, and the diagnostics found so far."""

    def __init__(self, module: n.Module, text: str) -> None:
        self.module = module
        self.text = text
        self.lines = text.lstrip("\ufeff").splitlines()
        self.diagnostics: list[Diagnostic] = []
        self.names: dict[str, Span | None] = {}
        self.enums: dict[str, tuple[str, ...]] = {}
        self.fact_types: dict[str, FactType] = {}
        self.params: dict[str, ir.ParamDef] = {}
        self.periods: dict[str, Period] = {}
        self.dates: dict[str, dt.date] = {}
        self.date_sets: dict[str, tuple[Period, ...]] = {}
        self.vacations: list[Vacation] = []
        self.notices: list[Notice] = []
        self.titles: dict[str, str] = {}

    # -- reporting
    def kw(self, en: str) -> str:
        """A keyword (or phrase) as the rule file's dialect writes it, for a message quoting it."""
        return keyword(en, self.module.dialect)

    def error(self, code: str, message: Text, span: Span | None, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint))

    def warn(self, code: str, message: Text, span: Span | None, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint, severity="warning"))

    def snippet(self, span: Span | None) -> str:
        if span is None or not self.lines:
            return ""
        if span.line == span.end_line:
            return self.lines[span.line - 1][span.column - 1 : span.end_column - 1]
        first = self.lines[span.line - 1][span.column - 1 :]
        middle = [line.strip() for line in self.lines[span.line : span.end_line - 1]]
        last = self.lines[span.end_line - 1][: span.end_column - 1].strip()
        return " ".join(part for part in [first.strip(), *middle, last] if part)

    def declare(self, name: str, span: Span | None, what: str) -> bool:
        if name in self.names:
            other = self.names[name]
            twice = msg("`{name}` is declared twice", name=name)
            if other:
                twice = msg(
                    "`{name}` is declared twice (first declared at line {line})", name=name, line=other.line
                )
            self.error("PRL207", twice, span)
            return False
        self.names[name] = span
        return True

    # -- declarations
    def _enum(self, decl: n.EnumDecl) -> None:
        if len(set(decl.members)) != len(decl.members):
            self.error("PRL206", msg("enum `{name}` lists a member twice", name=decl.name), decl.span)
        self.enums[decl.name] = decl.members
        if decl.title:
            self.titles[decl.name] = decl.title

    def resolve_type(self, ref: n.TypeRef, *, allow_facts: bool = True) -> Type | None:
        if ref.members is not None:
            if len(set(ref.members)) != len(ref.members):
                self.error("PRL206", msg("an enum lists a member twice"), ref.span)
            return Type(Kind.ENUM, None, ref.members)
        name = ref.name or ""
        if name in PRIMITIVES:
            return Type(PRIMITIVES[name])
        if name in self.enums:
            return Type(Kind.ENUM, name, self.enums[name])
        if allow_facts and name in self.fact_types:
            return Type(Kind.FACT, fact=name)
        primitives = [spell_name("type", p, self.module.dialect) for p in PRIMITIVES]
        candidates = [*primitives, *self.enums, *(self.fact_types if allow_facts else ())]
        self.error(
            "PRL202", msg("unknown type `{name}`", name=name), ref.span, hint=hint_for(name, candidates)
        )
        return None

    def _fact(self, decl: n.FactDecl) -> None:
        fields: list[FieldDecl] = []
        seen: set[str] = set()
        for node in decl.fields:
            if node.name in seen:
                self.error(
                    "PRL207",
                    msg("field `{name}` of `{fact}` is declared twice", name=node.name, fact=decl.name),
                    node.span,
                )
                continue
            if node.name == "id":
                self.error("PRL207", msg("`id` is every fact's identifier and cannot be declared"), node.span)
                continue
            seen.add(node.name)
            field_type = self.resolve_type(node.type)
            if field_type is not None:
                later = self._known_from(decl, node.known_from, node)
                fields.append(
                    FieldDecl(
                        node.name,
                        field_type,
                        node.type.optional,
                        node.title,
                        span=node.span,
                        known_from=later,
                    )
                )
        known = self._known_from(decl, decl.known_from, None)
        self.fact_types[decl.name] = FactType(
            decl.name, decl.title, tuple(fields), span=decl.span, known_from=known
        )

    def _known_from(
        self, decl: n.FactDecl, known: n.KnownFrom | None, field: n.FieldNode | None
    ) -> str | None:
        """A `known from 字段` clause: it names a date field of the same fact type; on a field,
        only an optional one can be recorded later (docs/language.md, “Facts”)."""
        if known is None:
            return None
        target = next((f for f in decl.fields if f.name == known.field), None)
        if target is None:
            names = [f.name for f in decl.fields]
            self.error(
                "PRL203",
                msg(
                    "`{known_from} {field}`: `{name}` has no field `{field}`",
                    known_from=self.kw("known from"),
                    field=known.field,
                    name=decl.name,
                ),
                known.span,
                hint=hint_for(known.field, names),
            )
            return None
        if target.type.name != "date":
            self.error(
                "PRL204",
                msg(
                    "`{known_from} {field}`: `{name}.{field}` is not a date",
                    known_from=self.kw("known from"),
                    field=known.field,
                    name=decl.name,
                ),
                known.span,
                hint=msg("name the date field that says when it is known"),
            )
            return None
        if field is not None and not field.type.optional:
            self.error(
                "PRL204",
                msg(
                    "`{fact}.{name}` is required: only an optional field can be recorded later",
                    fact=decl.name,
                    name=field.name,
                ),
                known.span,
                hint=msg(
                    "make it optional (`{name}: …?`) or drop `{known_from}`",
                    known_from=self.kw("known from"),
                    name=field.name,
                ),
            )
            return None
        return known.field

    def _calendar_decl(self, decl: n.Decl) -> None:
        if isinstance(decl, n.Parameter):
            if self.declare(decl.name, decl.span, "parameter"):
                self._parameter(decl)
        elif isinstance(decl, n.PeriodDecl):
            period = self._period(decl.start, decl.end, decl.span)
            if period is not None and self.declare(decl.name, decl.span, "period"):
                self.periods[decl.name] = period
                if decl.title:
                    self.titles[decl.name] = decl.title
        elif isinstance(decl, n.DateDecl):
            if self.declare(decl.name, decl.span, "date"):
                self.dates[decl.name] = decl.value
                if decl.title:
                    self.titles[decl.name] = decl.title
        elif isinstance(decl, n.DatesDecl):
            periods = [self._period(a, b or a, decl.span) for a, b in decl.items]
            if self.declare(decl.name, decl.span, "dates"):
                self.date_sets[decl.name] = tuple(sorted(p for p in periods if p is not None))
        elif isinstance(decl, n.VacationDecl):
            period = self._period(decl.start, decl.end, decl.span)
            if period is not None and self.declare(decl.name, decl.span, "vacation"):
                self.vacations.append(Vacation(decl.title or decl.name, period))
                self.periods[decl.name] = period
                if decl.title:
                    self.titles[decl.name] = decl.title
        elif isinstance(decl, n.NoticeDecl):
            self._notice(decl)

    def _period(self, start: dt.date, end: dt.date, span: Span | None) -> Period | None:
        if end < start:
            self.error(
                "PRL309", msg("period ends ({end}) before it starts ({start})", end=end, start=start), span
            )
            return None
        return Period(start, end)

    def _notice(self, decl: n.NoticeDecl) -> None:
        days: dict[str, list[dt.date]] = {"off": [], "statutory": [], "work": []}
        for line in decl.lines:
            for start, end in line.items:
                last = end or start
                if last < start:
                    self.error(
                        "PRL311",
                        msg("range ends ({last}) before it starts ({start})", last=last, start=start),
                        line.span,
                    )
                    continue
                day = start
                while day <= last:
                    days[line.key].append(day)
                    day += dt.timedelta(days=1)
        if any(n_.year == decl.year for n_ in self.notices):
            self.error("PRL311", msg("a notice for {year} is declared twice", year=decl.year), decl.span)
            return
        try:
            notice = Notice(
                decl.year, tuple(days["off"]), tuple(days["work"]), tuple(days["statutory"]), decl.source
            )
        except CalendarError as error:
            self.error("PRL311", msg("notice for {year}: {error}", year=decl.year, error=error), decl.span)
            return
        self.notices.append(notice)

    def _validate_calendar_data(self) -> bool:
        return True

    def _parameter(self, decl: n.Parameter) -> None:
        if decl.key is not None:
            self._lookup(decl, decl.key)
            return
        ptype = self.resolve_type(decl.type, allow_facts=False)
        if ptype is None:
            return
        values: list[tuple[dt.date | None, Any, str | None]] = []
        for value in decl.values:
            vtype = literal_type(value.value)
            if not assignable(vtype, ptype, value.value.value):
                self.error(
                    "PRL212",
                    msg(
                        "parameter `{name}` is {ptype}, but this value is {vtype}",
                        name=decl.name,
                        ptype=ptype,
                        vtype=vtype,
                    ),
                    value.value.span,
                )
                continue
            stored = value.value.value
            if ptype.kind is Kind.DECIMAL and isinstance(stored, int):
                stored = Decimal(stored)
            values.append((value.since, stored, value.source))
        dated = [v for v in values if v[0] is not None]
        for earlier, later in itertools.pairwise(dated):
            assert earlier[0] is not None and later[0] is not None
            if later[0] <= earlier[0]:
                self.error(
                    "PRL213",
                    msg("parameter `{name}`: values must be listed by increasing date", name=decl.name),
                    decl.span,
                )
                break
        self.params[decl.name] = ir.ParamDef(decl.name, decl.title, ptype, tuple(values))
        if decl.title:
            self.titles[decl.name] = decl.title

    def _lookup(self, decl: n.Parameter, key_ref: n.TypeRef) -> None:
        """A lookup parameter: rows by strictly increasing numeric bound, values of one type."""
        key = self.resolve_type(key_ref, allow_facts=False)
        value = self.resolve_type(decl.type, allow_facts=False)
        if key is not None and not key.is_number:
            self.error(
                "PRL212",
                msg("a lookup is keyed by numbers (integer, decimal or percentage), not {key}", key=key),
                key_ref.span,
            )
            key = None
        if key is None or value is None:
            return
        rows: list[tuple[Any, Any]] = []
        for row in decl.rows:
            bound, stored = self._row_value(decl, row.bound, key), self._row_value(decl, row.value, value)
            if bound is None or stored is None:
                continue
            if rows and bound <= rows[-1][0]:
                self.error(
                    "PRL213",
                    msg("lookup `{name}`: rows must be listed by increasing key", name=decl.name),
                    row.bound.span,
                    hint=msg("this row's key {text} does not come after the one above", text=row.bound.text),
                )
                continue
            rows.append((bound, stored))
        table = LookupTable(tuple(rows))
        ptype = Type(Kind.LOOKUP, element=value, key=key)
        self.params[decl.name] = ir.ParamDef(decl.name, decl.title, ptype, ((None, table, decl.source),))
        if decl.title:
            self.titles[decl.name] = decl.title

    def _row_value(self, decl: n.Parameter, literal: n.Literal, want: Type) -> Any:
        """A lookup row's key or value as ``want``, or None after an error."""
        found = literal_type(literal)
        if not assignable(found, want, literal.value):
            self.error(
                "PRL212",
                msg(
                    "lookup `{name}` holds {want}, but this is {found}",
                    name=decl.name,
                    want=want,
                    found=found,
                ),
                literal.span,
            )
            return None
        if want.kind is Kind.DECIMAL and isinstance(literal.value, int):
            return Decimal(literal.value)
        return literal.value

    def _test_params(self, test: n.TestDecl) -> tuple[tuple[str, Any], ...]:
        """A test's `parameter 名称 = 值` lines, each checked like the parameter's own value."""
        out: list[tuple[str, Any]] = []
        for given in test.params:
            name, literal = given.name, given.value
            param = self.params.get(name)
            if param is None:
                self.error(
                    "PRL201",
                    msg("test `{test}` sets unknown parameter `{name}`", test=test.name, name=name),
                    given.span or test.span,
                    hint=hint_for(name, self.params),
                )
                continue
            vtype = literal_type(literal)
            if not assignable(vtype, param.type, literal.value):
                self.error(
                    "PRL212",
                    msg(
                        "parameter `{name}` is {type}, but this value is {vtype}",
                        name=name,
                        type=param.type,
                        vtype=vtype,
                    ),
                    literal.span or test.span,
                )
                continue
            value = Decimal(literal.value) if param.type.kind is Kind.DECIMAL else literal.value
            out.append((name, value))
        return tuple(out)


def assignable(value: Type, target: Type, raw: Any) -> bool:
    """Whether a literal of type ``value`` (``raw``) can be stored where ``target`` is wanted."""
    if value.kind is target.kind:
        return True
    if target.kind is Kind.DECIMAL and value.kind is Kind.INTEGER:
        return True
    if target.kind is Kind.ENUM and value.kind is Kind.TEXT:
        return raw in target.members
    return False


def hint_for(name: str, candidates: Mapping[str, Any] | tuple[str, ...] | list[str]) -> Message | None:
    """A "did you mean" hint for a misspelt name, or None when nothing is close."""
    return did_you_mean(suggest(name, list(candidates)))
