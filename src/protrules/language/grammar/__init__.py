"""The grammar of rule files: ``prl.lark`` (package data, the single source of truth), the
Chinese dialect's grammar derived from it (:mod:`protrules.language.dialects`), and
``tables.py``, the LALR tables built from both (:mod:`protrules.language.lalr`)."""

from __future__ import annotations

import functools
from importlib import resources

from protrules.language.dialects import check_dialect, zh_grammar

__all__ = ["grammar_text"]


@functools.cache
def grammar_text(dialect: str = "en") -> str:
    """The grammar of a dialect: the English one read from the package (the single source of
    truth), the Chinese one derived from it (:mod:`protrules.language.dialects`)."""
    english = resources.files("protrules.language").joinpath("grammar/prl.lark").read_text("utf-8")
    return english if check_dialect(dialect) == "en" else zh_grammar(english)
