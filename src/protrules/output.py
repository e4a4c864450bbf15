"""What every output of protrules shares: one JSON encoding and terminal column widths.

Every stage that writes bytes a person or a program reads (diagnostics, reports, rankings,
obligations) uses these, so the same input gives byte-identical output everywhere and CJK text
lines up in a terminal.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

__all__ = ["display_width", "dumps", "pad", "wrap"]


def dumps(data: Any) -> str:
    """The one JSON encoding protrules writes: UTF-8 text, two-space indent, fixed order."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Left-justify to ``width`` terminal columns, counting CJK characters as two."""
    return text + " " * max(0, width - display_width(text))


#: A piece of text a line may break after: a run of blanks, one wide (CJK) character, or a
#: run of other characters (a word, a number, an option).
_PIECES = re.compile(
    r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+"
)
#: Punctuation that never starts a line (it stays with what is before it).
_NO_BREAK_BEFORE = frozenset("，。、；：？！）】》」』”’,.;:?!)]")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns: lines break at blanks and
    between CJK characters (Chinese has no spaces between words), never before closing
    punctuation; a word longer than the width keeps a line of its own."""
    lines: list[str] = []
    line = ""
    for piece in _PIECES.findall(" ".join(text.split())):
        if piece.isspace():
            if line:
                line += " "
            continue
        if line and display_width(line.rstrip() + piece) > width and piece not in _NO_BREAK_BEFORE:
            lines.append(line.rstrip())
            line = ""
        line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines
