"""Expressions as the formatter prints them: each word in the file's dialect, parentheses
exactly where precedence needs them, and a line too wide broken inside parentheses.

:mod:`protrules.language.formatter` lays out whole files with these; an expression is a list of
pieces (:data:`Piece`): text, the places a line may break (``and``, ``or``, ``then``, ``else``)
and the marks of parentheses, so that one expression is measured once and broken where it is
widest. How words are spelled (the dialect, and whether a duration's unit is spelled anew) is
the :class:`Spelling` in effect (:data:`SPELLING`, set by the formatter for one file).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping, Sequence

import attrs

from protrules.language import nodes as n
from protrules.language.dialects import check_dialect, spell_name
from protrules.language.keywords import ZH_WITHIN_END, keyword, unit_spelling
from protrules.language.words import COMPARE_OPS
from protrules.output import display_width

__all__ = [
    "CLOSE",
    "OPEN",
    "POSTFIX",
    "SPELLING",
    "WIDTH",
    "Break",
    "Piece",
    "Spelling",
    "expr_pieces",
    "flat_text",
    "format_expr",
    "layout",
    "quote",
    "spelling",
    "top_break",
]

#: Lines wider than this (in terminal columns) are wrapped inside parentheses where possible.
WIDTH = 100


def format_expr(expr: n.Expr, dialect: str = "en") -> str:
    """An expression on one line, with the fewest parentheses that keep its meaning."""
    token = SPELLING.set(Spelling(check_dialect(dialect, "format_expr")))
    try:
        return flat_text(expr_pieces(expr))
    finally:
        SPELLING.reset(token)


@attrs.frozen
class Spelling:
    """How the words of the file being printed are spelled: its dialect, and whether literals
    are spelled anew in it (a duration's unit) or kept as written."""

    dialect: str = "en"
    respell: bool = False
    source: str = "en"  # the dialect the file was written in

    def kw(self, en: str) -> str:
        """A keyword or phrase (as the English grammar writes it) in the dialect."""
        return keyword(en, self.dialect)

    def name(self, kind: str, name: str) -> str:
        """A built-in name in the dialect; any other name as it is."""
        return spell_name(kind, name, self.dialect)

    def literal(self, e: n.Literal) -> str:
        if e.kind == "boolean":
            return self.kw("true" if e.value else "false")
        if e.kind == "duration" and self.respell:
            return unit_spelling(e.value.unit, e.value.amount, self.dialect)
        return e.text


_ENGLISH = Spelling()
SPELLING: contextvars.ContextVar[Spelling | None] = contextvars.ContextVar("prl_spelling", default=None)


def spelling() -> Spelling:
    return SPELLING.get() or _ENGLISH


def quote(text: str) -> str:
    """Text as a .prl string literal, escaping what the grammar needs escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


@attrs.frozen
class Break:
    """` and ` / ` or ` between operands (` then ` / ` else ` in a conditional): a line may
    break here, inside parentheses."""

    op: str


@attrs.frozen
class Mark:
    name: str


OPEN, CLOSE = Mark("open"), Mark("close")  # just after `(`, just before `)`
Piece = str | Break | Mark

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


def expr_pieces(e: n.Expr, need: int = SELECT) -> list[Piece]:
    """The pieces of ``e`` in a place that needs at least precedence level ``need``."""
    inner = _bare(e)
    return ["(", OPEN, *inner, CLOSE, ")"] if _level(e) < need else inner


def _bare(e: n.Expr) -> list[Piece]:
    sp = spelling()
    if isinstance(e, n.Literal):
        return [sp.literal(e)]
    if isinstance(e, n.Name):
        return [sp.name("value", e.name)]
    if isinstance(e, n.Attribute):
        return [*expr_pieces(e.target, POSTFIX), "." + e.name]
    if isinstance(e, n.At):
        return [*expr_pieces(e.target, POSTFIX), f" {sp.kw('at')} ", *expr_pieces(e.when, ATOM)]
    if isinstance(e, n.Call):
        out: list[Piece] = [sp.name("function", e.func) + "(", OPEN]
        for i, arg in enumerate(e.args):
            out += [", ", *expr_pieces(arg)] if i else expr_pieces(arg)
        return [*out, CLOSE, ")"]
    if isinstance(e, n.If):  # a long one breaks before `then` and `else`, as before `and`
        then = [Break(sp.kw("then")), *expr_pieces(e.then)]
        otherwise = [Break(sp.kw("else")), *expr_pieces(e.otherwise)]
        return [f"{sp.kw('if')} ", *expr_pieces(e.condition), *then, *otherwise]
    if isinstance(e, n.Not):  # `not (a < b)`, never `not a < b`: it reads as `(not a) < b`;
        # but `not not a` as written: a parenthesis a `not` would add the file's nesting limit counts
        need = NOT if isinstance(e.operand, n.Not) else POSTFIX
        return [f"{sp.kw('not')} ", *expr_pieces(e.operand, need)]
    if isinstance(e, n.Neg):
        return ["- " if isinstance(e.operand, n.Neg) else "-", *expr_pieces(e.operand, UNARY)]
    if isinstance(e, n.BoolOp):
        need = AND if e.op == "or" else NOT
        out = []
        op = sp.kw(e.op)
        for i, part in enumerate(e.operands):
            out += [Break(op), *expr_pieces(part, need)] if i else expr_pieces(part, need)
        return out
    if isinstance(e, n.Compare):
        return [*expr_pieces(e.left, RANGE), f" {COMPARE_OPS.get(e.op, e.op)} ", *expr_pieces(e.right, RANGE)]
    if isinstance(e, n.Member):
        word = sp.kw("not in" if e.negated else "in")
        return [*expr_pieces(e.left, RANGE), f" {word} ", *expr_pieces(e.right, RANGE)]
    if isinstance(e, n.Within):
        duration = (
            [sp.literal(e.duration)] if isinstance(e.duration, n.Literal) else expr_pieces(e.duration, SUM)
        )
        subject, anchor = expr_pieces(e.subject, RANGE), expr_pieces(e.anchor, RANGE)
        within, after = f" {sp.kw('within')} ", f" {sp.kw('after')} "
        if sp.dialect == "zh":  # x 在 d 之后 30个工作日 以内
            return [*subject, within, *anchor, after, *duration, f" {ZH_WITHIN_END}"]
        return [*subject, within, *duration, after, *anchor]
    if isinstance(e, n.ListExpr):
        out = ["[", OPEN]
        for i, item in enumerate(e.items):
            out += [", ", *expr_pieces(item)] if i else expr_pieces(item)
        return [*out, CLOSE, "]"]
    if isinstance(e, n.IsTest):
        return [*expr_pieces(e.subject, RANGE), f" {sp.kw('is ' + e.test)}"]
    if isinstance(e, n.Range):
        return [*expr_pieces(e.start, SUM), " .. ", *expr_pieces(e.end, SUM)]
    if isinstance(e, n.Binary):
        left, right = (SUM, PRODUCT) if e.op in "+-" else (PRODUCT, UNARY)
        return [*expr_pieces(e.left, left), f" {e.op} ", *expr_pieces(e.right, right)]
    if isinstance(e, n.Select):
        out = expr_pieces(e.source, OR)
        if e.alias is not None:
            out.append(f" {sp.kw('as')} {e.alias}")
        if e.condition is not None:
            out += [f" {sp.kw('where')} ", *expr_pieces(e.condition, OR)]
        return out
    raise TypeError(f"not an expression: {e!r}")


def flat_text(pieces: Sequence[Piece]) -> str:
    return "".join(p if isinstance(p, str) else f" {p.op} " if isinstance(p, Break) else "" for p in pieces)


def _depths(pieces: Sequence[Piece]) -> Iterator[tuple[Piece, int]]:
    depth = 0
    for piece in pieces:
        depth += 1 if piece is OPEN else -1 if piece is CLOSE else 0
        yield piece, depth


def top_break(pieces: Sequence[Piece]) -> bool:
    """Whether an ` and ` / ` or ` sits outside every parenthesis (where no line may break)."""
    return any(isinstance(p, Break) and depth == 0 for p, depth in _depths(pieces))


def layout(pad: str, pieces: Sequence[Piece]) -> list[str]:
    """One logical line as physical lines. Too wide, it breaks before ` and ` / ` or ` inside
    parentheses and continues under the first character after the innermost open
    parenthesis: first in the outermost parentheses, filling each line greedily, then,
    where a line is still too wide, one level deeper, and so on."""
    flat = pad + flat_text(pieces)
    levels = sorted({d for p, d in _depths(pieces) if isinstance(p, Break) and d > 0})
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
                    if isinstance(piece, Break)
                    and depth == level
                    and k not in chosen
                    and display_width(lines[line_of[k]]) > WIDTH
                    and columns[k] + display_width(piece.op) + 2 + _run(pieces, k, level, line_of) > WIDTH
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
        elif isinstance(piece, Break) and k in chosen:
            lines.append(current)
            current = " " * opened[-1] + piece.op + " "
            column = opened[-1] + display_width(piece.op) + 1
            line_of[-1] = len(lines)
        elif isinstance(piece, Break):
            current += f" {piece.op} "
            column += display_width(piece.op) + 2
    return [*lines, current], columns, line_of


def _run(pieces: Sequence[Piece], k: int, level: int, line_of: list[int]) -> int:
    """The width after the break at ``k`` up to the next break of its level on its line."""
    width = 0
    for j, (piece, depth) in enumerate(_depths(pieces)):
        if j <= k:
            continue
        if line_of[j] != line_of[k] or (isinstance(piece, Break) and depth == level):
            break
        if isinstance(piece, str):
            width += display_width(piece)
        elif isinstance(piece, Break):
            width += display_width(piece.op) + 2
    return width
