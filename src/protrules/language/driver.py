"""The LALR loop that parses a rule file with Lark's tables and lexer, building our nodes as it
reduces: what Lark's parser and its tree builder do, without their wrappers.

In: a Lark parser (:func:`protrules.language.lalr.lark_parser`) and a text. Out: the text's
:class:`~protrules.language.nodes.Module`, or :class:`Refused` at the first token the tables
do not accept (the caller then parses with Lark itself, whose errors become diagnostics).

Why: Lark's LALR parser with ``propagate_positions`` wraps each of a file's ~20 000
reductions in three callables (positions, child filter, single-child expansion) and makes a
``Tree`` with a ``Meta`` for each rule, which the builder then reads, and hands each token
through four generators (lexer, contextual lexer, keyword check, indenter); that was about
half the parse of the Changning standard. This loop reads the same tables (Lark's analysis
of the grammar) with the same regular expressions (those of Lark's contextual lexer, each
state's compiled on first use) in one function: it lexes a token, finds what the indenter
makes of it (line ends, blocks opened and closed) and what a keyword written against a word
is (:meth:`protrules.language.lalr._Indent.joined`: refused, for Lark to report), and does
what Lark's wrappers do with what they do decided once per rule: which children are kept,
which helper rules (``_name``, Lark's ``__anon``) are spliced into their parent, which
``?rule`` passes its single child through, and where each node starts and ends (a node spans
its first to its last child, a child that passed through a ``?rule`` counting with the text
that rule read around it, such as the parentheses of ``(a or b)``). The trees it makes are
Lark's, field for field: ``tests/test_driver.py`` holds both to the same nodes, spans
included, over every rule file of the repository, mutations of them and generated programs.
"""

from __future__ import annotations

from typing import Any

from lark import Token

from protrules.language.building import Made, TreeReader

__all__ = ["Refused", "Tables", "drive"]


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
    """Lark's parse table and rules of one dialect, in the shape the loop reads."""

    def __init__(self, lark: Any) -> None:
        from lark.parsers.lalr_analysis import Shift

        frontend = lark.parser
        table = frontend.parser.parser.parse_table
        rules: dict[Any, int] = {}
        self.reductions: list[_Reduction] = []
        self.actions: dict[int, dict[str, int]] = {}
        for state, actions in table.states.items():
            row: dict[str, int] = {}
            for symbol, (action, arg) in actions.items():
                if action is Shift:
                    row[symbol] = arg
                else:
                    index = rules.get(arg)
                    if index is None:
                        index = rules[arg] = len(self.reductions)
                        self.reductions.append(_reduction(arg))
                    row[symbol] = ~index
            self.actions[state] = row
        self.start = table.start_states["start"]
        self.end = table.end_states["start"]
        contextual = frontend.lexer.lexer
        self._lexers = contextual.lexers
        #: Each state's scanner, made on first use: the regular expressions of the terminals
        #: it accepts, in Lark's order, and the callbacks that make a name a keyword.
        self.scanners: dict[int, tuple[list[Any], dict[str, Any]]] = {}
        self.ignore = frozenset(contextual.root_lexer.ignore_types)
        indenter = lark.options.postlex  # protrules.language.lalr._Indent
        self.joined = indenter.joined
        self.tab = indenter.tab_len
        assert (indenter.NL_type, indenter.INDENT_type, indenter.DEDENT_type) == ("_NL", "_INDENT", "_DEDENT")
        assert set(indenter.OPEN_PAREN_types) == _OPENING
        assert set(indenter.CLOSE_PAREN_types) | _OPENING | {"_NL"} == _LAYOUT

    def scanner(self, state: int) -> tuple[list[Any], dict[str, Any]]:
        """The scanner of a state (Lark's, compiled on first use and shared by the states that
        accept the same terminals)."""
        lexer = self._lexers[state]
        found = self.scanners[state] = (lexer.scanner._mres, lexer.callback)
        return found


def _reduction(rule: Any) -> _Reduction:
    """What reducing ``rule`` does (Lark's ``ParseTreeBuilder``, decided once)."""
    name = rule.alias or rule.options.template_source or rule.origin.name
    keep = rule.options.keep_all_tokens
    kept: list[tuple[int, bool]] = []
    for index, symbol in enumerate(rule.expansion):
        if keep or not (symbol.is_term and symbol.filter_out):
            kept.append((index, not symbol.is_term and symbol.name.startswith("_")))
    whole = len(kept) == len(rule.expansion) and not any(spliced for _, spliced in kept)
    single = bool(rule.options.expand1) and not rule.alias
    tree = None if name.startswith("_") else name
    if single and whole and len(rule.expansion) == 1:
        return -1, rule.origin.name, tree, single, None  # passes its child through unchanged
    return len(rule.expansion), rule.origin.name, tree, single, None if whole else tuple(kept)


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
            kind = match.lastgroup
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
            callback = found[1].get(kind)
            if callback is not None:
                token = callback(token)
                kind = token.type
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
            pending = [Token.new_borrow_pos("_DEDENT", "", before) for _ in indents[1:]]
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
        found.append(Token.new_borrow_pos("_INDENT", shift, token))
    else:
        while indent < indents[-1]:
            indents.pop()
            found.append(Token.new_borrow_pos("_DEDENT", shift, token))
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
