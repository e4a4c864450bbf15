"""A Pygments lexer for .prl rule files: ``pygmentize -l prl``, Sphinx and MkDocs ``prl`` blocks.

Registered as the ``prl`` lexer through the ``pygments.lexers`` entry point, so any tool that
highlights with Pygments finds it once protrules is installed. Its keywords come from
:func:`~protrules.authoring.vocabulary.vocabulary` (the parser's own grammar), so a keyword
added to the language is highlighted without an edit here.

Keywords are matched as whole words only: a Chinese name that begins with a unit (``年度轮训次数``)
stays a name, while ``3个工作日`` is a number and a unit. A word after a dot is always an
attribute (a field may be called ``kind`` or ``count``), and ``# protrules: allow …``
suppression comments are told apart from other comments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, cast

from pygments.lexer import RegexLexer, words
from pygments.lexer import bygroups as _bygroups
from pygments.token import (
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from protrules.authoring.vocabulary import vocabulary
from protrules.language.keywords import keyword

__all__ = ["PrlLexer"]

bygroups = cast(Callable[..., Any], _bygroups)  # untyped in Pygments

# A keyword is a whole word: not inside a name.
_BEFORE = r"(?<![\w])"
_AFTER = r"(?![\w])"


def _words(items: Iterable[str], before: str = _BEFORE) -> Any:
    found = tuple(items)
    if not found:  # a category the grammar has no word of: a pattern that never matches
        return r"(?!)"
    return words(found, prefix=before, suffix=_AFTER)


def _alternatives(items: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(items, key=lambda w: (-len(w), w))) or r"(?!)"


def _tokens() -> dict[str, list[Any]]:
    vocab = vocabulary()
    kinds = vocab.words
    plain = [w for w in kinds["constant"] if w.replace("_", "").isalnum()]
    odd = [w for w in kinds["constant"] if w not in plain]  # n/a
    # a duration's unit follows its number (3 months, 30 working days, 3个工作日); a loop's
    # unit follows `each` (for each month 月 of …): elsewhere the same word is a name.
    durations = _alternatives(vocab.in_rule("duration_unit"))
    loops = _alternatives(vocab.in_rule("unit"))
    tests = _alternatives(vocab.in_rule("is_word"))  # x is working day, x is in vacation
    # the word before a loop's unit (for each month, 对每个 月), and the words before a rule id
    each = _alternatives(["each", keyword("for each", "zh")])
    labelled = _alternatives(keyword(w, d) for w in ("area", "item", "rule", "expect") for d in ("en", "zh"))
    units = {*vocab.in_rule("duration_unit"), *vocab.in_rule("unit")}
    return {
        "root": [
            (
                r"^([ \t]+)([^\W\d]\w*)([ \t]*)(:)",
                bygroups(Whitespace, Name.Property, Whitespace, Punctuation),
            ),
            (
                rf"([0-9]+(?:\.[0-9]+)?)([ \t]*)((?:{durations})(?:[ \t]+(?:{durations}))?){_AFTER}",
                bygroups(Number, Whitespace, Keyword.Pseudo),
            ),
            (rf"({each})([ \t]+)({loops}){_AFTER}", bygroups(Keyword, Whitespace, Keyword.Pseudo)),
            (
                rf"(is)([ \t]+)((?:{tests})(?:[ \t]+(?:{tests}))?){_AFTER}",
                bygroups(Operator.Word, Whitespace, Operator.Word),
            ),
            (r"[ \t]+", Whitespace),
            (r"\r?\n", Whitespace),
            (r"#\s*protrules:.*$", Comment.Special),
            (r"#.*$", Comment.Single),
            (r'"(?:[^"\\\n]|\\["\\nt])*"', String.Double),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", Literal.Date),
            (r"[0-9]+(?:\.[0-9]+)?%", Number.Float),
            (r"[0-9]+\.[0-9]+", Number.Float),
            (r"[0-9]+", Number.Integer),
            (r"(\.)([^\W\d]\w*)", bygroups(Punctuation, Name.Attribute)),
            (
                rf"({labelled})"
                r"([ \t]+)([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)" + _AFTER,
                bygroups(Keyword.Declaration, Whitespace, Name.Label),
            ),
            (_words(kinds["declaration"]), Keyword.Declaration),
            (_words(kinds["function"]), Name.Builtin),
            (_words(plain), Keyword.Constant),
            (_words(odd, before=r"(?<![\w/])"), Keyword.Constant),
            (_words(w for w in kinds["operator"] if w not in units), Operator.Word),
            (_words(kinds["keyword"]), Keyword),
            (_words(vocab.types), Keyword.Type),
            (_words(vocab.builtins), Name.Builtin.Pseudo),
            (r"\.\.|>=|<=|!=|[=<>≥≤≠+\-*/?]", Operator),
            (r"[()\[\],:]", Punctuation),
            (r"[^\W\d]\w*", Name),
            (r".", Text),
        ]
    }


class PrlLexer(RegexLexer):
    """The .prl standards language (protrules)."""

    name = "PRL"
    aliases: ClassVar[list[str]] = ["prl", "protrules"]
    filenames: ClassVar[list[str]] = ["*.prl"]
    mimetypes: ClassVar[list[str]] = ["text/x-prl"]
    url = "https://pypi.org/project/protrules/"
    flags = re.MULTILINE | re.UNICODE
    tokens = _tokens()
