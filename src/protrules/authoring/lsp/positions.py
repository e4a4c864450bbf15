"""Positions in a document: the parser's (1-based line and column, in code points) and LSP's
(0-based line, character offset in UTF-16 code units).

A CJK character of the Basic Multilingual Plane is one code point and one UTF-16 unit, but one
of the supplementary planes (``𠀋``, an emoji) is one code point and *two* units: a column
counted in code points is wrong by one for each such character before it. Every position the
server sends or receives goes through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["Lines", "from_utf16", "to_utf16"]


class Lines:
    """A document's lines, for converting positions (``\\r\\n``, ``\\r`` and ``\\n`` end a line)."""

    def __init__(self, text: str) -> None:
        # the parser reads a file without its byte-order mark: its columns on line 1 start after it
        self.bom = text.startswith("\ufeff")
        text = text.removeprefix("\ufeff")
        self.lines: Sequence[str] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def line(self, number: int) -> str:
        """The text of 1-based line ``number`` ("" past the end)."""
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def to_lsp(self, line: int, column: int) -> tuple[int, int]:
        """(0-based line, UTF-16 offset) of 1-based ``line`` and code-point ``column``."""
        shift = 1 if self.bom and line == 1 else 0
        return max(0, line - 1), to_utf16(self.line(line), column - 1) + shift

    def from_lsp(self, line: int, character: int) -> tuple[int, int]:
        """(1-based line, 1-based code-point column) of an LSP position."""
        if self.bom and line == 0:
            character = max(0, character - 1)
        return line + 1, from_utf16(self.line(line + 1), character) + 1


def to_utf16(text: str, index: int) -> int:
    """The UTF-16 offset of code-point ``index`` in ``text`` (clamped to the line)."""
    index = max(0, min(index, len(text)))
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def from_utf16(text: str, offset: int) -> int:
    """The code-point index of UTF-16 ``offset`` in ``text`` (inside a surrogate pair: the
    character it splits; past the end: the end)."""
    units = 0
    for index, ch in enumerate(text):
        width = 2 if ord(ch) > 0xFFFF else 1
        if units + width > offset:
            return index
        units += width
    return len(text)
