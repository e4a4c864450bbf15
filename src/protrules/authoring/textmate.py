"""The TextMate grammar of .prl (VS Code, Sublime Text, GitHub's Linguist, Shiki …), generated.

The grammar in ``editors/vscode/syntaxes/prl.tmLanguage.json`` is written by this module
from :func:`~protrules.authoring.vocabulary.vocabulary` — the parser's own keywords — so it
cannot drift from the language: ``python -m protrules.authoring.textmate FILE`` rewrites
it, and a test fails when the committed file is not what this module writes.

The patterns mirror the Pygments lexer (:mod:`protrules.authoring.lexer`): keywords as whole
words only, a duration's unit after its number, a loop's unit after ``each``, any word after a
dot an attribute, ``# protrules: allow`` comments told apart.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from protrules.authoring.vocabulary import vocabulary
from protrules.language.keywords import keyword

__all__ = ["SCOPE", "grammar", "grammar_json", "main"]

SCOPE = "source.prl"
_BEFORE = r"(?<![\w])"
_AFTER = r"(?![\w])"


def _alternatives(items: Iterable[str]) -> str:
    """A regex of the words, longest first (one that never matches for no words)."""
    return "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w))) or r"(?!)"


def _words(items: Iterable[str], scope: str, before: str = _BEFORE) -> dict[str, Any]:
    return {"match": f"{before}(?:{_alternatives(items)}){_AFTER}", "name": f"{scope}.prl"}


def grammar() -> dict[str, Any]:
    """The TextMate grammar, as a JSON-ready dictionary."""
    vocab = vocabulary()
    kinds = vocab.words
    units = {*vocab.in_rule("duration_unit"), *vocab.in_rule("unit")}
    durations = _alternatives(vocab.in_rule("duration_unit"))
    loops = _alternatives(vocab.in_rule("unit"))
    tests = _alternatives(vocab.in_rule("is_word"))
    # the word before a loop's unit (for each month, 对每个 月), and the words before a rule id
    each = _alternatives(["each", keyword("for each", "zh")])
    labelled = _alternatives(keyword(w, d) for w in ("area", "item", "rule", "expect") for d in ("en", "zh"))
    plain = [w for w in kinds["constant"] if w.replace("_", "").isalnum()]
    odd = [w for w in kinds["constant"] if w not in plain]
    patterns: list[dict[str, Any]] = [
        {
            "match": r"(#)\s*(protrules:)\s*(allow(?:-file)?)\b(.*)$",
            "name": "comment.line.number-sign.suppression.prl",
            "captures": {
                "1": {"name": "punctuation.definition.comment.prl"},
                "2": {"name": "keyword.other.suppression.prl"},
                "3": {"name": "keyword.other.suppression.prl"},
            },
        },
        {
            "match": r"(#).*$",
            "name": "comment.line.number-sign.prl",
            "captures": {"1": {"name": "punctuation.definition.comment.prl"}},
        },
        {
            "begin": '"',
            "end": r'"|$',
            "name": "string.quoted.double.prl",
            "patterns": [{"match": r'\\["\\nt]', "name": "constant.character.escape.prl"}],
        },
        {"match": r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b", "name": "constant.numeric.date.prl"},
        {
            "match": rf"([0-9]+(?:\.[0-9]+)?)[ \t]*((?:{durations})(?:[ \t]+(?:{durations}))?){_AFTER}",
            "captures": {
                "1": {"name": "constant.numeric.prl"},
                "2": {"name": "keyword.other.unit.prl"},
            },
        },
        {"match": r"\b[0-9]+(?:\.[0-9]+)?%?", "name": "constant.numeric.prl"},
        {
            "match": r"(\.)([^\W\d]\w*)",
            "captures": {
                "1": {"name": "punctuation.accessor.prl"},
                "2": {"name": "variable.other.member.prl"},
            },
        },
        {
            "match": rf"{_BEFORE}({labelled})[ \t]+([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)" + _AFTER,
            "captures": {
                "1": {"name": "storage.type.declaration.prl"},
                "2": {"name": "entity.name.section.rule-id.prl"},
            },
        },
        {
            "match": r"^[ \t]+([^\W\d]\w*)[ \t]*(:)",
            "captures": {
                "1": {"name": "variable.other.property.prl"},
                "2": {"name": "punctuation.separator.key-value.prl"},
            },
        },
        {
            "match": rf"{_BEFORE}({each})[ \t]+({loops}){_AFTER}",
            "captures": {"1": {"name": "keyword.control.prl"}, "2": {"name": "keyword.other.unit.prl"}},
        },
        {
            "match": rf"\b(is)[ \t]+((?:{tests})(?:[ \t]+(?:{tests}))?){_AFTER}",
            "captures": {
                "1": {"name": "keyword.operator.word.prl"},
                "2": {"name": "keyword.operator.word.prl"},
            },
        },
        _words(kinds["declaration"], "storage.type.declaration"),
        _words(kinds["function"], "support.function.builtin"),
        _words(plain, "constant.language"),
        _words(odd, "constant.language", before=r"(?<![\w/])"),
        _words([w for w in kinds["operator"] if w not in units], "keyword.operator.word"),
        _words(kinds["keyword"], "keyword.control"),
        _words(vocab.types, "support.type"),
        _words(vocab.builtins, "variable.language"),
        {"match": r"\.\.|>=|<=|!=|[=<>≥≤≠+\-*/?]", "name": "keyword.operator.prl"},
    ]
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "PRL",
        "scopeName": SCOPE,
        "fileTypes": ["prl"],
        "comment": "Generated from the parser's grammar: python -m protrules.authoring.textmate",
        "patterns": patterns,
    }


def grammar_json() -> str:
    """The grammar as the text of a ``.tmLanguage.json`` file (deterministic)."""
    return json.dumps(grammar(), ensure_ascii=False, indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the grammar to the file named on the command line (or print it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = grammar_json()
    if not args:
        sys.stdout.write(text)
        return 0
    with open(args[0], "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
