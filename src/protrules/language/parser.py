"""Text → syntax tree (:mod:`protrules.language.nodes`), with syntax errors a policy author can act on.

The grammar is package data (``grammar/prl.lark``). A text is read by the parser's own LALR
loop over the tables Lark builds from it (:mod:`protrules.language.driver`); Lark's parsers of
the two dialects, and what turns Lark's errors into diagnostics, are in
:mod:`protrules.language.lalr`, imported only for a text with a syntax error (``import
protrules``, parsing a file without errors and a rule set read from the program cache never
import Lark). Every syntax error becomes a
:class:`~protrules.language.diagnostics.Diagnostic` with a stable code, a line and column, and
a hint.
"""

from __future__ import annotations

import os
from typing import Any

from protrules.arguments import expect_path, expect_text
from protrules.collector import paused
from protrules.i18n import msg
from protrules.i18n.system import os_reason
from protrules.language import nodes as n
from protrules.language.diagnostics import Diagnostic, RuleFileError, Source, Span
from protrules.language.dialects import check_dialect, detect_dialect
from protrules.language.grammar import grammar_text
from protrules.language.recovery import MAX_SYNTAX_ERRORS
from protrules.language.scan import scan
from protrules.language.words import COMPARE_OPS, UNITS, parse_duration
from protrules.limits import PAREN_DEPTH, RULE_FILE_BYTES

__all__ = [
    "COMPARE_OPS",
    "MAX_NESTING",
    "MAX_SOURCE_BYTES",
    "UNITS",
    "grammar_text",
    "parse",
    "parse_duration",
    "parse_file",
]

#: The limits a rule file is read within (:mod:`protrules.limits`), under their earlier names.
MAX_SOURCE_BYTES = RULE_FILE_BYTES
MAX_NESTING = PAREN_DEPTH


def _lark(dialect: str = "en") -> Any:
    """Lark's parser of a dialect (:func:`protrules.language.lalr.lark_parser`)."""
    from protrules.language.lalr import lark_parser

    return lark_parser(dialect)


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
        msg(
            "rule file is larger than {mib} MiB ({bytes} bytes)",
            mib=RULE_FILE_BYTES // 2**20,
            bytes=RULE_FILE_BYTES,
        ),
        None,
        hint=msg("a standard fits in far less: split it, or look for a file written by mistake"),
    )


def _parse(body: str, name: str, source: Source, lexical: list[Diagnostic], dialect: str) -> n.Module:
    """The parser's own loop reads a text without errors (:mod:`protrules.language.driver`);
    Lark reads one with errors, to report each (:mod:`protrules.language.lalr`)."""
    if not lexical:
        from protrules.language.driver import parse_fast

        module = parse_fast(body, name, source, dialect)
        if module is not None:
            return module
    from protrules.language.lalr import parse_body

    return parse_body(body, name, source, lexical, dialect)


def parse_file(path: str | os.PathLike[str]) -> tuple[n.Module, Source]:
    """Read and parse a rule file; unreadable or non-UTF-8 files are located errors too."""
    expect_path(path, "parse_file")
    path = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(RULE_FILE_BYTES + 1)
    except OSError as error:
        unreadable = msg("cannot read {path}: {reason}", path=path, reason=os_reason(error))
        raise RuleFileError([Diagnostic("PRL001", unreadable, None)]) from None
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
                    msg("rule file is not UTF-8"),
                    Span(line, 1, line, 1, path),
                    hint=msg("save it as UTF-8 (it may be GBK)"),
                )
            ],
        ) from None
    source = Source(path, text)
    return parse(text, path), source
