"""Messages that render in Chinese or English when they are shown, not when they are made.

A :class:`Message` is a message id (the English text, with ``{name}`` fields) and its
arguments. Diagnostics, errors and reports carry messages, so one result renders in either
language: the command line picks the language a person reads, the language server the
author's. The Chinese text comes from a gettext catalogue (``locale/zh/LC_MESSAGES/
protrules.po``, compiled to ``protrules.mo``) read with the standard library's
:mod:`gettext`; English is the message id itself. ``docs/i18n.md`` says how to add one.

Write ``msg("unknown field `{name}`", name=name)``, never an f-string: the catalogue tools
(Babel's ``pybabel extract -k msg -k msgn:1,2``) find the ids by these calls, and the tests
fail when an id has no Chinese form or the two forms name different fields.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeAlias

__all__ = [
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "Message",
    "Text",
    "check_language",
    "env_language",
    "gettext_for",
    "joined",
    "msg",
    "msgn",
    "render",
]

#: The languages protrules speaks: English (the message ids) and Chinese.
LANGS = ("en", "zh")
DOMAIN = "protrules"
LOCALE_DIR = Path(__file__).parent / "locale"
#: Joins the items of a list argument, per language.
_SEPARATOR = {"en": ", ", "zh": "、"}


class Message:
    """A message id and its arguments; :meth:`render` gives the text in a language.

    Arguments are text, numbers, dates, other messages (rendered in the same language), values
    with a ``__message__()`` method that gives their message (a type says "date" or "日期") or
    tuples of these (joined with the language's list separator). A message with a plural
    form (:func:`msgn`) picks it by ``n`` as gettext does. Equal ids and arguments make
    equal messages, so diagnostics compare and hash as before; ``str()`` is the English text.
    """

    __slots__ = ("args", "id", "n", "plural")

    def __init__(
        self,
        id: str,
        args: Mapping[str, Any] | None = None,
        *,
        plural: str | None = None,
        n: int | None = None,
    ) -> None:
        self.id = id
        self.args: tuple[tuple[str, Any], ...] = tuple(sorted((args or {}).items()))
        self.plural = plural
        self.n = n

    def render(self, lang: str = "en") -> str:
        """The text in ``lang`` (``"en"`` or ``"zh"``)."""
        translate = gettext_for(lang)
        if self.plural is not None:
            template = translate.ngettext(self.id, self.plural, self.n or 0)
        else:
            template = translate.gettext(self.id)
        if not self.args:
            return template
        values = {name: _value(value, lang) for name, value in self.args}
        return template.format(**values)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"msg({self.id!r}{''.join(f', {k}={v!r}' for k, v in self.args)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return (self.id, self.args, self.plural, self.n) == (other.id, other.args, other.plural, other.n)

    def __hash__(self) -> int:
        return hash((self.id, self.args, self.plural, self.n))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.id, self.args, self.plural, self.n))


def _rebuild(id: str, args: tuple[tuple[str, Any], ...], plural: str | None, n: int | None) -> Message:
    return Message(id, dict(args), plural=plural, n=n)


#: What a diagnostic, an error or a report line accepts: a message, or text already final
#: (a rule's own title, a file name) that is the same in every language.
Text: TypeAlias = Message | str


def msg(id: str, /, **args: Any) -> Message:
    """A message: ``msg("unknown field `{name}`", name="metting")``."""
    return Message(id, args)


def msgn(singular: str, plural: str, n: int, /, **args: Any) -> Message:
    """A message with a plural form chosen by ``n`` (``{n}`` is one of its fields)."""
    return Message(singular, {"n": n, **args}, plural=plural, n=n)


def joined(items: Iterable[Any]) -> tuple[Any, ...]:
    """A list argument: its items rendered and joined with ", " in English and "、" in Chinese."""
    return tuple(items)


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.render(lang)
    words = getattr(value, "__message__", None)  # a value that says itself: a type, a period …
    if words is not None:
        return words().render(lang)
    if isinstance(value, tuple | list):
        return _SEPARATOR[lang].join(str(_value(item, lang)) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def render(text: Text | None, lang: str = "en") -> str:
    """A message in ``lang``, or text that is the same in every language, as it is."""
    if text is None:
        return ""
    return text.render(lang) if isinstance(text, Message) else text


def check_language(lang: str) -> str:
    """``lang`` as one of :data:`LANGS`; a locale name (``zh_CN.UTF-8``) or tag (``zh-Hans``) is
    read by its language; any other raises ``ValueError`` naming the choices."""
    base = lang.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    if base in LANGS:
        return base
    raise ValueError(f"unknown language `{lang}` (choose from {', '.join(LANGS)})")


def env_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for: the first set of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``
    (POSIX order) decides — Chinese for ``zh*``, English for anything else or nothing."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


@functools.cache
def gettext_for(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang``: the compiled Chinese one, or the identity for English."""
    if check_language(lang) == "en":
        return gettext.NullTranslations()
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as file:
        return gettext.GNUTranslations(file)
