"""Syntax tree → checked program: declarations collected, names resolved, types checked.

Every problem is collected; :func:`check` raises one :class:`RuleFileError` listing all of
them, sorted by position, each with a stable code and, where one helps, a "did you mean".
Expressions are checked by :mod:`protrules.checking.typing_rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from protrules.arguments import expect_type
from protrules.calendar.workdays import Notice
from protrules.checking import ir
from protrules.checking.declarations import Declarations, hint_for
from protrules.checking.programme import check_programme
from protrules.checking.typing_rules import ExprChecker, Scope
from protrules.collector import paused
from protrules.facts.model import FactType
from protrules.i18n import joined, msg
from protrules.language import nodes as n
from protrules.language.diagnostics import RuleFileError, Source, Span
from protrules.language.dialects import spell_name

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


class _Checker(Declarations):
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
                        hint=hint_for(rule_id, seen_rules),
                    )
        programme = self._programme(decls)
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
            programme=programme,
        )

    def _programme(self, decls: tuple[n.Decl, ...]) -> ir.ProgrammeDef | None:
        """The `programme` declaration, checked (at most one)."""
        found = [d for d in decls if isinstance(d, n.ProgrammeDecl)]
        for extra in found[1:]:
            self.error("PRL312", msg("only one `programme` is allowed"), extra.span)
        return check_programme(found[0], self.dates, self.fact_types, self) if found else None

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
                hint=hint_for(str(assessment), self.periods)
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
                hint=hint_for(kind, kinds) or msg("one of {kinds}", kinds=joined(kinds)),
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
        weight_param: str | None = None
        if "weight" in settings and not settings["weight"].quoted and settings["weight"].value in self.params:
            weight_param = str(settings["weight"].value)
            weight = self._weight_of(weight_param, settings["weight"].span)
        elif "weight" in settings:
            try:
                weight = Decimal(settings["weight"].value)
                if weight < 0 or settings["weight"].quoted:
                    raise InvalidOperation
                weight = int(weight) if weight == int(weight) else weight
            except (InvalidOperation, ValueError):
                self.error(
                    "PRL304",
                    msg("a weight is a number of at least 0, or a parameter holding one"),
                    settings["weight"].span,
                    hint=hint_for(str(settings["weight"].value), self.params),
                )
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
                weight_param=weight_param,
            )
        ]

    def _weight_of(self, name: str, span: Span | None) -> Any:
        """The value of a parameter a rule's `weight:` names: one number of at least 0."""
        param = self.params[name]
        values = {value for _, value, _ in param.values}
        value = next(iter(values)) if len(values) == 1 else None
        if not param.type.is_number or value is None or value < 0:
            self.error(
                "PRL304",
                msg(
                    "weight parameter `{name}` must hold one number of at least 0 (not values by date)",
                    name=name,
                ),
                span,
            )
            return 1
        return ir.weight_value(value)


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
