"""Lark's LALR parsers of the grammar's two dialects, and their syntax errors as diagnostics.

In: a rule file's text that :mod:`protrules.language.driver` refused (it has a syntax error).
Out: every syntax error as a :class:`~protrules.language.diagnostics.Diagnostic` with a stable
code, a line and column and a hint (full-width punctuation, a statement that continues outside
parentheses, a misspelt keyword …), or, should Lark read the text after all, its
:class:`~protrules.language.nodes.Module` (built while Lark parses,
:mod:`protrules.language.builder`); Lark's exceptions never escape.

Only :func:`protrules.language.parser.parse` imports this module, when a file has a syntax
error: ``import protrules``, parsing a file without one and a rule set read from the program
cache never import Lark. The parse tables are not built at run time: ``python -m
protrules.language.tablegen`` builds them from the grammars and writes them, as Python
literals, to ``grammar/tables.py`` (Lark's, which load in a few milliseconds from their
bytecode) and ``grammar/driver_tables.py`` (the driver's); tests hold both to the grammars.
Lark's own cache
(``cache=True``) is not used: it is a pickle in the shared temporary folder under a name
anyone can work out, so another local user could plant one that runs code as whoever parses
next.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from typing import Any

import lark
from lark import Lark, Token
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from lark.indenter import Indenter
from lark.tree import Tree

from protrules.i18n import Message, Text, joined, msg
from protrules.language import nodes as n
from protrules.language.builder import BUILDER, Builder
from protrules.language.building import Unbuilt
from protrules.language.diagnostics import Diagnostic, RuleFileError, Source, Span, did_you_mean, suggest
from protrules.language.dialects import keyword_hint
from protrules.language.driver import joined as keyword_joined
from protrules.language.grammar import grammar_text
from protrules.language.recovery import MAX_SYNTAX_ERRORS, Blanker
from protrules.language.scan import character_hint
from protrules.language.words import UNITS

__all__ = ["Building", "lark_parser", "parse_body"]


class _Indent(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR", "LSQB"]  # noqa: RUF012 - Lark's interface
    CLOSE_PAREN_types = ["RPAR", "RSQB"]  # noqa: RUF012
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8

    def __init__(self) -> None:
        super().__init__()
        self.keywords: frozenset[str] = frozenset()  # the terminals that are keywords
        self.units: frozenset[str] = frozenset()  # the keywords that are a duration's unit

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        processed: Iterator[Token] = super().process(self._separated(stream))  # type: ignore[no-untyped-call]
        return processed

    def _separated(self, stream: Iterator[Token]) -> Iterator[Token]:
        """The tokens, a keyword written against a name or number reported (PRL112): the lexer
        would read ``要求会议次数`` as the keyword and a name where only a keyword can stand, but
        as one name elsewhere, so a keyword is a word of its own everywhere."""
        before: Token | None = None
        for token in stream:
            if before is not None and before.end_pos == token.start_pos and self.joined(before, token):
                builder = BUILDER.get(None)
                if builder is not None:
                    builder.joined(before, token)
            before = token
            yield token

    def joined(self, before: Token, token: Token) -> bool:
        """Whether a keyword is written against the word right before or after it (PRL112),
        :func:`protrules.language.driver.joined`."""
        return keyword_joined(before, token, self.keywords, self.units)

    def handle_NL(self, token: Token) -> Iterator[Token]:
        if self.paren_level > 0:
            return
        yield token
        indent_str = token.rsplit("\n", 1)[1]
        indent = indent_str.count(" ") + indent_str.count("\t") * self.tab_len
        if indent > self.indent_level[-1]:
            self.indent_level.append(indent)
            yield Token.new_borrow_pos(self.INDENT_type, indent_str, token)
        else:
            while indent < self.indent_level[-1]:
                self.indent_level.pop()
                yield Token.new_borrow_pos(self.DEDENT_type, indent_str, token)
            if indent != self.indent_level[-1]:
                line = token.end_line or token.line or 1
                raise _IndentError(line, indent + 1)


class _IndentError(LarkError):
    def __init__(self, line: int, column: int) -> None:
        super().__init__("inconsistent indentation")
        self.line = line
        self.column = column


def _is_word(text: str) -> bool:
    return any(ch.isalnum() or ch == "_" for ch in text)


class Building(Tree[Token], Unbuilt):
    """A grammar rule's tree as the parser makes it, whose child trees become nodes at once.

    Lark makes a rule's tree when it has read the rule, children first, and sets its position
    just after; so when a tree is made, its children's positions are known and the builder
    turns them into nodes there and then. A file's syntax tree is never held whole: the
    nodes cost about a quarter of Lark's trees and tokens, and a chain too deep to build is
    dropped as soon as it is found. A helper rule that Lark inlines into its parent (a name
    starting with ``_``) keeps its children as they are for the parent to build.
    """

    def __init__(self, data: str, children: list[Any], meta: Any = None) -> None:
        builder = BUILDER.get(None)
        if builder is None or data.startswith("_"):  # outside parse(), a plain Lark tree
            super().__init__(data, children, meta)
            self.depth = self.blocks = 0
            self.poisoned = False
            return
        values, self.depth, self.blocks, self.poisoned = builder.take(data, children)
        super().__init__(data, values, meta)


#: Lark's options; those a parser loaded from tables is given again are :data:`_LOADED`.
_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": True,
    "maybe_placeholders": False,
}
_LOADED = ("postlex", "tree_class", "propagate_positions")


def _signature(dialect: str) -> str:
    """What a dialect's shipped tables must have been built from: its grammar and Lark's version."""
    return hashlib.sha256(f"{lark.__version__}\n{grammar_text(dialect)}".encode()).hexdigest()


def _build(dialect: str, indent: _Indent) -> Lark:
    return Lark(grammar_text(dialect), postlex=indent, tree_class=Building, **_OPTIONS)


def _load(dialect: str, indent: _Indent) -> Lark:
    """A dialect's parser from the shipped tables if they were built from its grammar by this
    Lark, else built from the grammar (the tables are then stale: see the module's docstring)."""
    try:
        from protrules.language.grammar import tables
    except ImportError:  # pragma: no cover - not written yet
        return _build(dialect, indent)
    shipped = tables.TABLES.get(dialect)
    if shipped is None or shipped["signature"] != _signature(dialect):
        return _build(dialect, indent)
    return Lark._load_from_dict(  # type: ignore[no-untyped-call,no-any-return]
        shipped["data"], shipped["memo"], postlex=indent, tree_class=Building, propagate_positions=True
    )


@functools.cache
def lark_parser(dialect: str = "en") -> Lark:
    """The parser of a dialect, once per process."""
    indent = _Indent()
    lark = _load(dialect, indent)
    _words_of(lark, indent)
    return lark


def _words_of(lark: Lark, indent: _Indent) -> None:
    """Tell the indenter which terminals are keywords, and which a duration's unit."""
    words = {t.name: str(t.pattern.value) for t in lark.terminals if t.pattern.type == "str"}
    indent.keywords = frozenset(name for name, text in words.items() if _is_word(text))
    first = {spelling.split()[0] for spelling in UNITS}
    indent.units = frozenset(name for name, text in words.items() if text in first)


def parse_body(body: str, name: str, source: Source, lexical: list[Diagnostic], dialect: str) -> n.Module:
    """The module of ``body``; with lexical errors found before, the statements they are in are
    blanked and the rest parsed once more for the grammar's errors, and all are reported."""
    blanker = Blanker(body)
    for diagnostic in lexical:
        assert diagnostic.span is not None
        blanker.blank(*blanker.region(diagnostic.span.line))
    builder = Builder(name, dialect)
    token = BUILDER.set(builder)
    try:
        tree = lark_parser(dialect).parse(blanker.text() if lexical else body)
    except (UnexpectedInput, _IndentError) as error:
        found = _recover(blanker, error, source, MAX_SYNTAX_ERRORS - len(lexical), dialect)
        raise RuleFileError(_unique([*lexical, *builder.separations, *found]), source) from None
    except LarkError as error:  # pragma: no cover - defensive: any other Lark failure
        raise RuleFileError([Diagnostic("PRL100", str(error).splitlines()[0], None)], source) from None
    finally:
        BUILDER.reset(token)
    if lexical:
        raise RuleFileError(_unique([*lexical, *builder.separations]), source)
    assert isinstance(tree, Building)
    module = builder.root(tree)
    if builder.errors or builder.separations:
        raise RuleFileError([*builder.separations, *builder.errors], source)
    assert isinstance(module, n.Module)
    return module


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Each diagnostic once (a text parsed again after an error is lexed again)."""
    return list(dict.fromkeys(diagnostics))


# ------------------------------------------------------------------ syntax errors

_END_OF_LINE = msg("end of line")
_FRIENDLY: dict[str, Text] = {
    "_NL": _END_OF_LINE,
    "_INDENT": msg("an indented block"),
    "_DEDENT": msg("end of block"),
    "NAME": msg("a name"),
    "STRING": msg('a quoted "text"'),
    "RULE_ID": msg("an id such as 2.1.3"),
    "DATE": msg("a date YYYY-MM-DD"),
    "INT": msg("a whole number"),
    "DECIMAL": msg("a decimal number"),
    "PERCENT": msg("a percentage"),
    "COMPARE": msg("a comparison"),
    "ADD_OP": msg("`+` or `-`"),
    "MUL_OP": msg("`*` or `/`"),
    "OPTIONAL": "`?`",
    "$END": msg("end of file"),
}


def _describe(terminal: str, dialect: str) -> Text:
    if terminal in _FRIENDLY:
        return _FRIENDLY[terminal]
    try:
        pattern = lark_parser(dialect).get_terminal(terminal).pattern
    except KeyError:
        return terminal.lower()
    return f"`{pattern.value}`" if pattern.type == "str" else terminal.lower()


def _shown(terminal: str, dialect: str) -> bool:
    """Whether an expected terminal is worth naming: Lark's own helpers are not, but it names
    the terminal of a keyword not in ASCII letters (要求) ``__ANON_n`` too."""
    if not terminal.startswith("__"):
        return True
    try:
        pattern = lark_parser(dialect).get_terminal(terminal).pattern
    except KeyError:
        return False
    return pattern.type == "str"


def _syntax_diagnostic(error: UnexpectedInput | _IndentError, source: Source, dialect: str) -> Diagnostic:
    if isinstance(error, _IndentError):
        return Diagnostic(
            "PRL104",
            msg("indentation does not match any outer block"),
            Span(error.line, error.column, error.line, error.column + 1, source.name),
            hint=msg("indent with the same spaces as the block it belongs to"),
        )
    line = error.line if isinstance(error.line, int) and error.line > 0 else 1
    column = error.column if isinstance(error.column, int) and error.column > 0 else 1
    if isinstance(error, UnexpectedCharacters):
        ch = source.text.lstrip("\ufeff")[error.pos_in_stream] if error.pos_in_stream is not None else "?"
        return Diagnostic(
            "PRL101",
            msg("unexpected character `{ch}`", ch=ch),
            Span(line, column, line, column + 1, source.name),
            hint=character_hint(ch),
        )
    if isinstance(error, UnexpectedEOF):
        return Diagnostic("PRL103", _UNEXPECTED_END, Span(line, column, line, column, source.name))
    assert isinstance(error, UnexpectedToken)
    token = error.token
    expected = sorted({_describe(t, dialect) for t in error.expected if _shown(t, dialect)}, key=str)
    if token.type == "$END":
        last = max(1, len(source.text.splitlines()))
        return Diagnostic(
            "PRL103",
            _UNEXPECTED_END,
            Span(last, 1, last, 1, source.name),
            hint=_expected_hint(expected),
        )
    if token.type == "_INDENT":
        return Diagnostic(
            "PRL105",
            msg("unexpected indentation"),
            Span(line + 1 if token.value and column == 1 else line, 1, line, 1, source.name)
            if False
            else _token_line_span(token, source),
            hint=msg("a statement continues on the next line only inside parentheses"),
        )
    if token.type == "_DEDENT":
        return Diagnostic(
            "PRL102",
            msg("block ends too early"),
            _token_line_span(token, source),
            hint=_expected_hint(expected),
        )
    glued = _after_keyword(token, source, line, column, dialect)
    if glued is not None:
        return glued
    if token.type in ("NAME", "RULE_ID") and str(token.value).isidentifier():
        word = str(token.value)
        keywords = [e.strip("`") for e in expected if isinstance(e, str) and e.startswith("`")]
        hint = keyword_hint(word, keywords, dialect)
        if hint is not None:
            return Diagnostic(
                "PRL102",
                msg("unexpected `{word}`", word=word),
                Span(line, column, line, column + len(word), source.name),
                hint=hint,
            )
        guess = suggest(str(token.value), keywords)
        if guess is not None:
            return Diagnostic(
                "PRL102",
                msg("unexpected `{token}`", token=str(token.value)),
                Span(line, column, line, column + len(str(token.value)), source.name),
                hint=did_you_mean(guess),
            )
    end_column = column + max(1, len(str(token.value))) if token.type != "_NL" else column + 1
    span = Span(line, column, line, end_column, source.name)
    if token.type == "_NL":
        span = _line_end_span(line, source)
    glued_name = _keyword_in_name(token, source, line, column, dialect)
    if glued_name is not None:
        return Diagnostic("PRL102", msg("unexpected `{word}`", word=str(token.value)), span, hint=glued_name)
    unexpected = (
        msg("unexpected end of line")
        if token.type == "_NL"
        else msg("unexpected `{token}`", token=str(token.value))
    )
    return Diagnostic("PRL102", unexpected, span, hint=_expected_hint(expected))


def _keyword_in_name(token: Token, source: Source, line: int, column: int, dialect: str) -> Message | None:
    """A hint for a keyword the parser did not expect after a name that begins with a keyword
    (``如果x 那么``): the name was meant as the keyword and a name."""
    keywords = _keywords(dialect)
    if str(token.value) not in keywords:
        return None
    before = re.search(r"(\w+)\s+$", source.line(line)[: column - 1])
    if before is None:
        return None
    run = before.group(1)
    keyword = next((run[:i] for i in range(len(run) - 1, 0, -1) if run[:i] in keywords), None)
    if keyword is None:
        return None
    return msg(
        "did you mean `{keyword} {rest}`? a keyword is a word of its own",
        keyword=keyword,
        rest=run[len(keyword) :],
    )


@functools.cache
def _keywords(dialect: str) -> frozenset[str]:
    """The keywords of a dialect's grammar."""
    return frozenset(
        str(t.pattern.value)
        for t in lark_parser(dialect).terminals
        if t.pattern.type == "str" and _is_word(str(t.pattern.value))
    )


def _after_keyword(token: Token, source: Source, line: int, column: int, dialect: str) -> Diagnostic | None:
    """PRL112 for a word the lexer split from a keyword before it (``3天后``, ``如果x``): where
    only a keyword can stand, the lexer reads the keyword and then the rest as a name."""
    text = source.line(line)
    word = str(token.value)
    if (
        token.type in ("_NL", "_INDENT", "_DEDENT", "$END")
        or not word
        or not (word[0].isalnum() or word[0] == "_")
    ):
        return None
    before = re.search(r"\w+$", text[: column - 1])
    if before is None:
        return None
    keywords = _keywords(dialect)
    run = before.group(0)
    keyword = next((run[i:] for i in range(len(run)) if run[i:] in keywords), None)
    if keyword is None:
        return None
    span = Span(line, column - len(keyword), line, column + len(word), source.name)
    return Diagnostic(
        "PRL112",
        msg("`{first}` and `{second}` are written together", first=keyword, second=word),
        span,
        hint=msg("a keyword is a word of its own: write `{first} {second}`", first=keyword, second=word),
    )


def _recover(
    blanker: Blanker, error: UnexpectedInput | _IndentError, source: Source, limit: int, dialect: str
) -> list[Diagnostic]:
    """Every syntax error of the text, at most ``limit``, the first being ``error``: each
    error's statement is blanked and the text parsed again (:mod:`protrules.language.recovery`)."""
    found: list[Diagnostic] = []
    follow: int | None = None  # the line after an empty block: what is wrong there follows from it
    for _ in range(2 * MAX_SYNTAX_ERRORS):  # an error blanking caused is not counted
        diagnostic, region = _diagnose(error, source, blanker, dialect)
        _release(error)
        following = diagnostic is not None and diagnostic.span is not None and diagnostic.span.line == follow
        if following:
            diagnostic = None  # a block's lines written without their indentation, one after another
        follow = None
        opened = diagnostic is not None and diagnostic.message == _EMPTY_BLOCK
        if (opened or following) and region is not None:
            follow = blanker.next_code(region[1])
        if diagnostic is not None and diagnostic not in found:
            found.append(diagnostic)
        if region is None or len(found) >= limit or not blanker.blank(*region):
            break
        try:
            lark_parser(dialect).parse(blanker.text())
        except (UnexpectedInput, _IndentError) as next_error:
            error = next_error
        except LarkError:  # pragma: no cover - defensive
            break
        else:
            break
    return found


def _diagnose(
    error: UnexpectedInput | _IndentError, source: Source, blanker: Blanker, dialect: str
) -> tuple[Diagnostic | None, tuple[int, int] | None]:
    """The diagnostic of a syntax error (None for one that blanking caused) and the lines to
    blank before parsing again (None: stop)."""
    if isinstance(error, _IndentError):
        return _syntax_diagnostic(error, source, dialect), blanker.region(error.line, same_indent=True)
    if isinstance(error, UnexpectedEOF):
        return _syntax_diagnostic(error, source, dialect), None
    if isinstance(error, UnexpectedCharacters):
        line = error.line if isinstance(error.line, int) and error.line > 0 else 1
        return _syntax_diagnostic(error, source, dialect), blanker.region(line)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    layout = token.type in ("_NL", "_INDENT", "_DEDENT")
    line = (token.end_line if layout else token.line) or 1
    if token.type == "$END":
        line = len(blanker.lines) + 1
    elif token.type == "_INDENT":
        return _syntax_diagnostic(error, source, dialect), blanker.region(line, same_indent=True)
    header = blanker.header_before(line)
    if header is not None and blanker.empty_block(header, line):  # `:` with nothing under it
        if blanker.emptied(header, line):
            return None, blanker.region(header)  # its block was blanked: not the author's error
        return _empty_block(header, source), blanker.region(header)
    if token.type == "$END":
        return _syntax_diagnostic(error, source, dialect), None
    if token.type == "_NL":
        line = token.line or line
    return _syntax_diagnostic(error, source, dialect), blanker.region(line)


def _release(error: BaseException) -> None:
    """Let go of the nodes a failed parse built before the next parse builds its own: Lark's
    error keeps its parser (with the stack of values read), and its traceback and the
    exception it was raised while handling keep the parser's frames."""
    for name in ("interactive_parser", "state"):
        if getattr(error, name, None) is not None:
            setattr(error, name, None)
    error.__traceback__ = error.__context__ = error.__cause__ = None


_EMPTY_BLOCK = msg("nothing is indented under this line")
_UNEXPECTED_END = msg("unexpected end of file")


def _empty_block(header: int, source: Source) -> Diagnostic:
    span = _line_end_span(header, source)
    colon = Span(span.line, span.column - 1, span.line, span.column, source.name)
    return Diagnostic(
        "PRL104",
        _EMPTY_BLOCK,
        colon,
        hint=msg("a line ending in `:` opens a block: indent the lines that belong to it"),
    )


def _expected_hint(expected: list[Text]) -> Message | None:
    if not expected:
        return None
    if len(expected) == 1:
        return msg("expected {what}", what=expected[0])
    if len(expected) > 8:
        expected = [*expected[:8], "…"]
    return msg("expected one of {choices}", choices=joined(expected))


def _token_line_span(token: Token, source: Source) -> Span:
    """The first non-blank character of the line a layout token opens."""
    line = token.end_line or token.line or 1
    text = source.line(line)
    column = len(text) - len(text.lstrip()) + 1
    return Span(line, column, line, column + 1, source.name)


def _line_end_span(line: int, source: Source) -> Span:
    text = source.line(line).split("#", 1)[0].rstrip()
    column = len(text) + 1
    return Span(line, column, line, column + 1, source.name)
