"""Text → syntax tree (:mod:`protrules.language.nodes`), with syntax errors a policy author can act on.

The grammar is package data (``grammar/prl.lark``); the LALR parser is built once per process.
Lark's exceptions never escape: each becomes a :class:`~protrules.language.diagnostics.Diagnostic`
with a stable code, a line and column, and a hint (full-width punctuation, a statement that
continues outside parentheses, a misspelt keyword …).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import os
import re
import sys
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from lark.indenter import Indenter

from protrules.arguments import expect_path, expect_text
from protrules.calendar.durations import Duration
from protrules.collector import paused
from protrules.errors import ProtrulesError
from protrules.i18n import Message, msg
from protrules.language import nodes as n
from protrules.language.diagnostics import Diagnostic, RuleFileError, Source, Span, suggest
from protrules.language.dialects import Reading, check_dialect, detect_dialect, keyword_hint, zh_grammar
from protrules.language.keywords import UNITS as UNIT_SPELLINGS
from protrules.language.keywords import ZH_WITHIN_END
from protrules.language.recovery import MAX_SYNTAX_ERRORS, Blanker
from protrules.language.scan import character_hint, scan
from protrules.limits import (
    BLOCK_DEPTH,
    EXPRESSION_DEPTH,
    FRACTION_DIGITS,
    MAX_NUMBER,
    PAREN_DEPTH,
    RULE_FILE_BYTES,
)

__all__ = ["MAX_NESTING", "MAX_SOURCE_BYTES", "grammar_text", "parse", "parse_duration", "parse_file"]

#: The limits a rule file is read within (:mod:`protrules.limits`), under their earlier names.
MAX_SOURCE_BYTES = RULE_FILE_BYTES
MAX_NESTING = PAREN_DEPTH

#: Every spelling of a duration's unit, in either dialect → the unit (:mod:`protrules.language.keywords`).
UNITS: dict[str, str] = {spelling: unit.name for unit in UNIT_SPELLINGS for spelling in (*unit.en, *unit.zh)}

_DURATION = re.compile(r"^\s*([0-9]+)\s*(\S.*?)\s*$")


def parse_duration(text: str) -> Duration:
    """A duration written as in a rule file: ``30 days``, ``2 weeks``, ``3 months``,
    ``30 working days``, ``1 year``, or in Chinese ``30个工作日``, ``2周``, ``3个月``.

    Raises :class:`ProtrulesError` naming the text when it is not one.
    """
    match = _DURATION.match(text)
    unit = None
    if match:
        spelled = " ".join(match.group(2).split())
        unit = UNITS.get(spelled) or UNITS.get(spelled.lower())
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text):
        raise ProtrulesError(f"invalid duration `{text}`: use ASCII digits 0-9", code="PRL801")
    if match is None or unit is None:
        raise ProtrulesError(
            f"invalid duration `{text}`: expected an amount and a unit,"
            " e.g. 30 days, 2 weeks, 3 months, 30 working days, 30个工作日",
            code="PRL801",
        )
    return Duration(int(match.group(1)), unit)


COMPARE_OPS = {"≥": ">=", "≤": "<=", "≠": "!="}


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
            if before is not None and before.end_pos == token.start_pos:
                joined = token.type in self.keywords or before.type in self.keywords
                if joined and _words(before) and _words(token) and not self._allowed(before, token):
                    builder = _BUILDER.get(None)
                    if builder is not None:
                        builder.joined(before, token)
            before = token
            yield token

    def _allowed(self, before: Token, token: Token) -> bool:
        """A duration's unit right after its number (``30个工作日``), and 以内 right after it."""
        if token.type in self.units:
            return before.type == "INT"
        return before.type in self.units and str(token) == ZH_WITHIN_END

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


def _words(token: Token) -> bool:
    """Whether a token is (or ends and starts with) a word: a name, number, date or keyword."""
    text = str(token)
    return bool(text) and (text[0].isalnum() or text[0] == "_" or text[-1].isalnum())


class _Building(Tree[Token]):
    """A grammar rule's tree as the parser makes it, whose child trees become nodes at once.

    Lark makes a rule's tree when it has read the rule, children first, and sets its position
    just after; so when a tree is made, its children's positions are known and the builder
    turns them into nodes there and then. A file's syntax tree is never held whole: the
    nodes cost about a quarter of Lark's trees and tokens, and a chain too deep to build is
    dropped as soon as it is found. A helper rule that Lark inlines into its parent (a name
    starting with ``_``) keeps its children as they are for the parent to build.
    """

    def __init__(self, data: str, children: list[Any], meta: Any = None) -> None:
        builder = _BUILDER.get(None)
        if builder is None or data.startswith("_"):  # outside parse(), a plain Lark tree
            super().__init__(data, children, meta)
            self.depth = self.blocks = 0
            self.poisoned = False
            return
        values, self.depth, self.blocks, self.poisoned = builder.take(data, children)
        super().__init__(data, values, meta)


class _IndentError(LarkError):
    def __init__(self, line: int, column: int) -> None:
        super().__init__("inconsistent indentation")
        self.line = line
        self.column = column


@functools.cache
def grammar_text(dialect: str = "en") -> str:
    """The grammar of a dialect: the English one read from the package (the single source of
    truth), the Chinese one derived from it (:mod:`protrules.language.dialects`)."""
    english = resources.files("protrules.language").joinpath("grammar/prl.lark").read_text("utf-8")
    return english if check_dialect(dialect) == "en" else zh_grammar(english)


@functools.cache
def _lark(dialect: str = "en") -> Lark:
    """The parser of a dialect, built once per process; Lark keeps its tables in a cache file
    keyed by the grammar's hash, so later processes skip building them (about 150 ms)."""
    indent = _Indent()
    options: dict[str, Any] = {
        "parser": "lalr",
        "lexer": "contextual",
        "postlex": indent,
        "propagate_positions": True,
        "maybe_placeholders": False,
        "tree_class": _Building,
    }
    try:
        lark = Lark(grammar_text(dialect), cache=True, **options)
    except OSError:  # pragma: no cover - an unwritable temporary directory
        lark = Lark(grammar_text(dialect), **options)
    words = {t.name: str(t.pattern.value) for t in lark.terminals if t.pattern.type == "str"}
    indent.keywords = frozenset(name for name, text in words.items() if _is_word(text))
    first = {spelling.split()[0] for spelling in UNITS}
    indent.units = frozenset(name for name, text in words.items() if text in first)
    return lark


def _is_word(text: str) -> bool:
    return any(ch.isalnum() or ch == "_" for ch in text)


# ------------------------------------------------------------------ public API


def parse(text: str, name: str = "<rules>", dialect: str | None = None) -> n.Module:
    """Parse .prl text into a :class:`~protrules.language.nodes.Module`.

    ``dialect`` is ``"en"`` or ``"zh"``; by default the dialect of the text's first word
    (:func:`~protrules.language.dialects.detect_dialect`). Both give the same tree.
    Raises :class:`RuleFileError` with located diagnostics on any syntax error.
    """
    expect_text(text, "parse", "text")
    expect_text(name, "parse", "name")
    dialect = detect_dialect(text) if dialect is None else check_dialect(dialect)
    source = Source(name, text)
    if len(text) > RULE_FILE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > RULE_FILE_BYTES:
        raise RuleFileError([_too_large()], source)
    body = text[1:] if text.startswith("\ufeff") else text
    if not body.endswith("\n"):
        body += "\n"
    lexical = scan(body, source, MAX_SYNTAX_ERRORS)
    with paused():
        return _parse(body, name, source, lexical, dialect)


def _too_large() -> Diagnostic:
    return Diagnostic(
        "PRL106",
        f"rule file is larger than {RULE_FILE_BYTES // 2**20} MiB ({RULE_FILE_BYTES} bytes)",
        None,
        hint="a standard fits in far less: split it, or look for a file written by mistake",
    )


def _parse(body: str, name: str, source: Source, lexical: list[Diagnostic], dialect: str) -> n.Module:
    """The module of ``body``; with lexical errors found before, the statements they are in are
    blanked and the rest parsed once more for the grammar's errors, and all are reported."""
    blanker = Blanker(body)
    for diagnostic in lexical:
        assert diagnostic.span is not None
        blanker.blank(*blanker.region(diagnostic.span.line))
    builder = _Builder(name, dialect)
    token = _BUILDER.set(builder)
    try:
        tree = _lark(dialect).parse(blanker.text() if lexical else body)
    except (UnexpectedInput, _IndentError) as error:
        found = _recover(blanker, error, source, MAX_SYNTAX_ERRORS - len(lexical), dialect)
        raise RuleFileError(_unique([*lexical, *builder.separations, *found]), source) from None
    except LarkError as error:  # pragma: no cover - defensive: any other Lark failure
        raise RuleFileError([Diagnostic("PRL100", str(error).splitlines()[0], None)], source) from None
    finally:
        _BUILDER.reset(token)
    if lexical:
        raise RuleFileError(_unique([*lexical, *builder.separations]), source)
    assert isinstance(tree, _Building)
    module = builder.root(tree)
    if builder.errors or builder.separations:
        raise RuleFileError([*builder.separations, *builder.errors], source)
    assert isinstance(module, n.Module)
    return module


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Each diagnostic once (a text parsed again after an error is lexed again)."""
    return list(dict.fromkeys(diagnostics))


def parse_file(path: str | os.PathLike[str]) -> tuple[n.Module, Source]:
    """Read and parse a rule file; unreadable or non-UTF-8 files are located errors too."""
    expect_path(path, "parse_file")
    path = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(RULE_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise RuleFileError([Diagnostic("PRL001", f"cannot read {path}: {reason.lower()}", None)]) from None
    if len(data) > RULE_FILE_BYTES:  # refused whole: a truncated file would report a wrong error
        raise RuleFileError([_too_large()])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RuleFileError(
            [
                Diagnostic(
                    "PRL002",
                    "rule file is not UTF-8",
                    Span(line, 1, line, 1, path),
                    hint="save it as UTF-8 (it may be GBK)",
                )
            ],
        ) from None
    source = Source(path, text)
    return parse(text, path), source


# ------------------------------------------------------------------ syntax errors

_FRIENDLY = {
    "_NL": "end of line",
    "_INDENT": "an indented block",
    "_DEDENT": "end of block",
    "NAME": "a name",
    "STRING": 'a quoted "text"',
    "RULE_ID": "an id such as 2.1.3",
    "DATE": "a date YYYY-MM-DD",
    "INT": "a whole number",
    "DECIMAL": "a decimal number",
    "PERCENT": "a percentage",
    "COMPARE": "a comparison",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "OPTIONAL": "`?`",
    "$END": "end of file",
}


def _describe(terminal: str, dialect: str) -> str:
    if terminal in _FRIENDLY:
        return _FRIENDLY[terminal]
    try:
        pattern = _lark(dialect).get_terminal(terminal).pattern
    except KeyError:
        return terminal.lower()
    return f"`{pattern.value}`" if pattern.type == "str" else terminal.lower()


def _shown(terminal: str, dialect: str) -> bool:
    """Whether an expected terminal is worth naming: Lark's own helpers are not, but it names
    the terminal of a keyword not in ASCII letters (要求) ``__ANON_n`` too."""
    if not terminal.startswith("__"):
        return True
    try:
        pattern = _lark(dialect).get_terminal(terminal).pattern
    except KeyError:
        return False
    return pattern.type == "str"


def _syntax_diagnostic(error: UnexpectedInput | _IndentError, source: Source, dialect: str) -> Diagnostic:
    if isinstance(error, _IndentError):
        return Diagnostic(
            "PRL104",
            "indentation does not match any outer block",
            Span(error.line, error.column, error.line, error.column + 1, source.name),
            hint="indent with the same spaces as the block it belongs to",
        )
    line = error.line if isinstance(error.line, int) and error.line > 0 else 1
    column = error.column if isinstance(error.column, int) and error.column > 0 else 1
    if isinstance(error, UnexpectedCharacters):
        ch = source.text.lstrip("\ufeff")[error.pos_in_stream] if error.pos_in_stream is not None else "?"
        return Diagnostic(
            "PRL101",
            f"unexpected character `{ch}`",
            Span(line, column, line, column + 1, source.name),
            hint=character_hint(ch),
        )
    if isinstance(error, UnexpectedEOF):
        return Diagnostic("PRL103", "unexpected end of file", Span(line, column, line, column, source.name))
    assert isinstance(error, UnexpectedToken)
    token = error.token
    expected = sorted({_describe(t, dialect) for t in error.expected if _shown(t, dialect)})
    if token.type == "$END":
        last = max(1, len(source.text.splitlines()))
        return Diagnostic(
            "PRL103",
            "unexpected end of file",
            Span(last, 1, last, 1, source.name),
            hint=_expected_hint(expected),
        )
    if token.type == "_INDENT":
        return Diagnostic(
            "PRL105",
            "unexpected indentation",
            Span(line + 1 if token.value and column == 1 else line, 1, line, 1, source.name)
            if False
            else _token_line_span(token, source),
            hint="a statement continues on the next line only inside parentheses",
        )
    if token.type == "_DEDENT":
        return Diagnostic(
            "PRL102", "block ends too early", _token_line_span(token, source), hint=_expected_hint(expected)
        )
    found = "end of line" if token.type == "_NL" else f"`{token.value}`"
    glued = _after_keyword(token, source, line, column, dialect)
    if glued is not None:
        return glued
    if token.type in ("NAME", "RULE_ID") and str(token.value).isidentifier():
        word = str(token.value)
        keywords = [e.strip("`") for e in expected if e.startswith("`")]
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
            expected = [f"`{guess}`"]
            return Diagnostic(
                "PRL102",
                f"unexpected `{token.value}`",
                Span(line, column, line, column + len(str(token.value)), source.name),
                hint=f"did you mean `{guess}`?",
            )
    end_column = column + max(1, len(str(token.value))) if token.type != "_NL" else column + 1
    span = Span(line, column, line, end_column, source.name)
    if token.type == "_NL":
        span = _line_end_span(line, source)
    joined = _keyword_in_name(token, source, line, column, dialect)
    if joined is not None:
        return Diagnostic("PRL102", msg("unexpected `{word}`", word=str(token.value)), span, hint=joined)
    return Diagnostic("PRL102", f"unexpected {found}", span, hint=_expected_hint(expected))


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
        for t in _lark(dialect).terminals
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
            _lark(dialect).parse(blanker.text())
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


_EMPTY_BLOCK = "nothing is indented under this line"


def _empty_block(header: int, source: Source) -> Diagnostic:
    span = _line_end_span(header, source)
    colon = Span(span.line, span.column - 1, span.line, span.column, source.name)
    return Diagnostic(
        "PRL104",
        _EMPTY_BLOCK,
        colon,
        hint="a line ending in `:` opens a block: indent the lines that belong to it",
    )


def _expected_hint(expected: list[str]) -> str | None:
    if not expected:
        return None
    if len(expected) > 8:
        expected = [*expected[:8], "…"]
    return "expected " + (expected[0] if len(expected) == 1 else "one of " + ", ".join(expected))


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


# ------------------------------------------------------------------ tree → nodes


#: The builder of the file being parsed, for the trees Lark makes (:class:`_Building`).
_BUILDER: contextvars.ContextVar[_Builder] = contextvars.ContextVar("protrules_builder")
#: What a subtree nested deeper than the limits is built into (its error is already reported).
_TOO_DEEP: Any = object()

_OUT_OF_RANGE = f"is out of range: a number in a rule file is at most 10^{len(str(MAX_NUMBER)) - 1}"

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


class _Builder:
    """Builds :mod:`protrules.language.nodes` from Lark's tree, collecting value errors (bad dates).

    Each grammar rule has a method taking the rule's position (``meta``) and its children,
    already built; :meth:`build` walks the tree bottom-up and calls them (a plain walk costs
    about half what Lark's ``Transformer`` with ``v_args`` does, which wraps every call)."""

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
            if not isinstance(child, _Building):
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

    def _finish(self, tree: _Building, parent: str) -> tuple[Any, int, int]:
        """A tree's node, and the expression level and block nesting it reaches."""
        data, depth, blocks = tree.data, tree.depth, tree.blocks
        chained = data in _CHAINS and data == parent
        if data in _LEVELS:
            depth += 1
            if depth == EXPRESSION_DEPTH + 1:
                self._too_deep(tree.meta, "expression", EXPRESSION_DEPTH, "name its parts with `let`")
                return _TOO_DEEP, 0, 0
        elif data in _BLOCKS:
            blocks += 1
            if blocks == BLOCK_DEPTH + 1:
                self._too_deep(tree.meta, "block", BLOCK_DEPTH, "split the rule into smaller rules")
                return _TOO_DEEP, 0, 0
        if tree.poisoned:
            return _TOO_DEEP, 0, 0  # its error is reported: no node is built around it
        if chained:  # an inner link of `a and b and c`: its operands join the outer node's
            return _chain(tree.children), depth - 1, blocks
        method = self._methods.get(data)
        if method is None:
            method = self._methods[data] = getattr(self, data)
        return method(tree.meta, tree.children), depth, blocks

    def root(self, tree: _Building) -> Any:
        """The node of the whole file's tree."""
        return self._finish(tree, "")[0]

    def _too_deep(self, meta: Any, what: str, limit: int, hint: str) -> None:
        if what == "expression":
            code, message = "PRL107", f"expression nested more than {limit} levels deep"
        else:
            code, message = "PRL109", f"more than {limit} `for each` blocks nested in one another"
        self.errors.append(Diagnostic(code, message, self._span(meta), hint=hint))

    def _number(self, token: Token, kind: str = "integer") -> Any:
        """An integer, decimal or percentage read from its token within the rule-file limits:
        Python's int reads at most 4 300 digits and then raises, and a number past
        :data:`~protrules.limits.MAX_NUMBER` is a typo, not a quantity of a standard."""
        text = str(token)
        digits = text.rstrip("%")
        whole, _, fraction = digits.partition(".")
        if len(fraction) > FRACTION_DIGITS:
            return self._number_error(token, f"has more than {FRACTION_DIGITS} digits after the point")
        if len(whole.lstrip("0")) > len(str(MAX_NUMBER)):
            return self._number_error(token, _OUT_OF_RANGE)
        value: Any = Decimal(digits) if kind != "integer" else int(digits)
        if kind == "percentage":
            value = value / 100
        if value > MAX_NUMBER:
            return self._number_error(token, _OUT_OF_RANGE)
        return value

    def _number_error(self, token: Token, problem: str) -> int:
        text = str(token)
        shown = text if len(text) <= 24 else f"{text[:10]}…{text[-6:]}"
        self.errors.append(Diagnostic("PRL111", f"number `{shown}` {problem}", self._tok_span(token)))
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
                Diagnostic("PRL110", f"invalid date `{token}`: {error}", self._tok_span(token))
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

    # -- module and header
    def start(self, meta: Any, children: list[Any]) -> n.Module:
        return n.Module(tuple(children), self.source_name, span=self._span(meta), dialect=self.dialect)

    def standard(self, meta: Any, children: list[Any]) -> n.Standard:
        return n.Standard(_unquote(children[0]), tuple(children[1:]), span=self._span(meta))

    def setting(self, meta: Any, children: list[Any]) -> n.Setting:
        key, value = children
        span = self._tok_span(value)
        if value.type == "STRING":
            return n.Setting(key, _unquote(value), True, span=span)
        if value.type == "INT":
            return n.Setting(key, self._number(value), False, span=span)
        if key == "calendar":
            return n.Setting(key, self._builtin("calendar", value), False, span=span)
        return n.Setting(key, str(value), False, span=span)

    def _keyword(self, meta: Any, children: list[Any]) -> str:
        return self.reading.keyword(" ".join(str(c) for c in children))

    setting_key = rule_key = notice_key = unit = verdict = status = _keyword

    def is_word(self, meta: Any, children: list[Any]) -> str:
        return self._keyword(meta, children).removeprefix("is ")

    def title(self, meta: Any, children: list[Any]) -> _Title:
        return _Title(_unquote(children[0]))

    def source(self, meta: Any, children: list[Any]) -> _Source:
        return _Source(_unquote(children[0]))

    # -- facts
    def enum_values(self, meta: Any, children: list[Any]) -> tuple[str, ...]:
        return tuple(_unquote(c) for c in children)

    def define_decl(self, meta: Any, children: list[Any]) -> n.Define:
        return n.Define(str(children[0]), self._title(children), children[-1], span=self._span(meta))

    def list_(self, meta: Any, children: list[Any]) -> n.ListExpr:
        return n.ListExpr(tuple(children), span=self._span(meta))

    def enum_decl(self, meta: Any, children: list[Any]) -> n.EnumDecl:
        members = next(c for c in children if isinstance(c, tuple))
        return n.EnumDecl(str(children[0]), self._title(children), members, span=self._span(meta))

    def fact_decl(self, meta: Any, children: list[Any]) -> n.FactDecl:
        known = self._of(children, n.KnownFrom)
        return n.FactDecl(
            str(children[0]),
            self._title(children),
            tuple(self._of(children, n.FieldNode)),
            span=self._span(meta),
            known_from=known[0] if known else None,
        )

    def field(self, meta: Any, children: list[Any]) -> n.FieldNode:
        known = self._of(children, n.KnownFrom)
        return n.FieldNode(
            str(children[0]),
            children[1],
            self._title(children),
            span=self._span(meta),
            known_from=known[0] if known else None,
        )

    def known_from(self, meta: Any, children: list[Any]) -> n.KnownFrom:
        name = children[0]
        return n.KnownFrom(str(name), span=self._tok_span(name))

    def named_type(self, meta: Any, children: list[Any]) -> n.TypeRef:
        name = self._builtin("type", children[0])
        return n.TypeRef(name, None, len(children) > 1, span=self._span(meta))

    def inline_enum(self, meta: Any, children: list[Any]) -> n.TypeRef:
        return n.TypeRef(None, children[0], len(children) > 1, span=self._span(meta))

    # -- parameters, periods, calendar data
    def parameter_simple(self, meta: Any, children: list[Any]) -> n.Parameter:
        type_ref = self._of(children, n.TypeRef)[0]
        literal = self._of(children, n.Literal)[0]
        sources = self._of(children, _Source)
        value = n.ParamValue(literal, None, str(sources[0]) if sources else None, span=literal.span)
        return n.Parameter(
            str(children[0]), self._title(children), type_ref, (value,), False, span=self._span(meta)
        )

    def parameter_dated(self, meta: Any, children: list[Any]) -> n.Parameter:
        type_ref = self._of(children, n.TypeRef)[0]
        return n.Parameter(
            str(children[0]),
            self._title(children),
            type_ref,
            tuple(self._of(children, n.ParamValue)),
            True,
            span=self._span(meta),
        )

    def parameter_lookup(self, meta: Any, children: list[Any]) -> n.Parameter:
        key, value = self._of(children, n.TypeRef)
        sources = self._of(children, _Source)
        return n.Parameter(
            str(children[0]),
            self._title(children),
            value,
            (),
            False,
            key=key,
            rows=tuple(self._of(children, n.LookupRow)),
            source=str(sources[0]) if sources else None,
            span=self._span(meta),
        )

    def lookup_row(self, meta: Any, children: list[Any]) -> n.LookupRow:
        return n.LookupRow(children[0], children[1], span=self._span(meta))

    def value_line(self, meta: Any, children: list[Any]) -> n.ParamValue:
        sources = self._of(children, _Source)
        return n.ParamValue(
            children[0], self._date(children[1]), str(sources[0]) if sources else None, span=self._span(meta)
        )

    def period_decl(self, meta: Any, children: list[Any]) -> n.PeriodDecl:
        dates = [c for c in children if isinstance(c, Token) and c.type == "DATE"]
        return n.PeriodDecl(
            str(children[0]),
            self._title(children),
            self._date(dates[0]),
            self._date(dates[1]),
            span=self._span(meta),
        )

    def vacation_decl(self, meta: Any, children: list[Any]) -> n.VacationDecl:
        dates = [c for c in children if isinstance(c, Token) and c.type == "DATE"]
        return n.VacationDecl(
            str(children[0]),
            self._title(children),
            self._date(dates[0]),
            self._date(dates[1]),
            span=self._span(meta),
        )

    def date_decl(self, meta: Any, children: list[Any]) -> n.DateDecl:
        dates = [c for c in children if isinstance(c, Token) and c.type == "DATE"]
        return n.DateDecl(
            str(children[0]), self._title(children), self._date(dates[0]), span=self._span(meta)
        )

    def date_item(self, meta: Any, children: list[Any]) -> tuple[dt.date, dt.date | None]:
        return (self._date(children[0]), self._date(children[1]) if len(children) > 1 else None)

    def dates_decl(self, meta: Any, children: list[Any]) -> n.DatesDecl:
        items = tuple(c for c in children if isinstance(c, tuple))
        return n.DatesDecl(str(children[0]), self._title(children), items, span=self._span(meta))

    def notice_decl(self, meta: Any, children: list[Any]) -> n.NoticeDecl:
        return n.NoticeDecl(
            self._number(children[0]),
            str(children[1]),
            tuple(self._of(children, n.NoticeLine)),
            span=self._span(meta),
        )

    def notice_line(self, meta: Any, children: list[Any]) -> n.NoticeLine:
        return n.NoticeLine(children[0], tuple(children[1:]), span=self._span(meta))

    # -- structure
    def area(self, meta: Any, children: list[Any]) -> n.Area:
        return n.Area(str(children[0]), str(children[1]), tuple(children[2:]), span=self._span(meta))

    def item(self, meta: Any, children: list[Any]) -> n.Item:
        return n.Item(str(children[0]), str(children[1]), tuple(children[2:]), span=self._span(meta))

    def rule(self, meta: Any, children: list[Any]) -> n.Rule:
        settings = tuple(self._of(children, n.RuleSetting))
        body = tuple(self._of(children, n.Stmt))
        return n.Rule(str(children[0]), str(children[1]), settings, body, span=self._span(meta))

    def rule_setting(self, meta: Any, children: list[Any]) -> n.RuleSetting:
        key, value = children
        if value.type == "STRING":
            return n.RuleSetting(key, _unquote(value), True, span=self._tok_span(value))
        if key == "kind" and value.type == "NAME":
            return n.RuleSetting(key, self._builtin("kind", value), False, span=self._tok_span(value))
        return n.RuleSetting(key, str(value), False, span=self._tok_span(value))

    # -- statements
    def let_stmt(self, meta: Any, children: list[Any]) -> n.Let:
        return n.Let(str(children[0]), children[1], span=self._span(meta))

    def require_stmt(self, meta: Any, children: list[Any]) -> n.Require:
        by = children[1].expr if len(children) > 1 else None
        return n.Require(children[0], by, span=self._span(meta))

    def by_clause(self, meta: Any, children: list[Any]) -> _By:
        return _By(children[0])

    def advise_stmt(self, meta: Any, children: list[Any]) -> n.Advise:
        return n.Advise(children[0], span=self._span(meta))

    def applies_stmt(self, meta: Any, children: list[Any]) -> n.Applies:
        return n.Applies(children[0], span=self._span(meta))

    def for_source(self, meta: Any, children: list[Any]) -> _ForSource:
        return _ForSource(children[0])

    def for_where(self, meta: Any, children: list[Any]) -> _ForWhere:
        return _ForWhere(children[0])

    def for_facts(self, meta: Any, children: list[Any]) -> n.ForFacts:
        var = children[0]
        sources = self._of(children, _ForSource)
        wheres = self._of(children, _ForWhere)
        body = tuple(self._of(children, n.Stmt))
        if sources:
            return n.ForFacts(
                str(var),
                sources[0].expr,
                wheres[0].expr if wheres else None,
                body,
                True,
                span=self._span(meta),
            )
        source = n.Name(str(var), span=self._tok_span(var))
        return n.ForFacts(
            str(var), source, wheres[0].expr if wheres else None, body, False, span=self._span(meta)
        )

    def for_periods(self, meta: Any, children: list[Any]) -> n.ForPeriods:
        wheres = self._of(children, _ForWhere)
        body = tuple(self._of(children, n.Stmt))
        return n.ForPeriods(
            children[0],
            str(children[1]),
            children[2],
            wheres[0].expr if wheres else None,
            body,
            span=self._span(meta),
        )

    # -- tests beside the rules
    def test_decl(self, meta: Any, children: list[Any]) -> n.TestDecl:
        facts: str | None = None
        as_of: dt.date | None = None
        status: str | None = None
        expects: list[tuple[str, str]] = []
        lines: list[tuple[str, int]] = []
        params: list[n.TestParameter] = []
        for child in children[1:]:
            kind, value, line = child
            if kind == "facts":
                facts = value
            elif kind == "as_of":
                as_of = value
            elif kind == "status":
                status = value
                lines.append(("status", line))
            elif kind == "parameter":
                params.append(value)
            else:
                expects.append(value)
                lines.append((value[0], line))
        name = _unquote(children[0])
        span = self._span(meta)
        return n.TestDecl(
            name, facts, as_of, tuple(expects), status, span=span, lines=tuple(lines), params=tuple(params)
        )

    def test_facts(self, meta: Any, children: list[Any]) -> tuple[str, str, int]:
        return ("facts", _unquote(children[0]), meta.line)

    def test_as_of(self, meta: Any, children: list[Any]) -> tuple[str, dt.date, int]:
        return ("as_of", self._date(children[0]), meta.line)

    def test_expect(self, meta: Any, children: list[Any]) -> tuple[str, tuple[str, str], int]:
        return ("expect", (str(children[0]), children[1]), meta.line)

    def test_status(self, meta: Any, children: list[Any]) -> tuple[str, str, int]:
        return ("status", children[0], meta.line)

    def test_parameter(self, meta: Any, children: list[Any]) -> tuple[str, n.TestParameter, int]:
        name = children[0]
        return ("parameter", n.TestParameter(str(name), children[1], span=self._tok_span(name)), meta.line)

    # -- expressions
    def select_as(self, meta: Any, children: list[Any]) -> n.Select:
        condition = children[2] if len(children) > 2 else None
        return n.Select(children[0], str(children[1]), condition, span=self._span(meta))

    def select_where(self, meta: Any, children: list[Any]) -> n.Select:
        return n.Select(children[0], None, children[1], span=self._span(meta))

    def _boolop(self, op: str, meta: Any, children: list[Any]) -> n.BoolOp:
        return n.BoolOp(op, tuple(_chain(children)), span=self._span(meta))

    def or_(self, meta: Any, children: list[Any]) -> n.BoolOp:
        return self._boolop("or", meta, children)

    def and_(self, meta: Any, children: list[Any]) -> n.BoolOp:
        return self._boolop("and", meta, children)

    def not_(self, meta: Any, children: list[Any]) -> n.Not:
        return n.Not(children[0], span=self._span(meta))

    def compare(self, meta: Any, children: list[Any]) -> n.Compare:
        op = _intern(COMPARE_OPS.get(str(children[1]), str(children[1])))
        return n.Compare(op, children[0], children[2], span=self._span(meta))

    def member(self, meta: Any, children: list[Any]) -> n.Member:
        return n.Member(children[0], children[1], False, span=self._span(meta))

    def not_member(self, meta: Any, children: list[Any]) -> n.Member:
        return n.Member(children[0], children[1], True, span=self._span(meta))

    def within(self, meta: Any, children: list[Any]) -> n.Within:
        return n.Within(children[0], children[1], children[2], span=self._span(meta))

    def within_zh(self, meta: Any, children: list[Any]) -> n.Within:
        """``x 在 d 之后 30个工作日 以内``: the anchor before the duration."""
        return n.Within(children[0], children[2], children[1], span=self._span(meta))

    def is_test(self, meta: Any, children: list[Any]) -> n.IsTest:
        return n.IsTest(children[0], children[1], span=self._span(meta))

    def range(self, meta: Any, children: list[Any]) -> n.Range:
        return n.Range(children[0], children[1], span=self._span(meta))

    def binary(self, meta: Any, children: list[Any]) -> n.Binary:
        return n.Binary(_intern(children[1]), children[0], children[2], span=self._span(meta))

    def neg(self, meta: Any, children: list[Any]) -> n.Neg:
        return n.Neg(children[0], span=self._span(meta))

    def attribute(self, meta: Any, children: list[Any]) -> n.Attribute:
        return n.Attribute(children[0], _intern(children[1]), span=self._span(meta))

    def at(self, meta: Any, children: list[Any]) -> n.At:
        return n.At(children[0], children[1], span=self._span(meta))

    def name(self, meta: Any, children: list[Any]) -> n.Name:
        return n.Name(_intern(self._builtin("value", children[0])), span=self._span(meta))

    def call(self, meta: Any, children: list[Any]) -> n.Call:
        func = self._builtin("function", children[0])
        return n.Call(_intern(func), tuple(children[1:]), span=self._span(meta))

    def if_expr(self, meta: Any, children: list[Any]) -> n.If:
        return n.If(children[0], children[1], children[2], span=self._span(meta))

    # -- literals
    def integer(self, meta: Any, children: list[Any]) -> n.Literal:
        value = self._number(children[0])
        return n.Literal(value, "integer", _intern(children[0]), span=self._span(meta))

    def decimal(self, meta: Any, children: list[Any]) -> n.Literal:
        value = self._number(children[0], "decimal")
        return n.Literal(value, "decimal", str(children[0]), span=self._span(meta))

    def percent(self, meta: Any, children: list[Any]) -> n.Literal:
        text = str(children[0])
        return n.Literal(self._number(children[0], "percentage"), "percentage", text, span=self._span(meta))

    def date(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(self._date(children[0]), "date", str(children[0]), span=self._span(meta))

    def string(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(_unquote(children[0]), "text", str(children[0]), span=self._span(meta))

    def true(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(True, "boolean", "true", span=self._span(meta))

    def false(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(False, "boolean", "false", span=self._span(meta))

    def duration_unit(self, meta: Any, children: list[Any]) -> str:
        return " ".join(str(c) for c in children)

    def duration(self, meta: Any, children: list[Any]) -> n.Literal:
        amount, word = self._number(children[0]), children[1]
        text = f"{children[0]} {word}" if word.isascii() else f"{children[0]}{word}"
        return n.Literal(Duration(amount, UNITS[word]), "duration", text, span=self._span(meta))
