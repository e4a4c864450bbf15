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
    """The closest candidate to a misspelt name, for a "did you mean" hint."""
    import difflib

    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None
