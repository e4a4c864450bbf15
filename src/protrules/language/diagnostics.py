"""Source positions and diagnostics: what went wrong, where, and what might fix it.

Every rule-file error has a stable code (``PRL1xx`` syntax, ``PRL2xx`` names and types,
``PRL3xx`` structure), a span with line *and* column, and renders like a compiler error
with the source line and a caret under the culprit. Rendering is plain text; colour, if
any, is added by the command line, never here. A diagnostic holds its message and hint as
:class:`~protrules.i18n.Message` (id and arguments), so it renders in English or Chinese
when it is shown (``render(diagnostic, source, lang)``), by the command line and the
language server alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import attrs

from protrules.errors import ProtrulesError
from protrules.i18n import Message, Text, msg, msgn
from protrules.i18n import render as render_text
from protrules.output import display_width

__all__ = ["Diagnostic", "RuleFileError", "Source", "Span", "render"]


@attrs.frozen
class Source:
    """A rule file's text and the name to report it under."""

    name: str
    text: str = attrs.field(repr=False)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) as the parser counts lines: ended by a line feed only (a
        form feed or U+2028 inside a text or comment does not start a new line)."""
        lines = self.text.split("\n")
        if 1 <= number <= len(lines):
            return lines[number - 1].removesuffix("\r")
        return ""


class Span(NamedTuple):
    """A region of a source: 1-based line and column of its start and end (end exclusive).

    A named tuple: every node of a checked program has one, and a program loaded from the
    cache unpickles its thousands of spans at the speed of tuples."""

    line: int
    column: int
    end_line: int
    end_column: int
    source: str = ""

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}"


@attrs.frozen
class Diagnostic:
    """One problem found in a rule file: ``message`` and ``hint`` are messages (or text that is
    the same in every language); ``str(diagnostic.message)`` is the English text."""

    code: str
    message: Text
    span: Span | None
    hint: Text | None = None
    severity: str = "error"  # "error" or "warning"

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return render_text(self.message, lang)

    def hint_text(self, lang: str = "en") -> str | None:
        """The hint in ``lang``, or None."""
        return render_text(self.hint, lang) if self.hint is not None else None

    def sort_key(self) -> tuple[int, int, str]:
        if self.span is None:
            return (0, 0, self.code)
        return (self.span.line, self.span.column, self.code)


_SEVERITY = {"error": msg("error"), "warning": msg("warning")}


def render(diagnostic: Diagnostic, source: Source | None = None, lang: str = "en") -> str:
    """Render a diagnostic in ``lang`` with the source line and a caret under the culprit.

    ::

        error[PRL203]: unknown field `metting` of `meeting`
          --> rules/demo.prl:42:18
           |
        42 |     require count(meeting where metting.date in 年) >= 2
           |                                 ^^^^^^^ did you mean `meeting`?
    """
    severity = _SEVERITY[diagnostic.severity].render(lang)
    head = f"{severity}[{diagnostic.code}]: {diagnostic.text(lang)}"
    hint = diagnostic.hint_text(lang)
    note = msg("  = hint: {hint}", hint=hint).render(lang) if hint else ""
    span = diagnostic.span
    if span is None:
        return head + (f"\n{note}" if note else "")
    lines = [head, f"  --> {span}"]
    text = source.line(span.line) if source is not None else ""
    if text:
        number = str(span.line)
        pad = " " * len(number)
        prefix = text[: span.column - 1]
        if span.end_line == span.line and span.end_column > span.column:
            culprit = text[span.column - 1 : span.end_column - 1]
        else:
            culprit = text[span.column - 1 : span.column] or " "
        caret = " " * display_width(prefix.expandtabs(1)) + "^" * max(1, display_width(culprit))
        lines += [f"{pad} |", f"{number} | {text.rstrip()}", f"{pad} | {caret}"]
        if hint:
            lines[-1] += f" {hint}"
    elif note:
        lines.append(note)
    return "\n".join(lines)


class RuleFileError(ProtrulesError):
    """A rule file has errors; ``diagnostics`` lists every one, sorted by position."""

    def __init__(self, diagnostics: Sequence[Diagnostic], source: Source | None = None) -> None:
        ordered = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        self.diagnostics = ordered
        self.source = source
        first = ordered[0] if ordered else None
        summary: Text = msg("invalid rule file")
        if first is not None:
            summary = first.message
            if first.span is not None:
                summary = msg("{where}: {message}", where=str(first.span), message=first.message)
        if len(ordered) > 1:
            summary = msg("{summary} (and {more} more)", summary=summary, more=len(ordered) - 1)
        super().__init__(summary, code=first.code if first else "PRL100")

    def render(self, lang: str = "en") -> str:
        """All diagnostics in ``lang``, separated by blank lines, with a count at the end."""
        parts = [render(d, self.source, lang) for d in self.diagnostics]
        errors = sum(1 for d in self.diagnostics if d.severity == "error")
        parts.append(msgn("{n} error found", "{n} errors found", errors).render(lang))
        return "\n\n".join(parts)


def did_you_mean(guess: str | None) -> Message | None:
    """The hint "did you mean `x`?" for a suggestion, or None without one."""
    return msg("did you mean `{guess}`?", guess=guess) if guess else None


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, for a "did you mean" hint.

    A name in Chinese characters is compared character by character first: each character
    says as much as a whole English word, so one wrong, missing, extra or swapped character
    (每季培训次数 for 每季度培训次数, 会仪 for 会议, 台帐 for 台账) is a likely slip however
    short the name, where the share of letters in common that suits English names would find
    nothing for two characters. Otherwise (and when no Chinese candidate is that close) the
    candidate most like it by :mod:`difflib`'s ratio, if it is alike enough.
    """
    import difflib

    names = sorted(set(candidates))
    if _chinese(name):
        close = _closest_by_characters(name, names)
        if close is not None:
            return close
    matches = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _chinese(text: str) -> bool:
    """Whether a text holds a CJK ideograph (the unified block and its first extension)."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def _closest_by_characters(name: str, names: Sequence[str]) -> str | None:
    """The candidate fewest character edits from ``name`` (Damerau–Levenshtein, adjacent swaps
    counted once), at most 1 for a name of up to four characters, 2 up to eight, 3 beyond,
    and fewer than the shorter name's length; ties go to the one :mod:`difflib` finds more
    alike, then to the first in order."""
    import difflib

    limit = 1 if len(name) <= 4 else 2 if len(name) <= 8 else 3
    best: tuple[int, float, str] | None = None
    for candidate in names:
        if candidate == name or not _chinese(candidate) or abs(len(candidate) - len(name)) > limit:
            continue
        distance = _edits(name, candidate, limit)
        if distance > limit or distance >= min(len(name), len(candidate)):
            continue
        key = (distance, -difflib.SequenceMatcher(None, name, candidate).ratio(), candidate)
        if best is None or key < best:
            best = key
    return best[2] if best is not None else None


def _edits(a: str, b: str, limit: int) -> int:
    """The optimal-string-alignment distance of two texts, or ``limit + 1`` once it exceeds
    ``limit``."""
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]
