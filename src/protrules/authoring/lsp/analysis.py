"""One reading of a rule file for the editor: its diagnostics, declarations and their uses.

:func:`analyse` parses, checks and lints a document's text exactly as ``protrules check`` and
``protrules lint`` do (the same codes, messages, suppressions and ``[tool.protrules.lint]``),
then indexes every declaration — fact types, fields, parameters, periods, dates, date sets,
vacations, enums, ``define`` names, rules — with where it is declared and every place it is
used. Hover, go to definition, find references and rename all read that index.

Uses of names come from the syntax tree, so they are found even while the file has type
errors; uses of fields (``meeting.date``) need the types, so they come from the checked
program and are found when the file checks. A name a rule binds itself (``let``,
``for each``, ``as``) shadows a declaration of the same name inside that rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping

import attrs

from protrules.authoring.lint import expressions, module_rules
from protrules.authoring.suppress import LintConfig, apply, unique
from protrules.checking import ir
from protrules.language import nodes as n
from protrules.language.diagnostics import Diagnostic, RuleFileError, Source, Span
from protrules.language.keywords import keyword

__all__ = ["NAME", "RULE_ID", "Analysis", "Occurrence", "Symbol", "analyse"]

#: What a name and a rule id may be (the grammar's NAME and RULE_ID).
NAME = re.compile(r"[^\W\d]\w*")
RULE_ID = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")

_KEYWORDS: Mapping[type, str] = {
    n.FactDecl: "fact",
    n.Parameter: "parameter",
    n.PeriodDecl: "period",
    n.DateDecl: "date",
    n.DatesDecl: "dates",
    n.VacationDecl: "vacation",
    n.EnumDecl: "enum",
    n.Define: "define",
}
_WEEKDAYS = "一二三四五六日"


@attrs.frozen
class Symbol:
    """A declaration: ``key`` is ``kind:name`` (``field:meeting.date``, ``rule:1.1.1``)."""

    key: str
    kind: str
    name: str
    span: Span  # the declared name
    hover: str  # Markdown


@attrs.frozen
class Occurrence:
    """The declared name or a use of a symbol, where it is written."""

    key: str
    span: Span
    declaration: bool = False

    def contains(self, line: int, column: int) -> bool:
        s = self.span
        return s.line == line and s.column <= column <= s.end_column


@attrs.define
class Analysis:
    """A document's diagnostics and its index of declarations and uses."""

    text: str
    name: str
    diagnostics: list[Diagnostic] = attrs.field(factory=list)
    module: n.Module | None = None
    program: ir.Program | None = None
    symbols: dict[str, Symbol] = attrs.field(factory=dict)
    occurrences: list[Occurrence] = attrs.field(factory=list)

    def at(self, line: int, column: int) -> Occurrence | None:
        """The occurrence under 1-based ``line``:``column`` (the cursor may be just after it)."""
        found = [o for o in self.occurrences if o.contains(line, column)]
        return min(found, key=lambda o: o.span.end_column - o.span.column) if found else None

    def uses(self, key: str, *, declaration: bool = True) -> list[Occurrence]:
        """Every occurrence of a symbol in document order (with its declaration, or not)."""
        found = {(o.span.line, o.span.column): o for o in self.occurrences if o.key == key}
        return [o for _, o in sorted(found.items()) if declaration or not o.declaration]

    def fields_of(self, fact: str) -> list[Symbol]:
        return [s for s in self.symbols.values() if s.kind == "field" and s.name.startswith(fact + ".")]


def analyse(text: str, name: str, config: LintConfig | None = None) -> Analysis:
    """Parse, check and lint ``text`` and index its declarations and their uses."""
    from protrules.authoring.lint import lint
    from protrules.checking.checker import check
    from protrules.language.parser import parse

    result = Analysis(text, name)
    try:
        result.module = parse(text, name)
    except RuleFileError as error:
        result.diagnostics = list(error.diagnostics)
        return result
    try:
        result.program = check(result.module, Source(name, text))
    except RuleFileError as error:
        result.diagnostics = list(error.diagnostics)
    else:
        findings = [*result.program.warnings, *lint(result.program, result.module)]
        result.diagnostics, _ = apply(unique(findings), text, name, config)
    _Indexer(result).run()
    return result


# ------------------------------------------------------------------ indexing


class _Indexer:
    def __init__(self, analysis: Analysis) -> None:
        self.a = analysis
        self.lines = analysis.text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
        assert analysis.module is not None
        self.decls = list(analysis.module.declarations)
        self.dialect = analysis.module.dialect

    def kw(self, en: str) -> str:
        """A keyword as the document's dialect writes it."""
        return keyword(en, self.dialect)

    def run(self) -> None:
        for decl in self.decls:
            self.declaration(decl)
        globals_ = {s.name for s in self.a.symbols.values() if s.kind not in ("field", "rule")}
        for rule in module_rules(self.decls):
            local = _locals(rule.body)
            for expr in _exprs(rule.body):
                self.use_name(expr, globals_ - local)
            self.locals(rule)
        for decl in self.decls:
            if isinstance(decl, n.Define):
                for expr in expressions(decl.value):
                    self.use_name(expr, globals_)
            elif isinstance(decl, n.FactDecl | n.Parameter):
                for type_ref in (
                    [f.type for f in decl.fields] if isinstance(decl, n.FactDecl) else [decl.type]
                ):
                    self.use_type(type_ref)
            elif isinstance(decl, n.TestDecl):
                for key, line in decl.lines:
                    if key != "status":
                        self.use_text(f"rule:{key}", key, line)
        if self.a.program is not None:
            self.fields(self.a.program)

    # -- declarations
    def find(self, span: Span | None, text: str, skip: int = 0) -> Span | None:
        """Where ``text`` is written as a whole word on the first line of ``span``."""
        if span is None:
            return None
        line = self.lines[span.line - 1] if 0 < span.line <= len(self.lines) else ""
        start = span.column - 1 + skip
        while True:
            column = line.find(text, start)
            if column < 0:
                return None
            before = line[column - 1] if column > 0 else " "
            after = line[column + len(text)] if column + len(text) < len(line) else " "
            if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
                return Span(span.line, column + 1, span.line, column + 1 + len(text), span.source)
            start = column + 1

    def declare(self, kind: str, name: str, span: Span | None, hover: str, key: str = "") -> None:
        if span is None:
            return
        key = key or f"{kind}:{name}"
        self.a.symbols.setdefault(key, Symbol(key, kind, name, span, hover))
        self.a.occurrences.append(Occurrence(key, span, declaration=True))

    def declaration(self, decl: n.Decl) -> None:
        if isinstance(decl, n.Area | n.Item):
            for child in decl.children if isinstance(decl, n.Area) else decl.rules:
                self.declaration(child)
            return
        if isinstance(decl, n.Rule):
            span = self.find(decl.span, decl.id, len(self.kw("rule")))
            self.declare("rule", decl.id, span, _rule_hover(decl))
            return
        keyword = _KEYWORDS.get(type(decl))
        if keyword is None:
            return
        name = str(getattr(decl, "name", ""))
        span = self.find(decl.span, name, len(self.kw(keyword)))
        kind = {"dates": "date set"}.get(keyword, keyword)
        self.declare(kind, name, span, _hover(decl))
        if isinstance(decl, n.FactDecl):
            for field in decl.fields:
                hover = f"**{decl.name}.{field.name}**: {_type(field.type)}" + _title(field.title)
                self.declare("field", f"{decl.name}.{field.name}", self.find(field.span, field.name), hover)

    # -- a rule's own names: `let`, `for each`, `as`
    def statement_line(self, span: Span | None) -> str:
        return (
            self.lines[span.line - 1].strip() if span is not None and 0 < span.line <= len(self.lines) else ""
        )

    def after(self, span: Span | None, word: str, name: str) -> Span | None:
        """Where ``name`` is written after ``word`` on the first line of ``span``."""
        if span is None:
            return None
        line = self.lines[span.line - 1] if 0 < span.line <= len(self.lines) else ""
        at = line.find(word, span.column - 1)
        return self.find(span, name, at - span.column + 1 + len(word)) if at >= 0 else None

    def locals(self, rule: n.Rule) -> None:
        bindings: list[tuple[str, Span]] = []

        def bind(name: str, span: Span | None, hover: str) -> None:
            if span is not None:
                key = f"local:{rule.id}:{name}:{span.line}:{span.column}"
                self.declare("local", name, span, hover, key=key)
                bindings.append((name, span))

        def statements(body: Iterable[n.Stmt]) -> None:
            for stmt in body:
                text = self.statement_line(stmt.span)
                if isinstance(stmt, n.Let):
                    bind(stmt.name, self.after(stmt.span, self.kw("let"), stmt.name), f"`{text}`")
                elif isinstance(stmt, n.ForFacts | n.ForPeriods):
                    if not isinstance(stmt, n.ForFacts) or stmt.explicit_source:
                        each = self.kw("for each").split()[-1]
                        bind(stmt.var, self.after(stmt.span, each, stmt.var), f"`{text.rstrip(':')}`")
                    statements(stmt.body)

        statements(rule.body)
        for expr in _exprs(rule.body):
            if isinstance(expr, n.Select) and expr.alias:
                written = f" {self.kw('as')} "
                bind(expr.alias, self.after(expr.span, written, expr.alias), f"`…{written}{expr.alias}`")
        names = {name for name, _ in bindings}
        for expr in _exprs(rule.body):
            if isinstance(expr, n.Name) and expr.name in names and expr.span is not None:
                s = expr.span
                before = [
                    b
                    for b in bindings
                    if b[0] == expr.name and (b[1].line, b[1].column) <= (s.line, s.column)
                ]
                if before:
                    name, at = max(before, key=lambda b: (b[1].line, b[1].column))
                    key = f"local:{rule.id}:{name}:{at.line}:{at.column}"
                    span = Span(s.line, s.column, s.line, s.column + len(name), s.source)
                    self.a.occurrences.append(Occurrence(key, span))

    # -- uses
    def use_text(self, key: str, text: str, line: int) -> None:
        span = self.find(Span(line, 1, line, 1, self.a.name), text)
        if span is not None and key in self.a.symbols:
            self.a.occurrences.append(Occurrence(key, span))

    def use_name(self, expr: n.Expr, names: set[str]) -> None:
        if not isinstance(expr, n.Name) or expr.name not in names or expr.span is None:
            return
        for kind in ("fact", "parameter", "period", "date", "date set", "vacation", "enum", "define"):
            key = f"{kind}:{expr.name}"
            if key in self.a.symbols:
                s = expr.span
                span = Span(s.line, s.column, s.line, s.column + len(expr.name), s.source)
                self.a.occurrences.append(Occurrence(key, span))
                return

    def use_type(self, type_ref: n.TypeRef) -> None:
        if type_ref.name is None:
            return
        for kind in ("fact", "enum"):
            if f"{kind}:{type_ref.name}" in self.a.symbols:
                span = self.find(type_ref.span, type_ref.name)
                if span is not None:
                    self.a.occurrences.append(Occurrence(f"{kind}:{type_ref.name}", span))

    def fields(self, program: ir.Program) -> None:
        seen: set[tuple[int, int]] = set()
        for rule in program.rules:
            for node in _ir_nodes(rule.body):
                if not (isinstance(node, ir.GetAttr) and node.on == "fact" and node.span is not None):
                    continue
                fact = node.target.type.fact
                s = node.span
                start = s.end_column - len(node.name)
                line = self.lines[s.end_line - 1] if 0 < s.end_line <= len(self.lines) else ""
                if not fact or line[start - 1 : s.end_column - 1] != node.name or (s.end_line, start) in seen:
                    continue
                seen.add((s.end_line, start))
                key = f"field:{fact}.{node.name}"
                if key in self.a.symbols:
                    self.a.occurrences.append(
                        Occurrence(key, Span(s.end_line, start, s.end_line, s.end_column, s.source))
                    )


# ------------------------------------------------------------------ walking trees


def _exprs(body: Iterable[n.Stmt]) -> Iterator[n.Expr]:
    for stmt in body:
        yield from expressions(stmt)


def _locals(body: Iterable[n.Stmt]) -> set[str]:
    """The names a rule binds itself: `let`, `for each` variables, `as` aliases."""
    found: set[str] = set()
    for stmt in body:
        if isinstance(stmt, n.Let):
            found.add(stmt.name)
        elif isinstance(stmt, n.ForFacts | n.ForPeriods):
            if not isinstance(stmt, n.ForFacts) or stmt.explicit_source:  # `for each meeting where`
                found.add(stmt.var)  # reads the fact type `meeting` by its own name
            found |= _locals(stmt.body)
    found |= {e.alias for e in _exprs(body) if isinstance(e, n.Select) and e.alias}
    return found


def _ir_nodes(body: Iterable[ir.Stmt]) -> Iterator[ir.Node]:
    def walk(node: ir.Node) -> Iterator[ir.Node]:
        yield node
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, ir.Node):
                    yield from walk(item)

    for stmt in body:
        for field in attrs.fields(type(stmt)):
            value = getattr(stmt, field.name)
            if isinstance(value, ir.Node):
                yield from walk(value)
        if isinstance(stmt, ir.ForFactsS | ir.ForPeriodsS):
            yield from _ir_nodes(stmt.body)


# ------------------------------------------------------------------ hover texts


def _title(title: str | None) -> str:
    return f" — {title}" if title else ""


def _type(type_ref: n.TypeRef) -> str:
    if type_ref.members is not None:
        text = "enum(" + ", ".join(f'"{m}"' for m in type_ref.members) + ")"
    else:
        text = str(type_ref.name)
    return text + ("?" if type_ref.optional else "")


def _day(day: dt.date) -> str:
    return f"{day.isoformat()} 星期{_WEEKDAYS[day.weekday()]}"


def _range(start: dt.date, end: dt.date | None) -> str:
    if end is None:
        return _day(start)
    return f"{_day(start)} .. {_day(end)} ({(end - start).days + 1} days)"


def _hover(decl: n.Decl) -> str:
    if isinstance(decl, n.FactDecl):
        lines = [f"**fact {decl.name}**{_title(decl.title)}", ""]
        lines += [f"- `{f.name}`: {_type(f.type)}{_title(f.title)}" for f in decl.fields]
        return "\n".join(lines)
    if isinstance(decl, n.Parameter):
        head = f"**parameter {decl.name}**: {_type(decl.type)}{_title(decl.title)}"
        values = []
        for value in decl.values:
            since = f" from {value.since}" if value.since is not None else ""
            source = f" — source: {value.source}" if value.source else ""
            values.append(f"- `{value.value.text}`{since}{source}")
        return "\n".join([head, "", *values])
    if isinstance(decl, n.PeriodDecl | n.VacationDecl):
        keyword = "period" if isinstance(decl, n.PeriodDecl) else "vacation"
        return f"**{keyword} {decl.name}**{_title(decl.title)}\n\n{_range(decl.start, decl.end)}"
    if isinstance(decl, n.DateDecl):
        return f"**date {decl.name}**{_title(decl.title)}\n\n{_day(decl.value)}"
    if isinstance(decl, n.DatesDecl):
        ranges = [f"- {_range(start, end)}" for start, end in decl.items]
        return "\n".join([f"**dates {decl.name}**{_title(decl.title)}", "", *ranges])
    if isinstance(decl, n.EnumDecl):
        members = ", ".join(f'"{m}"' for m in decl.members)
        return f"**enum {decl.name}**{_title(decl.title)}\n\n{members}"
    if isinstance(decl, n.Define):
        return f"**define {decl.name}**{_title(decl.title)}"
    return ""


def _rule_hover(rule: n.Rule) -> str:
    settings = {s.key: s.value for s in rule.settings}
    kind = settings.get("kind", "required")
    weight = f", weight {settings['weight']}" if "weight" in settings else ""
    lines = [f"**rule {rule.id}** {rule.title} — {kind}{weight}"]
    if "clause" in settings:
        lines += ["", f"> {settings['clause']}"]
    if "note" in settings:
        lines += ["", f"note: {settings['note']}"]
    return "\n".join(lines)
