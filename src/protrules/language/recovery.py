"""Syntax error recovery: after an error, blank the statement it is in and parse again.

An LALR parser stops at the first error. To report every syntax error of a file in one run,
the parser blanks the logical line the error is in — with its continuation lines inside
parentheses and, for a line ending in ``:``, the block indented under it — and parses again,
up to :data:`MAX_SYNTAX_ERRORS` times. Blanking replaces characters with spaces, so every
position in the text stays where it was and later errors are reported at their own lines.

Blanking can empty a block (a fact whose only field had the error): the error that follows
from it is not the author's, so :func:`emptied` tells the parser to blank the enclosing
block instead of reporting it.
"""

from __future__ import annotations

__all__ = ["MAX_SYNTAX_ERRORS", "Blanker", "comment_start"]

#: At most this many syntax errors are reported for one file (each costs a parse).
MAX_SYNTAX_ERRORS = 20


def comment_start(line: str) -> int:
    """Where the comment of a line starts (a `#` outside a string), or -1."""
    in_string = False
    previous = ""
    for index, ch in enumerate(line):
        if in_string:
            if ch == '"' and previous != "\\":
                in_string = False
            previous = ch if not (previous == "\\" and ch == "\\") else ""
            continue
        if ch == '"':
            in_string = True
        elif ch == "#":
            return index
        previous = ch
    return -1


def _code(line: str) -> str:
    """A line without its comment."""
    start = comment_start(line)
    return line if start < 0 else line[:start]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


class Blanker:
    """A text being recovered: its lines, what has been blanked, and the regions to blank."""

    def __init__(self, text: str) -> None:
        self.lines: list[str] = text.split("\n")
        self.blanked: set[int] = set()  # 1-based line numbers
        self.depth = self._depths()

    def text(self) -> str:
        return "\n".join(self.lines)

    def _depths(self) -> list[int]:
        """The parenthesis depth at the start of each line (index 0 = line 1)."""
        depths = []
        depth = 0
        for line in self.lines:
            depths.append(depth)
            for ch in _code(line):
                if ch in "([":
                    depth += 1
                elif ch in ")]" and depth > 0:
                    depth -= 1
        return depths

    def is_code(self, number: int) -> bool:
        return 1 <= number <= len(self.lines) and bool(_code(self.lines[number - 1]).strip())

    def region(self, number: int, *, same_indent: bool = False) -> tuple[int, int]:
        """The lines of the statement on line ``number``: from the start of its logical line to
        its end, and the lines indented more under it (its block, or the block of a header whose
        `:` is missing). ``same_indent`` also takes the following lines indented as much (a
        block indented where no block was opened)."""
        total = len(self.lines)
        number = max(1, min(number, total))
        start = number
        while start > 1 and self.depth[start - 1] > 0:
            start -= 1
        end = number
        while end < total and self.depth[end] > 0:  # the next line starts inside parentheses
            end += 1
        head = _indent(self.lines[start - 1])
        later = end + 1
        while later <= total:
            if self.is_code(later):
                indent = _indent(self.lines[later - 1])
                if indent < head or (indent == head and not same_indent):
                    break
                end = later
            later += 1
        return start, end

    def blank(self, start: int, end: int) -> bool:
        """Blank lines ``start``..``end``; False when there was nothing left to blank."""
        changed = False
        for number in range(start, end + 1):
            line = self.lines[number - 1]
            if line.strip():
                self.lines[number - 1] = " " * len(line)
                changed = True
            self.blanked.add(number)
        return changed

    def next_code(self, number: int) -> int | None:
        """The first line with code after line ``number``."""
        return next((later for later in range(number + 1, len(self.lines) + 1) if self.is_code(later)), None)

    def header_before(self, number: int) -> int | None:
        """The last line with code before line ``number``."""
        for earlier in range(min(number, len(self.lines) + 1) - 1, 0, -1):
            if self.is_code(earlier):
                return earlier
        return None

    def opens_block(self, number: int) -> bool:
        """Whether line ``number`` ends in `:` (outside parentheses, strings and comments)."""
        return _code(self.lines[number - 1]).rstrip().endswith(":") if self.is_code(number) else False

    def empty_block(self, header: int, number: int) -> bool:
        """Whether line ``header`` opens a block and line ``number`` after it is not in it
        (not indented more, or past the end)."""
        if not self.opens_block(header) or number <= header:
            return False
        if number > len(self.lines):
            return True
        return _indent(self.lines[number - 1]) <= _indent(self.lines[header - 1])

    def emptied(self, header: int, number: int) -> bool:
        """Whether the block opened on line ``header`` is empty because lines were blanked."""
        return any(line in self.blanked for line in range(header + 1, number + 1))

    def enclosing(self, number: int) -> int | None:
        """The header line of the block line ``number`` is in (a line indented less)."""
        indent = _indent(self.lines[number - 1]) if 1 <= number <= len(self.lines) else 0
        for earlier in range(number - 1, 0, -1):
            if self.is_code(earlier) and _indent(self.lines[earlier - 1]) < indent:
                return earlier
        return None
