"""The one canonical layout of a .prl file (``protrules fmt``); docs/formatting.md shows it.

The syntax tree keeps no layout, so the formatter prints it afresh: four-space indentation,
spaced operators, parentheses exactly where precedence needs them, settings in a fixed
order, literals in their source spelling. Comments are not in the tree either; they are
read from the text (:meth:`Comments.scan`) and put back beside the line they belong to.
Formatting is meaning-preserving (``parse(format_source(x)) == parse(x)``) and idempotent,
and it never writes a file: the command line does that.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

import attrs

from protrules.language import nodes as n
from protrules.language.parser import COMPARE_OPS, parse
from protrules.output import display_width

__all__ = ["INDENT", "WIDTH", "Comment", "Comments", "format_expr", "format_module", "format_source", "quote"]

INDENT = "    "
#: Lines wider than this (in terminal columns) are wrapped inside parentheses where possible.
WIDTH = 100
#: One-line declarations of one family stay together, without a blank line between them.
_FAMILIES: Mapping[type, str] = {
    n.PeriodDecl: "calendar",
    n.DateDecl: "calendar",
    n.DatesDecl: "calendar",
    n.VacationDecl: "calendar",
    n.EnumDecl: "enum",
    n.Define: "define",
}


def format_source(text: str, name: str = "<rules>") -> str:
    """``text`` in the canonical layout, comments kept; raises ``RuleFileError`` if it does not
    parse (a file with syntax errors is never reformatted)."""
    return format_module(parse(text, name), Comments.scan(text))


def format_module(module: n.Module, comments: Comments | Sequence[Comment] = ()) -> str:
    """A syntax tree in the canonical layout, with the comments of the text it was parsed from."""
    if not isinstance(comments, Comments):
        comments = Comments(tuple(comments))
    writer = _Writer()
    previous: n.Decl | None = None
    for decl in module.declarations:
        if previous is not None:
            family = _family(decl)
            writer.separator("group" if family is not None and family == _family(previous) else "blank")
        writer.decl(decl, comments)
        previous = decl
    return _render(writer.entries, comments)


def format_expr(expr: n.Expr) -> str:
    """An expression on one line, with the fewest parentheses that keep its meaning."""
    return _flat(_expr(expr))


def quote(text: str) -> str:
    """Text as a .prl string literal, escaping what the grammar needs escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


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


# ------------------------------------------------------------------ expressions


@attrs.frozen
class _Break:
    """` and ` / ` or ` between operands (` then ` / ` else ` in a conditional): a line may
    break here, inside parentheses."""

    op: str


@attrs.frozen
class _Mark:
    name: str


OPEN, CLOSE = _Mark("open"), _Mark("close")  # just after `(`, just before `)`
Piece = str | _Break | _Mark

# Precedence levels, loosest first, as in the grammar.
SELECT, OR, AND, NOT, COMPARISON, RANGE, SUM, PRODUCT, UNARY, POSTFIX, ATOM = range(11)
_LEVELS: Mapping[type, int] = {
    n.Select: SELECT,
    n.If: SELECT,
    n.Not: NOT,
    n.Compare: COMPARISON,
    n.Member: COMPARISON,
    n.Within: COMPARISON,
    n.IsTest: COMPARISON,
    n.Range: RANGE,
    n.Neg: UNARY,
    n.Attribute: POSTFIX,
    n.At: POSTFIX,
}


def _level(e: n.Expr) -> int:
    if isinstance(e, n.BoolOp):
        return OR if e.op == "or" else AND
    if isinstance(e, n.Binary):
        return SUM if e.op in "+-" else PRODUCT
    return _LEVELS.get(type(e), ATOM)


def _expr(e: n.Expr, need: int = SELECT) -> list[Piece]:
    """The pieces of ``e`` in a place that needs at least precedence level ``need``."""
    inner = _bare(e)
    return ["(", OPEN, *inner, CLOSE, ")"] if _level(e) < need else inner


def _bare(e: n.Expr) -> list[Piece]:
    if isinstance(e, n.Literal):
        return [e.text]
    if isinstance(e, n.Name):
        return [e.name]
    if isinstance(e, n.Attribute):
        return [*_expr(e.target, POSTFIX), "." + e.name]
    if isinstance(e, n.At):
        return [*_expr(e.target, POSTFIX), " at ", *_expr(e.when, ATOM)]
    if isinstance(e, n.Call):
        out: list[Piece] = [e.func + "(", OPEN]
        for i, arg in enumerate(e.args):
            out += [", ", *_expr(arg)] if i else _expr(arg)
        return [*out, CLOSE, ")"]
    if isinstance(e, n.If):  # a long one breaks before `then` and `else`, as before `and`
        then, otherwise = [_Break("then"), *_expr(e.then)], [_Break("else"), *_expr(e.otherwise)]
        return ["if ", *_expr(e.condition), *then, *otherwise]
    if isinstance(e, n.Not):  # `not (a < b)`, never `not a < b`: it reads as `(not a) < b`
        return ["not ", *_expr(e.operand, POSTFIX)]
    if isinstance(e, n.Neg):
        return ["- " if isinstance(e.operand, n.Neg) else "-", *_expr(e.operand, UNARY)]
    if isinstance(e, n.BoolOp):
        need = AND if e.op == "or" else NOT
        out = []
        for i, part in enumerate(e.operands):
            out += [_Break(e.op), *_expr(part, need)] if i else _expr(part, need)
        return out
    if isinstance(e, n.Compare):
        return [*_expr(e.left, RANGE), f" {COMPARE_OPS.get(e.op, e.op)} ", *_expr(e.right, RANGE)]
    if isinstance(e, n.Member):
        return [*_expr(e.left, RANGE), " not in " if e.negated else " in ", *_expr(e.right, RANGE)]
    if isinstance(e, n.Within):
        duration = [e.duration.text] if isinstance(e.duration, n.Literal) else _expr(e.duration, SUM)
        return [*_expr(e.subject, RANGE), " within ", *duration, " after ", *_expr(e.anchor, RANGE)]
    if isinstance(e, n.ListExpr):
        out = ["[", OPEN]
        for i, item in enumerate(e.items):
            out += [", ", *_expr(item)] if i else _expr(item)
        return [*out, CLOSE, "]"]
    if isinstance(e, n.IsTest):
        return [*_expr(e.subject, RANGE), f" is {e.test}"]
    if isinstance(e, n.Range):
        return [*_expr(e.start, SUM), " .. ", *_expr(e.end, SUM)]
    if isinstance(e, n.Binary):
        left, right = (SUM, PRODUCT) if e.op in "+-" else (PRODUCT, UNARY)
        return [*_expr(e.left, left), f" {e.op} ", *_expr(e.right, right)]
    if isinstance(e, n.Select):
        out = _expr(e.source, OR)
        if e.alias is not None:
            out.append(f" as {e.alias}")
        if e.condition is not None:
            out += [" where ", *_expr(e.condition, OR)]
        return out
    raise TypeError(f"not an expression: {e!r}")


def _flat(pieces: Sequence[Piece]) -> str:
    return "".join(p if isinstance(p, str) else f" {p.op} " if isinstance(p, _Break) else "" for p in pieces)


def _depths(pieces: Sequence[Piece]) -> Iterator[tuple[Piece, int]]:
    depth = 0
    for piece in pieces:
        depth += 1 if piece is OPEN else -1 if piece is CLOSE else 0
        yield piece, depth


def _top_break(pieces: Sequence[Piece]) -> bool:
    """Whether an ` and ` / ` or ` sits outside every parenthesis (where no line may break)."""
    return any(isinstance(p, _Break) and depth == 0 for p, depth in _depths(pieces))


def _layout(pad: str, pieces: Sequence[Piece]) -> list[str]:
    """One logical line as physical lines. Too wide, it breaks before ` and ` / ` or ` inside
    parentheses and continues under the first character after the innermost open
    parenthesis: first in the outermost parentheses, filling each line greedily, then,
    where a line is still too wide, one level deeper, and so on."""
    flat = pad + _flat(pieces)
    levels = sorted({d for p, d in _depths(pieces) if isinstance(p, _Break) and d > 0})
    if display_width(flat) <= WIDTH or not levels:
        return [flat]
    chosen: set[int] = set()
    for level in levels:
        while True:
            lines, columns, line_of = _lines(pad, pieces, chosen)
            pick = next(
                (
                    k
                    for k, (piece, depth) in enumerate(_depths(pieces))
                    if isinstance(piece, _Break)
                    and depth == level
                    and k not in chosen
                    and display_width(lines[line_of[k]]) > WIDTH
                    and columns[k] + len(piece.op) + 2 + _run(pieces, k, level, line_of) > WIDTH
                ),
                None,
            )
            if pick is None:
                break
            chosen.add(pick)
    return _lines(pad, pieces, chosen)[0]


def _lines(pad: str, pieces: Sequence[Piece], chosen: set[int]) -> tuple[list[str], list[int], list[int]]:
    """The lines with breaks at ``chosen``, the column before each piece and its line."""
    lines: list[str] = []
    current, column, opened = pad, display_width(pad), list[int]()
    columns: list[int] = []
    line_of: list[int] = []
    for k, piece in enumerate(pieces):
        columns.append(column)
        line_of.append(len(lines))
        if isinstance(piece, str):
            current += piece
            column += display_width(piece)
        elif piece is OPEN:
            opened.append(column)
        elif piece is CLOSE:
            opened.pop()
        elif isinstance(piece, _Break) and k in chosen:
            lines.append(current)
            current = " " * opened[-1] + piece.op + " "
            column = opened[-1] + len(piece.op) + 1
            line_of[-1] = len(lines)
        elif isinstance(piece, _Break):
            current += f" {piece.op} "
            column += len(piece.op) + 2
    return [*lines, current], columns, line_of


def _run(pieces: Sequence[Piece], k: int, level: int, line_of: list[int]) -> int:
    """The width after the break at ``k`` up to the next break of its level on its line."""
    width = 0
    for j, (piece, depth) in enumerate(_depths(pieces)):
        if j <= k:
            continue
        if line_of[j] != line_of[k] or (isinstance(piece, _Break) and depth == level):
            break
        if isinstance(piece, str):
            width += display_width(piece)
        elif isinstance(piece, _Break):
            width += len(piece.op) + 2
    return width


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
    return f" known from {known.field}" if known is not None else ""


def _type(ref: n.TypeRef) -> str:
    base = f"enum({', '.join(map(quote, ref.members))})" if ref.members is not None else str(ref.name)
    return base + ("?" if ref.optional else "")


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
        if isinstance(d, n.Standard):
            with self.block(0, f"standard {quote(d.id)}:", d):
                for s in d.settings:
                    value = quote(str(s.value)) if s.quoted else str(s.value)
                    self.line(1, [f"{s.key}: {value}"], _line_of(s))
        elif isinstance(d, n.EnumDecl):
            head = f"enum {d.name}{_title(d.title)}: "
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
            start: list[Piece] = [f"define {d.name}{_title(d.title)} = "]
            body = _expr(d.value)
            if display_width(_flat([*start, *body])) > WIDTH and _top_break(body):
                body = ["(", OPEN, *body, CLOSE, ")"]  # so the expression can continue below
            self.line(0, [*start, *body], at)
        elif isinstance(d, n.FactDecl):
            with self.block(0, f"fact {d.name}{_title(d.title)}{_known(d.known_from)}:", d):
                for f in d.fields:
                    line = f"{f.name}: {_type(f.type)}{_title(f.title)}{_known(f.known_from)}"
                    self.line(1, [line], _line_of(f))
        elif isinstance(d, n.Parameter) and d.key is not None:
            source = f" source {quote(d.source)}" if d.source is not None else ""
            head = f"parameter {d.name}{_title(d.title)}: lookup {_type(d.key)} -> {_type(d.type)}{source}:"
            with self.block(0, head, d):
                for row_ in d.rows:
                    self.line(1, [f"from {row_.bound.text}: {row_.value.text}"], _line_of(row_))
        elif isinstance(d, n.Parameter):
            head = f"parameter {d.name}{_title(d.title)}: {_type(d.type)}"
            if not d.dated:
                self.line(0, [f"{head} = {self._value(d.values[0])}"], at)
            else:
                with self.block(0, head + ":", d):
                    for v in d.values:
                        self.line(1, [self._value(v)], _line_of(v))
        elif isinstance(d, n.PeriodDecl | n.VacationDecl):
            word = "period" if isinstance(d, n.PeriodDecl) else "vacation"
            self.line(0, [f"{word} {d.name}{_title(d.title)} = {d.start} .. {d.end}"], at)
        elif isinstance(d, n.DateDecl):
            self.line(0, [f"date {d.name}{_title(d.title)} = {d.value}"], at)
        elif isinstance(d, n.DatesDecl):
            self.line(0, [f"dates {d.name}{_title(d.title)} = {_days(d.items)}"], at)
        elif isinstance(d, n.NoticeDecl):
            with self.block(0, f"notice {d.year} source {quote(d.source)}:", d):
                for notice_line in d.lines:
                    self.line(1, [f"{notice_line.key}: {_days(notice_line.items)}"], _line_of(notice_line))
        elif isinstance(d, n.Area | n.Item):
            word = "area" if isinstance(d, n.Area) else "item"
            children: Sequence[n.Decl] = d.children if isinstance(d, n.Area) else d.rules
            with self.block(len(self.parents), f"{word} {d.id} {quote(d.title)}:", d):
                for i, child in enumerate(children):
                    if i:
                        self.separator("blank")
                    self.decl(child, comments)
        elif isinstance(d, n.Rule):
            depth = len(self.parents)
            with self.block(depth, f"rule {d.id} {quote(d.title)}:", d):
                for setting in n.canonical_settings(d.settings):
                    text = quote(setting.value) if setting.quoted else setting.value
                    self.line(depth + 1, [f"{setting.key}: {text}"], _line_of(setting))
                for stmt in d.body:
                    self.stmt(stmt, depth + 1)
        elif isinstance(d, n.TestDecl):
            self._test(d, comments)
        else:
            raise TypeError(f"not a declaration: {d!r}")

    @staticmethod
    def _value(v: n.ParamValue) -> str:
        since = f" from {v.since}" if v.since is not None else ""
        return v.value.text + since + (f" source {quote(v.source)}" if v.source is not None else "")

    def _test(self, d: n.TestDecl, comments: Comments) -> None:
        at = _line_of(d)
        lines: dict[str, list[int | None]] = defaultdict(list)
        if at is not None:  # test lines have no spans: find them in the source
            for start in sorted(s for s in comments.code if s > at):
                if comments.indents.get(start, 0) <= comments.indents.get(at, 0):
                    break
                words = comments.code[start].replace(":", " ").split()
                key = "status" if words[:2] == ["expect", "status"] else words[0] if words else ""
                lines[key].append(start)
        with self.block(0, f"test {quote(d.name)}:", d):
            if d.facts is not None:
                self.line(1, [f"facts: {quote(d.facts)}"], (lines["facts"] or [None])[-1])
            if d.as_of is not None:
                self.line(1, [f"as_of: {d.as_of}"], (lines["as_of"] or [None])[-1])
            for i, param in enumerate(d.params):
                starts = lines["parameter"]
                line = f"parameter {param.name} = {param.value.text}"
                self.line(1, [line], starts[i] if i < len(starts) else None)
            for i, (rule_id, verdict) in enumerate(d.expects):
                starts = lines["expect"]
                self.line(1, [f"expect {rule_id} {verdict}"], starts[i] if i < len(starts) else None)
            if d.status is not None:
                self.line(1, [f"expect status {d.status}"], (lines["status"] or [None])[-1])

    def stmt(self, s: n.Stmt, depth: int) -> None:
        head: list[Piece]
        main: n.Expr | None
        tail: list[Piece] = []
        where = ""
        if isinstance(s, n.Let):
            head, main = [f"let {s.name} = "], s.value
        elif isinstance(s, n.Require):
            head, main = ["require "], s.condition
            tail = [" by ", *_expr(s.by)] if s.by is not None else []
        elif isinstance(s, n.Advise | n.Applies):
            head = ["advise " if isinstance(s, n.Advise) else "applies when "]
            main = s.condition
        elif isinstance(s, n.ForFacts):
            source = [" in ", *_expr(s.source, POSTFIX)] if s.explicit_source else []
            head, main, tail, where = [f"for each {s.var}", *source], s.condition, [":"], " where "
        elif isinstance(s, n.ForPeriods):
            head = [f"for each {s.unit} {s.var} of ", *_expr(s.period, POSTFIX)]
            main, tail, where = s.condition, [":"], " where "
        else:
            raise TypeError(f"not a statement: {s!r}")
        body = _expr(main) if main is not None else []
        pieces = [*head, *([where] if where and body else []), *body, *tail]
        if display_width(INDENT * depth + _flat(pieces)) > WIDTH and _top_break(body):
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
        lines = _layout(pad, entry.pieces)
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
