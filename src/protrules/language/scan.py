"""The lexical check run before parsing: every character belongs to a token, every text is
closed, parentheses are balanced and nested at most :data:`~protrules.limits.PAREN_DEPTH` deep.

Why a pass of its own: the parser builds the syntax tree as it reads, so an error it meets at
the end of a large file (an unclosed `"` on the last line) used to be reported only after the
tree of everything before it had been built — about 400 bytes of memory for each byte of a
dense 7 MB file. This scan holds nothing but the open parentheses and the errors it found:
one regular expression takes runs of ordinary tokens whole, so its memory is the size of the
text plus a few kilobytes. The parser then blanks the statements the errors are in and parses
the rest once, for the grammar's errors elsewhere (:mod:`protrules.language.recovery`).

Its idea of a token mirrors the terminals of ``grammar/prl.lark`` character for character, so
that it never refuses a file the grammar reads; what only the grammar can judge (a token in
the wrong place) is left to the parser.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from protrules.i18n import Message, Text, msg
from protrules.language.diagnostics import Diagnostic, RuleFileError, Source, Span
from protrules.language.dialects import detect_dialect, quoted
from protrules.limits import PAREN_DEPTH

__all__ = ["FULL_WIDTH_HINTS", "character_hint", "scan"]

#: Full-width punctuation an input method slips in, and the ASCII the grammar wants.
FULL_WIDTH_HINTS: Final = {
    "：": ":",
    "，": ",",
    "（": "(",
    "）": ")",
    "“": '"',
    "”": '"',
    "＝": "=",
    "＞": ">",
    "＜": "<",
    "。": ".",
    "＋": "+",
    "－": "-",
    "％": "%",
    "＃": "#",
}

_STRING: Final = r'"(?:[^"\\\n]|\\["\\nt])*"'
# Runs of tokens that need no bookkeeping: names (NAME, keywords, units), numbers (INT,
# DECIMAL, PERCENT; a DATE or RULE_ID is digits, `-` and `.`), operators and punctuation,
# blanks and line ends, comments and closed texts. Possessive, so no backtracking state is
# kept however long the run.
_PLAIN: Final = (
    r"(?:[^\W\d]\w*|[0-9]+(?:\.[0-9]+)?%?|->|\.\.|[<>!]=|[=<>≥≤≠+\-*/.,:?]"
    r"|[\t \f]+|\r?\n|#[^\n]*|" + _STRING + r")++"
)
_TOKENS: Final = re.compile(rf"(?P<plain>{_PLAIN})|(?P<open>[(\[])|(?P<close>[)\]])|(?P<bad>.|\n)")
_TEXT_BODY: Final = re.compile(r'(?:[^"\\\n]|\\["\\nt])*')


def character_hint(ch: str) -> Message | None:
    """What an unexpected character probably should have been."""
    if ch in FULL_WIDTH_HINTS:
        return msg("full-width `{ch}`: use the ASCII `{ascii}`", ch=ch, ascii=FULL_WIDTH_HINTS[ch])
    if unicodedata.category(ch) == "Nd":
        return msg("write numbers and dates with ASCII digits 0-9")
    if ch == "'":
        return msg('text is written in double quotes: "…"')
    return None


def scan(text: str, source: Source, limit: int) -> list[Diagnostic]:
    """The lexical errors of ``text`` (a BOM already removed), at most ``limit`` of them, one a
    line. Parentheses nested too deep or never closed raise :class:`RuleFileError` at once:
    they leave no statement to blank."""
    opened: list[tuple[int, str]] = []
    found: list[Diagnostic] = []
    skip_to = -1  # one error a line: after one, the rest of its line is not looked at
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "plain":
            continue
        at = match.start()
        if kind == "open":
            opened.append((at, match.group()))
            if len(opened) > PAREN_DEPTH:
                raise RuleFileError(
                    [
                        _located(
                            "PRL107",
                            msg("parentheses nested deeper than {limit} levels", limit=PAREN_DEPTH),
                            text,
                            at,
                            source,
                            _split_hint(text),
                        )
                    ],
                    source,
                )
        elif kind == "close":
            if opened:
                opened.pop()
        elif at > skip_to:
            found.append(_bad(text, at, source))
            if len(found) >= limit:
                return found
            skip_to = text.find("\n", at)
            if skip_to < 0:
                break
    if opened:
        at, bracket = opened[-1]
        closer = ")" if bracket == "(" else "]"
        diagnostic = _located(
            "PRL108",
            msg("`{bracket}` is never closed", bracket=bracket),
            text,
            at,
            source,
            msg("add the matching `{closer}`", closer=closer),
        )
        raise RuleFileError([*found, diagnostic], source)
    return found


def _split_hint(text: str) -> Message:
    """Split a deep expression with names, `let` in the file's own dialect (`设` in Chinese)."""
    return msg("split the expression with {let} names", let=quoted("let", detect_dialect(text)))


def _bad(text: str, at: int, source: Source) -> Diagnostic:
    ch = text[at]
    if ch == '"':
        body = _TEXT_BODY.match(text, at + 1)
        end = body.end() if body else at + 1
        if end + 1 < len(text) and text[end] == "\\" and text[end + 1] != "\n":
            escape = text[end : end + 2]
            return _located(
                "PRL101",
                msg("unknown escape `{escape}` in text", escape=escape),
                text,
                end,
                source,
                msg('write `\\"`, `\\\\`, `\\n` or `\\t`'),
                width=len(escape),
            )
        return _located(
            "PRL101",
            msg("text is never closed"),
            text,
            at,
            source,
            msg('close it with `"` on the same line'),
        )
    if ch == "\r":
        hint = msg("save the file with LF or CRLF line ends")
        return _located("PRL101", msg("carriage return without a line feed"), text, at, source, hint)
    shown = ch if ch.isprintable() else repr(ch)[1:-1]
    unexpected = msg("unexpected character `{ch}`", ch=shown)
    return _located("PRL101", unexpected, text, at, source, character_hint(ch))


def _located(
    code: str, message: Text, text: str, at: int, source: Source, hint: Text | None, width: int = 1
) -> Diagnostic:
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    return Diagnostic(code, message, Span(line, column, line, column + max(1, width), source.name), hint=hint)
