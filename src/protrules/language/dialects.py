"""The Chinese grammar, derived from the English one and the keyword table; which dialect a file is in.

The English grammar (``grammar/prl.lark``) is the one source of the language's syntax. The
Chinese grammar is that text with every keyword phrase replaced by its Chinese word from
:mod:`protrules.language.keywords` — the same rules, the same rule names, so the parser builds
the same syntax tree from either — except a duration's units (Chinese ones only) and
``within``, whose Chinese order differs (:data:`~protrules.language.keywords.ZH_WITHIN`).
A keyword with no Chinese word stops the derivation with an error naming it.

A file is in the dialect of its first word: ``standard`` (or any English keyword) makes it
English, ``标准`` (or any word in Chinese characters) Chinese. A file has one dialect; the
other dialect's keywords are then names, and a syntax error says which word to write instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping

import attrs

from protrules.arguments import refuse
from protrules.errors import ProtrulesError
from protrules.i18n import Message, joined, msg
from protrules.language import nodes as n
from protrules.language.functions import FUNCTIONS
from protrules.language.keywords import DIALECTS, KEYWORDS, NAMES, UNITS, ZH_WITHIN, ZH_WITHIN_END

__all__ = [
    "MissingSpelling",
    "Reading",
    "check_dialect",
    "clashes",
    "detect_dialect",
    "from_english",
    "keyword_hint",
    "spell_name",
    "spellings",
    "to_english",
    "zh_grammar",
]

_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
_RULE_START = re.compile(r"^[?!]?([a-z_][a-z_0-9]*)\s*:")
_TERMINAL_START = re.compile(r"^[A-Z_][A-Z_0-9]*(\.\d+)?\s*:")
_WITHIN = re.compile(r'(\|\s*)range_expr "within" sum "after" range_expr(\s*->\s*)within\b')


class MissingSpelling(Exception):
    """A keyword of the grammar has no Chinese word in the keyword table."""


def _is_word(literal: str) -> bool:
    return any(ch.isalnum() or ch == "_" for ch in literal)


@functools.cache
def _phrases() -> Mapping[str, str]:
    return {k.en: k.zh for k in KEYWORDS}


def _translate_run(words: list[str], rule: str) -> Iterator[str]:
    """The Chinese words of a run of English keywords, each phrase the longest the table has."""
    phrases = _phrases()
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            zh = phrases.get(" ".join(words[i:j]))
            if zh is not None:
                yield zh
                i = j
                break
        else:
            raise MissingSpelling(
                f"the keyword `{words[i]}` (grammar rule `{rule}`) has no Chinese spelling:"
                " add it to protrules.language.keywords.KEYWORDS"
            )


def _translate_line(line: str, rule: str) -> str:
    """A grammar line with each run of keyword literals (``"for" "each"``) spelled in Chinese."""
    out: list[str] = []
    run: list[str] = []
    pos = 0
    for match in _LITERAL.finditer(line):
        between = line[pos : match.start()]
        text = match.group(0)[1:-1]
        if run and between.strip() == "" and _is_word(text):
            run.append(text)
        else:
            if run:
                out.append(" ".join(f'"{w}"' for w in _translate_run(run, rule)))
                run = []
            out.append(between)
            if _is_word(text):
                run = [text]
            else:
                out.append(match.group(0))
        pos = match.end()
    if run:
        out.append(" ".join(f'"{w}"' for w in _translate_run(run, rule)))
    out.append(line[pos:])
    return "".join(out)


def _units_rule(english: list[str]) -> str:
    """The Chinese ``duration_unit`` rule, after checking the English one against the table."""
    written = {m.group(0)[1:-1] for line in english for m in _LITERAL.finditer(line)}
    spelled = {w for u in UNITS for phrase in (*u.en, *u.zh) for w in phrase.split()}
    if written != spelled:
        raise MissingSpelling(
            "the grammar's duration units and protrules.language.keywords.UNITS differ:"
            f" {sorted(written ^ spelled)}"
        )
    return "!duration_unit: " + " | ".join(f'"{w}"' for u in UNITS for w in u.zh)


def zh_grammar(english: str) -> str:
    """The Chinese grammar: ``english`` (the text of ``prl.lark``) with every keyword in Chinese."""
    lines = english.split("\n")
    out: list[str] = []
    rule = ""
    units: list[str] | None = None
    for line in lines:
        start = _RULE_START.match(line)
        if start or _TERMINAL_START.match(line) or line.startswith("%"):
            if units is not None:
                out.append(_units_rule(units))
                units = None
            rule = start.group(1) if start else ""
        if rule == "duration_unit" and (start or line.lstrip().startswith("|")):
            units = [*(units or []), line]
            continue
        if units is not None:
            out.append(_units_rule(units))
            units = None
            rule = ""
        if not rule or line.lstrip().startswith("//"):
            out.append(line)
            continue
        within = _WITHIN.search(line)
        if within:
            line = _WITHIN.sub(rf"\g<1>{ZH_WITHIN}\g<2>within_zh", line)
            if ZH_WITHIN_END not in line:  # pragma: no cover - the table's own constant
                raise MissingSpelling("the Chinese `within` has no closing word")
            out.append(line)
            continue
        out.append(_translate_line(line, rule))
    if units is not None:
        out.append(_units_rule(units))
    text = "\n".join(out)
    if "-> within_zh" not in text:
        raise MissingSpelling("the grammar's `within` is not written as the derivation expects")
    return text


# ------------------------------------------------------------------ which dialect a file is in


def check_dialect(dialect: object, function: str = "parse") -> str:
    """``dialect`` if it is one of the language's dialects; an :class:`ArgumentError` of
    ``function`` otherwise."""
    if not isinstance(dialect, str) or dialect not in DIALECTS:
        refuse(function, "dialect", msg('"en" or "zh"'), dialect)
    return dialect


_FIRST_WORD = re.compile(r"[^\W\d][\w]*")


def detect_dialect(text: str) -> str:
    """The dialect of a rule file: the one its first word is written in (``en`` for an empty file).

    The first word of the first line that is not blank or a comment: an English keyword makes
    the file English; a Chinese keyword, or any word not in ASCII letters, Chinese.
    """
    for raw in text.removeprefix("\ufeff").split("\n"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _FIRST_WORD.match(line)
        if match is None:
            return "en"
        word = match.group(0)
        return "en" if word.isascii() else "zh"
    return "en"


# ------------------------------------------------------------------ words across the dialects


@functools.cache
def _to_english() -> Mapping[str, str]:
    """Chinese word → the English words it spells (the first, for a word two phrases share)."""
    out: dict[str, str] = {}
    for k in KEYWORDS:
        out.setdefault(k.zh, k.en)
    return out


def to_english(word: str) -> str:
    """The English keyword phrase a Chinese keyword spells (``对每个`` → ``for each``), or the word."""
    return _to_english().get(word, word)


@functools.cache
def _from_english() -> Mapping[str, str]:
    out: dict[str, str] = {k.en: k.zh for k in KEYWORDS}
    for name in NAMES:
        out.setdefault(name.en, name.zh)
    return out


def from_english(word: str) -> str | None:
    """The Chinese spelling of an English keyword or phrase, or None."""
    return _from_english().get(word)


def keyword_hint(word: str, expected: list[str], dialect: str) -> Message | None:
    """A hint for a word the parser did not expect: the other dialect's keyword, with this
    dialect's word for it, or a keyword written against a name (``要求会议次数``)."""
    if dialect == "zh" and word.isascii():
        phrases = [k for k in KEYWORDS if k.en.split()[0] == word]
        if phrases:
            spelled = next((k for k in phrases if k.en == word), phrases[0])
            return msg(
                "`{word}` is English, and this file is written in Chinese (its first word is Chinese):"
                " write `{zh}`",
                word=word,
                zh=spelled.zh,
            )
    if dialect == "en" and word in _to_english():
        return msg(
            "`{word}` is Chinese, and this file is written in English (its first word is English):"
            " write `{en}`, or the whole file in Chinese",
            word=word,
            en=to_english(word),
        )
    glued = [k for k in expected if word.startswith(k) and len(word) > len(k)]
    if glued:
        keyword = max(glued, key=len)
        return msg(
            "a keyword is a word of its own: write `{keyword} {rest}`",
            keyword=keyword,
            rest=word[len(keyword) :],
        )
    return None


# ------------------------------------------------------------------ built-in names


@functools.cache
def _names() -> Mapping[str, Mapping[str, str]]:
    """Kind of name ("function", "type", "value", "kind", "calendar") → English → Chinese."""
    out: dict[str, dict[str, str]] = {"function": {f.name: f.zh for f in FUNCTIONS.values()}}
    for name in NAMES:
        out.setdefault(name.group, {})[name.en] = name.zh
    return out


def spell_name(kind: str, name: str, dialect: str) -> str:
    """A built-in name (a function, type, ``as_of``, rule kind, calendar) as ``dialect`` writes
    it; any other name as it is."""
    if dialect == "en":
        return name
    return _names()[kind].get(name, name)


@functools.cache
def spellings() -> str:
    """The Chinese built-in names, as one text: what a checked program read from a Chinese
    file depends on (beside the grammar), for the cache of checked programs."""
    return "\n".join(
        f"{kind} {en} {zh}" for kind, names in sorted(_names().items()) for en, zh in names.items()
    )


class Reading:
    """How the parser reads a dialect's words into the syntax tree, whose words are English.

    The tree holds the English keyword and built-in name whatever the dialect, so that both
    dialects give the same tree. Reading a built-in name written in the other dialect (``count``
    in a Chinese file) gives the name and the spelling to write instead.
    """

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self._english = {kind: {zh: en for en, zh in names.items()} for kind, names in _names().items()}

    def keyword(self, words: str) -> str:
        """The English of a keyword (or phrase) the grammar read: ``对每个`` → ``for each``."""
        return words if self.dialect == "en" else to_english(words)

    def name(self, kind: str, name: str) -> tuple[str, str | None]:
        """The tree's spelling of a name in a place where ``kind`` of built-in may stand, and
        the spelling to write instead when it is the other dialect's built-in (else None)."""
        if self.dialect == "en":
            return name, None
        english = self._english[kind].get(name)
        if english is not None:
            return english, None
        zh = _names()[kind].get(name)
        return name, zh


# ------------------------------------------------------------------ converting a file


@functools.cache
def _reserved_zh() -> Mapping[type, frozenset[str]]:
    """Node type → the Chinese words that would be read as something else where that node's
    name stands (a keyword the grammar accepts there too, or a built-in name)."""
    names = _names()
    starts = frozenset(keyword_zh(w) for w in ("not", "if", "true", "false"))  # may begin an expression
    units = frozenset(k.zh for k in KEYWORDS if k.group == "unit") | {keyword_zh("vacation")}
    return {
        n.Name: starts | {names["value"]["as_of"]},
        n.Call: starts | frozenset(names["function"].values()),
        n.ForFacts: units,
        n.TypeRef: frozenset(names["type"].values()) | {keyword_zh("enum")},
        n.Setting: frozenset(names["calendar"].values()),
        n.RuleSetting: frozenset(names["kind"].values()),
    }


def keyword_zh(en: str) -> str:
    """The Chinese of an English keyword or phrase."""
    return _phrases()[en]


def quoted(keyword: str, dialect: str) -> str:
    """An English keyword as an author of ``dialect`` writes it, in backticks, for a diagnostic
    that names it: `let` / `设`, `for each` / `对每个`."""
    return f"`{keyword_zh(keyword) if dialect == 'zh' else keyword}`"


def _named(node: object) -> Iterator[tuple[str, object]]:
    """Every node of a tree that holds a name where a Chinese keyword or built-in could be read
    instead, with that name."""
    if not attrs.has(type(node)):
        return
    reserved = _reserved_zh()
    if type(node) in reserved:
        name = {
            n.Name: "name", n.Call: "func", n.ForFacts: "var", n.TypeRef: "name",
            n.Setting: "value", n.RuleSetting: "value",
        }[type(node)]  # fmt: skip
        value = getattr(node, name)
        if isinstance(value, str) and not getattr(node, "quoted", False):
            yield value, node
    for field in attrs.fields(type(node)):  # type: ignore[arg-type]  # an attrs class: checked above
        value = getattr(node, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            yield from _named(item)


def clashes(module: n.Module, dialect: str) -> None:
    """Refuse to write ``module`` in ``dialect`` when one of its names would be read there as a
    keyword or built-in (PRL114): a fact type called 季度 in an English file cannot become
    ``对每个 季度`` in a Chinese one. Writing a file in English never clashes: an English file
    reads names as they are."""
    if dialect != "zh":
        return
    reserved = _reserved_zh()
    found: dict[str, int | None] = {}
    for name, node in _named(module):
        if name in reserved[type(node)] and name not in found:
            span = getattr(node, "span", None)
            found[name] = span.line if span is not None else None
    if found:
        where = [
            msg("`{name}` (line {line})", name=name, line=line) if line else msg("`{name}`", name=name)
            for name, line in found.items()
        ]
        raise ProtrulesError(
            msg(
                "cannot write the file in Chinese: {names} would be read as Chinese keywords"
                " or built-in names",
                names=joined(where),
            ),
            code="PRL114",
        )
