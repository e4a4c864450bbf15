"""The words of the .prl language, read from the parser's own grammars: one source for every tool.

The Pygments lexer, the TextMate grammar and the language server's completion all take their
keywords from :func:`vocabulary`, which reads them from the Lark grammars the parser is built
from (``language/grammar/prl.lark`` and the Chinese grammar derived from it with the keyword
table, :mod:`protrules.language.keywords`), the built-in functions from the checker's table
(:mod:`protrules.language.functions`, both spellings) — never from a copied list. A keyword
added to the grammar (a new expression, its Chinese spelling) is highlighted and completed
without touching any tool; the committed TextMate grammar is regenerated from it
(``python -m protrules.authoring.textmate``) and a test says when it is stale.

A word's category comes from the grammar rule it appears in (``func`` → function,
``verdict`` → constant …); a word in a rule this module does not know is a plain keyword.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import attrs

from protrules.checking.typing_rules import BUILTINS
from protrules.facts.model import PRIMITIVES
from protrules.language.dialects import spell_name
from protrules.language.functions import FUNCTIONS
from protrules.language.keywords import DIALECTS
from protrules.language.parser import _lark

__all__ = ["CATEGORIES", "Vocabulary", "vocabulary"]

#: Categories, in the order a word found in several rules is given one.
CATEGORIES = ("declaration", "function", "constant", "operator", "keyword", "unit", "setting")

#: Grammar rules → category (rules not listed make plain keywords).
_RULES: Mapping[str, str] = {
    **dict.fromkeys(
        (
            "standard",
            "enum_decl",
            "fact_decl",
            "parameter",
            "period_decl",
            "date_decl",
            "dates_decl",
            "vacation_decl",
            "notice_decl",
            "define_decl",
            "area",
            "item",
            "rule",
            "test_decl",
        ),
        "declaration",
    ),
    "func": "function",
    "literal": "constant",
    "verdict": "constant",
    "status": "constant",
    **dict.fromkeys(
        ("or_expr", "and_expr", "not_expr", "comparison", "expr", "postfix", "is_word"), "operator"
    ),
    "unit": "unit",
    "duration_unit": "unit",
    **dict.fromkeys(("setting_key", "rule_key", "notice_key"), "setting"),
}


@attrs.frozen
class Vocabulary:
    """The language's words by category, each tuple sorted longest first (for regexes)."""

    words: Mapping[str, tuple[str, ...]]
    types: tuple[str, ...]  # primitive type names of fields and parameters
    builtins: tuple[str, ...]  # names every expression can read (``as_of``)
    by_rule: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)  # grammar rule → its words

    def in_rule(self, rule: str) -> tuple[str, ...]:
        """The words of one grammar rule (``duration_unit``, ``unit``, ``verdict`` …)."""
        return self.by_rule.get(rule, ())

    def category(self, word: str) -> str | None:
        """The category of a keyword, or None for a word that is not one."""
        return next((c for c in CATEGORIES if word in self.words.get(c, ())), None)

    @property
    def keywords(self) -> tuple[str, ...]:
        """Every keyword of every category, sorted longest first."""
        return _ordered({w for words in self.words.values() for w in words})


def _ordered(words: set[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def _is_word(text: str) -> bool:
    return any(ch.isalnum() or ch == "_" for ch in text)


@functools.cache
def vocabulary(dialect: str | None = None) -> Vocabulary:
    """The keywords of the grammar the parser uses for ``dialect`` (``"en"``, ``"zh"``; both by
    default, for a highlighter that does not know a file's dialect), by category."""
    dialects = DIALECTS if dialect is None else (dialect,)
    found: dict[str, set[str]] = {}
    by_rule: dict[str, set[str]] = {}
    for each in dialects:
        lark = _lark(each)
        literals = {t.name: t.pattern.value for t in lark.terminals if t.pattern.type == "str"}
        for rule in lark.rules:
            name = rule.origin.name.lstrip("_?!")
            category = _RULES.get(name, "keyword")
            for symbol in rule.expansion:
                text = literals.get(symbol.name) if symbol.is_term else None
                if text is not None and _is_word(text):
                    found.setdefault(text, set()).add(category)
                    by_rule.setdefault(name, set()).add(text)
    words: dict[str, set[str]] = {c: set() for c in CATEGORIES}
    for text, categories in found.items():
        words[next(c for c in CATEGORIES if c in categories)].add(text)
    # a call is any name before `(`: the built-ins are the checker's table, not grammar words
    functions = {spell_name("function", f, each) for f in FUNCTIONS for each in dialects}
    words["function"] |= functions
    for category in CATEGORIES[CATEGORIES.index("function") + 1 :]:
        words[category] -= functions
    return Vocabulary(
        {c: _ordered(w) for c, w in words.items()},
        _ordered({spell_name("type", t, each) for t in PRIMITIVES for each in dialects}),
        _ordered({spell_name("value", b, each) for b in BUILTINS for each in dialects}),
        {rule: _ordered(w) for rule, w in sorted(by_rule.items())},
    )
