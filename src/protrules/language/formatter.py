"""The one canonical layout of a .prl file (``protrules fmt``); docs/formatting.md shows it.

The syntax tree keeps no layout, so the formatter prints it afresh: four-space indentation,
spaced operators, parentheses exactly where precedence needs them, settings in a fixed
order, literals in their source spelling. Comments are not in the tree either; they are
read from the text (:meth:`Comments.scan`) and put back beside the line they belong to.
Formatting is meaning-preserving (``parse(format_source(x)) == parse(x)``) and idempotent,
and it never writes a file: the command line does that. How an expression is printed and
broken across lines is :mod:`protrules.language.layout`; this module lays out declarations,
statements and tests around it and puts the comments back.

A file is printed in its own dialect, or in the one asked for (``dialect="zh"``): the same tree
with every keyword and built-in name spelled as :mod:`protrules.language.keywords` says and each
duration's unit in that dialect, so converting a file and converting it back gives the text
back (``protrules fmt --dialect zh|en``). Comments and names are the author's and stay as they
are; a name that the other dialect spells a built-in with would change meaning, so converting
such a file is refused (:class:`DialectClash`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence

import attrs

from protrules.errors import ProtrulesError
from protrules.i18n import msg
from protrules.language import nodes as n
from protrules.language.dialects import check_dialect, clashes
from protrules.language.keywords import keyword
from protrules.language.layout import (
    CLOSE,
    OPEN,
    POSTFIX,
    SPELLING,
    WIDTH,
    Piece,
    Spelling,
    expr_pieces,
    flat_text,
    format_expr,
    layout,
    quote,
    spelling,
    top_break,
)
from protrules.language.parser import parse
from protrules.output import display_width

__all__ = [
    "INDENT",
    "WIDTH",
    "Comment",
    "Comments",
    "format_expr",
    "format_module",
    "format_source",
    "quote",
]

INDENT = "    "
#: One-line declarations of one family stay together, without a blank line between them.
_FAMILIES: Mapping[type, str] = {
    n.PeriodDecl: "calendar",
    n.DateDecl: "calendar",
    n.DatesDecl: "calendar",
    n.VacationDecl: "calendar",
    n.EnumDecl: "enum",
    n.Define: "define",
}


def format_source(text: str, name: str = "<rules>", dialect: str | None = None) -> str:
    """``text`` in the canonical layout, comments kept; raises ``RuleFileError`` if it does not
    parse (a file with syntax errors is never reformatted).

    ``dialect`` (``"en"`` or ``"zh"``) writes the file in that dialect, durations spelled in it
    too; by default the file stays in its own, its literals spelled as they are.
    """
    return format_module(parse(text, name), Comments.scan(text), dialect)


def format_module(
    module: n.Module, comments: Comments | Sequence[Comment] = (), dialect: str | None = None
) -> str:
    """A syntax tree in the canonical layout, with the comments of the text it was parsed from;
    in ``dialect`` (its own by default, see :func:`format_source`)."""
    if not isinstance(comments, Comments):
        comments = Comments(tuple(comments))
    target = module.dialect if dialect is None else check_dialect(dialect, "format_module")
    if target != module.dialect:
        clashes(module, target)
    token = SPELLING.set(Spelling(target, respell=dialect is not None, source=module.dialect))
    try:
        writer = _Writer()
        previous: n.Decl | None = None
        for decl in module.declarations:
            if previous is not None:
                family = _family(decl)
                writer.separator("group" if family is not None and family == _family(previous) else "blank")
            writer.decl(decl, comments)
            previous = decl
        text = _render(writer.entries, comments)
    finally:
        SPELLING.reset(token)
    if target != module.dialect:
        _same_meaning(text, module, target)
    return text


def _same_meaning(text: str, module: n.Module, dialect: str) -> None:
    """Make sure a file written in the other dialect reads back to the same tree (PRL114)."""
    try:
        same = parse(text, module.source_name or "<rules>", dialect) == module
    except ProtrulesError:
        same = False
    if not same:
        raise ProtrulesError(
            msg("cannot write the file in the other dialect without changing its meaning"), code="PRL114"
        )


def _family(decl: n.Decl) -> str | None:
    if isinstance(decl, n.Parameter):
        return None if decl.dated or decl.key is not None else "parameter"
    return _FAMILIES.get(type(decl))


# ------------------------------------------------------------------ comments


@attrs.frozen
class Comment:
    """A ``#`` comment of the source: its line, indentation and text (from ``#`` on)."""

    line: int
    indent: int
    text: str
    own_line: bool = True  # nothing but blanks before it on its line
    blank_before: bool = False  # the source line before it is blank
    blank_after: bool = False  # the source line after it is blank


@attrs.frozen
class Comments:
    """The comments of a source text, and the layout facts needed to put them back: where each
    logical line (a line continued inside parentheses) ends, line indentation, blank lines."""

    items: tuple[Comment, ...] = ()
    ends: Mapping[int, int] = attrs.field(factory=dict)  # logical line start -> its last line
    indents: Mapping[int, int] = attrs.field(factory=dict)  # logical line start -> indent (tab = 8)
    blank: frozenset[int] = frozenset()
    code: Mapping[int, str] = attrs.field(factory=dict)  # logical line start -> its code, stripped

    @classmethod
    def scan(cls, text: str) -> Comments:
        """Find the comments: a ``#`` outside a string literal, to the end of its line."""
        items: list[tuple[int, int, str, bool]] = []
        ends: dict[int, int] = {}
        indents: dict[int, int] = {}
        blank: set[int] = set()
        code: dict[int, str] = {}
        depth, start = 0, 0
        for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
            line = raw.rstrip("\r")
            head = line[: len(line) - len(line.lstrip(" \t"))]
            indent = head.count(" ") + 8 * head.count("\t")
            opened, cut, in_string, i = depth, len(line), False, 0
            while i < len(line):
                ch = line[i]
                if in_string:
                    if ch == "\\":
                        i += 1
                    elif ch == '"':
                        in_string = False
                elif ch == '"':
                    in_string = True
                elif ch == "#":
                    cut = i
                    break
                elif ch in "()":
                    depth = depth + 1 if ch == "(" else max(0, depth - 1)
                i += 1
            body = line[:cut].strip()
            if cut < len(line):
                items.append((number, indent, line[cut:].rstrip(), not body))
            elif not body:
                blank.add(number)
            if body and opened == 0 and not start:
                start, indents[number], code[number] = number, indent, body
            if start and depth == 0:
                ends[start], start = number, 0
        comments = tuple(
            Comment(line, indent, text_, own, line - 1 in blank, line + 1 in blank)
            for line, indent, text_, own in items
        )
        return cls(comments, ends, indents, frozenset(blank), code)


# ------------------------------------------------------------------ declarations and statements


@attrs.define
class _Entry:
    """One logical output line (or, with no pieces, a separator between declarations)."""

    depth: int
    pieces: list[Piece]
    start: int | None = None  # the source line it was printed from
    parent: int = -1  # the entry of the enclosing block's header
    body_end: int = -1  # for a header: the index after its block
    sep: str = ""  # a separator: "blank", or "group" (blank only if the source had one)


def _title(title: str | None) -> str:
    return f" {quote(title)}" if title is not None else ""


def _known(known: n.KnownFrom | None) -> str:
    return f" {spelling().kw('known from')} {known.field}" if known is not None else ""


def _type(ref: n.TypeRef) -> str:
    sp = spelling()
    if ref.members is not None:
        base = f"{sp.kw('enum')}({', '.join(map(quote, ref.members))})"
    else:
        base = sp.name("type", str(ref.name))
    return base + ("?" if ref.optional else "")


def _source(source: str | None) -> str:
    return f" {spelling().kw('source')} {quote(source)}" if source is not None else ""


def _days(items: Sequence[tuple[object, object | None]]) -> str:
    return ", ".join(f"{a}" if b is None else f"{a} .. {b}" for a, b in items)


def _line_of(node: n.Decl | n.Stmt | n.Expr | None) -> int | None:
    return node.span.line if node is not None and node.span is not None else None


class _Writer:
    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.parents: list[int] = []

    def line(self, depth: int, pieces: list[Piece], start: int | None) -> int:
        self.entries.append(_Entry(depth, pieces, start, self.parents[-1] if self.parents else -1))
        return len(self.entries) - 1

    def separator(self, kind: str) -> None:
        self.entries.append(_Entry(0, [], sep=kind))

    def block(self, depth: int, header: str, node: n.Decl | n.Stmt) -> _Block:
        return _Block(self, self.line(depth, [header], _line_of(node)))

    def decl(self, d: n.Decl, comments: Comments) -> None:
        at = _line_of(d)
        sp = spelling()
        if isinstance(d, n.Standard | n.ProgrammeDecl):
            word, name = ("standard", d.id) if isinstance(d, n.Standard) else ("programme", d.title)
            with self.block(0, f"{sp.kw(word)} {quote(name)}:", d):
                for s in d.settings:
                    value = quote(str(s.value)) if s.quoted else str(s.value)
                    if s.key == "calendar" and not s.quoted:
                        value = sp.name("calendar", value)
                    self.line(1, [f"{sp.kw(s.key)}: {value}"], _line_of(s))
        elif isinstance(d, n.EnumDecl):
            head = f"{sp.kw('enum')} {d.name}{_title(d.title)}: "
            one = head + ", ".join(map(quote, d.members))
            if display_width(one) <= WIDTH:
                self.line(0, [one], at)
            else:  # a long enum: members in parentheses, as many per line as fit
                rows: list[str] = []
                row = ""
                for member in map(quote, d.members):
                    piece = f"{member},"
                    if row and display_width(INDENT + row + " " + piece) > WIDTH:
                        rows.append(row)
                        row = piece
                    else:
                        row = f"{row} {piece}" if row else piece
                rows.append(row[:-1] + ")")
                self.line(0, [head + "("], at)
                for text in rows:
                    self.line(1, [text], None)
        elif isinstance(d, n.Define):
            start: list[Piece] = [f"{sp.kw('define')} {d.name}{_title(d.title)} = "]
            body = expr_pieces(d.value)
            if display_width(flat_text([*start, *body])) > WIDTH and top_break(body):
                body = ["(", OPEN, *body, CLOSE, ")"]  # so the expression can continue below
            self.line(0, [*start, *body], at)
        elif isinstance(d, n.FactDecl):
            with self.block(0, f"{sp.kw('fact')} {d.name}{_title(d.title)}{_known(d.known_from)}:", d):
                for f in d.fields:
                    line = f"{f.name}: {_type(f.type)}{_title(f.title)}{_known(f.known_from)}"
                    self.line(1, [line], _line_of(f))
        elif isinstance(d, n.Parameter) and d.key is not None:
            head = (
                f"{sp.kw('parameter')} {d.name}{_title(d.title)}: {sp.kw('lookup')} {_type(d.key)}"
                f" -> {_type(d.type)}{_source(d.source)}:"
            )
            with self.block(0, head, d):
                for row_ in d.rows:
                    line = f"{sp.kw('from')} {sp.literal(row_.bound)}: {sp.literal(row_.value)}"
                    self.line(1, [line], _line_of(row_))
        elif isinstance(d, n.Parameter):
            head = f"{sp.kw('parameter')} {d.name}{_title(d.title)}: {_type(d.type)}"
            if not d.dated:
                self.line(0, [f"{head} = {self._value(d.values[0])}"], at)
            else:
                with self.block(0, head + ":", d):
                    for v in d.values:
                        self.line(1, [self._value(v)], _line_of(v))
        elif isinstance(d, n.PeriodDecl | n.VacationDecl):
            word = sp.kw("period" if isinstance(d, n.PeriodDecl) else "vacation")
            self.line(0, [f"{word} {d.name}{_title(d.title)} = {d.start} .. {d.end}"], at)
        elif isinstance(d, n.DateDecl):
            self.line(0, [f"{sp.kw('date')} {d.name}{_title(d.title)} = {d.value}"], at)
        elif isinstance(d, n.DatesDecl):
            self.line(0, [f"{sp.kw('dates')} {d.name}{_title(d.title)} = {_days(d.items)}"], at)
        elif isinstance(d, n.NoticeDecl):
            with self.block(0, f"{sp.kw('notice')} {d.year}{_source(d.source)}:", d):
                for notice_line in d.lines:
                    line = f"{sp.kw(notice_line.key)}: {_days(notice_line.items)}"
                    self.line(1, [line], _line_of(notice_line))
        elif isinstance(d, n.Area | n.Item):
            word = sp.kw("area" if isinstance(d, n.Area) else "item")
            children: Sequence[n.Decl] = d.children if isinstance(d, n.Area) else d.rules
            with self.block(len(self.parents), f"{word} {d.id} {quote(d.title)}:", d):
                for i, child in enumerate(children):
                    if i:
                        self.separator("blank")
                    self.decl(child, comments)
        elif isinstance(d, n.Rule):
            depth = len(self.parents)
            with self.block(depth, f"{sp.kw('rule')} {d.id} {quote(d.title)}:", d):
                for setting in n.canonical_settings(d.settings):
                    text = quote(setting.value) if setting.quoted else setting.value
                    if setting.key == "kind" and not setting.quoted:
                        text = sp.name("kind", text)
                    self.line(depth + 1, [f"{sp.kw(setting.key)}: {text}"], _line_of(setting))
                for stmt in d.body:
                    self.stmt(stmt, depth + 1)
        elif isinstance(d, n.TestDecl):
            self._test(d, comments)
        else:
            raise TypeError(f"not a declaration: {d!r}")

    @staticmethod
    def _value(v: n.ParamValue) -> str:
        since = f" {spelling().kw('from')} {v.since}" if v.since is not None else ""
        return spelling().literal(v.value) + since + _source(v.source)

    def _test(self, d: n.TestDecl, comments: Comments) -> None:
        sp = spelling()
        at = _line_of(d)
        lines: dict[str, list[int | None]] = defaultdict(list)
        # the first words of each kind of line, as the file was written
        keys = {keyword(en, sp.source): en for en in ("facts", "as_of", "parameter", "expect")}
        status = keyword("expect status", sp.source).split()
        if at is not None:  # test lines have no spans: find them in the source
            for start in sorted(s for s in comments.code if s > at):
                if comments.indents.get(start, 0) <= comments.indents.get(at, 0):
                    break
                words = comments.code[start].replace(":", " ").split()
                key = "status" if words[: len(status)] == status else keys.get(words[0], "") if words else ""
                lines[key].append(start)
        with self.block(0, f"{sp.kw('test')} {quote(d.name)}:", d):
            if d.facts is not None:
                self.line(1, [f"{sp.kw('facts')}: {quote(d.facts)}"], (lines["facts"] or [None])[-1])
            if d.as_of is not None:
                self.line(1, [f"{sp.kw('as_of')}: {d.as_of}"], (lines["as_of"] or [None])[-1])
            for i, param in enumerate(d.params):
                starts = lines["parameter"]
                line = f"{sp.kw('parameter')} {param.name} = {sp.literal(param.value)}"
                self.line(1, [line], starts[i] if i < len(starts) else None)
            for i, (rule_id, verdict) in enumerate(d.expects):
                starts = lines["expect"]
                line = f"{sp.kw('expect')} {rule_id} {sp.kw(verdict)}"
                self.line(1, [line], starts[i] if i < len(starts) else None)
            if d.status is not None:
                line = f"{sp.kw('expect status')} {sp.kw(d.status)}"
                self.line(1, [line], (lines["status"] or [None])[-1])

    def stmt(self, s: n.Stmt, depth: int) -> None:
        sp = spelling()
        head: list[Piece]
        main: n.Expr | None
        tail: list[Piece] = []
        where = ""
        if isinstance(s, n.Let):
            head, main = [f"{sp.kw('let')} {s.name} = "], s.value
        elif isinstance(s, n.Require):
            head, main = [f"{sp.kw('require')} "], s.condition
            tail = [f" {sp.kw('by')} ", *expr_pieces(s.by)] if s.by is not None else []
        elif isinstance(s, n.Advise | n.Applies):
            head = [f"{sp.kw('advise' if isinstance(s, n.Advise) else 'applies when')} "]
            main = s.condition
        elif isinstance(s, n.ForFacts):
            source = [f" {sp.kw('in')} ", *expr_pieces(s.source, POSTFIX)] if s.explicit_source else []
            head, main, tail = [f"{sp.kw('for each')} {s.var}", *source], s.condition, [":"]
            where = f" {sp.kw('where')} "
        elif isinstance(s, n.ForPeriods):
            head = [
                f"{sp.kw('for each')} {sp.kw(s.unit)} {s.var} {sp.kw('of')} ",
                *expr_pieces(s.period, POSTFIX),
            ]
            main, tail, where = s.condition, [":"], f" {sp.kw('where')} "
        else:
            raise TypeError(f"not a statement: {s!r}")
        body = expr_pieces(main) if main is not None else []
        pieces = [*head, *([where] if where and body else []), *body, *tail]
        if display_width(INDENT * depth + flat_text(pieces)) > WIDTH and top_break(body):
            # Parentheses around the whole expression let it continue on the next lines.
            pieces = [*head, *([where] if where else []), "(", OPEN, *body, CLOSE, ")", *tail]
        index = self.line(depth, pieces, _line_of(s))
        if isinstance(s, n.ForFacts | n.ForPeriods):
            with _Block(self, index):
                for child in s.body:
                    self.stmt(child, depth + 1)


class _Block:
    """``with`` a block: the lines printed inside it are its body."""

    def __init__(self, writer: _Writer, header: int) -> None:
        self.writer, self.header = writer, header

    def __enter__(self) -> None:
        self.writer.parents.append(self.header)

    def __exit__(self, *exc: object) -> None:
        self.writer.parents.pop()
        self.writer.entries[self.header].body_end = len(self.writer.entries)


# ------------------------------------------------------------------ putting comments back


@attrs.define
class _Placed:
    before: dict[int, list[Comment]] = attrs.field(factory=lambda: defaultdict(list))
    trailing: dict[int, Comment] = attrs.field(factory=dict)
    after: dict[int, list[tuple[int, Comment]]] = attrs.field(factory=lambda: defaultdict(list))
    end: list[Comment] = attrs.field(factory=list)


def _place(entries: list[_Entry], comments: Comments) -> _Placed:
    """Give each comment its line: a trailing comment stays after the line it ends; a comment
    on a line of its own goes before the next line, or — indented deeper than that line —
    after the block it closes; a comment inside a continued expression goes before it."""
    placed = _Placed()
    anchors: dict[int, int] = {}
    for i, entry in enumerate(entries):
        if entry.pieces and entry.start is not None:
            anchors.setdefault(entry.start, i)
    starts = sorted(anchors)
    for c in comments.items:
        k = bisect.bisect_right(starts, c.line) - 1
        if k >= 0 and comments.ends.get(starts[k], starts[k]) >= c.line:
            i = anchors[starts[k]]
            if (
                not c.own_line
                and comments.ends.get(starts[k], starts[k]) == c.line
                and i not in placed.trailing
            ):
                placed.trailing[i] = c
            else:
                placed.before[i].append(c)
            continue
        following = anchors[starts[k + 1]] if k + 1 < len(starts) else None
        next_indent = comments.indents.get(starts[k + 1], 0) if following is not None else 0
        next_depth = entries[following].depth if following is not None else 0
        x = anchors[starts[k]] if k >= 0 else -1
        if c.indent > next_indent:
            while x != -1 and comments.indents.get(entries[x].start or 0, 0) > c.indent:
                x = entries[x].parent
            if x != -1 and entries[x].depth > next_depth:
                header = entries[x].parent
                placed.after[entries[header].body_end - 1].append((entries[x].depth, c))
                continue
        (placed.before[following] if following is not None else placed.end).append(c)
    return placed


def _render(entries: list[_Entry], comments: Comments) -> str:
    placed = _place(entries, comments)
    out: list[str] = []
    for i, entry in enumerate(entries):
        if not entry.pieces:
            following = entries[i + 1]
            first = placed.before.get(i + 1)
            had_blank = (
                first[0].blank_before
                if first
                else following.start is not None and following.start - 1 in comments.blank
            )
            if entry.sep == "blank" or had_blank:
                out.append("")
            continue
        pad = INDENT * entry.depth
        for c in placed.before.get(i, ()):
            out.append(pad + c.text)
            if entry.depth == 0 and c.blank_after:
                out.append("")
        lines = layout(pad, entry.pieces)
        if i in placed.trailing:
            lines[-1] += "  " + placed.trailing[i].text
        out += lines
        for depth, c in placed.after.get(i, ()):
            out.append(INDENT * depth + c.text)
    for j, c in enumerate(placed.end):
        if c.blank_before if j == 0 else placed.end[j - 1].blank_after:
            out.append("")
        out.append(c.text)
    text: list[str] = []
    for line in out:
        if line or (text and text[-1]):
            text.append(line)
    while text and not text[-1]:
        text.pop()
    return "\n".join(text) + "\n" if text else ""
