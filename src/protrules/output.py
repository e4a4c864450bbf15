"""What every output of protrules shares: one JSON encoding and terminal column widths.

Every stage that writes bytes a person or a program reads (diagnostics, reports, rankings,
obligations) uses these, so the same input gives byte-identical output everywhere and CJK text
lines up in a terminal.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

__all__ = ["display_width", "dumps", "pad"]


def dumps(data: Any) -> str:
    """The one JSON encoding protrules writes: UTF-8 text, two-space indent, fixed order."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Left-justify to ``width`` terminal columns, counting CJK characters as two."""
    return text + " " * max(0, width - display_width(text))
