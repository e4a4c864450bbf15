"""The parser's own LALR loop: a rule file's text → its syntax tree, with the tables Lark
builds from the grammar, built into nodes as it reduces; Lark itself is imported only for a
text with a syntax error.

In: a text and its dialect. Out: its :class:`~protrules.language.nodes.Module` (or the value
errors the builder found: a bad date, a number out of range, nesting past the limits), or
None at the first token the tables do not accept, when
:func:`protrules.language.lalr.parse_body` parses the text with Lark to report each syntax
error as before.

Why: Lark's LALR parser with ``propagate_positions`` wraps each of a file's ~20 000
reductions in three callables (positions, child filter, single-child expansion) and makes a
``Tree`` with a ``Meta`` for each rule, which the builder then reads, and hands each token
through four generators (lexer, contextual lexer, keyword check, indenter); with importing
Lark and loading its tables that was about two thirds of the parse of the Changning standard.
This loop reads the same tables (Lark's analysis of the grammar, written beside it by
``python -m protrules.language.tablegen`` to ``grammar/driver_tables.py``: each state's actions,
each rule's shape and each state's terminals as the regular expressions of Lark's contextual
lexer, compiled on first use) in one function: it lexes a token, finds what the indenter
makes of it (line ends, blocks opened and closed) and whether it is a keyword written against
a word (:func:`joined`: refused, for Lark to report), and does what Lark's wrappers do with
what they do decided once per rule: which children are kept, which helper rules (``_name``,
Lark's ``__anon``) are spliced into their parent, which ``?rule`` passes its single child
through, and where each node starts and ends (a node spans its first to its last child, a
child that passed through a ``?rule`` counting with the text that rule read around it, such
as the parentheses of ``(a or b)``). The trees it makes are Lark's, field for field:
``tests/test_driver.py`` holds both to the same nodes, spans included, over every rule file
of the repository, mutations of them and generated programs.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

from protrules.language import nodes as n
from protrules.language.builder import Builder
from protrules.language.building import Made, TreeReader
from protrules.language.diagnostics import RuleFileError, Source
from protrules.language.grammar import grammar_text
from protrules.language.keywords import ZH_WITHIN_END

__all__ = ["Refused", "Tables", "Token", "drive", "joined", "parse_fast"]


class Token(str):
    """A token as the loop reads it, with what the builder reads of Lark's tokens: its
    terminal's name and where it starts and ends."""

    __slots__ = ("column", "end_column", "end_line", "end_pos", "line", "start_pos", "type", "value")

    type: str
    value: str
    start_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int


def _borrow(kind: str, value: str, token: Token) -> Token:
    """A layout token (a block opened or closed) at the position of the line end it follows."""
    made = Token(value)
    made.type, made.value, made.start_pos, made.end_pos = kind, value, token.start_pos, token.end_pos
    made.line, made.column = token.line, token.column
    made.end_line, made.end_column = token.end_line, token.end_column
    return made


def joined(before: Any, token: Any, keywords: frozenset[str], units: frozenset[str]) -> bool:
    """Whether a keyword is written against the word right before or after it (PRL112),
    ``token`` starting where ``before`` ends: the lexer would read ``要求会议次数`` as the
    keyword and a name where only a keyword can stand, but as one name elsewhere, so a
    keyword is a word of its own everywhere. A duration's unit right after its number
    (``30个工作日``), and 以内 right after the unit, are not."""
    if not (token.type in keywords or before.type in keywords) or not (_words(before) and _words(token)):
        return False
    if token.type in units:
        return bool(before.type != "INT")
    return not (before.type in units and str(token) == ZH_WITHIN_END)


def _words(token: Any) -> bool:
    """Whether a token is (or ends and starts with) a word: a name, number, date or keyword."""
    text = str(token)
    return bool(text) and (text[0].isalnum() or text[0] == "_" or text[-1].isalnum())


def parse_fast(body: str, name: str, source: Source, dialect: str) -> n.Module | None:
    """The module of ``body`` if the loop reads it; None if it has a syntax error (or the
    shipped tables are not of this grammar), for Lark to parse."""
    tables = _tables(dialect)
    if tables is None:
        return None
    builder = Builder(name, dialect)
    try:
        made = drive(tables, body, builder)
    except Refused:
        return None
    module = builder.root(made)
    if builder.errors:
        raise RuleFileError(builder.errors, source)
    assert isinstance(module, n.Module)
    return module


@functools.cache
def _tables(dialect: str) -> Tables | None:
    """The loop's tables of a dialect, if those shipped were built from its grammar."""
    from protrules.language.grammar import driver_tables

    shipped = driver_tables.TABLES.get(dialect)
    if shipped is None or shipped["signature"] != signature(dialect):
        return None
    return Tables(shipped)


def signature(dialect: str) -> str:
    """What a dialect's tables are built from: its grammar."""
    return hashlib.sha256(grammar_text(dialect).encode("utf-8")).hexdigest()


class Refused(Exception):
    """The tables accept no action for a token: the text has a syntax error (or something this
    loop leaves to Lark), and Lark parses it again to say what."""


class _Spliced(list[Any]):
    """A helper rule's children (``_name``, Lark's ``__anon`` repetitions), spliced into the
    rule that uses it."""

    __slots__ = ()


#: What a reduction does: the rule's length, its name (the left-hand side, for the goto), what
#: its tree is called (None for a helper spliced into its parent), whether a single child
#: passes through (``?rule``), and the children kept: None for all, else (index, spliced?).
_Reduction = tuple[int, str, "str | None", bool, "tuple[tuple[int, bool], ...] | None"]


class Tables:
    """A dialect's tables in the shape the loop reads (``grammar/driver_tables.py``, written by
    :func:`protrules.language.tablegen.driver_tables`)."""

    def __init__(self, data: dict[str, Any]) -> None:
        #: Each state's actions: a terminal or rule name → the state shifted to, or ``~i`` to
        #: reduce by :attr:`reductions` ``[i]``.
        self.actions: dict[int, dict[str, int]] = data["actions"]
        self.reductions: list[_Reduction] = data["reductions"]
        self.start: int = data["start"]
        self.end: int = data["end"]
        #: Each state's scanner: an index into ``_patterns``, a scanner shared by the states
        #: that accept the same terminals.
        self._accepts: dict[int, int] = data["accepts"]
        self._patterns: list[tuple[list[str], dict[str, dict[str, str]]]] = data["scanners"]
        self._compiled: dict[int, tuple[list[re.Pattern[str]], dict[str, dict[str, str]]]] = {}
        #: Each state's scanner, compiled on first use: the regular expressions of the
        #: terminals it accepts, in Lark's order, and for a terminal that may spell a keyword
        #: (a name), the keywords it may spell.
        self.scanners: dict[int, tuple[list[re.Pattern[str]], dict[str, dict[str, str]]]] = {}
        self.ignore = frozenset(data["ignore"])
        self.keywords = frozenset(data["keywords"])
        self.units = frozenset(data["units"])
        self.tab: int = data["tab"]

    def scanner(self, state: int) -> tuple[list[re.Pattern[str]], dict[str, dict[str, str]]]:
        """The scanner of a state, compiled on first use."""
        index = self._accepts[state]
        found = self._compiled.get(index)
        if found is None:
            patterns, words = self._patterns[index]
            found = self._compiled[index] = ([re.compile(p) for p in patterns], words)
        self.scanners[state] = found
        return found

    def joined(self, before: Any, token: Any) -> bool:
        """Whether a keyword is written against a word (:func:`joined`), in this dialect."""
        return joined(before, token, self.keywords, self.units)


def drive(tables: Tables, text: str, builder: TreeReader) -> Any:
    """The node of ``text``'s start rule, built by ``builder``; :class:`Refused` at the first
    token the tables do not accept."""
    actions, reductions, end = tables.actions, tables.reductions, tables.end
    scanners, scanner, ignore, joined = tables.scanners, tables.scanner, tables.ignore, tables.joined
    states = [tables.start]
    values: list[Any] = []
    #: Where each value's text starts and ends, (line, column, end line, end column); None for
    #: a value that read no text.
    spans: list[tuple[int, int, int, int] | None] = []
    take = builder.take
    new = str.__new__
    pos, size, line, start = 0, len(text), 1, 0  # start: where the line begins
    parens = 0
    indents = [0]
    before: Any = None  # the token before, for a keyword written against it (PRL112)
    pending: list[Any] = []
    while True:
        if pos < size:
            found = scanners.get(states[-1]) or scanner(states[-1])
            for pattern in found[0]:
                match = pattern.match(text, pos)
                if match is not None:
                    break
            else:
                raise Refused("character")
            value = match.group()
            kind: str = match.lastgroup  # type: ignore[assignment]  # every alternative is named
            if kind in ignore:  # spaces between tokens: never a line's end (that is _NL)
                if "\n" in value:
                    raise Refused("ignored")
                pos += len(value)
                continue
            token = new(Token, value)
            token.start_pos = pos
            token.line = line
            token.column = pos - start + 1
            if "\n" in value:
                line += value.count("\n")
                start = pos + value.rindex("\n") + 1
            pos += len(value)
            token.type = kind
            token.value = value
            token.end_line = line
            token.end_column = pos - start + 1
            token.end_pos = pos
            words = found[1].get(kind)
            if words is not None:  # a name that spells a keyword the state accepts is the keyword
                kind = token.type = words.get(value, kind)
            if before is not None and before.end_pos == token.start_pos and joined(before, token):
                raise Refused("joined")
            before = token
            if kind in _LAYOUT:
                if kind == "_NL":
                    if parens:
                        continue
                    pending = _layout(token, indents, tables.tab)
                elif kind in _OPENING:
                    parens += 1
                    pending = [token]
                else:
                    parens -= 1
                    if parens < 0:
                        raise Refused("parenthesis")
                    pending = [token]
            else:
                pending = [token]
        elif len(indents) > 1:
            if before is None:
                raise Refused("$END")
            pending = [_borrow("_DEDENT", "", before) for _ in indents[1:]]
            del indents[1:]
        else:
            break
        for token in pending:
            kind = token.type
            while True:
                code = actions[states[-1]].get(kind)
                if code is None:
                    raise Refused(kind)
                if code >= 0:
                    states.append(code)
                    values.append(token)
                    spans.append((token.line, token.column, token.end_line, token.end_column))
                    break
                reduction = reductions[~code]
                if reduction[0] < 0:  # a ?rule of one symbol: its child passes through as it is
                    states[-1] = actions[states[-2]][reduction[1]]
                else:
                    _reduce(reduction, states, values, spans, actions, take)
    if before is None:
        raise Refused("$END")
    while True:
        code = actions[states[-1]].get("$END")
        if code is None or code >= 0:
            raise Refused("$END")
        _reduce(reductions[~code], states, values, spans, actions, take)
        if states[-1] == end:
            return values[-1]


#: The tokens the indenter looks at (Lark's ``Indenter``, :class:`protrules.language.lalr._Indent`).
_OPENING = frozenset(("LPAR", "LSQB"))
_LAYOUT = frozenset(("_NL", "LPAR", "LSQB", "RPAR", "RSQB"))


def _layout(token: Any, indents: list[int], tab: int) -> list[Any]:
    """A line's end and the blocks it opens or closes, as the indenter yields them."""
    found = [token]
    shift = token.rsplit("\n", 1)[1]
    indent = shift.count(" ") + shift.count("\t") * tab
    if indent > indents[-1]:
        indents.append(indent)
        found.append(_borrow("_INDENT", shift, token))
    else:
        while indent < indents[-1]:
            indents.pop()
            found.append(_borrow("_DEDENT", shift, token))
        if indent != indents[-1]:
            raise Refused("indentation")
    return found


def _reduce(
    reduction: _Reduction,
    states: list[int],
    values: list[Any],
    spans: list[tuple[int, int, int, int] | None],
    actions: dict[int, dict[str, int]],
    take: Any,
) -> None:
    size, origin, tree, single, kept = reduction
    if size < 0:
        states[-1] = actions[states[-2]][origin]
        return
    if size:
        children = values[-size:]
        read = spans[-size:]
        del states[-size:], values[-size:], spans[-size:]
    else:
        children, read = [], []
    span: tuple[int, int, int, int] | None = None
    for first in read:  # a node spans its first child that read text to its last
        if first is not None:
            for last in reversed(read):
                if last is not None:
                    span = (first[0], first[1], last[2], last[3])
                    break
            break
    if kept is not None:
        filtered: list[Any] = []
        for index, spliced in kept:
            if spliced:
                filtered += children[index]
            else:
                filtered.append(children[index])
        children = filtered
    if single and len(children) == 1:  # Lark's positions are set on trees, never on tokens
        value = children[0]
        if not isinstance(value, Made):
            span = (value.line, value.column, value.end_line, value.end_column)
        elif value.empty and span is not None:
            value.empty = False
            value.line, value.column, value.end_line, value.end_column = span
    elif tree is None:
        value = _Spliced(children)
    else:
        value = Made(tree, [], span)
        value.children, value.depth, value.blocks, value.poisoned = take(tree, children)
    states.append(actions[states[-1]][origin])
    values.append(value)
    spans.append(span)
