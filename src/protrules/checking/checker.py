"""Syntax tree → checked program: declarations collected, names resolved, types checked.

Every problem is collected; :func:`check` raises one :class:`RuleFileError` listing all of
them, sorted by position, each with a stable code and, where one helps, a "did you mean".
Expressions are checked by :mod:`protrules.checking.typing_rules`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from protrules.arguments import expect_type
from protrules.calendar.workdays import Notice, Period, Vacation
from protrules.checking import ir
from protrules.checking.typing_rules import ExprChecker, Scope, literal_type
from protrules.collector import paused
from protrules.errors import CalendarError
from protrules.facts.model import PRIMITIVES, FactType, FieldDecl, Kind, LookupTable, Type
from protrules.i18n import Message, Text, joined, msg
from protrules.language import nodes as n
from protrules.language.diagnostics import Diagnostic, RuleFileError, Source, Span, did_you_mean, suggest
from protrules.language.dialects import spell_name
from protrules.language.keywords import keyword

__all__ = ["KINDS", "check", "check_notices"]

KINDS = ("required", "veto", "assessed", "advisory")
SETTINGS = ("title", "version", "source", "calendar", "assessment", "cap", "entity")
CALENDARS = ("china",)


def check(module: n.Module, source: Source | None = None) -> ir.Program:
    """Resolve and type-check a parsed module; raise :class:`RuleFileError` listing every error."""
    wanted = msg("a parsed Module (protrules.parse(text, name) returns one)")
    expect_type(module, n.Module, "check", "module", wanted)
    if source is not None:
        expect_type(source, Source, "check", "source", msg("a Source(name, text) or None"))
    text = source.text if source is not None else ""
    checker = _Checker(module, text)
    with paused():
        program = checker.run()
    errors = [d for d in checker.diagnostics if d.severity == "error"]
    if errors or program is None:
        raise RuleFileError(checker.diagnostics, source)
    return program


def check_notices(module: n.Module, source: Source | None = None) -> tuple[Notice, ...]:
    """The notices of a notice file: ``notice`` blocks only, checked as in a rule file.

    It is what ``protrules calendar import-notice`` writes and ``--notice FILE`` loads, so a
    year's notice can be used by the calendar without a standard around it.
    """
    checker = _Checker(module, source.text if source is not None else "")
    for decl in module.declarations:
        if isinstance(decl, n.NoticeDecl):
            checker._notice(decl)
        else:
            checker.error(
                "PRL311",
                msg("a notice file holds only `{notice}` blocks", notice=checker.kw("notice")),
                decl.span,
                hint=msg("a rule file is loaded with --rules"),
            )
    if not module.declarations:
        checker.error(
            "PRL311",
            msg("the notice file has no `{notice}` block", notice=checker.kw("notice")),
            Span(1, 1, 1, 2, module.source_name),
        )
    if any(d.severity == "error" for d in checker.diagnostics):
        raise RuleFileError(checker.diagnostics, source)
    return tuple(checker.notices)


class _Checker:
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

    # -- the run
    def run(self) -> ir.Program | None:
        decls = self.module.declarations
        standards = [d for d in decls if isinstance(d, n.Standard)]
        settings: dict[str, Any] = {}
        if not standards:
            self.error(
                "PRL307",
                msg("the file has no `{standard}` header", standard=self.kw("standard")),
                Span(1, 1, 1, 2, self.module.source_name),
                hint=msg(
                    'start with `{standard} "my-standard-2023":` and its settings',
                    standard=self.kw("standard"),
                ),
            )
        for extra in standards[1:]:
            self.error(
                "PRL307",
                msg("only one `{standard}` header is allowed", standard=self.kw("standard")),
                extra.span,
            )
        if standards:
            settings = self._settings(standards[0])
        for decl in decls:
            if isinstance(decl, n.EnumDecl) and self.declare(decl.name, decl.span, "enum"):
                self._enum(decl)
        for decl in decls:
            if isinstance(decl, n.FactDecl) and self.declare(decl.name, decl.span, "fact"):
                self.fact_types[decl.name] = FactType(decl.name, decl.title, (), span=decl.span)
        for decl in decls:
            if isinstance(decl, n.FactDecl) and decl.name in self.fact_types:
                self._fact(decl)
        for decl in decls:
            self._calendar_decl(decl)
        calendar_ok = self._validate_calendar_data()
        if standards:
            self._check_settings(standards[0], settings)
        scope = Scope(
            fact_types=self.fact_types,
            enums=self.enums,
            params=self.params,
            periods=self.periods,
            dates=self.dates,
            date_sets=self.date_sets,
            dialect=self.module.dialect,
        )
        defined: dict[str, Span | None] = {}
        for decl in decls:
            if isinstance(decl, n.Define) and self.declare(decl.name, decl.span, "define"):
                node, mono = ExprChecker(scope, self).expr(decl.value)
                scope.defines[decl.name] = (node, mono)
                defined[decl.name] = decl.span
                if decl.title:
                    self.titles[decl.name] = decl.title
        rules: list[ir.RuleDef] = []
        areas: dict[str, str] = {}
        items: dict[str, str] = {}
        seen_rules: dict[str, Span | None] = {}
        for decl in decls:
            if isinstance(decl, n.Area):
                if decl.id in areas:
                    self.error("PRL301", msg("area `{id}` is declared twice", id=decl.id), decl.span)
                areas[decl.id] = decl.title
                for child in decl.children:
                    if isinstance(child, n.Item):
                        if child.id in items:
                            self.error(
                                "PRL301", msg("item `{id}` is declared twice", id=child.id), child.span
                            )
                        items[child.id] = child.title
                        if not _belongs(child.id, decl.id):
                            self.error(
                                "PRL306",
                                msg(
                                    "item `{id}` is not numbered under area `{area}`",
                                    id=child.id,
                                    area=decl.id,
                                ),
                                child.span,
                                hint=msg("number it `{id}.N`", id=decl.id),
                            )
                        for rule in child.rules:
                            rules.extend(self._rule(rule, decl.id, child.id, scope, seen_rules))
                    else:
                        rules.extend(self._rule(child, decl.id, None, scope, seen_rules))
            elif isinstance(decl, n.Rule):
                rules.extend(self._rule(decl, "", None, scope, seen_rules))
        for name, span in defined.items():
            if name not in scope.used_defines:
                self.warn("PRL708", msg("`{name}` is defined but never used", name=name), span)
        tests = tuple(
            ir.TestDef(
                d.name,
                d.facts,
                d.as_of,
                d.expects,
                d.status,
                span=d.span,
                lines=d.lines,
                params=self._test_params(d),
            )
            for d in decls
            if isinstance(d, n.TestDecl)
        )
        for test in tests:
            for rule_id, _ in test.expects:
                if rule_id not in seen_rules:
                    self.error(
                        "PRL201",
                        msg(
                            "test `{name}` expects unknown rule `{rule_id}`", name=test.name, rule_id=rule_id
                        ),
                        test.span,
                        hint=_did_you_mean(rule_id, seen_rules),
                    )
        if not calendar_ok:
            return None
        standard_id = standards[0].id if standards else ""
        return ir.Program(
            id=standard_id,
            settings=settings,
            fact_types=dict(self.fact_types),
            enums=dict(self.enums),
            params=dict(self.params),
            periods=dict(self.periods),
            dates=dict(self.dates),
            date_sets=dict(self.date_sets),
            vacations=tuple(sorted(self.vacations, key=lambda v: (v.period.start, v.name))),
            notices=tuple(self.notices),
            rules=tuple(rules),
            areas=areas,
            items=items,
            tests=tests,
            source_name=self.module.source_name,
            source_text=self.text,
            warnings=tuple(d for d in self.diagnostics if d.severity == "warning"),
            titles=dict(self.titles),
        )

    # -- header
    def _settings(self, standard: n.Standard) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        for setting in standard.settings:
            if setting.key in settings:
                self.error("PRL305", msg("setting `{key}` is given twice", key=setting.key), setting.span)
            settings[setting.key] = setting.value
        return settings

    def _check_settings(self, standard: n.Standard, settings: Mapping[str, Any]) -> None:
        spans = {s.key: s.span for s in standard.settings}
        calendar = settings.get("calendar", "china")
        if calendar not in CALENDARS:
            self.error(
                "PRL307",
                msg("unknown calendar `{calendar}`", calendar=calendar),
                spans.get("calendar"),
                hint=msg("protrules knows the calendar `china` (PRC working days)"),
            )
        assessment = settings.get("assessment")
        if assessment is not None and assessment not in self.periods:
            self.error(
                "PRL201",
                msg("assessment period `{assessment}` is not declared", assessment=assessment),
                spans.get("assessment"),
                hint=_did_you_mean(str(assessment), self.periods)
                or "declare it with `period NAME = START .. END`",
            )
        cap = settings.get("cap")
        if cap is not None and (not isinstance(cap, int) or cap < 1):
            self.error(
                "PRL305",
                msg("`{cap}` must be a whole number of at least 1", cap=self.kw("cap")),
                spans.get("cap"),
            )
        if "title" not in settings:
            self.warn("PRL305", msg("the standard has no `{title}`", title=self.kw("title")), standard.span)

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
            "PRL202", msg("unknown type `{name}`", name=name), ref.span, hint=_did_you_mean(name, candidates)
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
                hint=_did_you_mean(known.field, names),
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
            if not _assignable(vtype, ptype, value.value.value):
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
        if not _assignable(found, want, literal.value):
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
                    hint=_did_you_mean(name, self.params),
                )
                continue
            vtype = literal_type(literal)
            if not _assignable(vtype, param.type, literal.value):
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

    # -- rules
    def _rule(
        self, rule: n.Rule, area: str, item: str | None, scope: Scope, seen: dict[str, Span | None]
    ) -> list[ir.RuleDef]:
        duplicate = rule.id in seen  # reported, and still checked: its other errors show too
        if duplicate:
            first = seen[rule.id]
            self.error(
                "PRL301",
                msg("rule `{id}` is declared twice (first at line {line})", id=rule.id, line=first.line)
                if first
                else msg("rule `{id}` is declared twice", id=rule.id),
                rule.span,
            )
        else:
            seen[rule.id] = rule.span
        parent = item or area
        if parent and not _belongs(rule.id, parent):
            self.error(
                "PRL306",
                msg("rule `{id}` is not numbered under `{parent}`", id=rule.id, parent=parent),
                rule.span,
                hint=msg("number it `{parent}.N`", parent=parent),
            )
        settings: dict[str, n.RuleSetting] = {}
        for setting in rule.settings:
            if setting.key in settings:
                self.error(
                    "PRL305",
                    msg("rule `{id}` gives `{key}` twice", id=rule.id, key=setting.key),
                    setting.span,
                )
            settings[setting.key] = setting
        kind = settings["kind"].value if "kind" in settings else "required"
        if kind not in KINDS:
            kinds = [spell_name("kind", k, self.module.dialect) for k in KINDS]
            self.error(
                "PRL303",
                msg("unknown rule kind `{kind}`", kind=kind),
                settings["kind"].span,
                hint=_did_you_mean(kind, kinds) or msg("one of {kinds}", kinds=joined(kinds)),
            )
        clause = settings.get("clause")
        if clause is None:
            self.error(
                "PRL302",
                msg("rule `{id}` has no `{clause}`", clause=self.kw("clause"), id=rule.id),
                rule.span,
                hint=msg('quote the standard\'s text: {clause}: "…"', clause=self.kw("clause")),
            )
        elif not clause.quoted:
            self.error("PRL302", msg("a clause is quoted text"), clause.span)
        weight: Any = 1
        if "weight" in settings:
            try:
                weight = Decimal(settings["weight"].value)
                if weight < 0 or settings["weight"].quoted:
                    raise InvalidOperation
                weight = int(weight) if weight == int(weight) else weight
            except (InvalidOperation, ValueError):
                self.error("PRL304", msg("a weight is a number of at least 0"), settings["weight"].span)
                weight = 1
        for key in ("note",):
            if key in settings and not settings[key].quoted:
                self.error("PRL305", msg("`{key}` is quoted text", key=key), settings[key].span)
        exprs = ExprChecker(scope, self)
        body = exprs.block(rule.body)
        requirements = _count_requirements(body)
        if requirements == 0 and kind != "assessed":
            self.error(
                "PRL310",
                msg("rule `{id}` has no `{require}`", require=self.kw("require"), id=rule.id),
                rule.span,
                hint=msg(
                    "a computed rule needs at least one `{require}`; "
                    "an assessor's judgement rule is `{kind}: {assessed}`",
                    require=self.kw("require"),
                    kind=self.kw("kind"),
                    assessed=spell_name("kind", "assessed", self.module.dialect),
                ),
            )
        if duplicate:
            return []
        return [
            ir.RuleDef(
                id=rule.id,
                title=rule.title,
                clause=clause.value if clause else "",
                kind=kind,
                weight=weight,
                note=settings["note"].value if "note" in settings else None,
                area=area,
                item=item,
                body=body,
                span=rule.span,
            )
        ]


def _count_requirements(body: tuple[ir.Stmt, ...]) -> int:
    count = 0
    for stmt in body:
        if isinstance(stmt, ir.RequireS):
            count += 1
        elif isinstance(stmt, ir.ForFactsS | ir.ForPeriodsS):
            count += _count_requirements(stmt.body)
    return count


def _belongs(child: str, parent: str) -> bool:
    return child.startswith(parent + ".") and "." not in child[len(parent) + 1 :]


def _assignable(value: Type, target: Type, raw: Any) -> bool:
    if value.kind is target.kind:
        return True
    if target.kind is Kind.DECIMAL and value.kind is Kind.INTEGER:
        return True
    if target.kind is Kind.ENUM and value.kind is Kind.TEXT:
        return raw in target.members
    return False


def _did_you_mean(name: str, candidates: Mapping[str, Any] | tuple[str, ...] | list[str]) -> Message | None:
    return did_you_mean(suggest(name, list(candidates)))
