"""The parser's trees as they are made → values: the walk that builds each grammar rule's tree
into its node as soon as the parser makes it, and the readers of tokens (numbers, dates, spans).

:class:`TreeReader` holds what every grammar rule's method uses;
:class:`~protrules.language.builder.Builder` adds one method per grammar rule. Split from
:mod:`protrules.language.builder` (issue 14, modules under ~600 lines) along that seam: how
trees are walked and tokens read, and what each rule builds. The trees and tokens are the
driver's (:class:`Made`, :mod:`protrules.language.driver`) or, for a text with a syntax error,
Lark's (:class:`protrules.language.lalr.Building`); imported when a file is parsed.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import sys
from decimal import Decimal
from typing import Any

from protrules.i18n import Message, msg
from protrules.i18n.system import date_reason
from protrules.language import nodes as n
from protrules.language.diagnostics import Diagnostic, Span
from protrules.language.dialects import Reading, quoted
from protrules.limits import (
    BLOCK_DEPTH,
    EXPRESSION_DEPTH,
    FRACTION_DIGITS,
    MAX_NUMBER,
)

__all__ = ["BUILDER", "Made", "Token", "TreeReader", "Unbuilt"]


#: A token, Lark's or the driver's (:class:`protrules.language.driver.Token`): a ``str`` with
#: its terminal's name (``type``) and its position (``line``, ``column``, ``end_line`` …).
Token = Any

#: The builder of the file being parsed, for the trees Lark makes
#: (:class:`protrules.language.lalr.Building`).
BUILDER: contextvars.ContextVar[TreeReader] = contextvars.ContextVar("protrules_builder")
#: What a subtree nested deeper than the limits is built into (its error is already reported).
_TOO_DEEP: Any = object()

_OUT_OF_RANGE = msg(
    "is out of range: a number in a rule file is at most 10^{power}", power=len(str(MAX_NUMBER)) - 1
)

#: Grammar rules that are a level of an expression, for :data:`~protrules.limits.EXPRESSION_DEPTH`.
_LEVELS = frozenset(
    (
        "select_as", "select_where", "if_expr", "or_", "and_", "not_", "compare", "member",
        "not_member", "within", "is_test", "range", "binary", "neg", "attribute", "at", "call", "list_",
    )
)  # fmt: skip
#: Operators whose chains are one n-ary node (``a and b and c``), not a nesting.
_CHAINS = frozenset(("or_", "and_"))
#: Grammar rules that open a block of statements, for :data:`~protrules.limits.BLOCK_DEPTH`.
_BLOCKS = frozenset(("for_facts", "for_periods"))


class _Title(str):
    __slots__ = ()


class _Source(str):
    __slots__ = ()


class _ForSource:
    def __init__(self, expr: n.Expr) -> None:
        self.expr = expr


class _ForWhere:
    def __init__(self, expr: n.Expr) -> None:
        self.expr = expr


class _By:
    def __init__(self, expr: n.Expr) -> None:
        self.expr = expr


class _Chain(list[Any]):
    """The operands of an inner link of an `and` or `or` chain, handed to the next link."""

    __slots__ = ()


def _chain(children: list[Any]) -> _Chain:
    """The operands of a chain link: a left-deep chain of n links is read in O(n), extending
    one list, where building a node per link would copy the operands n times."""
    first = children[0]
    operands = first if isinstance(first, _Chain) else _Chain((first,))
    for child in children[1:]:
        if isinstance(child, _Chain):
            operands.extend(child)
        else:
            operands.append(child)
    return operands


def _intern(token: str) -> str:
    """A name, operator or number's text as one shared string: the same few recur thousands of
    times in a file, and each copy would cost a string object in every node."""
    return sys.intern(str(token))


def _unquote(token: str) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class TreeReader:
    """Reads Lark's trees and tokens into values, collecting value errors (bad dates, numbers
    out of range, nesting past the limits); a subclass has a method per grammar rule.

    Each grammar rule's method takes the rule's position (``meta``) and its children, already
    built; :meth:`take` builds a tree's children bottom-up as the parser makes it and calls them
    (a plain walk costs about half what Lark's ``Transformer`` with ``v_args`` does, which wraps
    every call)."""

    def __init__(self, source_name: str, dialect: str = "en") -> None:
        self.source_name = source_name
        self.dialect = dialect
        self.reading = Reading(dialect)
        self.errors: list[Diagnostic] = []
        #: Keywords written against a word (PRL112), found as the text is lexed.
        self.separations: list[Diagnostic] = []
        self._methods: dict[str, Any] = {}

    def joined(self, before: Token, token: Token) -> None:
        """Report a keyword written against the word before or after it (PRL112)."""
        span = Span(
            before.line or 1,
            before.column or 1,
            token.end_line or token.line or 1,
            token.end_column or (token.column or 1) + 1,
            self.source_name,
        )
        self.separations.append(
            Diagnostic(
                "PRL112",
                msg("`{first}` and `{second}` are written together", first=str(before), second=str(token)),
                span,
                hint=msg(
                    "a keyword is a word of its own: write `{first} {second}`",
                    first=str(before),
                    second=str(token),
                ),
            )
        )

    def _builtin(self, kind: str, token: Token, span: Span | None = None) -> str:
        """The tree's spelling of a name where a built-in of ``kind`` may stand; a built-in
        written in the other dialect is reported (PRL113)."""
        name, instead = self.reading.name(kind, str(token))
        if instead is not None:
            self.errors.append(
                Diagnostic(
                    "PRL113",
                    msg("`{word}` is English, and this file is written in Chinese", word=name),
                    span or self._tok_span(token),
                    hint=msg("write `{word}`", word=instead),
                )
            )
        return name

    def take(self, data: str, children: list[Any]) -> tuple[list[Any], int, int, bool]:
        """The values of a new tree's children, each child tree built into its node now that
        its position is known; with the deepest expression level and block nesting below, and
        whether a child was left unbuilt for being too deep."""
        values: list[Any] = []
        depth = blocks = 0
        poisoned = False
        for child in children:
            if not isinstance(child, Unbuilt):
                values.append(child)
                continue
            value, below, nested = self._finish(child, data)
            if value is _TOO_DEEP:
                poisoned = True
            values.append(value)
            if below > depth:
                depth = below
            if nested > blocks:
                blocks = nested
        return values, depth, blocks, poisoned

    def _finish(self, tree: Unbuilt, parent: str) -> tuple[Any, int, int]:
        """A tree's node, and the expression level and block nesting it reaches."""
        data, depth, blocks = tree.data, tree.depth, tree.blocks
        chained = data in _CHAINS and data == parent
        if data in _LEVELS:
            depth += 1
            if depth == EXPRESSION_DEPTH + 1:
                hint = msg("name its parts with {let}", let=quoted("let", self.dialect))
                self._too_deep(tree.meta, "expression", EXPRESSION_DEPTH, hint)
                return _TOO_DEEP, 0, 0
        elif data in _BLOCKS:
            blocks += 1
            if blocks == BLOCK_DEPTH + 1:
                self._too_deep(tree.meta, "block", BLOCK_DEPTH, msg("split the rule into smaller rules"))
                return _TOO_DEEP, 0, 0
        if tree.poisoned:
            return _TOO_DEEP, 0, 0  # its error is reported: no node is built around it
        if chained:  # an inner link of `a and b and c`: its operands join the outer node's
            return _chain(tree.children), depth - 1, blocks
        method = self._methods.get(data)
        if method is None:
            method = self._methods[data] = getattr(self, data)
        return method(tree.meta, tree.children), depth, blocks

    def root(self, tree: Unbuilt) -> Any:
        """The node of the whole file's tree."""
        return self._finish(tree, "")[0]

    def _too_deep(self, meta: Any, what: str, limit: int, hint: Message) -> None:
        if what == "expression":
            code, message = "PRL107", msg("expression nested more than {limit} levels deep", limit=limit)
        else:
            code, message = (
                "PRL109",
                msg(
                    "more than {limit} {for_each} blocks nested in one another",
                    limit=limit,
                    for_each=quoted("for each", self.dialect),
                ),
            )
        self.errors.append(Diagnostic(code, message, self._span(meta), hint=hint))

    def _number(self, token: Token, kind: str = "integer") -> Any:
        """An integer, decimal or percentage read from its token within the rule-file limits:
        Python's int reads at most 4 300 digits and then raises, and a number past
        :data:`~protrules.limits.MAX_NUMBER` is a typo, not a quantity of a standard."""
        text = str(token)
        digits = text.rstrip("%")
        whole, _, fraction = digits.partition(".")
        if len(fraction) > FRACTION_DIGITS:
            return self._number_error(
                token, msg("has more than {limit} digits after the point", limit=FRACTION_DIGITS)
            )
        if len(whole.lstrip("0")) > len(str(MAX_NUMBER)):
            return self._number_error(token, _OUT_OF_RANGE)
        value: Any = Decimal(digits) if kind != "integer" else int(digits)
        if kind == "percentage":
            value = value / 100
        if value > MAX_NUMBER:
            return self._number_error(token, _OUT_OF_RANGE)
        return value

    def _number_error(self, token: Token, problem: Message) -> int:
        text = str(token)
        shown = text if len(text) <= 24 else f"{text[:10]}…{text[-6:]}"
        wrong = msg("number `{number}` {problem}", number=shown, problem=problem)
        self.errors.append(Diagnostic("PRL111", wrong, self._tok_span(token)))
        return 0

    # -- helpers
    def _span(self, meta: Any) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(meta.line, meta.column, meta.end_line, meta.end_column, self.source_name)

    def _tok_span(self, token: Token) -> Span:
        return Span(
            token.line or 1,
            token.column or 1,
            token.end_line or token.line or 1,
            token.end_column or (token.column or 1) + 1,
            self.source_name,
        )

    def _date(self, token: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError as error:
            self.errors.append(
                Diagnostic(
                    "PRL110",
                    msg("invalid date `{date}`: {reason}", date=str(token), reason=date_reason(error)),
                    self._tok_span(token),
                )
            )
            return dt.date(1970, 1, 1)

    @staticmethod
    def _title(children: list[Any]) -> str | None:
        for child in children:
            if isinstance(child, _Title):
                return str(child)
        return None

    @staticmethod
    def _of(children: list[Any], kind: type) -> list[Any]:
        return [c for c in children if isinstance(c, kind)]


class Unbuilt:
    """A grammar rule's tree whose node is built when its parent is made: Lark's
    (:class:`protrules.language.lalr.Building`) or the driver's (:class:`Made`)."""

    __slots__ = ()

    data: str
    children: list[Any]
    depth: int
    blocks: int
    poisoned: bool
    meta: Any


class Made(Unbuilt):
    """A grammar rule's tree as :mod:`protrules.language.driver` makes it when it reduces the
    rule (what Lark's tree class is given): its name, its children's values and its position;
    like Lark's, it becomes a node when its parent is made."""

    __slots__ = (
        "blocks", "children", "column", "data", "depth", "empty",
        "end_column", "end_line", "line", "poisoned",
    )  # fmt: skip

    depth: int
    blocks: int
    poisoned: bool
    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(self, data: str, children: list[Any], position: tuple[int, int, int, int] | None) -> None:
        self.data = data
        self.children = children
        if position is None:
            self.empty = True
        else:
            self.empty = False
            self.line, self.column, self.end_line, self.end_column = position

    @property
    def meta(self) -> Made:
        """The position, where the builder looks for it (Lark's ``tree.meta``)."""
        return self
